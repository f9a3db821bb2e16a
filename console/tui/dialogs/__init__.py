"""Modal dialogs: status picker, transfer target, conference invitee, wrap-up code, confirmation, help,
supervisor goals."""

from console.tui.dialogs.confirm import ConfirmDialog
from console.tui.dialogs.help import HelpDialog
from console.tui.dialogs.service_level import PriorityDialog, ServiceLevelDialog
from console.tui.dialogs.status_picker import StatusPicker
from console.tui.dialogs.transfer import ConferenceDialog, TransferDialog
from console.tui.dialogs.wrap_up import NO_CODE, WrapUpDialog

__all__ = [
    "NO_CODE", "ConferenceDialog", "ConfirmDialog", "HelpDialog", "PriorityDialog", "ServiceLevelDialog", "StatusPicker",
    "TransferDialog", "WrapUpDialog",
]

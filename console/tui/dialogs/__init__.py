"""Modal dialogs: status picker, transfer target, wrap-up code, confirmation, help."""

from console.tui.dialogs.confirm import ConfirmDialog
from console.tui.dialogs.help import HelpDialog
from console.tui.dialogs.status_picker import StatusPicker
from console.tui.dialogs.transfer import TransferDialog
from console.tui.dialogs.wrap_up import NO_CODE, WrapUpDialog

__all__ = ["NO_CODE", "ConfirmDialog", "HelpDialog", "StatusPicker", "TransferDialog", "WrapUpDialog"]

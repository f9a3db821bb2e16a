"""Modal dialogs: status picker, transfer target, confirmation, help."""

from console.tui.dialogs.confirm import ConfirmDialog
from console.tui.dialogs.help import HelpDialog
from console.tui.dialogs.status_picker import StatusPicker
from console.tui.dialogs.transfer import TransferDialog

__all__ = ["ConfirmDialog", "HelpDialog", "StatusPicker", "TransferDialog"]

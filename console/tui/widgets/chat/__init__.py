"""Chat windows: transcript, visitor typing, the reply line, one tab per open chat."""

from console.tui.widgets.chat.chat_tabs import ChatTabs
from console.tui.widgets.chat.chat_window import ChatWindow
from console.tui.widgets.chat.transcript import ChatEntry, Transcript

__all__ = ["ChatEntry", "ChatTabs", "ChatWindow", "Transcript"]

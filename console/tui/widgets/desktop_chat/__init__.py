"""Desktop chat with colleagues: contact list, conversations, and the state behind them."""

from console.tui.widgets.desktop_chat.contacts import ContactRow, ContactTree
from console.tui.widgets.desktop_chat.conversation import DeskConversation, DeskEntry, DeskInput, DeskTranscript
from console.tui.widgets.desktop_chat.conversation_tabs import DeskConversationTabs
from console.tui.widgets.desktop_chat.desk_bar import DeskBar
from console.tui.widgets.desktop_chat.desktop_chat import DeskChange, DesktopChat

__all__ = [
    "ContactRow", "ContactTree", "DeskBar", "DeskChange", "DeskConversation", "DeskConversationTabs", "DeskEntry",
    "DeskInput", "DeskTranscript", "DesktopChat",
]

"""e-FAQ sidebar of the chat window."""

from console.tui.widgets.faq.panel import FaqPanel, FaqResults

__all__ = ["FaqPanel", "FaqResults"]

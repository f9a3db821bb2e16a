"""Response Management sidebar of the chat window."""

from console.tui.widgets.responses.panel import ResponseResults, ResponsesPanel, ResponseTreeView

__all__ = ["ResponseResults", "ResponseTreeView", "ResponsesPanel"]

"""The agent's name and ACD status."""

from console.tui.widgets.status.status_bar import AgentStatusBar

__all__ = ["AgentStatusBar"]

"""The console's screens, one per file, each with its layout in a sibling .tcss."""

from console.tui.screens.agent import AgentScreen
from console.tui.screens.login import LoginScreen
from console.tui.screens.supervisor import SupervisorScreen

__all__ = ["AgentScreen", "LoginScreen", "SupervisorScreen"]

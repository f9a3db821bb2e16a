"""The supervisor's widgets: queue dashboard, team table, chat monitor."""

from console.tui.widgets.supervisor.dashboard import QueueDashboard, WorkgroupDetail
from console.tui.widgets.supervisor.monitor import ChatMonitor
from console.tui.widgets.supervisor.team import TeamTable

__all__ = ["ChatMonitor", "QueueDashboard", "TeamTable", "WorkgroupDetail"]

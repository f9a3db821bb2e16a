"""The ACD queues the agent sees: My Interactions and each workgroup queue."""

from console.tui.widgets.queue.queue_table import QueueTable
from console.tui.widgets.queue.queue_view import QueueView

__all__ = ["QueueTable", "QueueView"]

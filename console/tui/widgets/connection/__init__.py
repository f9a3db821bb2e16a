"""How the console's link to the server is doing."""

from console.tui.widgets.connection.banner import ConnectionBanner

__all__ = ["ConnectionBanner"]

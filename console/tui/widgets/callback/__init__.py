"""Callback windows: who asked to be called, about what, the calls made, and the outcome."""

from console.tui.widgets.callback.callback_window import CallbackSummary, CallbackWindow

__all__ = ["CallbackSummary", "CallbackWindow"]

"""Callboard: a contact-center agent and supervisor console for the terminal.

The import package is split by dependency direction: ``core`` is the pure domain,
``server`` the embedded contact-center server, ``client`` the async agent-API client,
``tui`` the Textual console and ``sim`` the visitor traffic simulator.
"""

__version__ = "0.1.0"

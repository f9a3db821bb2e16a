"""Simulated website visitors and colleague agents, talking to a server over HTTP only.

``IwtVisitor`` is one IWT web-chat visitor, as strict about the protocol as real IWT
clients; ``run_visitors`` sends a realistic stream of them at a server; ``run_agents``
signs simulated colleagues in to answer them. Nothing here imports the server: the
simulator sees only what a visitor's browser or a remote console would see.
"""

from __future__ import annotations

from console.sim.visitor import ChatLine, IwtError, IwtFailure, IwtTransportError, IwtVisitor, ProtocolViolation
from console.sim.simulator import Visit, run_visitors
from console.sim.agents import SimAgent, run_agents

__all__ = [
    "ChatLine",
    "IwtError",
    "IwtFailure",
    "IwtTransportError",
    "IwtVisitor",
    "ProtocolViolation",
    "SimAgent",
    "Visit",
    "run_agents",
    "run_visitors",
]

"""Async client of the agent API (httpx + websockets), shared by console, tests and benchmarks."""

from console.client.agent_client import AgentClient, ApiError, ConnectionState, ServerUnreachable

__all__ = ["AgentClient", "ApiError", "ConnectionState", "ServerUnreachable"]

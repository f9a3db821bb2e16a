"""Async client of the agent API: REST calls and the resumable event stream.

The console, the benchmarks and the end-to-end tests all talk to the server through
this class, so reconnect-and-resume is written once. Errors surface as ``ApiError``
(the server refused, with its dotted code) or ``ServerUnreachable`` (no answer at all);
callers show the message and keep whatever the user typed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from console.wire import InteractionDetail, InteractionView, SessionResponse, TranscriptEntry


class ApiError(Exception):
    """The server answered and refused; ``code`` is the documented dotted code."""

    def __init__(self, code: str, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class ServerUnreachable(ApiError):
    """No answer from the server: it is down, restarting, or the network is gone."""

    def __init__(self, message: str) -> None:
        super().__init__("client.unreachable", message)


@dataclass(slots=True)
class ConnectionState:
    """Emitted by ``events()`` between server frames: the stream's health."""

    connected: bool
    detail: str = ""
    attempt: int = 0


class AgentClient:
    """One signed-in console session against one server."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token: str | None = None
        self.session: SessionResponse | None = None
        self.last_seq = 0
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout)
        self._closing = False

    async def aclose(self) -> None:
        self._closing = True
        await self._http.aclose()

    # -- plumbing ---------------------------------------------------------------------
    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None, *,
                    params: dict[str, Any] | None = None, content: bytes | None = None,
                    content_type: str = "application/octet-stream") -> Any:
        """One API call; ``content`` sends raw bytes (file uploads) instead of a JSON ``body``."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if content is not None:
            headers["Content-Type"] = content_type
        try:
            response = await self._http.request(method, f"/api/v1{path}", json=body, params=params,
                                                content=content, headers=headers)
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"Cannot reach the server at {self.base_url}: {exc.__class__.__name__}") from exc
        if response.status_code == 204:
            return None
        try:
            payload = response.json()
        except ValueError:
            raise ApiError("client.bad_response", f"Unexpected answer from the server ({response.status_code}).",
                           response.status_code) from None
        if response.status_code >= 400:
            error = payload.get("error", {}) if isinstance(payload, dict) else {}
            raise ApiError(error.get("code", "http.error"), error.get("message", response.reason_phrase),
                           response.status_code)
        return payload

    # -- session ------------------------------------------------------------------------
    async def login(self, username: str, password: str) -> SessionResponse:
        payload = await self._call("POST", "/session", {"username": username, "password": password})
        self.session = SessionResponse.model_validate(payload)
        self.token = self.session.token
        return self.session

    async def logout(self) -> None:
        if self.token:
            try:
                await self._call("DELETE", "/session")
            finally:
                self.token = None

    # -- statuses and directory ----------------------------------------------------------
    async def statuses(self) -> list[dict[str, Any]]:
        return await self._call("GET", "/statuses")

    async def set_status(self, status: str, username: str = "me") -> dict[str, Any]:
        return await self._call("PUT", f"/agents/{username}/status", {"status": status})

    async def agents(self) -> list[dict[str, Any]]:
        return await self._call("GET", "/agents")

    async def workgroups(self) -> list[dict[str, Any]]:
        return await self._call("GET", "/workgroups")

    # -- queues and interactions -----------------------------------------------------------
    async def queues(self) -> list[dict[str, Any]]:
        return await self._call("GET", "/queues")

    async def queue_interactions(self, queue_id: str) -> list[InteractionView]:
        return [InteractionView.model_validate(i) for i in await self._call("GET", f"/queues/{queue_id}/interactions")]

    async def interaction(self, interaction_id: str) -> InteractionDetail:
        return InteractionDetail.model_validate(await self._call("GET", f"/interactions/{interaction_id}"))

    async def act(self, interaction_id: str, action: str, **body: Any) -> InteractionView:
        payload = await self._call("POST", f"/interactions/{interaction_id}/{action}", body or None)
        return InteractionView.model_validate(payload)

    async def pickup(self, interaction_id: str) -> InteractionView:
        return await self.act(interaction_id, "pickup")

    async def send_message(self, interaction_id: str, text: str) -> TranscriptEntry:
        payload = await self._call("POST", f"/interactions/{interaction_id}/messages", {"text": text})
        return TranscriptEntry.model_validate(payload)

    async def set_typing(self, interaction_id: str, typing: bool) -> None:
        await self._call("POST", f"/interactions/{interaction_id}/typing", {"typing": typing})

    # -- event stream ----------------------------------------------------------------------
    @property
    def events_url(self) -> str:
        scheme = "wss" if self.base_url.startswith("https") else "ws"
        return f"{scheme}{self.base_url[self.base_url.index(':'):]}/api/v1/events"

    async def events(self, *, max_backoff: float = 5.0) -> AsyncIterator[dict[str, Any] | ConnectionState]:
        """Server events forever, reconnecting with resume; ``ConnectionState`` marks changes.

        After a drop the client reconnects with growing pauses (0.25 s doubling up to
        ``max_backoff``) and asks to resume after the last ``seq`` it saw; the server
        answers with what was missed, or with ``resync`` followed by fresh snapshots.
        """
        attempt = 0
        while not self._closing:
            try:
                async with websockets.connect(
                    self.events_url,
                    additional_headers={"Authorization": f"Bearer {self.token}"},
                    open_timeout=5,
                    ping_interval=10,
                    ping_timeout=10,
                    max_size=4 * 1024 * 1024,
                ) as ws:
                    opening = {"op": "resume", "after": self.last_seq} if self.last_seq else {"op": "subscribe"}
                    await ws.send(json.dumps(opening))
                    attempt = 0
                    yield ConnectionState(True)
                    async for raw in ws:
                        frame = json.loads(raw)
                        if "error" in frame:
                            error = frame["error"]
                            raise ApiError(error.get("code", "session.invalid"), error.get("message", ""), 401)
                        seq = frame.get("seq", 0)
                        if frame.get("kind") != "resync" and seq <= self.last_seq:
                            continue  # already seen (duplicate after resume)
                        self.last_seq = seq
                        yield frame
                    if ws.close_code == 4401:
                        raise ApiError("session.invalid", "The session ended; sign in again.", 401)
            except ApiError:
                raise
            except InvalidStatus as exc:
                detail = f"server refused the event stream ({exc.response.status_code})"
            except (OSError, ConnectionClosed, asyncio.TimeoutError, websockets.InvalidHandshake) as exc:
                detail = f"{exc.__class__.__name__}"
            else:
                detail = "event stream closed"
            if self._closing:
                return
            attempt += 1
            yield ConnectionState(False, detail, attempt)
            await asyncio.sleep(min(max_backoff, 0.25 * 2 ** (attempt - 1)))

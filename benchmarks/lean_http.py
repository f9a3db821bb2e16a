"""A minimal keep-alive HTTP/1.1 client for load generation, duck-typed as httpx's.

Profiling the benchmark's load generator showed httpx spending about 1 ms of CPU per
request (pool bookkeeping, cancel scopes, URL and cookie handling), so 600 requests a
second used most of a core and the load generator, not the server, set the latency.
This client does only what the benchmark needs - JSON bodies, Content-Length answers,
connections kept alive - at a small fraction of the cost. ``IwtVisitor`` and
``AgentClient`` use it through the subset of httpx's interface they call; transport
failures are raised as ``httpx.TransportError`` so their error handling is unchanged.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
from typing import Any
from urllib.parse import urlsplit

import httpx


class LeanResponse:
    """What callers read of an answer: status, body, JSON."""

    __slots__ = ("status_code", "reason_phrase", "content", "headers")

    def __init__(self, status_code: int, reason_phrase: str, headers: dict[str, str], content: bytes) -> None:
        self.status_code = status_code
        self.reason_phrase = reason_phrase
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)


class LeanHttp:
    """Keep-alive connections to one origin; as many as there are concurrent requests."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._host_header = f"Host: {parts.netloc}\r\n".encode()

    async def request(
        self, method: str, url: str, *, json: Any = None, headers: dict[str, str] | None = None
    ) -> LeanResponse:
        path = url[len(self.origin):] if url.startswith(self.origin) else self.prefix + url
        body = b"" if json is None else jsonlib.dumps(json).encode()
        head = [f"{method} {path} HTTP/1.1\r\n".encode(), self._host_header]
        if json is not None:
            head.append(b"Content-Type: application/json\r\n")
        if body or method in ("POST", "PUT"):
            head.append(f"Content-Length: {len(body)}\r\n".encode())
        for name, value in (headers or {}).items():
            head.append(f"{name}: {value}\r\n".encode())
        head.append(b"\r\n")
        message = b"".join(head) + body
        try:
            return await asyncio.wait_for(self._exchange(message), self.timeout)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError) as exc:
            raise httpx.ReadError(f"{exc.__class__.__name__}: {exc}") from exc

    async def _exchange(self, message: bytes) -> LeanResponse:
        while self._idle:
            reader, writer = self._idle.pop()
            if reader.at_eof() or writer.is_closing():
                writer.close()  # the server closed it while idle (keep-alive timeout)
                continue
            try:
                return await self._exchange_on(reader, writer, message)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                if getattr(exc, "partial", b""):
                    raise
                # Closed by the server just as we sent: nothing was answered, try a fresh one.
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return await self._exchange_on(reader, writer, message)

    async def _exchange_on(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, message: bytes
    ) -> LeanResponse:
        keep = False
        try:
            writer.write(message)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            _, status, reason = (lines[0].split(" ", 2) + [""])[:3]
            headers = {}
            for line in lines[1:]:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            content = await reader.readexactly(length) if length else b""
            keep = headers.get("connection", "").lower() != "close"
            return LeanResponse(int(status), reason, headers, content)
        finally:
            if keep:
                self._idle.append((reader, writer))
            else:
                writer.close()

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()
        for _, writer in idle:
            try:
                await writer.wait_closed()
            except OSError:
                pass

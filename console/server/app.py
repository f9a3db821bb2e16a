"""The ASGI application: both APIs, error handling, and the contact center's lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from console.core.errors import CallboardError
from console.core.visitor_feed import SystemMessages
from console.server.agent_api import build_agent_router, error_response
from console.server.contact_center import ContactCenter
from console.server.events import EventHub
from console.server.store import SqliteStore
from console.server.visitor_api import build_visitor_router
from console.server.web_chats import WebChats

log = logging.getLogger("callboard.server")

MAX_BODY_BYTES = 64 * 1024
STATIC = Path(__file__).parent / "static"


@dataclass(slots=True)
class ServerSettings:
    data_dir: Path
    session_ttl: float = 12 * 3600
    event_buffer: int = 2000
    trusted_proxies: frozenset[str] = field(default_factory=lambda: frozenset({"127.0.0.1", "::1"}))
    system_messages: SystemMessages = field(default_factory=SystemMessages)

    @property
    def database(self) -> Path:
        return self.data_dir / "callboard.sqlite3"


class BodyLimit:
    """Refuses request bodies over ``MAX_BODY_BYTES`` before they are read into memory."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES) -> None:  # noqa: ANN001 - ASGI app
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            response = error_response("request.too_large", f"Request bodies are at most {self.limit} bytes.")
            return await response(scope, receive, send)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            response = error_response("request.too_large", f"Request bodies are at most {self.limit} bytes.")
            await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def create_app(settings: ServerSettings) -> FastAPI:
    store = SqliteStore(settings.database)
    hub = EventHub(settings.event_buffer)
    center = ContactCenter(store, hub, session_ttl=settings.session_ttl)
    chats = WebChats(center, store, settings.system_messages)
    center.load()
    chats.load()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        center.start()
        try:
            yield
        finally:
            await center.stop()
            store.close()

    app = FastAPI(
        title="Callboard",
        version="0.1.0",
        summary="Contact-center server: agent API (/api/v1) and IWT visitor API (/websvcs).",
        lifespan=lifespan,
    )
    app.state.center = center
    app.state.chats = chats
    app.state.store = store

    @app.exception_handler(CallboardError)
    async def on_callboard_error(request: Request, exc: CallboardError) -> JSONResponse:
        return error_response(exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response("request.malformed", "The body is not valid JSON.")
        parts = []
        for e in errors[:5]:
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body")
            parts.append(f"{where or 'body'}: {e.get('msg', 'invalid')}")
        return error_response("request.invalid", "; ".join(parts) or "Invalid request.")

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http.error")
        return error_response(code, str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return error_response("server.error", "The server failed to handle this request.", 500)

    app.include_router(build_agent_router(center, hub), prefix="/api/v1")
    visitor = build_visitor_router(chats, settings.trusted_proxies)
    app.include_router(visitor, prefix="/websvcs", include_in_schema=True)
    app.include_router(visitor, prefix="/I3Root/Server1/websvcs", include_in_schema=False)

    @app.get("/", include_in_schema=False)
    async def visitor_page() -> FileResponse:
        return FileResponse(STATIC / "chat.html", media_type="text/html")

    app.add_middleware(BodyLimit)
    return app

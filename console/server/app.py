"""The ASGI application: both APIs, error handling, and the contact center's lifespan."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from console.core.callbacks import DEFAULT_SNOOZE_SECONDS
from console.core.errors import CallboardError
from console.core.visitor_feed import SystemMessages
from console.server.agent_api import build_agent_router, error_response
from console.server.contact_center import ContactCenter
from console.server.desktop_chat import DesktopChatSettings, EmbeddedDesktopChat
from console.server.desktop_chat_api import UPLOAD_PATH, build_desktop_chat_router
from console.server.events import EventHub
from console.server.faq import FaqLibrary
from console.server.idle_visitors import IdleVisitors, IdleVisitorSettings
from console.server.library_api import FILE_UPLOAD_PATH, build_library_router
from console.server.response_library import DEFAULT_FILE_LIMIT, ResponseLibrary
from console.server.store import SqliteStore
from console.server.supervisor_api import build_supervisor_router
from console.server.visitor_api import build_visitor_router
from console.server.visitor_limits import VisitorLimits, VisitorLimitSettings
from console.server.web_callbacks import WebCallbacks
from console.server.web_chats import WebChats

log = logging.getLogger("callboard.server")

MAX_BODY_BYTES = 64 * 1024
STATIC = Path(__file__).parent / "static"


@dataclass(slots=True)
class ServerSettings:
    data_dir: Path
    session_ttl: float = 12 * 3600
    event_buffer: int = 2000
    tune_gc: bool = True
    """Tune the process's garbage collector for serving; off when the server shares a process."""
    callback_default_snooze: float = DEFAULT_SNOOZE_SECONDS
    """Snooze for workgroups whose time between callbacks is 0 minutes."""
    trusted_proxies: frozenset[str] = field(default_factory=lambda: frozenset({"127.0.0.1", "::1"}))
    system_messages: SystemMessages = field(default_factory=SystemMessages)
    response_file_limit: int = DEFAULT_FILE_LIMIT
    """Largest file (bytes) a file response may carry; uploads over it get ``response.file_too_large``."""
    desktop_chat: DesktopChatSettings = field(default_factory=DesktopChatSettings)
    """Attachment size limit and types, message retention (``[desktop_chat]`` in the settings file)."""
    visitor_limits: VisitorLimitSettings = field(default_factory=VisitorLimitSettings)
    """Denial-of-service limits on new visitor interactions (``[visitor_limits]``)."""
    idle_visitors: IdleVisitorSettings = field(default_factory=IdleVisitorSettings)
    """Warning and disconnecting idle chat visitors, off by default (``[idle_visitors]``)."""

    @property
    def database(self) -> Path:
        return self.data_dir / "callboard.sqlite3"


class BodyLimit:
    """Refuses request bodies over ``MAX_BODY_BYTES`` before the application sees them.

    A declared ``Content-Length`` over the limit is refused at once. Otherwise the body
    (at most the limit) is read here and handed on whole, so a chunked body that grows
    too large is refused the same way (413 ``request.too_large``) whatever parses it.
    """

    def __init__(self, app, limit: int = MAX_BODY_BYTES,  # noqa: ANN001 - ASGI app
                 files: dict[str, int] | None = None, exempt: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.limit = limit
        self.files = files or {}
        """Paths that take a file as the body, with their own limit (``response.file_too_large``)."""
        self.exempt = exempt
        """POST paths whose routes stream the body and enforce their own limit (desktop-chat files)."""

    async def _too_large(self, scope, receive, send) -> None:
        if scope["path"] in self.files:
            limit = self.files[scope["path"]]
            response = error_response("response.file_too_large", f"Files are at most {limit} bytes.")
        else:
            response = error_response("request.too_large", f"Request bodies are at most {self.limit} bytes.")
        await response(scope, receive, send)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or (scope["method"] == "POST" and scope["path"] in self.exempt):
            return await self.app(scope, receive, send)
        limit = self.files.get(scope["path"], self.limit)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await self._too_large(scope, receive, send)
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                return await self._too_large(scope, receive, send)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _housekeeping(chats: WebChats, limits: VisitorLimits) -> None:
    """Once a minute: forget visitor chats that ended long ago, and addresses gone quiet."""
    while True:
        await asyncio.sleep(60)
        chats.forget_ended()
        limits.forget_quiet()


def tune_garbage_collection() -> None:
    """Fewer, shorter collector pauses on the event loop (a server process only).

    Everything loaded at start (modules, the directory, live state) is moved out of the
    collector's sight, so a full collection no longer walks it; and young collections run
    less often. Measured at 200 chats: no 60-90 ms full-collection pause in a 30 s window.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


def create_app(settings: ServerSettings) -> FastAPI:
    store = SqliteStore(settings.database)
    hub = EventHub(settings.event_buffer)
    center = ContactCenter(
        store, hub, session_ttl=settings.session_ttl, default_snooze=settings.callback_default_snooze
    )
    chats = WebChats(center, store, settings.system_messages)
    callbacks = WebCallbacks(center, store)
    limits = VisitorLimits(center, settings.visitor_limits)
    idle = IdleVisitors(chats, settings.idle_visitors)
    responses = ResponseLibrary(store, center, file_limit=settings.response_file_limit)
    faq = FaqLibrary(store)
    chats.files = responses.file_content
    desk = EmbeddedDesktopChat(store, center, hub, settings.desktop_chat, settings.data_dir / "desktop-chat")
    # The team view shows each agent's desktop-chat presence, and a change redraws their row.
    center.team.presence_of = desk.presence_of
    desk.presence_listeners.append(lambda username, presence: center.team.changed(username))
    center.load()
    chats.load()
    callbacks.load()
    desk.load()
    for name in limits.unknown_queues():
        log.warning("visitor_limits.queues.%s: no workgroup of that name; its caps do nothing", name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store.start_checkpointer()
        if settings.tune_gc:
            tune_garbage_collection()
        center.start()
        loop = asyncio.get_running_loop()
        tasks = [loop.create_task(_housekeeping(chats, limits))]
        if settings.idle_visitors.enabled:
            tasks.append(loop.create_task(idle.run()))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
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
    app.state.callbacks = callbacks
    app.state.visitor_limits = limits
    app.state.idle_visitors = idle
    app.state.store = store
    app.state.desktop_chat = desk

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
        if exc.status_code == 400:
            # FastAPI's own body parsing fails this way on bodies json.loads cannot take
            # (not UTF-8, nested too deep, numbers too long): the body is malformed.
            return error_response("request.malformed", "The body is not valid JSON.")
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http.error")
        return error_response(code, str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return error_response("server.error", "The server failed to handle this request.", 500)

    app.include_router(build_desktop_chat_router(desk), prefix="/api/v1")
    app.include_router(build_agent_router(center, hub), prefix="/api/v1")
    app.include_router(build_supervisor_router(center), prefix="/api/v1/supervisor")
    app.include_router(build_library_router(responses, faq), prefix="/api/v1")
    visitor = build_visitor_router(chats, callbacks, settings.trusted_proxies)
    # Mounted, not included: plain Starlette routes (see build_visitor_router), so they are
    # documented in docs/visitor-api.md rather than in the OpenAPI schema.
    app.mount("/websvcs", visitor)
    app.mount("/I3Root/Server1/websvcs", visitor)

    @app.get("/", include_in_schema=False)
    async def visitor_page() -> Response:
        page = STATIC / "chat.html"
        if not page.is_file():  # a build without the page answers 404, not a crash
            return error_response("not_found", "No visitor page is installed.", 404)
        return FileResponse(page, media_type="text/html")

    app.add_middleware(BodyLimit, files={FILE_UPLOAD_PATH: settings.response_file_limit},
                       exempt=frozenset({UPLOAD_PATH}))
    return app

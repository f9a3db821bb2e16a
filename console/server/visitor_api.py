"""The visitor API: Genesys Interaction Web Tools ``websvcs``, JSON flavour.

Real IWT clients treat any non-200 answer as a transport failure, so application errors
are HTTP 200 with ``status.type = "failure"`` and a dotted ``reason.code``. Requests are
parsed by hand rather than by pydantic models because IWT field names are not uniform
(``targetType`` and ``targettype``) and a malformed request must still get an IWT answer.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router

from console.core.errors import CallboardError
from console.wire import MAX_MESSAGE_CHARS
from console.server.contact_center import VisitorRequest
from console.server.web_callbacks import WebCallbacks
from console.server.web_chats import WebChats

CFG_VER = 1
POLL_WAIT_MS = 1000
"""What we suggest between polls; IWT's own default (MaxPollFrequency) is 2000 ms."""
MAX_NAME_CHARS = 200
MAX_ATTRIBUTES = 50
MAX_ATTRIBUTE_CHARS = 2000

CAPABILITIES = {
    "common": [],
    "chat": [
        "start", "reconnect", "poll", "sendMessage", "setTypingState", "exit",
        "supportAuthenticationAnonymous",
    ],
    "callback": [
        "create", "status", "reconnect", "disconnect", "supportAuthenticationAnonymous",
    ],
    "queueQuery": ["supportAuthenticationAnonymous"],
}

IWT_CODES = {
    "target.unknown": "error.websvc.unknownEntity.badTarget",
    "participant.unknown": "error.websvc.unknownEntity.participant",
    "participant.ended": "error.websvc.unknownEntity.participant",
    "chat.unknown": "error.websvc.unknownEntity.session",
    "callback.unknown": "error.websvc.unknownEntity.session",
    "callback.telephone_invalid": "error.websvc.content.invalid.missingData",
    "callback.subject_too_long": "error.websvc.general",
    "content.missing": "error.websvc.content.invalid.missingData",
    "content.type": "error.websvc.contentType.invalidContentType",
    "content.charset": "error.websvc.contentType.invalidCharset",
    "content.too_long": "error.websvc.general",
    "auth.unsupported": "error.websvc.unsupportedOperation",
    # Visitor limits (visitor_limits.py). A full server or queue is "unavailable": IWT clients
    # fail over to another server, which may have room. Too many from one address is the
    # visitor's own doing: failing over would only carry a flood to the next server.
    "visitor.limit.server": "error.websvc.unavailable",
    "visitor.limit.queue": "error.websvc.unavailable",
    "visitor.limit.address": "error.websvc.general",
    "visitor.limit.burst": "error.websvc.general",
}


class VisitorRequestError(CallboardError):
    """A visitor request we cannot act on; reported in IWT form."""


def _iwt(outer: str, fields: dict[str, Any] | None = None, *, events: list | None = None) -> JSONResponse:
    body: dict[str, Any] = {"status": {"type": "success"}, "pollWaitSuggestion": POLL_WAIT_MS, "cfgVer": CFG_VER}
    if events is not None:
        body["events"] = events
    if fields:
        body.update(fields)
    return JSONResponse({outer: body})


def _failure(outer: str, error: CallboardError) -> JSONResponse:
    code = IWT_CODES.get(error.code, "error.websvc.general")
    body: dict[str, Any] = {
        "status": {"type": "failure", "reason": {"code": code, "message": error.message}},
        "pollWaitSuggestion": POLL_WAIT_MS,
        "cfgVer": CFG_VER,
    }
    if outer == "chat":
        body["events"] = []
    return JSONResponse({outer: body})


async def _json_body(request: Request, *, required: bool = True) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        if required:
            raise VisitorRequestError("content.missing", "The request has no body.")
        return {}
    content_type = request.headers.get("content-type", "")
    media, _, params = content_type.partition(";")
    if media.strip().lower() not in ("application/json", "text/plain", ""):
        raise VisitorRequestError("content.type", f"Send application/json, not {media.strip()!r}.")
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise VisitorRequestError("content.charset", "Send the body in UTF-8.")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise VisitorRequestError("content.missing", "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise VisitorRequestError("content.missing", "The body must be a JSON object.")
    return body


def _text(body: dict[str, Any], key: str, *, required: bool = True, limit: int = MAX_NAME_CHARS) -> str:
    value = body.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise VisitorRequestError("content.missing", f"{key!r} is required.")
        return ""
    if not isinstance(value, str):
        raise VisitorRequestError("content.missing", f"{key!r} must be a string.")
    if len(value) > limit:
        raise VisitorRequestError("content.too_long", f"{key!r} is longer than {limit} characters.")
    return value


def _attributes(body: dict[str, Any]) -> dict[str, str]:
    raw = body.get("attributes") or {}
    if not isinstance(raw, dict) or len(raw) > MAX_ATTRIBUTES:
        raise VisitorRequestError("content.missing", "'attributes' must be an object of at most 50 strings.")
    out: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str | int | float | bool) or len(str(value)) > MAX_ATTRIBUTE_CHARS:
            raise VisitorRequestError("content.missing", f"Attribute {key!r} must be a short string.")
        out[str(key)[:100]] = str(value)
    custom = body.get("customInfo")
    if isinstance(custom, str) and custom:
        out.setdefault("customInfo", custom[:MAX_ATTRIBUTE_CHARS])
    return out


def _routing_contexts(body: dict[str, Any]) -> list[tuple[str, str]]:
    raw = body.get("routingContexts") or []
    if not isinstance(raw, list):
        raise VisitorRequestError("content.missing", "'routingContexts' must be a list.")
    out = []
    for item in raw[:20]:
        if not isinstance(item, dict):
            raise VisitorRequestError("content.missing", "Each routing context is {category, context}.")
        out.append((str(item.get("category", ""))[:100], str(item.get("context", ""))[:100]))
    return out


def _visitor_request(body: dict[str, Any], request: Request, trusted_proxies: frozenset[str]) -> tuple[VisitorRequest, dict]:
    """The parts of chat/start and callback/create that are the same; also the participant."""
    participant = body.get("participant")
    if not isinstance(participant, dict):
        raise VisitorRequestError("content.missing", "'participant' is required.")
    if participant.get("credentials"):
        raise VisitorRequestError("auth.unsupported", "Only anonymous visitors are supported.")
    visitor = VisitorRequest(
        name=_text(participant, "name", required=False) or "Anonymous User",
        target=_text(body, "target"),
        # The official client spells it targetType for chats and targettype for callbacks.
        target_type=_text({"targetType": body.get("targetType", body.get("targettype"))}, "targetType"),
        language=_text(body, "language", required=False, limit=35),
        attributes=_attributes(body),
        routing_contexts=tuple(_routing_contexts(body)),
        address=visitor_address(request, trusted_proxies),
    )
    return visitor, participant


def visitor_address(request: Request, trusted_proxies: frozenset[str]) -> str:
    """The visitor's IP, read through trusted reverse proxies.

    Proxies append the peer they heard from to ``X-Forwarded-For``, so the list is walked
    from the right while the hop is a trusted proxy; the first untrusted hop is the
    visitor. Anything further left was written by the visitor and cannot be believed.
    """
    address = request.client.host if request.client else ""
    forwarded = request.headers.get("x-forwarded-for")
    if not forwarded or address not in trusted_proxies:
        return address
    for hop in reversed([h.strip() for h in forwarded.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break
        address = hop
        if hop not in trusted_proxies:
            break
    return address


def build_visitor_router(chats: WebChats, callbacks: WebCallbacks, trusted_proxies: frozenset[str]) -> Router:
    """The IWT calls as plain Starlette routes.

    Visitors poll every second or so; FastAPI's dependency solving and route wrapping
    would be most of the cost of such a small request, and nothing here needs them.
    """
    routes: list[Route] = []

    def route(path: str, *methods: str):
        def register(handler):
            async def endpoint(request: Request) -> Response:
                return await handler(request, **request.path_params)

            routes.append(Route(path, endpoint, methods=list(methods)))
            return handler

        return register

    @route("/serverConfiguration", "GET")
    async def server_configuration(request: Request) -> JSONResponse:
        return JSONResponse([{"serverConfiguration": {"cfgVer": CFG_VER, "capabilities": CAPABILITIES}}])

    @route("/chat/start", "POST")
    async def chat_start(request: Request) -> JSONResponse:
        try:
            body = await _json_body(request)
            visitor, _ = _visitor_request(body, request, trusted_proxies)
            chat = chats.start(visitor, email=_text(body, "emailAddress", required=False),
                               websvcs=request.scope.get("root_path") or "/websvcs")
        except CallboardError as error:
            return _failure("chat", error)
        return _iwt(
            "chat",
            {
                "participantID": chat.participant_id,
                "chatID": chat.chat_id,
                "dateFormat": "M/d/yyyy",
                "timeFormat": "h:mm:ss tt",
            },
            events=chats.poll(chat.participant_id),
        )

    @route("/chat/reconnect", "POST")
    async def chat_reconnect(request: Request) -> JSONResponse:
        try:
            body = await _json_body(request)
            chat = chats.reconnect(_text(body, "chatID"))
        except CallboardError as error:
            return _failure("chat", error)
        return _iwt("chat", {"participantID": chat.participant_id, "chatID": chat.chat_id}, events=chats.poll(chat.participant_id))

    @route("/chat/poll/{participant_id}", "GET", "POST")
    async def chat_poll(request: Request, participant_id: str) -> JSONResponse:
        try:
            events = chats.poll(participant_id)
        except CallboardError as error:
            return _failure("chat", error)
        return _iwt("chat", events=events)

    @route("/chat/sendMessage/{participant_id}", "POST")
    async def chat_send(request: Request, participant_id: str) -> JSONResponse:
        try:
            chats.chat_of(participant_id)
            body = await _json_body(request)
            message = _text(body, "message", limit=MAX_MESSAGE_CHARS)
            events = chats.send(participant_id, message)
        except CallboardError as error:
            return _failure("chat", error)
        return _iwt("chat", events=events)

    @route("/chat/setTypingState/{participant_id}", "POST")
    async def chat_typing(request: Request, participant_id: str) -> JSONResponse:
        try:
            chats.chat_of(participant_id)
            body = await _json_body(request)
            value = body.get("typingIndicator")
            if not isinstance(value, bool):
                raise VisitorRequestError("content.missing", "'typingIndicator' must be true or false.")
            events = chats.set_typing(participant_id, value)
        except CallboardError as error:
            return _failure("chat", error)
        return _iwt("chat", events=events)

    @route("/chat/exit/{participant_id}", "POST")
    async def chat_exit(request: Request, participant_id: str) -> JSONResponse:
        try:
            events = chats.exit(participant_id)
        except CallboardError as error:
            return _failure("chat", error)
        return _iwt("chat", events=events)

    @route("/chat/getFile/{participant_id}/{file_id}/{name}", "GET")
    async def chat_get_file(request: Request, participant_id: str, file_id: str, name: str) -> Response:
        try:
            file_name, content_type, data = chats.file_for(participant_id, file_id, name)
        except CallboardError as error:
            # A link that leads nowhere: 404, with the IWT failure body for clients that read it.
            failure = _failure("chat", error)
            failure.status_code = 404
            return failure
        return Response(data, headers={
            "Content-Type": content_type,
            # Always a download, never a page of ours: uploaded HTML or SVG must not run here.
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file_name, safe='')}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
        })

    @route("/callback/create", "POST")
    async def callback_create(request: Request) -> JSONResponse:
        try:
            body = await _json_body(request)
            visitor, participant = _visitor_request(body, request, trusted_proxies)
            subject = body.get("subject", "")
            if not isinstance(subject, str):
                raise VisitorRequestError("content.missing", "'subject' must be a string.")
            record = callbacks.create(
                visitor, telephone=_text(participant, "telephone", limit=40), subject=subject
            )
        except CallboardError as error:
            return _failure("callback", error)
        return _iwt("callback", {"participantID": record.participant_id, "callbackID": record.callback_id})

    @route("/callback/status/{participant_id}", "GET", "POST")
    async def callback_status(request: Request, participant_id: str) -> JSONResponse:
        try:
            fields = callbacks.status(participant_id)
        except CallboardError as error:
            return _failure("callback", error)
        return _iwt("callback", fields)

    @route("/callback/reconnect", "POST")
    async def callback_reconnect(request: Request) -> JSONResponse:
        try:
            body = await _json_body(request)
            record = callbacks.reconnect(_text(body, "callbackID"))
        except CallboardError as error:
            return _failure("callback", error)
        return _iwt("callback", {"participantID": record.participant_id})

    @route("/callback/disconnect/{participant_id}", "POST")
    async def callback_disconnect(request: Request, participant_id: str) -> JSONResponse:
        try:
            callbacks.cancel(participant_id)
        except CallboardError as error:
            return _failure("callback", error)
        return _iwt("callback")

    @route("/queue/query", "POST")
    async def queue_query(request: Request) -> JSONResponse:
        try:
            body = await _json_body(request)
            name = _text(body, "queueName")
            queue_type = _text(body, "queueType", required=False) or "Workgroup"
            if queue_type.lower() != "workgroup":
                raise VisitorRequestError("target.unknown", "Only workgroup queues can be queried.")
            chats.center.check_target(name, "Workgroup")
        except CallboardError as error:
            return _failure("queue", error)
        return _iwt(
            "queue",
            {
                "agentsAvailable": chats.center.agents_available(name),
                "estimatedWaitTime": chats.estimated_wait(name),
            },
        )

    return Router(routes)

"""The agent API (``/api/v1``): sessions, statuses, queues, interactions, the event stream.

Every call but sign-in carries a bearer token. Errors are JSON
``{"error": {"code": "dotted.code", "message": "..."}}`` with a fitting 4xx status; the
mapping from code to status is ``STATUS_OF`` below and is documented in ``docs/api.md``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from console.core.errors import CallboardError
from console.server.contact_center import Agent, ContactCenter
from console.server.events import EventHub
from console.wire import (
    MAX_MESSAGE_CHARS,
    AgentStatusView,
    CallbackOutcomeRequest,
    ConferenceRequest,
    InteractionDetail,
    InteractionView,
    MessageRequest,
    QueueInfo,
    SessionRequest,
    SessionResponse,
    StatusInfo,
    StatusRequest,
    TranscriptEntry,
    TransferRequest,
    TypingRequest,
    UserInfo,
)

STATUS_OF = {
    "request.malformed": 400,
    "request.invalid": 422,
    "request.too_large": 413,
    "session.required": 401,
    "session.invalid": 401,
    "session.expired": 401,
    "session.bad_credentials": 401,
    "permission.denied": 403,
    "interaction.not_yours": 403,
    "agent.not_found": 404,
    "queue.not_found": 404,
    "interaction.not_found": 404,
    "interaction.unknown_action": 404,
    "status.unknown": 422,
    "status.not_selectable": 422,
    "message.too_long": 422,
    "message.empty": 422,
    "interaction.transfer.target_required": 422,
    "interaction.transfer.unknown_target": 422,
    "interaction.transfer.same_agent": 422,
    "interaction.action_not_allowed": 409,
    "callback.retries_exhausted": 409,
    "interaction.wrap_up_unknown": 422,
    "interaction.transfer.target_unavailable": 409,
    "agent.not_signed_in": 409,
    "agent.no_sign_out_pending": 409,
    "supervisor.not_participating": 409,
    "interaction.priority_out_of_range": 422,
    "interaction.conference.unknown_target": 422,
    "interaction.conference.target_unavailable": 409,
    "interaction.conference.already_in": 409,
    "interaction.conference.not_invited": 409,
    # Response Management and e-FAQ (console/server/library_api.py)
    "search.query_too_long": 422,
    "response.not_found": 404,
    "response.library_not_found": 404,
    "response.category_not_found": 404,
    "response.file_not_found": 404,
    "response.shortcut_unknown": 404,
    "response.title_empty": 422,
    "response.text_empty": 422,
    "response.text_too_long": 422,
    "response.url_invalid": 422,
    "response.file_required": 422,
    "response.shortcut_invalid": 422,
    "response.shortcut_taken": 409,
    "response.placeholder_unknown": 422,
    "response.library_name_empty": 422,
    "response.library_name_taken": 409,
    "response.workgroup_unknown": 422,
    "response.category_name_empty": 422,
    "response.category_not_empty": 409,
    "response.category_cycle": 422,
    "response.file_name_invalid": 422,
    "response.file_empty": 422,
    "response.file_too_large": 413,
    "faq.database_not_found": 404,
    "faq.entry_not_found": 404,
    "faq.database_name_empty": 422,
    "faq.database_name_taken": 409,
    "faq.question_empty": 422,
    "faq.answer_empty": 422,
    "faq.text_too_long": 422,
    # Desktop chat (console/server/desktop_chat_api.py)
    "desk.not_signed_in": 409,
    "desk.user.unknown": 404,
    "desk.recipient_self": 422,
    "desk.recipient_offline": 409,
    "desk.presence.unknown": 422,
    "desk.group.not_found": 404,
    "desk.group.duplicate": 409,
    "desk.group.name_invalid": 422,
    "desk.group.target_required": 422,
    "desk.contact.not_found": 404,
    "desk.contact.duplicate": 409,
    "desk.contact.self": 422,
    "desk.contact.name_invalid": 422,
    "desk.roster.full": 409,
    "desk.attachment.too_large": 413,
    "desk.attachment.type_not_allowed": 415,
    "desk.attachment.name_invalid": 422,
    "desk.attachment.not_found": 404,
    "desk.attachment.answered": 409,
    "desk.attachment.incomplete": 400,
}

ACTION_BODIES = {
    "transfer": TransferRequest,
    "conference": ConferenceRequest,
    "cancel_invitation": ConferenceRequest,
    "complete": CallbackOutcomeRequest,
    "fail": CallbackOutcomeRequest,
}
"""Actions that take a body, and its model; the others take none."""

EVENT_OPEN_GRACE = 1.0
"""Seconds the event socket waits for an opening ``subscribe``/``resume`` before snapshots."""


def error_response(code: str, message: str, status: int | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}},
        status_code=status or STATUS_OF.get(code, 400),
    )


async def current_agent(request: Request, authorization: Annotated[str | None, Header()] = None) -> tuple[Agent, str]:
    """The signed-in agent and session id behind the request's bearer token."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise CallboardError("session.required", "Sign in first: send 'Authorization: Bearer <token>'.")
    return request.app.state.center.authenticate(authorization[7:].strip())


Auth = Annotated[tuple[Agent, str], Depends(current_agent)]


def build_agent_router(center: ContactCenter, hub: EventHub) -> APIRouter:
    router = APIRouter()

    # -- session -----------------------------------------------------------------------
    @router.post("/session", response_model=SessionResponse)
    async def sign_in(body: SessionRequest) -> dict[str, Any]:
        token, expires, agent = center.login(body.username, body.password)
        return {"token": token, "expires_at": expires, "user": agent.info()}

    @router.get("/session", response_model=UserInfo)
    async def who_am_i(auth: Auth) -> dict[str, Any]:
        return auth[0].info()

    @router.delete("/session", status_code=204)
    async def sign_out(auth: Auth) -> Response:
        center.logout(auth[1])
        return Response(status_code=204)

    # -- statuses ----------------------------------------------------------------------
    @router.get("/statuses", response_model=list[StatusInfo])
    async def statuses(auth: Auth) -> list[dict[str, Any]]:
        return [s.to_dict() for s in center.statuses.statuses]

    @router.get("/agents/me/status", response_model=AgentStatusView)
    async def my_status(auth: Auth) -> dict[str, Any]:
        return center.status_view(auth[0])

    @router.put("/agents/me/status", response_model=AgentStatusView)
    async def set_my_status(body: StatusRequest, auth: Auth) -> dict[str, Any]:
        return center.status_view(center.change_status(auth[0], auth[0].username, body.status))

    @router.put("/agents/{username}/status", response_model=AgentStatusView)
    async def set_status(username: str, body: StatusRequest, auth: Auth) -> dict[str, Any]:
        return center.status_view(center.change_status(auth[0], username, body.status))

    @router.get("/agents")
    async def directory(auth: Auth) -> list[dict[str, Any]]:
        """Colleagues to transfer to or invite: name, role, status and whether they are signed in."""
        return [
            {
                "username": a.username,
                "name": a.name,
                "workgroups": sorted(a.workgroups),
                "role": a.role,
                "status": a.status,
                "signed_in": bool(a.sessions),
            }
            for a in sorted(center.agents.values(), key=lambda a: a.name)
        ]

    @router.get("/workgroups")
    async def workgroups(auth: Auth) -> list[dict[str, Any]]:
        return [
            {"name": wg.name, "chat_enabled": wg.chat_enabled, "agents_available": center.agents_available(wg.name)}
            for wg in center.workgroups.values()
        ]

    # -- queues and interactions -----------------------------------------------------------
    @router.get("/queues", response_model=list[QueueInfo])
    async def queues(auth: Auth) -> list[dict[str, str]]:
        return center.queues_of(auth[0])

    @router.get("/queues/{queue_id}/interactions", response_model=list[InteractionView])
    async def queue_interactions(queue_id: str, auth: Auth) -> list[dict[str, Any]]:
        return center.queue_contents(auth[0], queue_id)

    @router.get("/interactions/{interaction_id}", response_model=InteractionDetail)
    async def interaction(interaction_id: str, auth: Auth) -> dict[str, Any]:
        return center.detail(auth[0], interaction_id)

    @router.post(
        "/interactions/{interaction_id}/messages",
        status_code=201,
        response_model=None,
        responses={201: {"model": TranscriptEntry, "description": "The transcript entry"}},
    )
    async def send_message(interaction_id: str, body: MessageRequest, auth: Auth) -> JSONResponse:
        # The hottest agent call: the entry is built by the server, so it is sent as is
        # rather than validated again through the response model.
        if not body.text.strip():
            raise CallboardError("message.empty", "The message is empty.")
        check_message_length(body.text)
        return JSONResponse(center.agent_message(auth[0], interaction_id, body.text), status_code=201)

    @router.post("/interactions/{interaction_id}/typing", status_code=204)
    async def typing(interaction_id: str, body: TypingRequest, auth: Auth) -> Response:
        center.agent_typing(auth[0], interaction_id, body.typing)
        return Response(status_code=204)

    @router.post("/interactions/{interaction_id}/{action}", response_model=InteractionView)
    async def act(interaction_id: str, action: str, request: Request, auth: Auth) -> dict[str, Any]:
        body: dict[str, Any] = {}
        model = ACTION_BODIES.get(action)
        if model is not None:
            raw = await request.body()
            try:
                body = model.model_validate_json(raw or b"{}").model_dump()
            except ValidationError as exc:
                errors = exc.errors()
                if any(e.get("type") == "json_invalid" for e in errors):
                    raise CallboardError("request.malformed", "The body is not valid JSON.") from None
                detail = "; ".join(
                    f"{'.'.join(str(p) for p in e.get('loc', ())) or 'body'}: {e.get('msg', 'invalid')}"
                    for e in errors[:5]
                )
                raise CallboardError("request.invalid", f"Invalid {action} request: {detail}") from None
        return center.act(auth[0], interaction_id, action, body)

    # -- event stream --------------------------------------------------------------------
    @router.websocket("/events")
    async def events(websocket: WebSocket) -> None:
        token = websocket.query_params.get("token") or ""
        header = websocket.headers.get("authorization", "")
        if not token and header.lower().startswith("bearer "):
            token = header[7:].strip()
        await websocket.accept()
        try:
            agent, session_id = center.authenticate(token)
        except CallboardError as error:
            await websocket.send_text(json.dumps({"error": {"code": error.code, "message": error.message}}))
            await websocket.close(code=4401)
            return
        stream = hub.stream(session_id, agent.username)
        outbox = stream.attach()
        try:
            after = await _opening(websocket)
            missed = stream.missed_since(after) if after is not None else None
            if missed is None:
                # Replace anything queued by now with a clean start: resync (when asked to
                # resume) then snapshots; events published later follow them in order.
                while not outbox.empty():
                    outbox.get_nowait()
                if after is not None:
                    stream.emit("session", "resync", {"reason": "buffer no longer holds the events after seq"})
                for topic, data in [*center.snapshot_frames(agent), *hub.feature_snapshots(agent.username)]:
                    stream.emit(topic, "snapshot", data)
            else:
                while not outbox.empty():
                    outbox.get_nowait()
                for frame in missed:
                    await websocket.send_text(frame)
            reader = asyncio.create_task(_drain_client(websocket, outbox))
            try:
                while True:
                    frame = await outbox.get()
                    if frame is None:  # the client went away
                        break
                    if not frame:  # the session ended
                        await websocket.close(code=4401)
                        break
                    await websocket.send_text(frame)
            finally:
                reader.cancel()
        except WebSocketDisconnect:
            pass
        finally:
            stream.detach(outbox)

    return router


async def _opening(websocket: WebSocket) -> int | None:
    """The client's opening frame: ``resume`` gives the last seq it holds."""
    try:
        raw = await asyncio.wait_for(websocket.receive_text(), timeout=EVENT_OPEN_GRACE)
    except asyncio.TimeoutError:
        return None
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    if isinstance(message, dict) and message.get("op") == "resume":
        after = message.get("after")
        if isinstance(after, int) and not isinstance(after, bool):
            return after
    return None


async def _drain_client(websocket: WebSocket, outbox: asyncio.Queue) -> None:
    """Reads (and ignores) client frames so a close is noticed at once, then says so."""
    try:
        while True:
            await websocket.receive_text()
    except (WebSocketDisconnect, RuntimeError):
        outbox.put_nowait(None)


def check_message_length(text: str) -> None:
    if len(text) > MAX_MESSAGE_CHARS:
        raise CallboardError("message.too_long", f"Messages are at most {MAX_MESSAGE_CHARS} characters.")


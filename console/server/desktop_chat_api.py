"""The desktop-chat part of the agent API: ``/api/v1/desktop-chat/...``.

Every route acts for the signed-in user behind the bearer token and calls the
``DesktopChatService`` interface only, so another implementation (an XMPP server) can
stand behind the same routes. Errors follow the agent API's conventions
(``docs/api.md``); the ``desk.*`` codes are listed in ``STATUS_OF``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.requests import ClientDisconnect

from console.core.desktop_chat import DesktopChatService, GroupTarget, parse_presence
from console.core.errors import CallboardError
from console.server.agent_api import Auth
from console.wire_desktop_chat import (
    AddContactRequest,
    DeleteContactsRequest,
    DeskMe,
    DeskMessage,
    DeskMessageRequest,
    DeskRoster,
    DeskSnapshot,
    DeskTypingRequest,
    DirectoryEntry,
    EditContactRequest,
    GroupRequest,
    MoveContactsRequest,
    PresenceRequest,
)

PREFIX = "/desktop-chat"
UPLOAD_PATH = "/api/v1/desktop-chat/attachments"
"""Where files are uploaded; exempt from the general body limit, it enforces its own."""

Username = Annotated[str, Query(min_length=1, max_length=100)]
PathId = Annotated[int, Path(ge=1, le=2**53)]


def _target(group_id: int | None, new_group: str | None) -> GroupTarget:
    return GroupTarget(group_id=group_id, new_group=new_group)


def build_desktop_chat_router(desk: DesktopChatService) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["desktop chat"])

    # -- presence ----------------------------------------------------------------------
    @router.get("", response_model=DeskSnapshot)
    async def state(auth: Auth) -> dict[str, Any]:
        """Me, my contacts and Recent Chats, and the attachment rules (as the stream's snapshot)."""
        return desk.snapshot(auth[0].username)

    @router.post("/session", response_model=DeskMe)
    async def sign_in(auth: Auth) -> dict[str, Any]:
        return desk.sign_in(auth[0].username)

    @router.delete("/session", response_model=DeskMe)
    async def sign_out(auth: Auth) -> dict[str, Any]:
        return desk.sign_out(auth[0].username)

    @router.put("/presence", response_model=DeskMe)
    async def set_presence(body: PresenceRequest, auth: Auth) -> dict[str, Any]:
        return desk.set_presence(auth[0].username, parse_presence(body.presence))

    # -- directory, contacts, groups -------------------------------------------------------
    @router.get("/directory", response_model=list[DirectoryEntry])
    async def directory(auth: Auth, q: Annotated[str, Query(max_length=100)] = "") -> list[dict[str, Any]]:
        return desk.search(auth[0].username, q)

    @router.get("/roster", response_model=DeskRoster)
    async def roster(auth: Auth) -> dict[str, Any]:
        return desk.roster(auth[0].username)

    @router.post("/groups", response_model=DeskRoster, status_code=201)
    async def create_group(body: GroupRequest, auth: Auth) -> dict[str, Any]:
        return desk.create_group(auth[0].username, body.name)

    @router.patch("/groups/{group_id}", response_model=DeskRoster)
    async def rename_group(group_id: PathId, body: GroupRequest, auth: Auth) -> dict[str, Any]:
        return desk.rename_group(auth[0].username, group_id, body.name)

    @router.delete("/groups/{group_id}", response_model=DeskRoster)
    async def delete_group(group_id: PathId, auth: Auth) -> dict[str, Any]:
        return desk.delete_group(auth[0].username, group_id)

    @router.post("/contacts", response_model=DeskRoster, status_code=201)
    async def add_contact(body: AddContactRequest, auth: Auth) -> dict[str, Any]:
        return desk.add_contact(auth[0].username, body.username, body.display_name,
                                _target(body.group_id, body.new_group))

    @router.patch("/contacts/{username}", response_model=DeskRoster)
    async def edit_contact(username: Annotated[str, Path(max_length=100)], body: EditContactRequest, auth: Auth) -> dict[str, Any]:
        moving = body.to_group_id is not None or body.new_group is not None
        target = _target(body.to_group_id, body.new_group) if moving else None
        return desk.edit_contact(auth[0].username, username, body.group_id, body.display_name, target)

    @router.post("/contacts/move", response_model=DeskRoster)
    async def move_contacts(body: MoveContactsRequest, auth: Auth) -> dict[str, Any]:
        entries = [(c.username, c.group_id) for c in body.contacts]
        return desk.move_contacts(auth[0].username, entries, _target(body.group_id, body.new_group))

    @router.post("/contacts/delete", response_model=DeskRoster)
    async def delete_contacts(body: DeleteContactsRequest, auth: Auth) -> dict[str, Any]:
        return desk.delete_contacts(auth[0].username, [(c.username, c.group_id) for c in body.contacts])

    # -- conversations ----------------------------------------------------------------------
    @router.post("/messages", status_code=201, response_model=None,
                 responses={201: {"model": DeskMessage, "description": "The message as delivered"}})
    async def send_message(body: DeskMessageRequest, auth: Auth) -> JSONResponse:
        return JSONResponse(desk.send_message(auth[0].username, body.to, body.text), status_code=201)

    @router.get("/messages", response_model=None,
                responses={200: {"model": list[DeskMessage], "description": "My messages of this session"}})
    async def messages(auth: Auth, after: Annotated[int, Query(ge=0, le=2**53)] = 0) -> JSONResponse:
        return JSONResponse(desk.messages(auth[0].username, after))

    @router.post("/typing", status_code=204)
    async def typing(body: DeskTypingRequest, auth: Auth) -> Response:
        desk.set_typing(auth[0].username, body.to, body.typing)
        return Response(status_code=204)

    # -- attachments ------------------------------------------------------------------------
    @router.post("/attachments", status_code=201, response_model=None,
                 responses={201: {"model": DeskMessage, "description": "The file offer as delivered"}})
    async def offer_file(
        request: Request, auth: Auth, to: Username, name: Annotated[str, Query(min_length=1, max_length=1000)],
    ) -> JSONResponse:
        """The file's bytes are the body (any content type); ``to`` and ``name`` are query parameters."""
        username = auth[0].username
        declared = request.headers.get("content-length")
        desk.check_offer(username, to, name, int(declared) if declared and declared.isdigit() else None)
        try:
            view = await desk.offer_file(username, to, name, request.stream())
        except ClientDisconnect:
            raise CallboardError("desk.attachment.incomplete", "The upload ended before the whole file arrived.") from None
        return JSONResponse(view, status_code=201)

    @router.get("/attachments/{message_id}", response_class=Response,
                responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}})
    async def download(message_id: PathId, auth: Auth) -> StreamingResponse:
        name, size, chunks = desk.attachment_content(auth[0].username, message_id)
        return StreamingResponse(chunks, media_type="application/octet-stream", headers={
            "Content-Length": str(size),
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        })

    @router.post("/attachments/{message_id}/accept", response_model=DeskMessage, response_model_by_alias=True)
    async def accept(message_id: PathId, auth: Auth) -> dict[str, Any]:
        return desk.answer_file(auth[0].username, message_id, True)

    @router.post("/attachments/{message_id}/decline", response_model=DeskMessage, response_model_by_alias=True)
    async def decline(message_id: PathId, auth: Auth) -> dict[str, Any]:
        return desk.answer_file(auth[0].username, message_id, False)

    return router

"""The supervisor part of the agent API (``/api/v1/supervisor``).

Every route needs a supervisor's session and reaches only the supervisor's own
workgroups; an agent's token gets ``permission.denied`` (403). The rules themselves
live in ``console.server.supervision``; this module maps them to HTTP.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from console.core.errors import CallboardError
from console.server.agent_api import Auth, check_message_length
from console.server.contact_center import ContactCenter
from console.wire import (
    InteractionDetail,
    InteractionView,
    MessageRequest,
    TranscriptEntry,
    TransferRequest,
)
from console.wire_supervisor import (
    JoinRequest,
    PriorityRequest,
    ServiceLevelRequest,
    TeamMember,
    WorkgroupStatistics,
)


def build_supervisor_router(center: ContactCenter) -> APIRouter:
    router = APIRouter()
    supervision = center.supervision

    @router.get("/statistics", response_model=list[WorkgroupStatistics])
    async def statistics(auth: Auth) -> list[dict[str, Any]]:
        """Figures of each of my workgroups, as the ``stats`` event carries them."""
        return supervision.statistics(auth[0])

    @router.put("/workgroups/{workgroup}/service-level", response_model=WorkgroupStatistics)
    async def service_level(workgroup: str, body: ServiceLevelRequest, auth: Auth) -> dict[str, Any]:
        """Threshold, target and treatment of abandoned interactions; figures recounted at once."""
        return supervision.set_goal(auth[0], workgroup, body.model_dump())

    @router.get("/team", response_model=list[TeamMember])
    async def team(auth: Auth) -> list[dict[str, Any]]:
        """Every member of my workgroups, as the ``team.agent`` event carries them."""
        return supervision.team(auth[0])

    @router.post("/agents/{username}/sign-out", response_model=TeamMember)
    async def sign_out(username: str, auth: Auth) -> dict[str, Any]:
        """Signs the agent out now, or when their last interaction ends (``sign_out_pending``)."""
        return supervision.sign_out(auth[0], username)

    @router.delete("/agents/{username}/sign-out", response_model=TeamMember)
    async def cancel_sign_out(username: str, auth: Auth) -> dict[str, Any]:
        return supervision.cancel_sign_out(auth[0], username)

    @router.post("/interactions/{interaction_id}/join", response_model=InteractionDetail)
    async def join(interaction_id: str, body: JoinRequest, auth: Auth) -> dict[str, Any]:
        """Monitor (silent), coach (the agent knows) or barge in (the visitor knows too)."""
        return supervision.join(auth[0], interaction_id, body.mode)

    @router.post("/interactions/{interaction_id}/leave", response_model=InteractionDetail)
    async def leave(interaction_id: str, auth: Auth) -> dict[str, Any]:
        return supervision.leave(auth[0], interaction_id)

    @router.post(
        "/interactions/{interaction_id}/messages", status_code=201, response_model=None,
        responses={201: {"model": TranscriptEntry, "description": "The transcript entry"}},
    )
    async def message(interaction_id: str, body: MessageRequest, auth: Auth) -> JSONResponse:
        """Coaching: to the agent alone. Barged in: to the chat, the visitor included."""
        if not body.text.strip():
            raise CallboardError("message.empty", "The message is empty.")
        check_message_length(body.text)
        return JSONResponse(supervision.message(auth[0], interaction_id, body.text), status_code=201)

    @router.post("/interactions/{interaction_id}/transfer", response_model=InteractionView)
    async def transfer(interaction_id: str, body: TransferRequest, auth: Auth) -> dict[str, Any]:
        """A waiting, alerting, snoozed or connected interaction to a workgroup or an agent."""
        return supervision.transfer(auth[0], interaction_id, body.model_dump())

    @router.post("/interactions/{interaction_id}/requeue", response_model=InteractionView)
    async def requeue(interaction_id: str, auth: Auth) -> dict[str, Any]:
        """Back to its workgroup queue, keeping its place."""
        return supervision.requeue(auth[0], interaction_id)

    @router.put("/interactions/{interaction_id}/priority", response_model=InteractionView)
    async def priority(interaction_id: str, body: PriorityRequest, auth: Auth) -> dict[str, Any]:
        return supervision.set_priority(auth[0], interaction_id, body.priority)

    return router

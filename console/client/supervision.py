"""The supervisor's calls of the agent API (``/api/v1/supervisor``), over an ``AgentClient``.

Kept apart from ``AgentClient`` so the agent's client stays the agent's; a supervisor's
console holds both, sharing one session.
"""

from __future__ import annotations

from typing import Any

from console.client.agent_client import AgentClient
from console.wire import InteractionDetail, InteractionView, TranscriptEntry
from console.wire_supervisor import TeamMember, WorkgroupStatistics


class SupervisorCalls:
    """What a supervisor asks of the server, as typed results."""

    def __init__(self, client: AgentClient) -> None:
        self.client = client

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return await self.client._call(method, f"/supervisor{path}", body)

    async def statistics(self) -> list[WorkgroupStatistics]:
        return [WorkgroupStatistics.model_validate(s) for s in await self._call("GET", "/statistics")]

    async def team(self) -> list[TeamMember]:
        return [TeamMember.model_validate(m) for m in await self._call("GET", "/team")]

    async def set_service_level(self, workgroup: str, threshold: float, target: float,
                                abandon_treatment: str) -> WorkgroupStatistics:
        body = {"threshold": threshold, "target": target, "abandon_treatment": abandon_treatment}
        return WorkgroupStatistics.model_validate(
            await self._call("PUT", f"/workgroups/{workgroup}/service-level", body))

    async def set_agent_status(self, username: str, status: str) -> dict[str, Any]:
        return await self.client.set_status(status, username=username)

    async def sign_out(self, username: str) -> TeamMember:
        return TeamMember.model_validate(await self._call("POST", f"/agents/{username}/sign-out"))

    async def cancel_sign_out(self, username: str) -> TeamMember:
        return TeamMember.model_validate(await self._call("DELETE", f"/agents/{username}/sign-out"))

    async def join(self, interaction_id: str, mode: str) -> InteractionDetail:
        return InteractionDetail.model_validate(
            await self._call("POST", f"/interactions/{interaction_id}/join", {"mode": mode}))

    async def leave(self, interaction_id: str) -> InteractionDetail:
        return InteractionDetail.model_validate(await self._call("POST", f"/interactions/{interaction_id}/leave"))

    async def send(self, interaction_id: str, text: str) -> TranscriptEntry:
        return TranscriptEntry.model_validate(
            await self._call("POST", f"/interactions/{interaction_id}/messages", {"text": text}))

    async def transfer(self, interaction_id: str, *, workgroup: str | None = None,
                       agent: str | None = None) -> InteractionView:
        body = {"workgroup": workgroup} if workgroup else {"agent": agent}
        return InteractionView.model_validate(await self._call("POST", f"/interactions/{interaction_id}/transfer", body))

    async def requeue(self, interaction_id: str) -> InteractionView:
        return InteractionView.model_validate(await self._call("POST", f"/interactions/{interaction_id}/requeue"))

    async def set_priority(self, interaction_id: str, priority: int) -> InteractionView:
        return InteractionView.model_validate(
            await self._call("PUT", f"/interactions/{interaction_id}/priority", {"priority": priority}))

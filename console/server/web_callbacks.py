"""Callback requests as the IWT visitor sees them: create, status, reconnect, cancel.

A callback is an ACD interaction of type ``callback`` in the contact center; this class
keeps the visitor's participant and callback ids for it and answers status questions
with the queue position and an estimate of when the call will come.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass
from typing import Any

from console.core.callbacks import CallbackDetails, check_subject, normalize_telephone
from console.core.errors import CallboardError
from console.core.interactions import Interaction, InteractionState, InteractionType
from console.server.contact_center import ContactCenter, VisitorRequest
from console.server.store import Store


@dataclass(frozen=True, slots=True)
class VisitorCallback:
    participant_id: str
    callback_id: str
    interaction_id: str


class WebCallbacks:
    """The visitor side of callback requests."""

    def __init__(self, center: ContactCenter, store: Store) -> None:
        self.center = center
        self.store = store
        self.by_participant: dict[str, VisitorCallback] = {}
        self.by_callback: dict[str, VisitorCallback] = {}

    def load(self) -> None:
        for participant_id, callback_id, interaction_id in self.store.visitor_callbacks():
            self._index(VisitorCallback(participant_id, callback_id, interaction_id))

    def _index(self, record: VisitorCallback) -> None:
        self.by_participant[record.participant_id] = record
        self.by_callback[record.callback_id] = record

    # -- visitor requests -------------------------------------------------------------------
    def create(self, request: VisitorRequest, *, telephone: str, subject: str) -> VisitorCallback:
        number = normalize_telephone(telephone)
        details = CallbackDetails(telephone=number, subject=check_subject(subject))
        interaction = self.center.new_interaction(
            InteractionType.CALLBACK, request, remote_address=number, callback=details
        )
        record = VisitorCallback(str(uuid.uuid4()), str(uuid.uuid4()), interaction.id)
        self.center.queue_interaction(interaction)
        self.store.save_visitor_callback(record.participant_id, record.callback_id, record.interaction_id)
        self._index(record)
        return record

    def _record(self, participant_id: str) -> VisitorCallback:
        record = self.by_participant.get(participant_id)
        if record is None:
            raise CallboardError("participant.unknown", f"No callback participant {participant_id!r}.")
        return record

    def _interaction(self, record: VisitorCallback) -> Interaction:
        live = self.center.interactions.get(record.interaction_id)
        if live is not None:
            return live
        stored = self.store.interaction(record.interaction_id)
        if stored is None:
            raise CallboardError("participant.unknown", "This callback request no longer exists.")
        return Interaction.from_record(stored)

    def reconnect(self, callback_id: str) -> VisitorCallback:
        record = self.by_callback.get(callback_id)
        if record is None:
            raise CallboardError("callback.unknown", f"No callback {callback_id!r}.")
        return record

    def cancel(self, participant_id: str) -> None:
        """The visitor no longer wants the call; an agent who has it sees it cancelled."""
        interaction = self._interaction(self._record(participant_id))
        if interaction.is_active:
            self.center.visitor_left(interaction)

    def status(self, participant_id: str) -> dict[str, Any]:
        interaction = self._interaction(self._record(participant_id))
        now = time.time()
        body: dict[str, Any] = {}
        if interaction.agent and interaction.state in (InteractionState.ALERTING, InteractionState.CONNECTED):
            agent = self.center.agents.get(interaction.agent)
            body["assignedAgent"] = {
                "name": agent.name if agent else interaction.agent,
                "participantID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"callboard:{interaction.id}:{interaction.agent}")),
            }
        body["acdStatus"] = self.acd_status(interaction, now)
        return body

    def acd_status(self, interaction: Interaction, now: float) -> dict[str, Any]:
        workgroup = interaction.workgroup
        order = self.center.queue_order
        logged_in, available = self.center.staffing(workgroup, InteractionType.CALLBACK)
        oldest = order.oldest_queued_at(workgroup)
        snoozed = interaction.callback.snoozed_seconds if interaction.callback else 0.0
        if interaction.state is InteractionState.SNOOZED:
            snoozed += now - interaction.state_since
        ended = interaction.ended_at if interaction.ended_at is not None else now
        waiting = interaction.state in (InteractionState.WAITING, InteractionState.SNOOZED)
        position = order.position(interaction) if waiting else 0
        return {
            "queueWaitTime": int(max(0.0, ended - interaction.created_at - snoozed)),
            "interactionState": interaction.state.value,
            "estimatedCallbackTime": self.estimate(interaction, position, logged_in, available, now),
            "queuePosition": position,
            "queueName": workgroup or (interaction.target_agent or ""),
            "longestWaitTime": int(now - oldest) if oldest is not None else 0,
            "callsWaitingCount": order.waiting(workgroup),
            "loggedInAgentsCount": logged_in,
            "availableAgentsCount": available,
        }

    def estimate(self, interaction: Interaction, position: int, logged_in: int, available: int, now: float) -> int:
        """Seconds until an agent will likely call; -1 when there is nothing to go on.

        With ``s`` callback slots staffed (logged-in agents times the workgroup's max
        assign) and an average handle time ``h`` from recent interactions, the visitor at
        position ``p`` is reached after about ``ceil(p / s) - 1`` full rounds plus half a
        handle time (the slot ahead is on average half done). Someone free now means 0.
        """
        state = interaction.state
        if state in (InteractionState.ALERTING, InteractionState.CONNECTED):
            return 0
        if state not in (InteractionState.WAITING, InteractionState.SNOOZED):
            return -1
        snooze_left = 0.0
        if state is InteractionState.SNOOZED and interaction.callback and interaction.callback.snoozed_until:
            snooze_left = max(0.0, interaction.callback.snoozed_until - now)
        if state is InteractionState.WAITING and available >= position:
            return 0
        handle = self.center.average_handle_time(interaction.workgroup)
        wg = self.center.workgroups.get(interaction.workgroup)
        slots = logged_in * (wg.routing.callback_max_assign if wg else 1)
        if handle is None or slots == 0:
            return -1
        rounds = math.ceil(position / slots) - 1
        return int(snooze_left + rounds * handle + handle / 2)

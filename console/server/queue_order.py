"""Where each waiting interaction stands in its queue, and each agent's load, kept current.

Visitors ask for their queue position and the longest wait often (IWT callback status,
queue query); with thousands waiting a scan per question is too slow, so each workgroup
keeps its waiting interactions in routing order and in arrival order, updated on every
state change, and a position is a binary search.
"""

from __future__ import annotations

from bisect import bisect_left, insort

from console.core.interactions import Interaction, InteractionState, InteractionType

RouteKey = tuple[int, float, str]


class QueueOrder:
    """Waiting interactions per workgroup, in routing order (priority, then wait).

    Interactions a visitor addressed to one agent (IWT targetType "User") wait outside
    the workgroup queues, in ``targeted``.
    """

    def __init__(self) -> None:
        self._by_route: dict[str, list[RouteKey]] = {}
        self._by_arrival: dict[str, list[tuple[float, str]]] = {}
        self._placed: dict[str, tuple[str, RouteKey]] = {}
        self.targeted: set[str] = set()

    @staticmethod
    def _key(interaction: Interaction) -> RouteKey:
        return (-interaction.priority, interaction.queued_at, interaction.id)

    def update(self, interaction: Interaction) -> None:
        """Call after every change: puts the interaction where it now belongs, or takes it out."""
        if interaction.state is InteractionState.WAITING and interaction.target_agent is not None:
            self.targeted.add(interaction.id)
        else:
            self.targeted.discard(interaction.id)
        waiting = interaction.state is InteractionState.WAITING and interaction.target_agent is None
        placed = self._placed.get(interaction.id)
        wanted = (interaction.workgroup, self._key(interaction)) if waiting else None
        if placed == wanted:
            return
        if placed is not None:
            self._remove(interaction.id, *placed)
        if wanted is not None:
            workgroup, key = wanted
            insort(self._by_route.setdefault(workgroup, []), key)
            insort(self._by_arrival.setdefault(workgroup, []), (key[1], key[2]))
            self._placed[interaction.id] = wanted

    def discard(self, interaction_id: str) -> None:
        self.targeted.discard(interaction_id)
        placed = self._placed.get(interaction_id)
        if placed is not None:
            self._remove(interaction_id, *placed)

    def _remove(self, interaction_id: str, workgroup: str, key: RouteKey) -> None:
        route = self._by_route[workgroup]
        del route[bisect_left(route, key)]
        arrival = self._by_arrival[workgroup]
        del arrival[bisect_left(arrival, (key[1], key[2]))]
        del self._placed[interaction_id]

    def position(self, interaction: Interaction) -> int:
        """1 for the next to be routed; for one not waiting, where it would stand if it were."""
        route = self._by_route.get(interaction.workgroup, [])
        placed = self._placed.get(interaction.id)
        if placed is not None:
            return bisect_left(route, placed[1]) + 1
        return len(route) + 1

    def in_order(self, workgroup: str) -> list[str]:
        """Ids of the workgroup's waiting interactions, next to be routed first."""
        return [key[2] for key in self._by_route.get(workgroup, ())]

    def waiting(self, workgroup: str) -> int:
        return len(self._by_route.get(workgroup, ()))

    def oldest_queued_at(self, workgroup: str) -> float | None:
        arrival = self._by_arrival.get(workgroup)
        return arrival[0][0] if arrival else None


class Assignments:
    """How many chats and callbacks each agent has alerting or connected, kept current.

    Capacity is asked on every routing pass and every visitor status question; counting
    over all interactions each time would cost as much as there are interactions. A chat
    in conference occupies a slot of its owner and of every colleague invited or in it.
    """

    def __init__(self) -> None:
        self.counts: dict[tuple[str, InteractionType], int] = {}
        self._held: dict[str, frozenset[tuple[str, InteractionType]]] = {}

    def update(self, interaction: Interaction) -> tuple[str, ...]:
        """Call after every change; returns the agents whose load changed."""
        wanted = (
            frozenset((name, interaction.type) for name in interaction.handlers())
            if interaction.counts_against_capacity
            else frozenset()
        )
        held = self._held.get(interaction.id, frozenset())
        if held == wanted:
            return ()
        for slot in held - wanted:
            self.counts[slot] -= 1
            if not self.counts[slot]:
                del self.counts[slot]
        for slot in wanted - held:
            self.counts[slot] = self.counts.get(slot, 0) + 1
        if wanted:
            self._held[interaction.id] = wanted
        else:
            self._held.pop(interaction.id, None)
        return tuple({slot[0] for slot in held ^ wanted})

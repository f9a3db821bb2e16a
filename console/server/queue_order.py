"""Where each waiting interaction stands in its workgroup queue, kept sorted as it changes.

Visitors ask for their queue position and the longest wait often (IWT callback status,
queue query); with thousands waiting a scan per question is too slow, so each workgroup
keeps its waiting interactions in routing order and in arrival order, updated on every
state change, and a position is a binary search.
"""

from __future__ import annotations

from bisect import bisect_left, insort

from console.core.interactions import Interaction, InteractionState

RouteKey = tuple[int, float, str]


class QueueOrder:
    """Waiting interactions per workgroup, in routing order (priority, then wait)."""

    def __init__(self) -> None:
        self._by_route: dict[str, list[RouteKey]] = {}
        self._by_arrival: dict[str, list[tuple[float, str]]] = {}
        self._placed: dict[str, tuple[str, RouteKey]] = {}

    @staticmethod
    def _key(interaction: Interaction) -> RouteKey:
        return (-interaction.priority, interaction.queued_at, interaction.id)

    def update(self, interaction: Interaction) -> None:
        """Call after every change: puts the interaction where it now belongs, or takes it out."""
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

    def waiting(self, workgroup: str) -> int:
        return len(self._by_route.get(workgroup, ()))

    def oldest_queued_at(self, workgroup: str) -> float | None:
        arrival = self._by_arrival.get(workgroup)
        return arrival[0][0] if arrival else None

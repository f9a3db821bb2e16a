"""ACD routing: which waiting interaction alerts which agent.

The rules, in order:

1. Interactions are served by priority (higher first), then by how long they waited.
2. An agent is eligible when logged in, in a status with ``acd_available``, a member of
   the interaction's workgroup, below their maximum concurrent chats ("max assign"),
   not one who already let this interaction's alert time out, and holding every
   required skill. After a workgroup's ``skill_relax_seconds`` of waiting the skill
   requirement is dropped, so a visitor is never stranded for want of a rare skill.
3. Among eligible agents the one with the highest proficiency over the required
   skills wins; ties go to the agent idle the longest (fairness, as ACDs do).

Skills are names such as ``language:en`` or ``product:billing``; a visitor's
``language`` and ``routingContexts`` turn into required skills through the categories
the workgroup routes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from console.core.interactions import Interaction, InteractionState, InteractionType


@dataclass(slots=True)
class AgentAvailability:
    """What routing needs to know about one agent right now."""

    username: str
    workgroups: frozenset[str]
    skills: Mapping[str, int] = field(default_factory=dict)
    """Skill name to proficiency (1-100)."""
    acd_available: bool = False
    logged_in: bool = False
    max_chats: int = 2
    max_callbacks: int = 1
    active_chats: int = 0
    active_callbacks: int = 0
    idle_since: float = 0.0

    def load(self, kind: InteractionType) -> int:
        return self.active_callbacks if kind is InteractionType.CALLBACK else self.active_chats


@dataclass(frozen=True, slots=True)
class WorkgroupRouting:
    """A workgroup's routing settings."""

    name: str
    skill_categories: tuple[str, ...] = ("language",)
    skill_relax_seconds: float = 60.0
    alert_timeout_seconds: float = 20.0
    callback_max_assign: int = 1
    """Callbacks one agent of this workgroup may have at once ("max assign")."""


def required_skills(
    language: str,
    routing_contexts: Iterable[tuple[str, str]],
    skill_categories: Iterable[str],
) -> tuple[str, ...]:
    """Skills a visitor's request asks for, limited to the categories routed on.

    ``language`` such as ``en-US`` asks for ``language:en``; a routing context
    ``{category: "Product", context: "Billing"}`` asks for ``product:billing``.
    """
    categories = {c.lower() for c in skill_categories}
    wanted: list[str] = []
    primary = language.strip().lower().replace("_", "-").split("-")[0]
    if primary and "language" in categories:
        wanted.append(f"language:{primary}")
    for category, context in routing_contexts:
        cat, ctx = category.strip().lower(), context.strip().lower()
        if cat in categories and ctx:
            skill = f"{cat}:{ctx}"
            if skill not in wanted:
                wanted.append(skill)
    return tuple(wanted)


def skills_apply(interaction: Interaction, settings: WorkgroupRouting, now: float) -> bool:
    return now - interaction.queued_at < settings.skill_relax_seconds


def is_eligible(
    agent: AgentAvailability,
    interaction: Interaction,
    settings: WorkgroupRouting,
    now: float,
    load: int | None = None,
) -> bool:
    """``load`` (of the interaction's type) overrides the agent's while a plan is being built."""
    if not (agent.logged_in and agent.acd_available):
        return False
    if interaction.target_agent is not None:
        if interaction.target_agent != agent.username:
            return False
    elif interaction.workgroup not in agent.workgroups:
        return False
    if load is None:
        load = agent.load(interaction.type)
    if load >= capacity(agent, interaction.type, settings):
        return False
    if agent.username in interaction.declined_by:
        return False
    if skills_apply(interaction, settings, now):
        return all(agent.skills.get(s, 0) > 0 for s in interaction.required_skills)
    return True


def capacity(agent: AgentAvailability, kind: InteractionType, settings: WorkgroupRouting) -> int:
    """How many interactions of this kind the agent may have: max chats, or callback max assign."""
    if kind is InteractionType.CALLBACK:
        return min(settings.callback_max_assign, agent.max_callbacks)
    return agent.max_chats


def _score(agent: AgentAvailability, interaction: Interaction) -> tuple[int, float]:
    proficiency = sum(agent.skills.get(s, 0) for s in interaction.required_skills)
    # Higher proficiency first, then the longest idle (smallest idle_since).
    return (-proficiency, agent.idle_since)


def plan_assignments(
    waiting: Iterable[Interaction],
    agents: Iterable[AgentAvailability],
    settings: Mapping[str, WorkgroupRouting],
    now: float,
) -> list[tuple[Interaction, str]]:
    """Pair waiting interactions with agents; the caller carries the pairs out.

    Agent loads are counted as the plan grows, so one pass never over-assigns.
    """
    pool = [a for a in agents if a.logged_in and a.acd_available]
    if not pool:
        return []
    queue = sorted(
        (i for i in waiting if i.state is InteractionState.WAITING),
        key=lambda i: (-i.priority, i.queued_at, i.id),
    )
    default = WorkgroupRouting(name="")
    load = {(a.username, kind): a.load(kind) for a in pool for kind in InteractionType}
    # Agents with room left per kind; once a kind has none, its interactions are skipped
    # at once, which keeps a pass cheap with thousands waiting and everyone busy.
    callback_room = {
        a.username: min(
            a.max_callbacks, max((settings.get(w, default).callback_max_assign for w in a.workgroups), default=0)
        )
        for a in pool
    }
    free = {
        InteractionType.CHAT: sum(1 for a in pool if a.active_chats < a.max_chats),
        InteractionType.CALLBACK: sum(1 for a in pool if a.active_callbacks < callback_room[a.username]),
    }
    plan: list[tuple[Interaction, str]] = []
    for interaction in queue:
        kind = interaction.type
        if not free[kind]:
            if not any(free.values()):
                break
            continue
        wg = settings.get(interaction.workgroup, default)
        best: AgentAvailability | None = None
        for agent in pool:
            if not is_eligible(agent, interaction, wg, now, load[(agent.username, kind)]):
                continue
            if best is None or _score(agent, interaction) < _score(best, interaction):
                best = agent
        if best is not None:
            key = (best.username, kind)
            load[key] += 1
            limit = best.max_chats if kind is InteractionType.CHAT else callback_room[best.username]
            if load[key] >= limit:
                free[kind] -= 1
            plan.append((interaction, best.username))
    return plan

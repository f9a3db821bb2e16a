"""ACD routing rules of console.core.routing, without a server."""

from __future__ import annotations

from console.core.interactions import Interaction, InteractionState, InteractionType
from console.core.routing import (
    AgentAvailability,
    WorkgroupRouting,
    is_eligible,
    plan_assignments,
    required_skills,
)

NOW = 1_000_000.0
SALES = WorkgroupRouting(name="Sales", skill_categories=("language", "product"), skill_relax_seconds=60)
SETTINGS = {"Sales": SALES}


def chat(iid: str, *, queued_ago: float = 10.0, priority: int = 0, skills: tuple[str, ...] = (),
         workgroup: str = "Sales", target: str | None = None) -> Interaction:
    t = NOW - queued_ago
    return Interaction(
        id=iid, type=InteractionType.CHAT, workgroup=workgroup, remote_name=f"visitor {iid}",
        created_at=t, state_since=t, queued_at=t, priority=priority, required_skills=skills,
        target_agent=target,
    )


def agent(name: str, *, skills: dict[str, int] | None = None, max_chats: int = 2, active: int = 0,
          idle_since: float = 0.0, available: bool = True, logged_in: bool = True,
          workgroups: tuple[str, ...] = ("Sales",)) -> AgentAvailability:
    return AgentAvailability(
        username=name, workgroups=frozenset(workgroups), skills=skills or {}, acd_available=available,
        logged_in=logged_in, max_chats=max_chats, active_chats=active, idle_since=idle_since,
    )


def plan(waiting, agents, now: float = NOW) -> list[tuple[str, str]]:
    return [(i.id, a) for i, a in plan_assignments(waiting, agents, SETTINGS, now)]


def test_higher_priority_is_served_before_longer_wait():
    old_low = chat("old-low", queued_ago=100, priority=0)
    new_high = chat("new-high", queued_ago=1, priority=5)
    assert plan([old_low, new_high], [agent("a", max_chats=1)]) == [("new-high", "a")]


def test_equal_priority_is_served_in_wait_order():
    newer = chat("newer", queued_ago=5)
    older = chat("older", queued_ago=50)
    middle = chat("middle", queued_ago=20)
    assert plan([newer, older, middle], [agent("a", max_chats=2)]) == [("older", "a"), ("middle", "a")]


def test_agent_without_a_required_skill_is_skipped():
    c = chat("1", skills=("language:de",))
    assert plan([c], [agent("en", skills={"language:en": 100}), agent("de", skills={"language:de": 10})]) == [
        ("1", "de")
    ]
    assert plan([c], [agent("en", skills={"language:en": 100})]) == []


def test_agent_needs_every_required_skill():
    c = chat("1", skills=("language:en", "product:billing"))
    only_en = agent("only-en", skills={"language:en": 100})
    both = agent("both", skills={"language:en": 10, "product:billing": 10})
    assert plan([c], [only_en, both]) == [("1", "both")]


def test_highest_proficiency_wins_over_longest_idle():
    c = chat("1", skills=("language:en",))
    idle_long_weak = agent("weak", skills={"language:en": 40}, idle_since=NOW - 1000)
    idle_short_strong = agent("strong", skills={"language:en": 90}, idle_since=NOW - 1)
    assert plan([c], [idle_long_weak, idle_short_strong]) == [("1", "strong")]


def test_equal_proficiency_goes_to_agent_idle_longest():
    c = chat("1", skills=("language:en",))
    recent = agent("recent", skills={"language:en": 50}, idle_since=NOW - 5)
    longest = agent("longest", skills={"language:en": 50}, idle_since=NOW - 500)
    assert plan([c], [recent, longest]) == [("1", "longest")]


def test_agent_at_max_chats_gets_nothing():
    assert plan([chat("1")], [agent("full", max_chats=2, active=2)]) == []
    assert plan([chat("1")], [agent("zero", max_chats=0)]) == []


def test_one_plan_counts_the_load_it_assigns():
    waiting = [chat(str(n), queued_ago=100 - n) for n in range(4)]
    assignments = plan(waiting, [agent("a", max_chats=2, active=1), agent("b", max_chats=1, idle_since=NOW)])
    assert assignments == [("0", "a"), ("1", "b")]


def test_unavailable_or_signed_out_agents_are_skipped():
    assert plan([chat("1")], [agent("away", available=False), agent("gone", logged_in=False)]) == []


def test_agent_of_another_workgroup_is_skipped():
    assert plan([chat("1")], [agent("support", workgroups=("Support",))]) == []


def test_agent_who_let_the_alert_time_out_is_not_alerted_again():
    c = chat("1")
    c.declined_by.add("a")
    assert plan([c], [agent("a", idle_since=NOW - 999), agent("b", idle_since=NOW)]) == [("1", "b")]
    assert plan([c], [agent("a")]) == []


def test_skill_requirement_relaxes_after_skill_relax_seconds():
    c = chat("1", queued_ago=0, skills=("language:fi",))
    a = agent("a", skills={"language:en": 100})
    assert plan([c], [a], now=NOW + 59.9) == []
    assert plan([c], [a], now=NOW + 60) == [("1", "a")]


def test_relaxed_interaction_still_prefers_skilled_agent():
    c = chat("1", queued_ago=120, skills=("language:fi",))
    assert plan([c], [agent("en", skills={"language:en": 100}, idle_since=NOW - 900),
                      agent("fi", skills={"language:fi": 10}, idle_since=NOW)]) == [("1", "fi")]


def test_targeted_interaction_goes_only_to_its_target_agent():
    c = chat("1", workgroup="", target="t")
    other = agent("other", workgroups=("Sales", ""), idle_since=NOW - 999)
    target = agent("t", workgroups=())
    assert plan([c], [other, target]) == [("1", "t")]
    assert plan([c], [other]) == []


def test_only_waiting_interactions_are_routed():
    c = chat("1")
    c.state = InteractionState.ALERTING
    assert plan([c], [agent("a")]) == []


def test_is_eligible_overrides_load_while_planning():
    a = agent("a", max_chats=2, active=0)
    assert is_eligible(a, chat("1"), SALES, NOW)
    assert not is_eligible(a, chat("1"), SALES, NOW, load=2)


def test_language_and_routing_contexts_become_skills_of_routed_categories():
    skills = required_skills("en-US", [("Product", "Billing"), ("Region", "North")], ("language", "product"))
    assert skills == ("language:en", "product:billing")


def test_required_skills_normalise_and_deduplicate():
    assert required_skills("DE_at", [("product", " Widgets "), ("PRODUCT", "widgets")], ["Language", "Product"]) == (
        "language:de", "product:widgets",
    )


def test_no_language_and_unrouted_categories_require_nothing():
    assert required_skills("", [("Product", "Billing")], ("language",)) == ()
    assert required_skills("en", [], ()) == ()
    assert required_skills("en", [("Product", "")], ("language", "product")) == ("language:en",)

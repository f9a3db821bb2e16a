"""The simulated visitor checks IWT numbering as strictly as real clients do.

These feed crafted server answers through ``httpx.MockTransport``, since our own server
never breaks the rules (the simulator tests prove that against the real one).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from console.sim import IwtFailure, IwtTransportError, IwtVisitor, ProtocolViolation

PID = "9f0c2d4e-0000-4000-8000-000000000001"
AGENT = "9f0c2d4e-0000-4000-8000-00000000000a"
SYSTEM = "00000000-0000-0000-0000-000000000000"


def state(seq: int, pid: str, state: str, name: str, kind: str) -> dict[str, Any]:
    return {"type": "participantStateChanged", "participantID": pid, "sequenceNumber": seq,
            "state": state, "participantName": name, "participantType": kind}


def text(seq: int, csn: int, pid: str, value: str, name: str, kind: str) -> dict[str, Any]:
    return {"type": "text", "participantID": pid, "sequenceNumber": seq, "conversationSequenceNumber": csn,
            "value": value, "contentType": "text/plain", "displayName": name, "participantType": kind}


def typing(seq: int, pid: str, value: bool) -> dict[str, Any]:
    return {"type": "typingIndicator", "participantID": pid, "sequenceNumber": seq, "value": value}


OPENING = [
    state(0, PID, "active", "Vera", "WebUser"),
    text(1, 0, SYSTEM, "Welcome, Vera.", "System", "System"),
]


def chat(events: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {"chat": {"status": {"type": "success"}, "pollWaitSuggestion": 1000, "cfgVer": 1,
                     "events": events, **fields}}


def server(*answers: dict[str, Any] | httpx.Response) -> tuple[httpx.AsyncClient, list[httpx.Request]]:
    """A fake IWT server answering requests in order with ``answers``."""
    queue: Iterator[dict[str, Any] | httpx.Response] = iter(answers)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = next(queue)
        return answer if isinstance(answer, httpx.Response) else httpx.Response(200, json=answer)

    return httpx.AsyncClient(transport=httpx.MockTransport(handle)), seen


async def started(*later: dict[str, Any] | httpx.Response, strict: bool = False) -> tuple[IwtVisitor, list]:
    http, seen = server(chat(OPENING, participantID=PID, chatID="c-1"), *later)
    visitor = IwtVisitor("http://iwt.test", "Vera", http=http, strict=strict)
    await visitor.start("Sales")
    return visitor, seen


async def test_start_sends_what_the_official_page_sends_and_takes_the_first_events():
    visitor, seen = await started()
    body = json.loads(seen[0].content)
    assert seen[0].url.path == "/websvcs/chat/start"
    assert body["participant"] == {"name": "Vera", "credentials": None}
    assert (body["target"], body["targetType"], body["language"]) == ("Sales", "Workgroup", "en-US")
    assert visitor.participant_id == PID and visitor.chat_id == "c-1"
    assert visitor.poll_wait == 1.0
    assert [line.text for line in visitor.system_texts()] == ["Welcome, Vera."]
    assert visitor.violations == []


async def test_events_out_of_order_within_an_answer_are_held_back_until_the_gap_fills():
    later = [text(3, 1, AGENT, "Hi Vera", "Ann", "Agent"), state(2, AGENT, "active", "Ann", "Agent")]
    visitor, _ = await started(chat(later))
    fresh = await visitor.poll()
    assert [e["sequenceNumber"] for e in fresh] == [2, 3]
    assert visitor.agent_joined and visitor.agents_present == ["Ann"]
    assert visitor.violations == []


async def test_a_skipped_sequence_number_is_a_violation():
    visitor, _ = await started(chat([text(3, 1, AGENT, "Hi", "Ann", "Agent")]))
    assert await visitor.poll() == []
    [violation] = visitor.violations
    assert "sequenceNumber 2 never arrived" in violation.rule


async def test_a_repeated_sequence_number_is_dropped_and_reported_unless_after_reconnect():
    visitor, _ = await started(chat([OPENING[1]]), chat(OPENING, participantID=PID, chatID="c-1"))
    assert await visitor.poll() == []
    assert [v.rule for v in visitor.violations] == ["sequenceNumber 1 delivered twice"]
    assert await visitor.reconnect() == []
    assert len(visitor.violations) == 1
    assert visitor.repeats_dropped == 3


async def test_a_number_reused_for_another_event_is_a_violation():
    visitor, _ = await started(chat([typing(1, AGENT, True)]))
    await visitor.poll()
    assert visitor.violations[0].rule == "sequenceNumber 1 reused for a different event"


async def test_conversation_numbers_count_only_texts_urls_and_files():
    later = [typing(2, AGENT, True), text(3, 2, AGENT, "Hi", "Ann", "Agent")]
    visitor, _ = await started(chat(later))
    await visitor.poll()
    assert [v.rule for v in visitor.violations] == ["conversationSequenceNumber 2, expected 1"]


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        ({**text(2, 1, AGENT, "Hi", "Ann", "Agent"), "displayName": None}, "displayName missing"),
        ({**text(2, 1, AGENT, "Hi", "Ann", "Agent"), "participantID": ""}, "participantID missing or empty"),
        ({**state(2, AGENT, "active", "Ann", "Agent"), "participantType": None}, "participantType missing"),
        ({"type": "agentNote", "participantID": AGENT, "sequenceNumber": 2}, "unknown event type 'agentNote'"),
        ({**typing(2, AGENT, True), "conversationSequenceNumber": 1}, "carries a conversationSequenceNumber"),
    ],
)
async def test_events_missing_what_the_official_page_reads_are_violations(event, problem):
    visitor, _ = await started(chat([event]))
    await visitor.poll()
    assert problem in visitor.violations[0].rule


async def test_a_strict_visitor_raises_on_the_first_violation():
    visitor, _ = await started(chat([text(3, 1, AGENT, "Hi", "Ann", "Agent")]), strict=True)
    with pytest.raises(ProtocolViolation):
        await visitor.poll()


async def test_failures_carry_the_iwt_code_and_non_200_is_a_transport_error():
    failure = {"chat": {"status": {"type": "failure", "reason": {"code": "error.websvc.unknownEntity.participant"}},
                        "pollWaitSuggestion": 1000, "cfgVer": 1, "events": []}}
    visitor, _ = await started(failure, httpx.Response(503, text="busy"))
    with pytest.raises(IwtFailure) as refused:
        await visitor.send("hello")
    assert refused.value.code == "error.websvc.unknownEntity.participant"
    with pytest.raises(IwtTransportError) as broken:
        await visitor.poll()
    assert broken.value.code == "error.http.503"


async def test_answers_to_overlapping_requests_may_arrive_in_either_order():
    """A poll and a send in flight together: the later numbers can come back first."""
    release_poll = asyncio.Event()
    answers = {
        "/websvcs/chat/poll/" + PID: chat([typing(2, AGENT, True)]),
        "/websvcs/chat/sendMessage/" + PID: chat([text(3, 1, PID, "hello", "Vera", "WebUser")]),
    }

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/chat/start"):
            return httpx.Response(200, json=chat(OPENING, participantID=PID, chatID="c-1"))
        if "/poll/" in request.url.path:
            await release_poll.wait()
        return httpx.Response(200, json=answers[request.url.path])

    async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
        visitor = IwtVisitor("http://iwt.test", "Vera", http=http, strict=True)
        await visitor.start("Sales")
        poll = asyncio.create_task(visitor.poll())
        await asyncio.sleep(0)
        assert await visitor.send("hello") == []  # held back: 2 is still on its way
        release_poll.set()
        assert [e["sequenceNumber"] for e in await poll] == [2, 3]
    assert visitor.violations == []
    assert visitor.my_texts()[0].text == "hello"

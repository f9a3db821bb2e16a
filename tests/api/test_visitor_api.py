"""The IWT visitor API (/websvcs) as a strict IWT client sees it."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.conftest import SYSTEM_PID, Visitor, wait_until

START = {
    "supportedContentTypes": "text/plain",
    "participant": {"name": "Vera", "credentials": None},
    "target": "Sales",
    "targetType": "Workgroup",
    "language": "en-US",
}


def failure_code(body: dict, outer: str = "chat") -> str:
    """The reason code of an IWT failure, after checking the failure's shape."""
    assert list(body) == [outer], body
    inner = body[outer]
    assert inner["status"]["type"] == "failure", inner
    assert isinstance(inner["pollWaitSuggestion"], int)
    if outer == "chat":
        assert inner["events"] == []
    return inner["status"]["reason"]["code"]


@pytest.fixture
def sue(server):
    """A supervisor of Sales and Support who takes no chats: watches the queues."""
    return server.login("sue")


def queues_are_empty(server, sue) -> bool:
    return server.queue(sue, "workgroup:Sales") == [] and server.queue(sue, "workgroup:Support") == []


# -- configuration -------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/websvcs", "/I3Root/Server1/websvcs"])
def test_server_configuration_is_an_array_with_capabilities(server, prefix):
    r = server.http.get(prefix + "/serverConfiguration")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert isinstance(body, list) and len(body) == 1
    config = body[0]["serverConfiguration"]
    assert config["cfgVer"] == 1
    caps = config["capabilities"]
    assert set(caps) == {"common", "chat", "callback", "queueQuery"}
    assert all(isinstance(c, str) for group in caps.values() for c in group)
    assert {"start", "reconnect", "poll", "sendMessage", "setTypingState", "exit",
            "supportAuthenticationAnonymous"} <= set(caps["chat"])
    assert "supportAuthenticationTracker" not in caps["chat"]  # not implemented, so not advertised
    assert set(caps["callback"]) == {"create", "status", "reconnect", "disconnect", "supportAuthenticationAnonymous"}
    assert caps["queueQuery"] == ["supportAuthenticationAnonymous"]


# -- the chat lifecycle --------------------------------------------------------------------


def test_full_chat_lifecycle_as_the_protocol_describes(server):
    alice = server.login("alice")
    visitor = server.visitor()
    chat = visitor.start(name="Vera Lang")
    assert chat["events"][0]["sequenceNumber"] == 0
    iid = server.wait_for_alert(alice)["id"]
    visitor.wait_for_text("Interaction alerting Alice Archer.")
    server.act(alice, iid, "pickup")
    visitor.wait_for_text("Alice Archer has joined the conversation.")
    echoed = visitor.send("Hello, I need help")
    assert echoed and echoed[-1]["value"] == "Hello, I need help"
    server.say(alice, iid, "Hi Vera, how can I help?")
    visitor.wait_for_text("Hi Vera, how can I help?")
    visitor.exit()

    pid, agent_pid = visitor.pid, visitor.events[4]["participantID"]
    expected = [
        ("participantStateChanged", pid, "active", "Vera Lang", "WebUser"),
        ("text", SYSTEM_PID, "Welcome, Vera Lang. Please wait while we connect you to an agent.", "System", "System"),
        ("text", SYSTEM_PID, "Interaction transferred to Sales.", "System", "System"),
        ("text", SYSTEM_PID, "Interaction alerting Alice Archer.", "System", "System"),
        ("participantStateChanged", agent_pid, "active", "Alice Archer", "Agent"),
        ("text", SYSTEM_PID, "Alice Archer has joined the conversation.", "System", "System"),
        ("text", pid, "Hello, I need help", "Vera Lang", "WebUser"),
        ("text", agent_pid, "Hi Vera, how can I help?", "Alice Archer", "Agent"),
        ("participantStateChanged", pid, "disconnected", "Vera Lang", "WebUser"),
        ("text", SYSTEM_PID, "Vera Lang has left the conversation.", "System", "System"),
    ]

    def summary(e):
        if e["type"] == "participantStateChanged":
            return (e["type"], e["participantID"], e["state"], e["participantName"], e["participantType"])
        return (e["type"], e["participantID"], e["value"], e["displayName"], e["participantType"])

    assert [summary(e) for e in visitor.events] == expected
    assert [e["sequenceNumber"] for e in visitor.events] == list(range(10))
    texts = [e for e in visitor.events if e["type"] == "text"]
    assert [e["conversationSequenceNumber"] for e in texts] == list(range(7))
    assert all("conversationSequenceNumber" not in e for e in visitor.events if e["type"] != "text")
    assert agent_pid not in (pid, SYSTEM_PID)
    assert visitor.repeats == 0

    detail = server.interaction(alice, iid)
    assert detail["state"] == "Disconnected" and detail["actions"] == ["dismiss"]
    assert [(e["sender_type"], e["text"]) for e in detail["transcript"]] == [
        ("system", "Alice Archer has joined the conversation."),
        ("visitor", "Hello, I need help"),
        ("agent", "Hi Vera, how can I help?"),
        ("system", "Vera Lang has left the conversation."),
    ]


def test_anonymous_visitor_without_a_name_is_anonymous_user(server):
    visitor = server.visitor()
    body = visitor.call("POST", "/chat/start", json={**START, "participant": {"name": "", "credentials": None}})
    events = body["chat"]["events"]
    assert events[0]["participantName"] == "Anonymous User"
    assert events[1]["value"] == "Welcome, Anonymous User. Please wait while we connect you to an agent."


def test_lower_case_targettype_is_accepted(server, sue):
    visitor = server.visitor()
    visitor.start(target="Support", target_type="Workgroup", type_key="targettype")
    assert "Interaction transferred to Support." in visitor.texts()
    [chat] = server.queue(sue, "workgroup:Support")
    assert chat["remote_name"] == visitor.name


def test_the_proxied_mount_point_serves_the_same_chat(server):
    alice = server.login("alice")
    visitor = server.visitor("/I3Root/Server1/websvcs")
    visitor.start()
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")
    visitor.send("via the proxy path")
    server.say(alice, iid, "got it")
    visitor.wait_for_text("got it")
    also = Visitor(server.http, "/websvcs")  # the same participant on the other mount point
    also.pid = visitor.pid
    assert [e["sequenceNumber"] for e in also._chat("GET", f"/chat/poll/{visitor.pid}")["events"]] == []
    visitor.exit()
    assert server.interaction(alice, iid)["state"] == "Disconnected"


def test_visitor_messages_before_an_agent_joins_wait_in_the_transcript(server):
    visitor = server.visitor()
    visitor.start()
    echoed = visitor.send("anyone there?")
    assert [(e["participantID"], e["value"]) for e in echoed] == [(visitor.pid, "anyone there?")]
    bob = server.login("bob")
    iid = server.wait_for_alert(bob)["id"]
    server.act(bob, iid, "pickup")
    transcript = [e["text"] for e in server.interaction(bob, iid)["transcript"]]
    assert transcript == ["anyone there?", "Bob Baker has joined the conversation."]


def test_typing_indicator_both_ways(server):
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start()
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")

    visitor.typing(True)
    assert server.interaction(alice, iid)["visitor_typing"] is True
    visitor.typing(False)
    assert server.interaction(alice, iid)["visitor_typing"] is False

    server.http.post(f"/api/v1/interactions/{iid}/typing", json={"typing": True}, headers=alice)
    server.http.post(f"/api/v1/interactions/{iid}/typing", json={"typing": True}, headers=alice)  # no repeat
    indicator = visitor.wait_for(lambda e: e["type"] == "typingIndicator")
    assert indicator["value"] is True and indicator["participantID"] not in (visitor.pid, SYSTEM_PID)
    server.say(alice, iid, "typed it")
    visitor.wait_for_text("typed it")
    indicators = [e for e in visitor.events if e["type"] == "typingIndicator"]
    assert [e["value"] for e in indicators] == [True, False]  # sending stops the agent's indicator
    assert all(e["participantID"] == indicator["participantID"] for e in indicators)


def test_exit_by_visitor_shows_the_agent_disconnected_with_a_system_line(server):
    alice = server.login("alice")
    stream = server.events(alice, {"op": "subscribe"})
    stream.snapshots()
    visitor = server.visitor()
    visitor.start()
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")
    visitor.exit()
    line = stream.recv_until(lambda f: f["topic"] == "interaction.message" and f["data"]["entry"]["text"].endswith("left the conversation."))
    assert line["data"]["entry"]["sender_type"] == "system"
    assert line["data"]["entry"]["text"] == f"{visitor.name} has left the conversation."
    put = stream.recv_until(lambda f: f["topic"] == "interaction")
    assert put["data"]["state"] == "Disconnected" and put["data"]["actions"] == ["dismiss"]
    count = visitor.count()
    assert visitor.exit() == [] and visitor.count() == count  # a second exit changes nothing


def test_poll_still_answers_after_the_agent_ended_the_chat(server):
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start()
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")
    server.act(alice, iid, "disconnect")
    last = visitor.wait_for(lambda e: e["type"] == "participantStateChanged" and e["participantID"] == visitor.pid
                            and e["state"] == "disconnected")
    assert last is visitor.events[-1]
    for call in (lambda: visitor.call("POST", f"/chat/sendMessage/{visitor.pid}", json={"message": "hi"}),
                 lambda: visitor.call("POST", f"/chat/setTypingState/{visitor.pid}", json={"typingIndicator": True})):
        assert failure_code(call()) == "error.websvc.unknownEntity.participant"
    assert visitor.poll() == []


def test_start_with_attributes_address_and_email(server, sue):
    visitor = server.visitor()
    body = visitor.call(
        "POST", "/chat/start",
        json={**START, "participant": {"name": "Xena", "credentials": None},
              "attributes": {"page": "/pricing", "cart": 3}, "customInfo": "VIP"},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert body["chat"]["status"]["type"] == "success"
    chat = server.find_interaction(sue, "Xena")
    assert chat["attributes"] == {"page": "/pricing", "cart": "3", "customInfo": "VIP"}
    assert chat["remote_address"] == "203.0.113.9"  # we connect from 127.0.0.1, a trusted proxy
    visitor.call("POST", "/chat/start", json={**START, "participant": {"name": "Yuri", "credentials": None},
                                              "emailAddress": "yuri@example.com"})
    assert server.find_interaction(sue, "Yuri")["remote_address"] == "yuri@example.com"


def test_forwarded_chain_gives_the_nearest_untrusted_hop(server, sue):
    """Only the hop our trusted proxy saw is believed; what the visitor claims before it is not."""
    visitor = server.visitor()
    visitor.call("POST", "/chat/start", json={**START, "participant": {"name": "Zoe", "credentials": None}},
                 headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"})
    assert server.find_interaction(sue, "Zoe")["remote_address"] == "203.0.113.9"


# -- reconnect ------------------------------------------------------------------------------


def test_reconnect_by_chat_id_redelivers_from_0_and_continues(server):
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start()
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")
    visitor.wait_for_text("Alice Archer has joined the conversation.")
    received = len(visitor.events)

    chat = visitor.reconnect()
    assert chat["chatID"] == visitor.chat_id
    assert [e["sequenceNumber"] for e in chat["events"]] == list(range(received))
    assert visitor.repeats == received  # every one identical to what was received before
    server.say(alice, iid, "after reconnect")
    new = visitor.wait_for_text("after reconnect")
    assert new["sequenceNumber"] == received


def test_reconnect_with_unknown_chat_id_fails(server, sue):
    visitor = server.visitor()
    for body, code in [({"chatID": str(uuid.uuid4())}, "error.websvc.unknownEntity.session"),
                       ({"chatID": "nope"}, "error.websvc.unknownEntity.session"),
                       ({"chatID": ""}, "error.websvc.content.invalid.missingData"),
                       ({}, "error.websvc.content.invalid.missingData")]:
        assert failure_code(visitor.call("POST", "/chat/reconnect", json=body)) == code
    assert queues_are_empty(server, sue)


# -- errors: HTTP 200 with a failure, and no trace ---------------------------------------------


@pytest.mark.parametrize(
    ("target", "target_type"),
    [("Nowhere", "Workgroup"), ("Billing", "Workgroup"), ("nobody", "User"), ("Sales", "Queue"),
     ("sales", "Workgroup")],
)
def test_unknown_target_fails_with_bad_target_and_creates_nothing(server, sue, target, target_type):
    visitor = server.visitor()
    body = visitor.call("POST", "/chat/start", json={**START, "target": target, "targetType": target_type})
    assert failure_code(body) == "error.websvc.unknownEntity.badTarget"
    assert "participantID" not in body["chat"]
    assert queues_are_empty(server, sue)


@pytest.mark.parametrize("path", ["/chat/poll/{pid}", "/chat/sendMessage/{pid}", "/chat/setTypingState/{pid}",
                                  "/chat/exit/{pid}"])
def test_unknown_participant_fails(server, path):
    visitor = server.visitor()
    visitor.start()
    count = visitor.count()
    method = "GET" if "poll" in path else "POST"
    body = {"message": "hi", "typingIndicator": True} if method == "POST" else None
    for pid in (str(uuid.uuid4()), "x", SYSTEM_PID):
        kwargs = {"json": body} if body else {}
        r = visitor.call(method, path.format(pid=pid), **kwargs)
        assert failure_code(r) == "error.websvc.unknownEntity.participant"
    assert visitor.count() == count


@pytest.mark.parametrize(
    "raw",
    [b"{", b"[]", b'"Sales"', b"", b"null", b"\xff\xfe", b'{"participant": "Vera", "target": "Sales", "targetType": "Workgroup"}',
     b'{"participant": {"name": "Vera"}, "targetType": "Workgroup"}',
     b'{"participant": {"name": "Vera"}, "target": "Sales"}',
     b'{"target": "Sales", "targetType": "Workgroup"}',
     b'{"participant": {"name": "Vera"}, "target": "Sales", "targetType": "Workgroup", "attributes": [1]}',
     b'{"participant": {"name": "Vera"}, "target": "Sales", "targetType": "Workgroup", "routingContexts": {"a": 1}}',
     b'{"participant": {"name": 42}, "target": "Sales", "targetType": "Workgroup"}'],
)
def test_malformed_or_incomplete_start_fails_with_missing_data_and_creates_nothing(server, sue, raw):
    visitor = server.visitor()
    body = visitor.call("POST", "/chat/start", content=raw, headers={"content-type": "application/json"})
    assert failure_code(body) == "error.websvc.content.invalid.missingData"
    assert queues_are_empty(server, sue)


def test_wrong_content_type_fails_and_creates_nothing(server, sue):
    visitor = server.visitor()
    for content_type in ("application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"):
        body = visitor.call("POST", "/chat/start", json=START, headers={"content-type": content_type})
        assert failure_code(body) == "error.websvc.contentType.invalidContentType"
    assert queues_are_empty(server, sue)


def test_text_plain_content_type_is_accepted_like_json(server, sue):
    visitor = server.visitor()
    body = visitor.call("POST", "/chat/start", content=json.dumps(START).encode(),
                        headers={"content-type": "text/plain;charset=UTF-8"})
    assert body["chat"]["status"]["type"] == "success"
    assert len(server.queue(sue, "workgroup:Sales")) == 1


def test_bad_charset_fails_and_creates_nothing(server, sue):
    visitor = server.visitor()
    for charset in ("iso-8859-1", "utf-16", "latin1"):
        body = visitor.call("POST", "/chat/start", json=START,
                            headers={"content-type": f"application/json; charset={charset}"})
        assert failure_code(body) == "error.websvc.contentType.invalidCharset"
    assert queues_are_empty(server, sue)


def test_credentials_are_an_unsupported_operation(server, sue):
    visitor = server.visitor()
    body = visitor.call("POST", "/chat/start",
                        json={**START, "participant": {"name": "Vera", "credentials": "secret"}})
    assert failure_code(body) == "error.websvc.unsupportedOperation"
    assert queues_are_empty(server, sue)


@pytest.mark.parametrize(
    ("body", "code"),
    [({"message": "x" * 4001, "contentType": "text/plain"}, "error.websvc.general"),
     ({"message": "", "contentType": "text/plain"}, "error.websvc.content.invalid.missingData"),
     ({"message": "   "}, "error.websvc.content.invalid.missingData"),
     ({"message": 42}, "error.websvc.content.invalid.missingData"),
     ({"text": "hi"}, "error.websvc.content.invalid.missingData")],
)
def test_bad_message_fails_and_adds_no_event(server, body, code):
    alice = server.login("alice")
    visitor = server.visitor()
    visitor.start()
    iid = server.wait_for_alert(alice)["id"]
    server.act(alice, iid, "pickup")
    count = visitor.count()
    before = server.interaction(alice, iid)
    assert failure_code(visitor.call("POST", f"/chat/sendMessage/{visitor.pid}", json=body)) == code
    assert visitor.count() == count
    assert server.interaction(alice, iid) == before


def test_message_of_4000_characters_is_accepted(server):
    visitor = server.visitor()
    visitor.start()
    [echo] = visitor.send("y" * 4000)
    assert echo["value"] == "y" * 4000


@pytest.mark.parametrize("value", [None, "true", 1, [True]])
def test_bad_typing_value_fails_and_adds_no_event(server, sue, value):
    visitor = server.visitor()
    visitor.start()
    count = visitor.count()
    body = visitor.call("POST", f"/chat/setTypingState/{visitor.pid}", json={"typingIndicator": value})
    assert failure_code(body) == "error.websvc.content.invalid.missingData"
    assert visitor.count() == count
    assert server.find_interaction(sue, visitor.name)["visitor_typing"] is False


def test_unknown_visitor_path_is_a_transport_error(server):
    assert server.http.get("/websvcs/chat/nothing").status_code == 404
    assert server.http.get("/websvcs/chat/start").status_code == 405


# -- queue query -----------------------------------------------------------------------------


def query(server, body, prefix="/websvcs"):
    r = server.http.post(prefix + "/queue/query", json=body)
    assert r.status_code == 200
    return r.json()


def test_queue_query_counts_available_agents_and_estimates_the_wait(server):
    body = {"queueName": "Sales", "queueType": "Workgroup", "participant": {"name": "x", "credentials": None}}
    q = query(server, body)["queue"]
    assert q["status"]["type"] == "success" and q["agentsAvailable"] == 0 and q["estimatedWaitTime"] == 0
    server.login("alice")
    server.login("bob", status="Training")
    assert query(server, body)["queue"]["agentsAvailable"] == 1
    assert query(server, {**body, "queueType": None}, "/I3Root/Server1/websvcs")["queue"]["agentsAvailable"] == 1


def test_queue_query_wait_estimate_counts_waiting_chats(server):
    server.visitor().start()
    body = {"queueName": "Sales", "queueType": "Workgroup"}
    wait_until(lambda: query(server, body)["queue"]["estimatedWaitTime"] >= 1, timeout=5, interval=0.1)


@pytest.mark.parametrize(
    "body",
    [{"queueName": "Nowhere", "queueType": "Workgroup"}, {"queueName": "Billing", "queueType": "Workgroup"},
     {"queueName": "alice", "queueType": "User"}],
)
def test_queue_query_of_unknown_queue_fails_with_bad_target(server, body):
    assert failure_code(query(server, body), "queue") == "error.websvc.unknownEntity.badTarget"


def test_queue_query_without_a_name_fails_with_missing_data(server):
    assert failure_code(query(server, {"queueType": "Workgroup"}), "queue") == (
        "error.websvc.content.invalid.missingData")

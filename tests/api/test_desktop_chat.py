"""Desktop chat between colleagues over the real server: presence, contacts, messages, files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from console.server.desktop_chat import DesktopChatSettings
from console.wire_desktop_chat import DeskMessage, DeskRoster, DeskSnapshot
from tests.api.test_durability import restart
from tests.conftest import Harness, error_of

DESK = "/api/v1/desktop-chat"


class Colleague:
    """One signed-in user of the console, speaking the desktop-chat API."""

    def __init__(self, server: Harness, username: str) -> None:
        self.server = server
        self.username = username
        self.headers = server.login(username)

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        r = self.server.http.request(method, DESK + path, headers=self.headers, **kwargs)
        assert r.status_code == expect, r.text
        return r.json() if r.content and r.headers.get("content-type", "").startswith("application/json") else r

    def refused(self, method: str, path: str, **kwargs: Any) -> tuple[int, str]:
        r = self.server.http.request(method, DESK + path, headers=self.headers, **kwargs)
        assert r.status_code >= 400, r.text
        return r.status_code, error_of(r)

    def sign_in(self) -> dict[str, Any]:
        return self.call("POST", "/session")

    def roster(self) -> dict[str, Any]:
        return DeskRoster.model_validate(self.call("GET", "/roster")).model_dump()

    def group_id(self, name: str) -> int:
        return next(g["id"] for g in self.roster()["groups"] if g["name"] == name)

    def groups(self) -> dict[str, list[str]]:
        """Group name -> display names of its contacts."""
        return {g["name"]: [c["display_name"] for c in g["contacts"]] for g in self.roster()["groups"]}

    def add(self, username: str, display_name: str | None = None, **target: Any) -> dict[str, Any]:
        body = {"username": username, **target}
        if display_name is not None:
            body["display_name"] = display_name
        return self.call("POST", "/contacts", 201, json=body)

    def say(self, to: str, text: str) -> dict[str, Any]:
        return DeskMessage.model_validate(self.call("POST", "/messages", 201, json={"to": to, "text": text})).model_dump(
            by_alias=True)

    def history(self, after: int = 0) -> list[dict[str, Any]]:
        return self.call("GET", f"/messages?after={after}")

    def events(self):
        stream = self.server.events(self.headers, {"op": "subscribe"})
        stream.snapshots()
        return stream


@pytest.fixture
def alice(server) -> Colleague:
    return Colleague(server, "alice")


@pytest.fixture
def bob(server) -> Colleague:
    return Colleague(server, "bob")


def desk_frame(stream, topic: str, **match: Any):
    return stream.recv_until(lambda f: f["topic"] == topic and all(f["data"].get(k) == v for k, v in match.items()))


# -- presence -----------------------------------------------------------------------------------


def test_a_fresh_stream_ends_its_snapshots_with_desktop_chat(server, alice):
    stream = server.events(alice.headers, {"op": "subscribe"})
    frames = [stream.recv() for _ in range(4)]
    assert [(f["topic"], f["kind"]) for f in frames] == [
        ("session", "snapshot"), ("agent.status", "snapshot"), ("queues", "snapshot"), ("desk.session", "snapshot")]
    snapshot = DeskSnapshot.model_validate(frames[3]["data"])
    assert snapshot.me.username == "alice" and not snapshot.me.signed_in and snapshot.me.presence == "offline"
    assert snapshot.roster.groups == [] and snapshot.policy.max_bytes == DesktopChatSettings().attachment_max_bytes


def test_signing_in_to_desktop_chat_makes_me_available_and_leaves_my_acd_status_alone(server, alice):
    server.set_status(alice.headers, "At Lunch")
    me = alice.sign_in()
    assert me == {"username": "alice", "name": "Alice Archer", "signed_in": True, "presence": "available"}
    assert server.status_of(alice.headers)["status"] == "At Lunch"
    server.set_status(alice.headers, "Available")
    assert alice.call("GET", "")["me"]["presence"] == "available"
    assert alice.call("PUT", "/presence", json={"presence": "dnd"})["presence"] == "dnd"
    assert server.status_of(alice.headers)["status"] == "Available"


def test_presence_changes_are_seen_by_a_colleague_who_has_me_as_a_contact(server, alice, bob):
    bob.sign_in()
    bob.add("alice", new_group="Team")
    stream = bob.events()
    assert bob.roster()["groups"][0]["contacts"][0]["presence"] == "offline"

    alice.sign_in()
    assert desk_frame(stream, "desk.presence", username="alice")["data"] == {
        "username": "alice", "name": "Alice Archer", "presence": "available"}
    alice.call("PUT", "/presence", json={"presence": "away"})
    desk_frame(stream, "desk.presence", username="alice", presence="away")
    alice.call("PUT", "/presence", json={"presence": "dnd"})
    desk_frame(stream, "desk.presence", username="alice", presence="dnd")
    assert bob.roster()["groups"][0]["contacts"][0]["presence"] == "dnd"
    alice.call("DELETE", "/session")
    desk_frame(stream, "desk.presence", username="alice", presence="offline")
    assert alice.call("GET", "")["me"] == {
        "username": "alice", "name": "Alice Archer", "signed_in": False, "presence": "offline"}


def test_closing_the_last_console_shows_me_offline_and_the_next_console_brings_me_back_available(server, alice, bob):
    bob.add("alice", new_group="Team")
    stream = bob.events()
    second = server.login("alice")
    alice.sign_in()
    alice.call("PUT", "/presence", json={"presence": "away"})
    desk_frame(stream, "desk.presence", username="alice", presence="away")

    assert server.http.delete("/api/v1/session", headers=alice.headers).status_code == 204
    assert server.http.delete("/api/v1/session", headers=second).status_code == 204  # the last one
    desk_frame(stream, "desk.presence", username="alice", presence="offline")

    again = Colleague(server, "alice")
    desk_frame(stream, "desk.presence", username="alice", presence="available")
    assert again.call("GET", "")["me"]["signed_in"] is True


def test_offline_is_reached_by_signing_out_not_chosen(alice):
    assert alice.refused("PUT", "/presence", json={"presence": "away"}) == (409, "desk.not_signed_in")
    alice.sign_in()
    for bad in ("offline", "busy", "Available"):
        assert alice.refused("PUT", "/presence", json={"presence": bad}) == (422, "desk.presence.unknown")
    assert alice.call("GET", "")["me"]["presence"] == "available"


def test_contacts_groups_and_presence_survive_a_restart(server_factory):
    server = server_factory()
    alice, bob = Colleague(server, "alice"), Colleague(server, "bob")
    alice.sign_in()
    alice.call("PUT", "/presence", json={"presence": "dnd"})
    alice.add("bob", "Bobby", new_group="Team")
    alice.add("carol", new_group="Support desk")
    bob.sign_in()
    alice.say("bob", "Before the restart")
    roster = alice.roster()

    server = restart(server_factory, server)
    alice.server = bob.server = server
    assert alice.roster()["groups"] == roster["groups"]
    assert alice.call("GET", "")["me"]["presence"] == "dnd"
    assert [m["text"] for m in bob.history()] == ["Before the restart"]


# -- directory, contacts and groups --------------------------------------------------------------


def test_directory_search_finds_colleagues_by_name_or_id(alice):
    assert [u["username"] for u in alice.call("GET", "/directory?q=car")] == ["carol"]
    assert [u["username"] for u in alice.call("GET", "/directory?q=BAKER")] == ["bob"]
    assert [u["username"] for u in alice.call("GET", "/directory?q=o")] == ["bob", "carol", "omar", "sue"]
    assert alice.call("GET", "/directory?q=alice") == []  # never yourself
    assert alice.call("GET", "/directory?q=nobody") == []
    [sue] = alice.call("GET", "/directory?q=sue sommer")
    assert sue == {"username": "sue", "name": "Sue Sommer", "role": "supervisor",
                   "workgroups": ["Sales", "Support"], "presence": "offline"}


def test_adding_contacts_to_new_and_existing_groups_with_display_names(alice):
    alice.add("bob", "Bobby B", new_group="Team")
    alice.add("carol", group_id=alice.group_id("Team"))
    alice.add("sue", new_group="Supervisors")
    assert alice.groups() == {"Supervisors": ["Sue Sommer"], "Team": ["Bobby B", "Carol Cho"]}
    team = alice.roster()["groups"][1]
    assert team["contacts"][0] == {"username": "bob", "display_name": "Bobby B", "name": "Bob Baker",
                                   "presence": "offline"}
    alice.call("POST", "/groups", 201, json={"name": "Empty for now"})
    assert "Empty for now" in alice.groups()


def test_contact_and_group_mistakes_are_refused_and_change_nothing(alice):
    alice.add("bob", new_group="Team")
    team = alice.group_id("Team")
    before = alice.roster()
    cases = [
        ({"username": "nobody", "group_id": team}, 404, "desk.user.unknown"),
        ({"username": "alice", "group_id": team}, 422, "desk.contact.self"),
        ({"username": "bob", "group_id": team}, 409, "desk.contact.duplicate"),
        ({"username": "carol", "new_group": "team"}, 409, "desk.group.duplicate"),
        ({"username": "carol", "new_group": "  "}, 422, "desk.group.name_invalid"),
        ({"username": "carol", "new_group": "Recent Chats"}, 422, "desk.group.name_invalid"),
        ({"username": "carol", "new_group": "x" * 41}, 422, "desk.group.name_invalid"),
        ({"username": "carol"}, 422, "desk.group.target_required"),
        ({"username": "carol", "group_id": team, "new_group": "Both"}, 422, "desk.group.target_required"),
        ({"username": "carol", "group_id": 999}, 404, "desk.group.not_found"),
        ({"username": "carol", "group_id": team, "display_name": ""}, 422, "desk.contact.name_invalid"),
        ({"username": "carol", "group_id": team, "display_name": "a\x07b"}, 422, "desk.contact.name_invalid"),
    ]
    for body, status, code in cases:
        assert alice.refused("POST", "/contacts", json=body) == (status, code), body
    assert alice.refused("POST", "/groups", json={"name": "TEAM"}) == (409, "desk.group.duplicate")
    assert alice.roster() == before


def test_editing_a_contact_changes_its_display_name_and_group(alice):
    alice.add("bob", new_group="Team")
    alice.add("carol", group_id=alice.group_id("Team"))
    team = alice.group_id("Team")
    alice.call("PATCH", "/contacts/bob", json={"group_id": team, "display_name": "Bob (nights)", "new_group": "Night"})
    assert alice.groups() == {"Night": ["Bob (nights)"], "Team": ["Carol Cho"]}
    alice.call("PATCH", "/contacts/bob", json={"group_id": alice.group_id("Night"), "to_group_id": team})
    assert alice.groups() == {"Night": [], "Team": ["Bob (nights)", "Carol Cho"]}
    assert alice.refused("PATCH", "/contacts/bob", json={"group_id": alice.group_id("Night"),
                                                         "display_name": "x"}) == (404, "desk.contact.not_found")


def test_moving_several_contacts_to_an_existing_or_a_new_group(alice):
    alice.add("bob", new_group="Team")
    team = alice.group_id("Team")
    alice.add("carol", group_id=team)
    alice.add("sue", group_id=team)
    moved = alice.call("POST", "/contacts/move", json={
        "contacts": [{"username": "bob", "group_id": team}, {"username": "carol", "group_id": team}],
        "new_group": "Evening shift"})
    assert {g["name"]: len(g["contacts"]) for g in moved["groups"]} == {"Evening shift": 2, "Team": 1}
    alice.call("POST", "/contacts/move", json={
        "contacts": [{"username": "sue", "group_id": team}], "group_id": alice.group_id("Evening shift")})
    assert alice.groups() == {"Evening shift": ["Bob Baker", "Carol Cho", "Sue Sommer"], "Team": []}


def test_moving_a_contact_to_another_users_group_is_refused(server, alice, bob):
    bob.add("carol", new_group="Bob's group")
    theirs = bob.group_id("Bob's group")
    alice.add("carol", new_group="Mine")
    before = alice.roster()
    mine = alice.group_id("Mine")
    body = {"contacts": [{"username": "carol", "group_id": mine}], "group_id": theirs}
    assert alice.refused("POST", "/contacts/move", json=body) == (404, "desk.group.not_found")
    assert alice.refused("PATCH", "/contacts/carol", json={"group_id": mine, "to_group_id": theirs}) == (
        404, "desk.group.not_found")
    assert alice.refused("POST", "/contacts/move", json={  # nor may one take contacts out of it
        "contacts": [{"username": "carol", "group_id": theirs}], "group_id": mine}) == (404, "desk.group.not_found")
    assert alice.refused("PATCH", f"/groups/{theirs}", json={"name": "Mine now"}) == (404, "desk.group.not_found")
    assert alice.refused("DELETE", f"/groups/{theirs}") == (404, "desk.group.not_found")
    assert alice.roster() == before
    assert bob.groups() == {"Bob's group": ["Carol Cho"]}


def test_deleting_a_contact_in_several_groups_removes_it_only_from_that_group(alice):
    alice.add("bob", "Bobby", new_group="Team")
    alice.add("bob", new_group="Lunch club")
    alice.add("carol", group_id=alice.group_id("Team"))
    assert alice.groups() == {"Lunch club": ["Bobby"], "Team": ["Bobby", "Carol Cho"]}
    team = alice.group_id("Team")
    alice.call("POST", "/contacts/delete", json={"contacts": [{"username": "bob", "group_id": team},
                                                              {"username": "carol", "group_id": team}]})
    assert alice.groups() == {"Lunch club": ["Bobby"], "Team": []}
    assert alice.refused("POST", "/contacts/delete", json={"contacts": [
        {"username": "bob", "group_id": alice.group_id("Lunch club")},
        {"username": "carol", "group_id": team}]}) == (404, "desk.contact.not_found")
    assert alice.groups() == {"Lunch club": ["Bobby"], "Team": []}, "all or nothing"


def test_renaming_and_deleting_groups(alice):
    alice.add("bob", new_group="Team")
    alice.add("bob", new_group="Lunch club")
    alice.add("carol", group_id=alice.group_id("Team"))
    team = alice.group_id("Team")
    alice.call("PATCH", f"/groups/{team}", json={"name": "Day team"})
    alice.call("PATCH", f"/groups/{team}", json={"name": "day TEAM"})  # its own name in another case
    assert alice.refused("PATCH", f"/groups/{team}", json={"name": "Lunch Club"}) == (409, "desk.group.duplicate")
    assert alice.groups() == {"day TEAM": ["Bob Baker", "Carol Cho"], "Lunch club": ["Bob Baker"]}
    alice.call("DELETE", f"/groups/{team}")
    assert alice.groups() == {"Lunch club": ["Bob Baker"]}
    alice.add("carol", group_id=alice.group_id("Lunch club"))  # carol went with the group: a new contact
    assert alice.groups() == {"Lunch club": ["Bob Baker", "Carol Cho"]}


def test_roster_changes_reach_my_other_console(server, alice):
    other = server.events(alice.headers, {"op": "subscribe"})
    other.snapshots()
    alice.add("bob", new_group="Team")
    frame = desk_frame(other, "desk.roster")
    assert frame["kind"] == "put" and frame["data"]["groups"][0]["name"] == "Team"


def test_recent_chats_lists_colleagues_chatted_with_newest_first(server, alice, bob):
    carol = Colleague(server, "carol")
    for user in (alice, bob, carol):
        user.sign_in()
    alice.add("carol", "Caro", new_group="Team")
    alice.say("bob", "Hi Bob")
    carol.say("alice", "Hi Alice")
    recent = alice.roster()["recent"]
    assert [(r["username"], r["display_name"], r["presence"]) for r in recent] == [
        ("carol", "Caro", "available"), ("bob", "Bob Baker", "available")]
    assert [r["username"] for r in bob.roster()["recent"]] == ["alice"]


# -- conversations -------------------------------------------------------------------------------


def test_two_colleagues_exchange_messages_with_typing(server, alice, bob):
    alice.sign_in()
    bob.sign_in()
    alice_stream, bob_stream = alice.events(), bob.events()

    alice.call("POST", "/typing", 204, json={"to": "bob", "typing": True})
    typing = desk_frame(bob_stream, "desk.typing")
    assert typing["data"] == {"from": "alice", "name": "Alice Archer", "typing": True}
    sent = alice.say("bob", "Can you take the German chat?")
    assert sent["from"] == "alice" and sent["to_name"] == "Bob Baker" and sent["kind"] == "text"
    delivered = desk_frame(bob_stream, "desk.message")
    assert delivered["kind"] == "post" and delivered["data"] == sent
    assert desk_frame(alice_stream, "desk.message")["data"] == sent  # my other consoles see it too

    reply = bob.say("alice", "Sure, send it over.")
    assert desk_frame(alice_stream, "desk.message", text="Sure, send it over.")["data"]["id"] == reply["id"]
    assert [m["text"] for m in alice.history()] == ["Can you take the German chat?", "Sure, send it over."]
    assert [m["text"] for m in alice.history(after=sent["id"])] == ["Sure, send it over."]


def test_messages_reach_only_signed_in_colleagues(server, alice, bob):
    alice.sign_in()
    assert alice.refused("POST", "/messages", json={"to": "bob", "text": "Hello?"}) == (409, "desk.recipient_offline")
    bob.sign_in()
    bob.call("DELETE", "/session")
    status, code = alice.refused("POST", "/messages", json={"to": "bob", "text": "Hello?"})
    assert (status, code) == (409, "desk.recipient_offline")
    bob.sign_in()
    assert bob.history() == [] and alice.history() == []
    # Bob's console closing makes him unreachable too, though he never signed out of desktop chat.
    server.http.delete("/api/v1/session", headers=bob.headers)
    assert alice.refused("POST", "/messages", json={"to": "bob", "text": "Still there?"}) == (
        409, "desk.recipient_offline")
    # Typing to someone offline is not an error: there is nobody to show it to.
    alice.call("POST", "/typing", 204, json={"to": "bob", "typing": True})


def test_message_mistakes_are_refused_with_their_reason(alice, bob):
    bob.sign_in()
    assert alice.refused("POST", "/messages", json={"to": "bob", "text": "Hi"}) == (409, "desk.not_signed_in")
    alice.sign_in()
    cases = [
        ({"to": "nobody", "text": "Hi"}, 404, "desk.user.unknown"),
        ({"to": "alice", "text": "Hi"}, 422, "desk.recipient_self"),
        ({"to": "bob", "text": "   \n"}, 422, "message.empty"),
        ({"to": "bob", "text": "x" * 4001}, 422, "message.too_long"),
        ({"to": "bob"}, 422, "request.invalid"),
        ({"to": "bob", "text": "Hi", "cc": "carol"}, 422, "request.invalid"),
    ]
    for body, status, code in cases:
        assert alice.refused("POST", "/messages", json=body) == (status, code), body
    assert alice.refused("POST", "/typing", json={"to": "nobody", "typing": True}) == (404, "desk.user.unknown")
    assert bob.history() == []
    alice.say("bob", "x" * 4000)  # the limit itself is fine


def test_history_is_kept_for_the_desktop_chat_session(server, alice, bob):
    alice.sign_in()
    bob.sign_in()
    alice.say("bob", "First session")
    stream = bob.events()
    stream.close()
    alice.say("bob", "Sent while Bob's console reconnects")
    # A console that resyncs reads the session's messages again.
    assert [m["text"] for m in bob.history()] == ["First session", "Sent while Bob's console reconnects"]
    bob.call("DELETE", "/session")
    bob.sign_in()
    assert bob.history() == []  # a new desktop-chat session starts empty
    assert alice.history()[-1]["text"] == "Sent while Bob's console reconnects"


# -- attachments -------------------------------------------------------------------------------


def offer(user: Colleague, to: str, name: str, content: bytes | Any, **headers: str) -> httpx.Response:
    return user.server.http.post(f"{DESK}/attachments", params={"to": to, "name": name}, content=content,
                                 headers={**user.headers, **headers})


def attachment_files(server: Harness) -> list[Path]:
    return sorted((server.thread.settings.data_dir / "desktop-chat").iterdir())


def test_a_file_offered_is_downloaded_and_accepted_and_the_sender_sees_it(server, alice, bob):
    alice.sign_in()
    bob.sign_in()
    alice_stream, bob_stream = alice.events(), bob.events()
    content = bytes(range(256)) * 1000
    r = offer(alice, "bob", "Q3 report.pdf", content)
    assert r.status_code == 201, r.text
    offered = r.json()
    assert offered["kind"] == "file" and offered["file"] == {"name": "Q3 report.pdf", "size": 256_000,
                                                             "state": "offered"}
    seen = desk_frame(bob_stream, "desk.message")["data"]
    assert seen == offered
    assert len(attachment_files(server)) == 1

    download = server.http.get(f"{DESK}/attachments/{offered['id']}", headers=bob.headers)
    assert download.status_code == 200 and download.content == content
    assert "Q3%20report.pdf" in download.headers["content-disposition"]
    accepted = bob.call("POST", f"/attachments/{offered['id']}/accept")
    assert accepted["file"]["state"] == "accepted"
    frame = desk_frame(alice_stream, "desk.attachment")
    assert frame["kind"] == "put" and frame["data"]["file"]["state"] == "accepted"
    assert attachment_files(server) == []  # delivered: the server keeps no copy
    assert bob.refused("POST", f"/attachments/{offered['id']}/decline") == (409, "desk.attachment.answered")
    assert bob.refused("GET", f"/attachments/{offered['id']}") == (409, "desk.attachment.answered")


def test_a_declined_file_is_gone_and_the_sender_sees_it_declined(server, alice, bob):
    alice.sign_in()
    bob.sign_in()
    alice_stream = alice.events()
    offered = offer(alice, "bob", "notes.txt", b"hello").json()
    assert alice.refused("POST", f"/attachments/{offered['id']}/accept") == (404, "desk.attachment.not_found")
    carol = Colleague(server, "carol")
    assert carol.refused("GET", f"/attachments/{offered['id']}") == (404, "desk.attachment.not_found")
    declined = bob.call("POST", f"/attachments/{offered['id']}/decline")
    assert declined["file"]["state"] == "declined"
    assert desk_frame(alice_stream, "desk.attachment")["data"]["file"]["state"] == "declined"
    assert attachment_files(server) == []
    assert [m["file"]["state"] for m in alice.history()] == ["declined"]


def test_files_over_the_limit_or_of_a_type_not_allowed_are_refused_and_nothing_is_kept(server_factory):
    server = server_factory(desktop_chat=DesktopChatSettings(attachment_max_bytes=100_000,
                                                             attachment_types=(".pdf", ".txt")))
    alice, bob = Colleague(server, "alice"), Colleague(server, "bob")
    alice.sign_in()
    bob.sign_in()
    r = offer(alice, "bob", "big.pdf", b"x" * 100_001)  # declared length over the limit
    assert (r.status_code, error_of(r)) == (413, "desk.attachment.too_large")
    assert "97.7 KB" in r.json()["error"]["message"]

    def chunked():
        for _ in range(30):
            yield b"y" * 8192  # 245,760 bytes without a declared length

    r = offer(alice, "bob", "big.pdf", chunked())
    assert (r.status_code, error_of(r)) == (413, "desk.attachment.too_large")
    for name, code in [("tool.exe", "desk.attachment.type_not_allowed"), ("../etc/passwd.txt",
                       "desk.attachment.name_invalid"), ("a\x00.txt", "desk.attachment.name_invalid")]:
        r = offer(alice, "bob", name, b"data")
        assert error_of(r) == code, name
    assert offer(alice, "bob", "ok.txt", b"x" * 100_000).status_code == 201  # the limit itself is fine
    assert [m["file"]["name"] for m in bob.history()] == ["ok.txt"]
    assert len(attachment_files(server)) == 1


def test_files_go_only_to_signed_in_colleagues(server, alice, bob):
    alice.sign_in()
    r = offer(alice, "bob", "notes.txt", b"hello")
    assert (r.status_code, error_of(r)) == (409, "desk.recipient_offline")
    r = offer(alice, "nobody", "notes.txt", b"hello")
    assert (r.status_code, error_of(r)) == (404, "desk.user.unknown")
    assert attachment_files(server) == []


def test_an_unanswered_offer_survives_a_restart(server_factory):
    server = server_factory()
    alice, bob = Colleague(server, "alice"), Colleague(server, "bob")
    alice.sign_in()
    bob.sign_in()
    offered = offer(alice, "bob", "notes.txt", b"still here").json()
    server = restart(server_factory, server)
    alice.server = bob.server = server
    assert server.http.get(f"{DESK}/attachments/{offered['id']}", headers=bob.headers).content == b"still here"


# -- hostile input -------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path, kwargs", [
    ("POST", "/contacts", {"content": b"{"}),
    ("POST", "/contacts", {"json": {"username": "bob", "group_id": 10**30}}),
    ("POST", "/contacts", {"json": {"username": "bob", "group_id": "one"}}),
    ("POST", "/contacts", {"json": {"username": "", "new_group": "G"}}),
    ("POST", "/contacts/move", {"json": {"contacts": [], "group_id": 1}}),
    ("POST", "/contacts/delete", {"json": {"contacts": [{"username": "bob"}]}}),
    ("PATCH", f"/groups/{2**70}", {"json": {"name": "x"}}),
    ("DELETE", "/groups/0", {}),
    ("GET", "/messages?after=-1", {}),
    ("GET", "/attachments/abc", {}),
    ("PUT", "/presence", {"json": {"presence": 3}}),
    ("POST", "/typing", {"json": {"to": "bob", "typing": "yes please"}}),
    ("GET", f"/directory?q={'q' * 101}", {}),
])
def test_malformed_requests_get_a_documented_4xx(alice, method, path, kwargs):
    status, code = alice.refused(method, path, **kwargs)
    assert (status, code) in ((400, "request.malformed"), (422, "request.invalid"))


def test_every_route_needs_a_session(server):
    for method, path in [("GET", ""), ("POST", "/session"), ("GET", "/roster"), ("POST", "/messages"),
                         ("POST", "/attachments?to=bob&name=a.txt"), ("GET", "/attachments/1")]:
        r = server.http.request(method, DESK + path)
        assert (r.status_code, error_of(r)) == (401, "session.required"), path


def test_presence_of_and_its_listeners_follow_what_colleagues_see(server, alice):
    desk = server.thread.app.state.desktop_chat
    heard: list[tuple[str, str]] = []
    desk.presence_listeners.append(lambda username, presence: heard.append((username, presence)))
    assert desk.presence_of("alice") == "offline"
    alice.sign_in()
    alice.call("PUT", "/presence", json={"presence": "away"})
    assert desk.presence_of("alice") == "away"
    server.http.delete("/api/v1/session", headers=alice.headers)
    assert desk.presence_of("alice") == "offline"
    assert heard == [("alice", "available"), ("alice", "away"), ("alice", "offline")]
    assert desk.presence_of("nobody") == "offline"

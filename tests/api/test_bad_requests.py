"""Malformed, oversized and hostile requests: a fitting 4xx, never a 500, and no change."""

from __future__ import annotations

import pytest

from tests.conftest import error_of

JSON = {"content-type": "application/json"}


@pytest.fixture
def alice(server):
    return server.login("alice", status="Training")


def status_put(server, headers, **kwargs):
    return server.http.put("/api/v1/agents/me/status", headers={**headers, **JSON}, **kwargs)


def assert_unchanged(server, headers, before):
    assert server.status_of(headers) == before


@pytest.mark.parametrize(
    "raw",
    [b"{", b'{"status": "At Lunch"', b"status=At Lunch", b"\xff\xfe\x00{", b'{"status": "At\xff Lunch"}',
     b"[" * 10_000, b'{"status": ' + b"1" * 5000 + b"}", b"NaN-ish"],
    ids=["open-brace", "truncated", "form", "utf16-bom", "bad-utf8-in-string", "deep-nesting", "huge-int", "junk"],
)
def test_malformed_json_is_400_request_malformed_and_changes_nothing(server, alice, raw):
    before = server.status_of(alice)
    r = status_put(server, alice, content=raw)
    assert r.status_code == 400 and error_of(r) == "request.malformed"
    assert_unchanged(server, alice, before)


@pytest.mark.parametrize(
    "body",
    [{}, {"state": "At Lunch"}, {"status": ""}, {"status": None}, {"status": 12}, {"status": ["At Lunch"]},
     {"status": {"a": [[[{"b": 1}]]]}}, [], "At Lunch", None, {"status": 10**30}, {"status": "x" * 101}],
    ids=["empty", "wrong-field", "blank", "null", "int", "list", "nested-junk", "array", "string", "null-body",
         "huge-int", "too-long"],
)
def test_invalid_body_is_422_request_invalid_and_changes_nothing(server, alice, body):
    before = server.status_of(alice)
    r = status_put(server, alice, json=body)
    assert r.status_code == 422 and error_of(r) == "request.invalid"
    assert_unchanged(server, alice, before)


def signed_in(server, username: str) -> bool:
    sue = server.login("sue")
    return {a["username"]: a["signed_in"] for a in server.http.get("/api/v1/agents", headers=sue).json()}[username]


def test_unknown_fields_are_refused_not_ignored(server, alice):
    bob = server.login("bob", status="Training")
    before = server.status_of(bob)
    r = status_put(server, bob, json={"status": "At Lunch", "username": "alice"})
    assert r.status_code == 422 and error_of(r) == "request.invalid"
    assert "username" in r.json()["error"]["message"]
    assert_unchanged(server, bob, before)
    r = server.http.post("/api/v1/session", json={"username": "carol", "password": "carol-pw", "remember": True})
    assert r.status_code == 422 and error_of(r) == "request.invalid"
    assert not signed_in(server, "carol")


def test_missing_fields_on_sign_in_are_422_and_sign_nobody_in(server):
    for body in ({"username": "carol"}, {"password": "carol-pw"}, {"username": "", "password": "carol-pw"},
                 {"username": "carol", "password": ""}):
        r = server.http.post("/api/v1/session", json=body)
        assert r.status_code == 422 and error_of(r) == "request.invalid"
    assert not signed_in(server, "carol")


def test_body_over_64_kib_is_413_and_changes_nothing(server, alice):
    before = server.status_of(alice)
    padded = b'{"status": "At Lunch", "pad": "' + b"x" * (64 * 1024) + b'"}'
    r = status_put(server, alice, content=padded)
    assert r.status_code == 413 and error_of(r) == "request.too_large"
    assert_unchanged(server, alice, before)


def test_chunked_body_over_64_kib_is_413_and_changes_nothing(server, alice):
    before = server.status_of(alice)

    def chunks():
        yield b'{"status": "At Lunch", "pad": "'
        for _ in range(70):
            yield b"x" * 1024
        yield b'"}'

    r = status_put(server, alice, content=chunks())
    assert r.status_code == 413 and error_of(r) == "request.too_large"
    assert_unchanged(server, alice, before)


def test_chunked_body_within_the_limit_is_accepted(server, alice):
    def chunks():
        yield b'{"status":'
        yield b' "At Lunch"}'

    r = status_put(server, alice, content=chunks())
    assert r.status_code == 200 and r.json()["status"] == "At Lunch"


def test_body_of_exactly_64_kib_is_not_too_large(server, alice):
    head, tail = b'{"status": "At Lunch", "x": "', b'"}'
    body = head + b"y" * (64 * 1024 - len(head) - len(tail)) + tail
    assert len(body) == 64 * 1024
    r = status_put(server, alice, content=body)
    assert r.status_code == 422 and error_of(r) == "request.invalid"  # unknown field "x", not 413


def test_json_body_needs_a_json_content_type(server, alice):
    before = server.status_of(alice)
    r = server.http.put("/api/v1/agents/me/status", content=b'{"status": "At Lunch"}',
                        headers={**alice, "content-type": "text/plain"})
    assert r.status_code == 422 and error_of(r) == "request.invalid"
    assert_unchanged(server, alice, before)


def test_unknown_path_and_wrong_method_are_json_errors(server, alice):
    r = server.http.get("/api/v1/nothing-here", headers=alice)
    assert r.status_code == 404 and error_of(r) == "not_found"
    r = server.http.delete("/api/v1/queues", headers=alice)
    assert r.status_code == 405 and error_of(r) == "method_not_allowed"


def test_hostile_inputs_never_cause_a_500(server, alice):
    paths = ["/api/v1/interactions/" + "9" * 3000, "/api/v1/interactions/%00", "/api/v1/interactions/..%2F..%2Fetc",
             "/api/v1/queues/%F0%9F%92%A5/interactions", "/api/v1/interactions/1/" + "a" * 2000]
    for path in paths:
        for method in ("GET", "POST"):
            r = server.http.request(method, path, headers=alice)
            assert 400 <= r.status_code < 500, (method, path, r.status_code)
            error_of(r)
    bodies = [b'{"text": ' + b"9" * 4400 + b"}", b'{"text": {"$gt": ""}}', b'{"text": "\\ud800"}',
              b'{"typing": "maybe"}', b"\x00\x01\x02", b'{"workgroup": [' * 500]
    for target in ("messages", "typing", "transfer", "pickup"):
        for raw in bodies:
            r = server.http.post(f"/api/v1/interactions/1/{target}", content=raw, headers={**alice, **JSON})
            assert 400 <= r.status_code < 500, (target, raw[:20], r.status_code)
            error_of(r)
    for header in ("Bearer " + "x" * 8000, "Bearer é", "bearer", "Bearer"):
        r = server.http.get("/api/v1/queues", headers={"Authorization": header.encode("utf-8")})
        assert r.status_code in (400, 401, 431), r.status_code
    assert server.status_of(alice)["status"] == "Training"


def test_visitor_page_is_served_or_missing_but_never_a_crash(server):
    r = server.http.get("/")
    if r.status_code == 200:
        assert r.headers["content-type"].startswith("text/html") and r.text.strip()
    else:
        assert r.status_code == 404 and error_of(r) == "not_found"

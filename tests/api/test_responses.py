"""Response Management over the agent API: libraries, My Responses, favorites, search, permissions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Harness, error_of, stop

API = "/api/v1"


# -- helpers -----------------------------------------------------------------------------------
def library(server: Harness, supervisor: dict[str, str], name: str, workgroups: list[str]) -> int:
    r = server.http.post(f"{API}/responses/libraries", json={"name": name, "workgroups": workgroups},
                         headers=supervisor)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def response(server: Harness, who: dict[str, str], **body: Any) -> dict[str, Any]:
    r = server.http.post(f"{API}/responses", json=body, headers=who)
    assert r.status_code == 201, r.text
    return r.json()


def tree(server: Harness, who: dict[str, str]) -> dict[str, Any]:
    r = server.http.get(f"{API}/responses", headers=who)
    assert r.status_code == 200, r.text
    return r.json()


def titles(server: Harness, who: dict[str, str]) -> dict[str, list[str]]:
    """Library name -> titles of its responses, as ``who`` sees them."""
    return {lib["name"]: [r["title"] for r in lib["responses"]] for lib in tree(server, who)["libraries"]}


def search(server: Harness, who: dict[str, str], q: str, **params: Any) -> list[dict[str, Any]]:
    r = server.http.get(f"{API}/responses/search", params={"q": q, **params}, headers=who)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
def sales_library(server: Harness) -> int:
    return library(server, server.login("sue"), "Sales answers", ["Sales"])


# -- libraries and who sees them ----------------------------------------------------------------
def test_system_library_is_visible_to_its_workgroups_only_and_my_responses_comes_first(
    server: Harness, sales_library: int
):
    sue = server.login("sue")
    response(server, sue, library_id=sales_library, title="Volume discounts", body="10% off from 50 units.")
    alice, carol = server.login("alice"), server.login("carol")  # Sales; Support
    assert titles(server, alice) == {"My Responses": [], "Sales answers": ["Volume discounts"]}
    assert titles(server, carol) == {"My Responses": []}
    libraries = tree(server, alice)["libraries"]
    assert [(lib["kind"], lib["editable"]) for lib in libraries] == [("personal", True), ("system", False)]
    assert libraries[1]["workgroups"] == ["Sales"]


def test_supervisor_regrants_a_library_and_other_workgroups_see_it(server: Harness, sales_library: int):
    sue, carol = server.login("sue"), server.login("carol")
    r = server.http.put(f"{API}/responses/libraries/{sales_library}",
                        json={"name": "Shared answers", "workgroups": ["Sales", "Support"]}, headers=sue)
    assert r.status_code == 200, r.text
    assert r.json()["workgroups"] == ["Sales", "Support"]
    assert "Shared answers" in titles(server, carol)


def test_only_supervisors_create_system_libraries_and_nothing_is_stored_otherwise(server: Harness):
    alice = server.login("alice")
    r = server.http.post(f"{API}/responses/libraries", json={"name": "Mine", "workgroups": ["Sales"]}, headers=alice)
    assert r.status_code == 403 and error_of(r) == "permission.denied"
    sue = server.login("sue")
    assert titles(server, sue) == {"My Responses": []}


@pytest.mark.parametrize("body, code", [
    ({"name": "  ", "workgroups": ["Sales"]}, "response.library_name_empty"),
    ({"name": "X", "workgroups": ["Sales", "Nowhere"]}, "response.workgroup_unknown"),
    ({"name": "Sales answers", "workgroups": []}, "response.library_name_taken"),
    ({"name": "X", "workgroups": "Sales"}, "request.invalid"),
])
def test_bad_library_requests_are_refused(server: Harness, sales_library: int, body, code):
    sue = server.login("sue")
    r = server.http.post(f"{API}/responses/libraries", json=body, headers=sue)
    assert error_of(r) == code
    assert list(titles(server, sue)) == ["My Responses", "Sales answers"]


def test_deleting_a_library_deletes_its_responses(server: Harness, sales_library: int):
    sue = server.login("sue")
    rid = response(server, sue, library_id=sales_library, title="Hello", body="Hi")["id"]
    assert server.http.delete(f"{API}/responses/libraries/{sales_library}", headers=sue).status_code == 204
    assert error_of(server.http.get(f"{API}/responses/{rid}", headers=sue)) == "response.not_found"
    assert search(server, sue, "hello") == []
    r = server.http.delete(f"{API}/responses/libraries/{tree(server, sue)['libraries'][0]['id']}", headers=sue)
    assert r.status_code == 403 and error_of(r) == "permission.denied"  # My Responses stays


# -- My Responses and permissions ----------------------------------------------------------------
def test_agent_creates_edits_and_deletes_their_own_responses(server: Harness):
    alice = server.login("alice")
    created = response(server, alice, title="My greeting", body="Hi {{visitor.first_name}}!", shortcut="/Hi")
    assert created["library_id"] == tree(server, alice)["libraries"][0]["id"]
    assert (created["editable"], created["shortcut"], created["kind"]) == (True, "hi", "message")
    r = server.http.put(f"{API}/responses/{created['id']}",
                        json={"title": "My greeting", "body": "Hello {{visitor.first_name}}!"}, headers=alice)
    assert r.status_code == 200 and r.json()["body"] == "Hello {{visitor.first_name}}!"
    assert r.json()["shortcut"] is None
    assert server.http.delete(f"{API}/responses/{created['id']}", headers=alice).status_code == 204
    assert titles(server, alice)["My Responses"] == []


def test_agent_cannot_edit_or_delete_a_system_wide_response(server: Harness, sales_library: int):
    rid = response(server, server.login("sue"), library_id=sales_library, title="Hello", body="Hi there")["id"]
    alice = server.login("alice")
    r = server.http.put(f"{API}/responses/{rid}", json={"title": "Hijacked", "body": "x"}, headers=alice)
    assert r.status_code == 403 and error_of(r) == "permission.denied"
    r = server.http.delete(f"{API}/responses/{rid}", headers=alice)
    assert r.status_code == 403 and error_of(r) == "permission.denied"
    r = server.http.post(f"{API}/responses", json={"library_id": sales_library, "title": "Mine", "body": "x"},
                         headers=alice)
    assert r.status_code == 403 and error_of(r) == "permission.denied"
    assert titles(server, alice)["Sales answers"] == ["Hello"]
    assert server.http.get(f"{API}/responses/{rid}", headers=alice).json()["body"] == "Hi there"


def test_agent_cannot_see_or_change_another_agents_response(server: Harness):
    bob_response = response(server, server.login("bob"), title="Bob's secret", body="x")["id"]
    alice = server.login("alice")
    for r in (
        server.http.get(f"{API}/responses/{bob_response}", headers=alice),
        server.http.put(f"{API}/responses/{bob_response}", json={"title": "Mine now", "body": "y"}, headers=alice),
        server.http.delete(f"{API}/responses/{bob_response}", headers=alice),
        server.http.put(f"{API}/responses/{bob_response}/favorite", headers=alice),
    ):
        assert r.status_code == 404 and error_of(r) == "response.not_found"
    assert search(server, alice, "secret") == []
    bob = server.login("bob")
    assert server.http.get(f"{API}/responses/{bob_response}", headers=bob).json()["title"] == "Bob's secret"


def test_supervisors_cannot_change_an_agents_personal_responses_either(server: Harness):
    rid = response(server, server.login("alice"), title="Alice's", body="x")["id"]
    r = server.http.put(f"{API}/responses/{rid}", json={"title": "Changed", "body": "y"}, headers=server.login("sue"))
    assert r.status_code == 404 and error_of(r) == "response.not_found"


def test_favorites_are_per_agent_and_listed_with_the_tree(server: Harness, sales_library: int):
    sue = server.login("sue")
    first = response(server, sue, library_id=sales_library, title="Hello", body="Hi")["id"]
    second = response(server, sue, library_id=sales_library, title="Bye", body="Bye")["id"]
    alice, bob = server.login("alice"), server.login("bob")
    for rid in (second, first, first):  # marking twice is harmless
        assert server.http.put(f"{API}/responses/{rid}/favorite", headers=alice).status_code == 204
    assert tree(server, alice)["favorites"] == [first, second]
    assert tree(server, bob)["favorites"] == []
    assert server.http.get(f"{API}/responses/{first}", headers=alice).json()["favorite"] is True
    assert server.http.delete(f"{API}/responses/{first}/favorite", headers=alice).status_code == 204
    assert tree(server, alice)["favorites"] == [second]
    assert [r["favorite"] for r in search(server, alice, "bye")] == [True]


# -- bad input: clear codes, nothing stored ------------------------------------------------------------
@pytest.mark.parametrize("body, status, code", [
    ({"title": "", "body": "x"}, 422, "response.title_empty"),
    ({"title": "   ", "body": "x"}, 422, "response.title_empty"),
    ({"title": "T", "body": " \n "}, 422, "response.text_empty"),
    ({"title": "T", "body": "x" * 4001}, 422, "response.text_too_long"),
    ({"title": "T", "kind": "url", "url": "shop.example/x"}, 422, "response.url_invalid"),
    ({"title": "T", "kind": "url", "url": "javascript:alert(1)"}, 422, "response.url_invalid"),
    ({"title": "T", "kind": "file"}, 422, "response.file_required"),
    ({"title": "T", "kind": "file", "file_id": 999}, 404, "response.file_not_found"),
    ({"title": "T", "body": "x", "shortcut": "two words"}, 422, "response.shortcut_invalid"),
    ({"title": "T", "body": "x", "library_id": 999}, 404, "response.library_not_found"),
    ({"title": "T", "body": "x", "category_id": 999}, 404, "response.category_not_found"),
    ({"title": "T", "body": "x", "kind": "video"}, 422, "request.invalid"),
    ({"title": "T", "body": "x", "colour": "red"}, 422, "request.invalid"),
    ({"body": "x"}, 422, "request.invalid"),
    ({"title": "T", "body": "x", "library_id": 2**70}, 422, "request.invalid"),
])
def test_bad_responses_are_refused_and_nothing_is_stored(server: Harness, body, status, code):
    alice = server.login("alice")
    response(server, alice, title="Existing", body="x", shortcut="hi")
    r = server.http.post(f"{API}/responses", json=body, headers=alice)
    assert (r.status_code, error_of(r)) == (status, code)
    assert titles(server, alice)["My Responses"] == ["Existing"]


def test_a_shortcut_is_used_once_per_library(server: Harness):
    alice = server.login("alice")
    response(server, alice, title="Hello", body="Hi", shortcut="hello")
    r = server.http.post(f"{API}/responses", json={"title": "Hello 2", "body": "Hey", "shortcut": "/HELLO"},
                         headers=alice)
    assert r.status_code == 409 and error_of(r) == "response.shortcut_taken"
    assert titles(server, alice)["My Responses"] == ["Hello"]


def test_unknown_response_ids_answer_not_found(server: Harness):
    alice = server.login("alice")
    for method in ("GET", "DELETE"):
        r = server.http.request(method, f"{API}/responses/424242", headers=alice)
        assert r.status_code == 404 and error_of(r) == "response.not_found"
    r = server.http.put(f"{API}/responses/424242", json={"title": "T", "body": "x"}, headers=alice)
    assert r.status_code == 404 and error_of(r) == "response.not_found"
    assert error_of(server.http.get(f"{API}/responses/abc", headers=alice)) == "request.invalid"
    assert error_of(server.http.get(f"{API}/responses/{2**64}", headers=alice)) == "request.invalid"


def test_malformed_bodies_and_missing_tokens_get_their_codes(server: Harness):
    alice = server.login("alice")
    r = server.http.post(f"{API}/responses", content=b"{not json", headers={**alice, "Content-Type": "application/json"})
    assert r.status_code == 400 and error_of(r) == "request.malformed"
    r = server.http.get(f"{API}/responses")
    assert r.status_code == 401 and error_of(r) == "session.required"
    r = server.http.get(f"{API}/responses/search", params={"q": "x" * 201}, headers=alice)
    assert r.status_code == 422 and error_of(r) == "search.query_too_long"
    r = server.http.get(f"{API}/responses/search", params={"q": "x", "limit": 0}, headers=alice)
    assert r.status_code == 422 and error_of(r) == "request.invalid"


# -- categories -------------------------------------------------------------------------------------
def test_categories_nest_cannot_loop_and_must_be_empty_to_delete(server: Harness, sales_library: int):
    sue = server.login("sue")

    def category(**body: Any) -> dict[str, Any]:
        r = server.http.post(f"{API}/responses/categories", json=body, headers=sue)
        assert r.status_code == 201, r.text
        return r.json()

    pricing = category(library_id=sales_library, name="Pricing")
    volume = category(library_id=sales_library, parent_id=pricing["id"], name="Volume")
    assert volume["path"] == "Pricing / Volume"
    rid = response(server, sue, library_id=sales_library, category_id=volume["id"], title="Tiers", body="10%")["id"]

    r = server.http.put(f"{API}/responses/categories/{pricing['id']}",
                        json={"name": "Pricing", "parent_id": volume["id"]}, headers=sue)
    assert r.status_code == 422 and error_of(r) == "response.category_cycle"
    r = server.http.delete(f"{API}/responses/categories/{pricing['id']}", headers=sue)
    assert r.status_code == 409 and error_of(r) == "response.category_not_empty"
    r = server.http.post(f"{API}/responses/categories", json={"library_id": sales_library, "name": " "}, headers=sue)
    assert r.status_code == 422 and error_of(r) == "response.category_name_empty"
    alice = server.login("alice")
    r = server.http.post(f"{API}/responses/categories", json={"library_id": sales_library, "name": "X"},
                         headers=alice)
    assert r.status_code == 403 and error_of(r) == "permission.denied"

    lib = next(lib for lib in tree(server, alice)["libraries"] if lib["id"] == sales_library)
    assert {c["name"]: c["parent_id"] for c in lib["categories"]} == {"Pricing": None, "Volume": pricing["id"]}
    assert lib["responses"][0]["category_id"] == volume["id"]

    assert server.http.delete(f"{API}/responses/{rid}", headers=sue).status_code == 204
    assert server.http.delete(f"{API}/responses/categories/{volume['id']}", headers=sue).status_code == 204
    assert server.http.delete(f"{API}/responses/categories/{pricing['id']}", headers=sue).status_code == 204


def test_agents_keep_categories_in_my_responses(server: Harness):
    alice = server.login("alice")
    r = server.http.post(f"{API}/responses/categories", json={"name": "Openers"}, headers=alice)
    assert r.status_code == 201
    created = response(server, alice, category_id=r.json()["id"], title="Hi", body="Hi!")
    assert created["category_id"] == r.json()["id"]


# -- search ------------------------------------------------------------------------------------------
@pytest.fixture
def searchable(server: Harness, sales_library: int) -> dict[str, int]:
    sue = server.login("sue")
    ids = {}
    for title, body, shortcut in [
        ("Refund policy", "Returns within 30 days are refunded in full.", "refund"),
        ("Delivery times", "Standard delivery takes 3 to 5 days; a refund of shipping on late delivery.", None),
        ("Warranty", "Two years on every device, extendable to five.", "warranty"),
        ("Invoice terms", "Pay by invoice with 30-day terms.", "terms"),
        # More responses, as in a real library: words in every response count for little (BM25).
        ("Hello", "Hi, how can I help you today?", "hello"),
        ("Goodbye", "Thanks for chatting with us. Have a great day!", "bye"),
        ("One moment", "Let me check that for you.", "wait"),
        ("Opening hours", "We are here Monday to Friday, 8 am to 8 pm.", "hours"),
    ]:
        ids[title] = response(server, sue, library_id=sales_library, title=title, body=body, shortcut=shortcut)["id"]
    return ids


def test_search_ranks_title_matches_above_text_matches(server: Harness, searchable: dict[str, int]):
    results = search(server, server.login("alice"), "refund")
    assert [r["title"] for r in results] == ["Refund policy", "Delivery times"]
    assert results[0]["score"] > results[1]["score"]


def test_search_as_you_type_matches_word_beginnings(server: Harness, searchable: dict[str, int]):
    alice = server.login("alice")
    assert [r["title"] for r in search(server, alice, "warr")] == ["Warranty"]
    assert [r["title"] for r in search(server, alice, "deliv tim")] == ["Delivery times"]


def test_search_puts_responses_with_every_word_before_those_with_some(server: Harness, searchable: dict[str, int]):
    titles_found = [r["title"] for r in search(server, server.login("alice"), "30 days refund")]
    assert titles_found[0] == "Refund policy"  # the only one holding all three words
    assert {"Delivery times", "Invoice terms", "Goodbye"} == set(titles_found[1:])  # "day" is a form of "days"


def test_search_covers_shortcuts_and_only_what_the_agent_may_see(server: Harness, searchable: dict[str, int]):
    alice, carol = server.login("alice"), server.login("carol")
    assert [r["title"] for r in search(server, alice, "/terms")] == ["Invoice terms"]
    assert search(server, carol, "refund") == []  # Support does not have the Sales library
    response(server, carol, title="Refund script", body="My own words on refunds")
    assert [r["title"] for r in search(server, carol, "refund")] == ["Refund script"]


def test_search_with_syntax_characters_is_plain_text(server: Harness, searchable: dict[str, int]):
    alice = server.login("alice")
    for q in ['"', "NOT", "refund AND", "*", "(", "refund OR warranty)", "title:refund"]:
        search(server, alice, q)  # answers 200, never a query error
    assert search(server, alice, " -- ") == []


def test_edited_and_deleted_responses_are_found_as_they_are_now(server: Harness, searchable: dict[str, int]):
    sue = server.login("sue")
    rid = searchable["Warranty"]
    r = server.http.put(f"{API}/responses/{rid}", json={"title": "Guarantee", "body": "Two years."}, headers=sue)
    assert r.status_code == 200
    assert search(server, sue, "warranty") == []
    assert [x["id"] for x in search(server, sue, "guarantee")] == [rid]
    server.http.delete(f"{API}/responses/{rid}", headers=sue)
    assert search(server, sue, "guarantee") == []


# -- files -------------------------------------------------------------------------------------------
def upload(server: Harness, who: dict[str, str], name: str, data: bytes, content_type: str = "text/plain"
           ) -> httpx.Response:
    return server.http.post(f"{API}/responses/files", params={"name": name}, content=data,
                            headers={**who, "Content-Type": content_type})


def test_a_file_response_carries_an_uploaded_file(server: Harness, sales_library: int):
    sue = server.login("sue")
    r = upload(server, sue, "price-list.csv", b"model,price\nW1,49\n", "text/csv")
    assert r.status_code == 201 and r.json() == {"id": 1, "name": "price-list.csv", "size": 18,
                                                "content_type": "text/csv"}
    created = response(server, sue, library_id=sales_library, kind="file", title="Price list", file_id=1)
    assert created["file"] == r.json()
    # An agent cannot attach someone else's upload.
    alice = server.login("alice")
    r = server.http.post(f"{API}/responses", json={"kind": "file", "title": "Mine", "file_id": 1}, headers=alice)
    assert r.status_code == 404 and error_of(r) == "response.file_not_found"


def test_files_over_the_limit_are_refused_and_not_stored(server_factory):
    server = server_factory(response_file_limit=1024)
    alice = server.login("alice")
    r = upload(server, alice, "big.bin", b"x" * 1025)
    assert r.status_code == 413 and error_of(r) == "response.file_too_large"

    def chunks():
        for _ in range(3):
            yield b"y" * 600

    r = server.http.post(f"{API}/responses/files", params={"name": "big.bin"}, content=chunks(), headers=alice)
    assert r.status_code == 413 and error_of(r) == "response.file_too_large"
    r = upload(server, alice, "fits.bin", b"z" * 1024)
    assert r.status_code == 201 and r.json()["id"] == 1  # nothing was stored before it
    # Other requests keep the ordinary 64 KiB limit.
    r = server.http.post(f"{API}/responses", content=b" " * 70_000, headers={**alice, "Content-Type": "application/json"})
    assert r.status_code == 413 and error_of(r) == "request.too_large"


@pytest.mark.parametrize("name, data, code", [
    ("", b"x", "response.file_name_invalid"),
    ("../../etc/passwd", b"x", "response.file_name_invalid"),
    (".env", b"x", "response.file_name_invalid"),
    ("empty.txt", b"", "response.file_empty"),
])
def test_bad_uploads_are_refused(server: Harness, name, data, code):
    r = upload(server, server.login("alice"), name, data)
    assert r.status_code == 422 and error_of(r) == code


# -- durability -------------------------------------------------------------------------------------
def test_responses_favorites_and_the_search_index_survive_a_restart(server_factory, tmp_path):
    data_dir = tmp_path / "kept"
    server = server_factory(data_dir=data_dir)
    sue = server.login("sue")
    lib = library(server, sue, "Sales answers", ["Sales"])
    rid = response(server, sue, library_id=lib, title="Refund policy", body="30 days")["id"]
    alice = server.login("alice")
    mine = response(server, alice, title="My note", body="personal", shortcut="note")["id"]
    server.http.put(f"{API}/responses/{rid}/favorite", headers=alice)
    stop(server)

    again = server_factory(data_dir=data_dir)
    alice = again.login("alice")
    assert tree(again, alice)["favorites"] == [rid]
    assert [r["id"] for r in search(again, alice, "refund")] == [rid]
    assert [r["id"] for r in search(again, alice, "note")] == [mine]


# -- the demo's libraries --------------------------------------------------------------------------
def test_demo_libraries_hold_thirty_responses_of_every_kind_for_the_demo_workgroups(demo_library_server):
    server = demo_library_server
    sue = server.login("sue")
    libraries = tree(server, sue)["libraries"]
    system = [lib for lib in libraries if lib["kind"] == "system"]
    assert {lib["name"]: lib["workgroups"] for lib in system} == {
        "Billing": ["Billing"], "Company": ["Billing", "Sales", "Support"], "Sales": ["Sales"], "Support": ["Support"],
    }
    items = [r for lib in system for r in lib["responses"]]
    assert len(items) >= 30
    assert {r["kind"] for r in items} == {"message", "url", "file"}
    assert all(r["file"]["size"] > 0 for r in items if r["kind"] == "file")
    alice = server.login("alice")  # Sales in the test directory: Company and Sales
    assert [lib["name"] for lib in tree(server, alice)["libraries"]] == ["My Responses", "Company", "Sales"]
    assert search(server, alice, "volume discount")[0]["title"] == "Volume discounts"
    assert search(server, alice, "/bye")[0]["title"] == "Goodbye"

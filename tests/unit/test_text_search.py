"""Search with bounded work: broad searches, common words, exact BM25 ranking (a real SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.server.contact_center import Agent
from console.server.faq import FaqLibrary, load_faq
from console.server.store import SqliteStore
from console.server.text_search import CANDIDATES

SUPERVISOR = Agent("sue", "Sue Sommer", "supervisor", "", frozenset(), {}, 0, "Available", 0.0)


@pytest.fixture
def store(tmp_path: Path):
    store = SqliteStore(tmp_path / "callboard.sqlite3")
    yield store
    store.close()


def filler(n: int) -> dict[str, str]:
    return {"question": f"Question number {n} about accessories?", "answer": f"Answer {n}: the widget case fits."}


def questions(results: list[dict]) -> list[str]:
    return [r["question"] for r in results]


def test_a_search_too_broad_to_rank_puts_question_matches_first_then_the_newest(store):
    entries = [{"question": "Which widget suits me?", "answer": "Either."}]
    entries += [filler(n) for n in range(CANDIDATES + 50)]
    entries += [{"question": "Where is my widget?", "answer": "On its way."}]
    load_faq(store, {"databases": [{"name": "Products", "entries": entries}]})
    results = FaqLibrary(store).search("widget", limit=5)
    assert questions(results) == [
        "Where is my widget?", "Which widget suits me?",  # question matches, newest first
        f"Question number {CANDIDATES + 49} about accessories?", f"Question number {CANDIDATES + 48} about accessories?",
        f"Question number {CANDIDATES + 47} about accessories?",
    ]
    assert all(r["score"] is None for r in results)


def test_a_narrow_search_is_ranked_exactly_with_bm25(store):
    load_faq(store, {"databases": [{"name": "Products", "entries": [
        {"question": "Can I return it?", "answer": "Yes, within 30 days for a refund."},
        {"question": "How long do refunds take?", "answer": "Three to five days."},
        *[filler(n) for n in range(20)],
    ]}]})
    results = FaqLibrary(store).search("refund")
    assert questions(results) == ["How long do refunds take?", "Can I return it?"]
    assert results[0]["score"] > results[1]["score"] > 0


def test_words_in_more_than_a_quarter_of_the_entries_do_not_narrow_a_search(store):
    entries = [{"question": f"How do I use accessory {n}?", "answer": "Like so."} for n in range(CANDIDATES + 10)]
    entries.append({"question": "Reset the device", "answer": "Hold the power button."})
    load_faq(store, {"databases": [{"name": "Products", "entries": entries}]})
    # "how" and "do" are in nearly every entry: the one about resetting is found without them.
    assert questions(FaqLibrary(store).search("how do I reset"))[0] == "Reset the device"


def test_what_counts_as_common_is_learned_again_after_changes(store):
    load_faq(store, {"databases": [{"name": "Products", "entries": [filler(n) for n in range(10)]}]})
    faq = FaqLibrary(store)
    database = faq.databases()[0]["id"]
    faq.create_entry(SUPERVISOR, database, "Reset the zeta gadget", "Hold the button.")
    assert questions(faq.search("zeta reset")) == ["Reset the zeta gadget"]
    for n in range(CANDIDATES + 10):  # "zeta" becomes a word in nearly every entry
        faq.create_entry(SUPERVISOR, database, f"Zeta model {n}", "A zeta.")
    faq.create_entry(SUPERVISOR, database, "Reset any gadget", "Hold the button.")
    results = faq.search("zeta reset")
    # "zeta" no longer narrows the search: both entries about resetting, ranked by BM25.
    assert set(questions(results)) == {"Reset any gadget", "Reset the zeta gadget"}
    assert all(r["score"] is not None for r in results)

"""What agents type becomes an FTS5 query that cannot be read as query syntax."""

from __future__ import annotations

import sqlite3

import pytest

from console.core.search import MAX_TERMS, search_terms


def test_the_word_being_typed_is_a_prefix_and_the_words_before_it_are_whole():
    query = search_terms("Refund polic")
    assert query.terms == ("refund", "polic")
    assert query.all_words == '"refund" AND "polic"*'
    assert query.any_word == '"refund" OR "polic"*'


def test_a_space_after_the_last_word_makes_it_whole():
    assert search_terms("refund policy ").all_words == '"refund" AND "policy"'


def test_a_single_character_is_a_whole_word_not_a_prefix():
    assert search_terms("vitamin c").all_words == '"vitamin" AND "c"'


def test_punctuation_and_operators_are_plain_words():
    query = search_terms('wi-fi "NOT" working OR (broken) * NEAR/2 _x_')
    assert query.terms == ("wi", "fi", "not", "working", "or", "broken", "near", "2", "x")


def test_repeated_words_count_once_and_long_inputs_are_cut():
    assert search_terms("card card CARD").terms == ("card",)
    assert len(search_terms(" ".join(f"w{n}" for n in range(50))).terms) == MAX_TERMS


def test_input_without_words_is_an_empty_query():
    assert search_terms(" -- !? ").empty
    assert search_terms("").empty


@pytest.mark.parametrize("text", ['"', "a\"b", "NOT", "AND OR", "x*", "^start", "col:value", "é", "（全角）"])
def test_any_input_gives_a_query_fts5_accepts(text):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO t VALUES ('a b not and or x start col value e 全角')")
    query = search_terms(text)
    if not query.empty:
        db.execute("SELECT * FROM t WHERE t MATCH ?", (query.all_words,)).fetchall()
        db.execute("SELECT * FROM t WHERE t MATCH ?", (query.any_word,)).fetchall()


def matches(document: str, text: str) -> bool:
    """Whether ``text`` finds ``document`` with the tokenizer the server's indexes use."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='porter unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO t VALUES (?)", (document,))
    return db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (search_terms(text).all_words,)).fetchone()[0] == 1


def test_accents_match_either_way():
    assert matches("Café crème", "cafe creme")
    assert matches("Cafe creme", "café crème")


@pytest.mark.parametrize("document, text", [
    ("Your refunds were issued", "refund "),
    ("We refunded the charge", "refund charg"),
    ("Delivery takes three days", "delivered"),
    ("Returns of damaged items", "return damaged item"),
    ("Refund policy", "refund polic"),
])
def test_whole_words_match_their_other_forms(document, text):
    assert matches(document, text)

"""Turning what an agent types into a safe SQLite FTS5 query.

Agents type search words as they come ("refund polic", "wi-fi", "NOT working"). Handed
to FTS5 as they are, quotes, hyphens, ``NOT``/``OR``/``NEAR`` and ``*`` would be read as
query syntax, and a stray quote makes the query fail. Here the input is cut into words
the way FTS5's ``unicode61`` tokenizer cuts documents (letters and digits; everything
else separates), and each word becomes a quoted prefix term, so nothing the agent types
is ever read as syntax and a half-typed word already matches ("polic" finds "policy").

Two queries come out: every word must match (``all_words``), or any word may
(``any_word``). Search runs the first and fills up with the second, so results that
contain all the words rank above those that contain only some — the behaviour people
expect from a knowledge-base search box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
"""Longest search text the APIs take; longer is refused (``search.query_too_long``)."""
MAX_TERMS = 12
"""Words beyond this many are ignored: they would only slow the search down."""
MAX_TERM_CHARS = 40

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """The FTS5 ``MATCH`` expressions for one search text."""

    terms: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def all_words(self) -> str:
        return " AND ".join(_quoted_prefix(t) for t in self.terms)

    @property
    def any_word(self) -> str:
        return " OR ".join(_quoted_prefix(t) for t in self.terms)


def _quoted_prefix(term: str) -> str:
    # Terms hold only letters and digits, so they cannot contain a quote; quoting still
    # keeps words such as AND, OR, NOT and NEAR from being read as operators.
    return f'"{term}"*'


def search_terms(text: str) -> SearchQuery:
    """The words of ``text`` as FTS5 sees words, lower-cased, without repeats, in order."""
    seen: dict[str, None] = {}
    for match in _WORD.finditer(text.lower()):
        seen.setdefault(match.group()[:MAX_TERM_CHARS], None)
        if len(seen) == MAX_TERMS:
            break
    return SearchQuery(tuple(seen))

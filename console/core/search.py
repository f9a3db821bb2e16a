"""Turning what an agent types into a safe SQLite FTS5 query.

Agents type search words as they come ("refund polic", "wi-fi", "NOT working"). Handed
to FTS5 as they are, quotes, hyphens, ``NOT``/``OR``/``NEAR`` and ``*`` would be read as
query syntax, and a stray quote makes the query fail. Here the input is cut into words
the way FTS5's ``unicode61`` tokenizer cuts documents (letters and digits; everything
else separates), and each word becomes a quoted term, so nothing the agent types is ever
read as syntax. The word still being typed (the last, unless a space follows it) is a
prefix, so a half-typed word already matches ("polic" finds "policy"); the words before
it are complete and match as words. The indexes stem English words (FTS5's ``porter``
tokenizer), so "refund" also finds "refunds" and "refunded".

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
    prefix_last: bool = True
    """Whether the last word is still being typed (the text does not end in a space)."""

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def quoted(self) -> tuple[str, ...]:
        """Each word as an FTS5 term; only the one being typed is a prefix."""
        last = len(self.terms) - 1
        return tuple(quoted_term(t, prefix=self.prefix_last and n == last) for n, t in enumerate(self.terms))

    @property
    def all_words(self) -> str:
        return " AND ".join(self.quoted)

    @property
    def any_word(self) -> str:
        return " OR ".join(self.quoted)


def quoted_term(term: str, *, prefix: bool) -> str:
    """One word as an FTS5 term, quoted, and a prefix term when asked (from two characters).

    Terms hold only letters and digits, so they cannot contain a quote; quoting still
    keeps words such as AND, OR, NOT and NEAR from being read as operators. A single
    character is never a prefix: it would match most of a library and mean nothing yet.
    """
    return f'"{term}"*' if prefix and len(term) > 1 else f'"{term}"'


def search_terms(text: str) -> SearchQuery:
    """The words of ``text`` as FTS5 sees words, lower-cased, without repeats, in order."""
    seen: dict[str, None] = {}
    for match in _WORD.finditer(text.lower()):
        seen.setdefault(match.group()[:MAX_TERM_CHARS], None)
        if len(seen) == MAX_TERMS:
            break
    return SearchQuery(tuple(seen), prefix_last=bool(text) and not text[-1].isspace())

"""Ranked FTS5 search with bounded work, shared by Response Management and e-FAQ.

BM25 costs time in proportion to how many rows a query matches: it counts every match of
each word to weigh the words, then scores every matching row. That is nothing for a
specific word, but while an agent types, "re" or "or" match most of a library, and
ranking 10,000 rows on every keystroke would take 10 ms and more. Three rules keep each
search to a few small reads of the index:

- **Common words narrow nothing.** A word found in more than a quarter of the rows
  ("how", "do", "a") is left out of a search that has other words: BM25 would weigh it
  next to nothing anyway, and intersecting its long list of rows costs the most.
- **Rows holding every word come first**, then rows holding some of the words.
- **Too broad to rank.** A search matching more than ``CANDIDATES`` rows is not ranked:
  rows whose title (or shortcut, or FAQ question) matches come first, then the others,
  newest first within each group; such results carry no score. Once the agent has typed
  enough to mean something, the matches fit and the ranking is exact BM25 again.
"""

from __future__ import annotations

from console.core.search import SearchQuery
from console.server.store import SqliteStore

CANDIDATES = 300
"""Most rows a search may match and still be ranked with BM25 (see the module docstring)."""
REMEMBERED_WORDS = 10_000


class FullTextIndex:
    """One FTS5 index (``responses_fts``, ``faq_fts``) and how to search it.

    ``score`` is the BM25 call with column weights; ``columns`` the FTS5 column filter of
    the searchable columns (``{title body}``) and ``titles`` of the title-like ones. The
    index also has a ``scope`` column holding one token per row (its library or database).

    Which words are common is remembered until ``changed`` is called: an agent typing
    asks about the same words keystroke after keystroke.
    """

    def __init__(self, store: SqliteStore, table: str, score: str, columns: str, titles: str) -> None:
        self.store, self.table, self.score, self.columns, self.titles = store, table, score, columns, titles
        self._common: dict[tuple[str, int], bool] = {}

    def changed(self) -> None:
        """Rows were added, changed or deleted: word counts may differ now."""
        self._common.clear()

    def _more_than(self, expression: str, count: int) -> bool:
        """Whether ``expression`` matches more than ``count`` rows (reads no further than that)."""
        return bool(self.store.rows(
            f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH ? LIMIT 1 OFFSET ?", (expression, count)
        ))

    def _is_common(self, term: str, threshold: int) -> bool:
        key = (term, threshold)
        if key not in self._common:
            if len(self._common) >= REMEMBERED_WORDS:
                self._common.clear()
            self._common[key] = self._more_than(f"{self.columns} : {term}", threshold)
        return self._common[key]

    def search(
        self,
        query: SearchQuery,
        *,
        rows: int,
        scopes: list[str] | None = None,
        join: str = "",
        where: str = "",
        params: tuple = (),
        limit: int = 20,
    ) -> dict[int, float | None]:
        """Row id -> BM25 score (lower is better; None when too broad to rank) of the best matches.

        ``rows`` is how many rows the index holds. Two ways narrow the rows to what the
        caller may see: ``scopes`` keeps rows whose scope token is one of them - FTS5
        intersects that with the words, which costs little when the scopes hold a small
        part of the rows. When they hold most of them, a SQL filter is cheaper: ``join``
        and ``where`` (starting with `` AND``) with ``params``.
        """
        if query.empty or scopes == []:
            return {}
        terms = list(query.quoted)
        if len(terms) > 1:
            common = max(CANDIDATES, rows // 4)
            terms = [t for t in terms if not self._is_common(t, common)] or terms
        within = "" if scopes is None else " AND {scope} : (" + " OR ".join(f'"{s}"' for s in scopes) + ")"
        narrowing = (within, join, where, params, limit)
        every = " AND ".join(terms)
        found = self._pass(f"{self.columns} : ({every})", f"{self.titles} : ({every})", *narrowing)
        if len(found) < limit and len(terms) > 1:
            some = " OR ".join(terms)
            for rowid, value in self._pass(f"{self.columns} : ({some})", f"{self.titles} : ({some})",
                                           *narrowing).items():
                found.setdefault(rowid, value)
        return dict(list(found.items())[:limit])

    def _pass(self, expression: str, in_titles: str, within: str, join: str, where: str, params: tuple,
              limit: int) -> dict[int, float | None]:
        """Ranked rows, or title matches then newest rows when the search is too broad to rank."""
        t = self.table
        expression += within
        if self._more_than(expression, CANDIDATES):
            found: dict[int, float | None] = dict.fromkeys(self._newest(in_titles + within, join, where, params, limit))
            if len(found) < limit:
                for rowid in self._newest(expression, join, where, params, limit):
                    found.setdefault(rowid, None)
            return found
        return dict(self.store.rows(
            f"SELECT {t}.rowid, {self.score} AS score FROM {t} {join} WHERE {t} MATCH ?{where}"
            f" ORDER BY score, {t}.rowid LIMIT ?",
            (expression, *params, limit),
        ))

    def _newest(self, expression: str, join: str, where: str, params: tuple, limit: int) -> list[int]:
        t = self.table
        return [rowid for (rowid,) in self.store.rows(
            f"SELECT {t}.rowid FROM {t} {join} WHERE {t} MATCH ?{where} ORDER BY {t}.rowid DESC LIMIT ?",
            (expression, *params, limit),
        )]

"""e-FAQ: knowledge bases of questions and answers, searched with ranked full-text search.

A contact center keeps one or more FAQ databases (say "Products and orders" and
"Billing and accounts"); every signed-in user may search them, and the agent picks
which ones. Supervisors add, change and delete databases and entries.

Questions and answers are indexed with SQLite FTS5 and ranked with BM25, a word in the
question weighing three times one in the answer: an entry whose question is what the
visitor asked beats one that mentions it in passing.
"""

from __future__ import annotations

import json
import time
from importlib import resources
from typing import Any

from console.core.errors import CallboardError
from console.core.responses import MAX_NAME_CHARS
from console.core.search import MAX_QUERY_CHARS, search_terms
from console.server.contact_center import Agent
from console.server.store import SqliteStore
from console.server.text_search import FullTextIndex

SCHEMA = """
CREATE TABLE IF NOT EXISTS faq_databases (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS faq_databases_name ON faq_databases(lower(name));
CREATE TABLE IF NOT EXISTS faq_entries (
    id INTEGER PRIMARY KEY,
    database_id INTEGER NOT NULL REFERENCES faq_databases(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at REAL NOT NULL,
    scope TEXT GENERATED ALWAYS AS ('database' || database_id) VIRTUAL
);
CREATE INDEX IF NOT EXISTS faq_entries_database ON faq_entries(database_id);
CREATE VIRTUAL TABLE IF NOT EXISTS faq_fts USING fts5(
    question, answer, scope, content='faq_entries', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2', prefix='2 3'
);
CREATE TRIGGER IF NOT EXISTS faq_fts_insert AFTER INSERT ON faq_entries BEGIN
    INSERT INTO faq_fts(rowid, question, answer, scope) VALUES (new.id, new.question, new.answer, new.scope);
END;
CREATE TRIGGER IF NOT EXISTS faq_fts_delete AFTER DELETE ON faq_entries BEGIN
    INSERT INTO faq_fts(faq_fts, rowid, question, answer, scope)
    VALUES ('delete', old.id, old.question, old.answer, old.scope);
END;
CREATE TRIGGER IF NOT EXISTS faq_fts_update AFTER UPDATE ON faq_entries BEGIN
    INSERT INTO faq_fts(faq_fts, rowid, question, answer, scope)
    VALUES ('delete', old.id, old.question, old.answer, old.scope);
    INSERT INTO faq_fts(rowid, question, answer, scope) VALUES (new.id, new.question, new.answer, new.scope);
END;
"""

QUESTION_WEIGHT, ANSWER_WEIGHT = 3.0, 1.0
MAX_QUESTION_CHARS = 500
MAX_ANSWER_CHARS = 4000
"""An answer may go into the chat as it is, so it fits in one chat message."""
MAX_SEARCH_RESULTS = 50
MAX_PAGE = 500


class FaqLibrary:
    """FAQ databases and their entries; one per server."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        store.add_schema(SCHEMA)
        self.index = FullTextIndex(
            store, "faq_fts", f"bm25(faq_fts, {QUESTION_WEIGHT}, {ANSWER_WEIGHT}, 0.0)",
            columns="{question answer}", titles="{question}",
        )

    # -- reading -------------------------------------------------------------------------
    def databases(self) -> list[dict[str, Any]]:
        return [
            {"id": did, "name": name, "description": description, "entries": count}
            for did, name, description, count in self.store.rows(
                "SELECT d.id, d.name, d.description, (SELECT count(*) FROM faq_entries e WHERE e.database_id = d.id)"
                " FROM faq_databases d ORDER BY lower(d.name)"
            )
        ]

    def _rows(self) -> int:
        return self.store.rows("SELECT count(*) FROM faq_entries")[0][0]

    def _database(self, database_id: int) -> tuple[int, str, str]:
        rows = self.store.rows("SELECT id, name, description FROM faq_databases WHERE id = ?", (database_id,))
        if not rows:
            raise CallboardError("faq.database_not_found", f"No FAQ database {database_id}.")
        return rows[0]

    def _database_view(self, database_id: int) -> dict[str, Any]:
        return next(d for d in self.databases() if d["id"] == database_id)

    _ENTRY_SQL = (
        "SELECT e.id, e.database_id, d.name, e.question, e.answer, e.updated_at"
        " FROM faq_entries e JOIN faq_databases d ON d.id = e.database_id"
    )

    @staticmethod
    def _entry_view(row: tuple) -> dict[str, Any]:
        eid, did, dname, question, answer, updated_at = row
        return {"id": eid, "database_id": did, "database": dname, "question": question, "answer": answer,
                "updated_at": updated_at}

    def entry(self, entry_id: int) -> dict[str, Any]:
        rows = self.store.rows(self._ENTRY_SQL + " WHERE e.id = ?", (entry_id,))
        if not rows:
            raise CallboardError("faq.entry_not_found", f"No FAQ entry {entry_id}.")
        return self._entry_view(rows[0])

    def entries(self, database_id: int, offset: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """A database's entries in question order, a page at a time."""
        self._database(database_id)
        return [self._entry_view(r) for r in self.store.rows(
            self._ENTRY_SQL + " WHERE e.database_id = ? ORDER BY lower(e.question), e.id LIMIT ? OFFSET ?",
            (database_id, max(1, min(limit, MAX_PAGE)), max(0, offset)),
        )]

    def search(self, text: str, databases: list[int] | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """Entries matching ``text``, best first (BM25), in the chosen databases (None: all).

        Entries holding every word come first, then those holding some of them
        (``console.server.text_search`` says how the work per search is bounded).
        """
        if len(text) > MAX_QUERY_CHARS:
            raise CallboardError("search.query_too_long", f"Search for at most {MAX_QUERY_CHARS} characters.")
        known = {d for (d,) in self.store.rows("SELECT id FROM faq_databases")}
        if databases is not None:
            missing = [d for d in databases if d not in known]
            if missing:
                raise CallboardError("faq.database_not_found", f"No FAQ database {missing[0]}.")
        query = search_terms(text)
        limit = max(1, min(limit, MAX_SEARCH_RESULTS))
        if query.empty or databases == []:
            return []
        ranked = self.index.search(
            query, rows=self._rows(), limit=limit,
            scopes=None if databases is None or set(databases) >= known else [f"database{d}" for d in databases],
        )
        order = list(ranked)[:limit]
        if not order:
            return []
        rows = {r[0]: r for r in self.store.rows(
            self._ENTRY_SQL + f" WHERE e.id IN ({','.join('?' * len(order))})", tuple(order)
        )}
        return [
            {**self._entry_view(rows[eid]), "score": None if ranked[eid] is None else -ranked[eid]}
            for eid in order if eid in rows
        ]

    # -- supervisors change them ---------------------------------------------------------------
    @staticmethod
    def _supervisor(agent: Agent) -> None:
        if agent.role != "supervisor":
            raise CallboardError("permission.denied", "Only supervisors change the e-FAQ.")

    @staticmethod
    def _database_name(name: str) -> str:
        name = name.strip()
        if not name:
            raise CallboardError("faq.database_name_empty", "Give the FAQ database a name.")
        if len(name) > MAX_NAME_CHARS:
            raise CallboardError("request.invalid", f"name: at most {MAX_NAME_CHARS} characters.")
        return name

    def _name_free(self, name: str, database_id: int | None = None) -> None:
        taken = self.store.rows("SELECT id FROM faq_databases WHERE lower(name) = lower(?) AND id != ?",
                                (name, database_id or 0))
        if taken:
            raise CallboardError("faq.database_name_taken", f"There is already an FAQ database called {name!r}.")

    def create_database(self, agent: Agent, name: str, description: str) -> dict[str, Any]:
        name = self._database_name(name)
        self._supervisor(agent)
        self._name_free(name)
        did = self.store.execute(
            "INSERT INTO faq_databases(name, description, created_at) VALUES (?,?,?)",
            (name, description.strip(), time.time()),
        )
        return self._database_view(did)

    def update_database(self, agent: Agent, database_id: int, name: str, description: str) -> dict[str, Any]:
        name = self._database_name(name)
        self._database(database_id)
        self._supervisor(agent)
        self._name_free(name, database_id)
        self.store.execute("UPDATE faq_databases SET name = ?, description = ? WHERE id = ?",
                           (name, description.strip(), database_id))
        return self._database_view(database_id)

    def delete_database(self, agent: Agent, database_id: int) -> None:
        self._database(database_id)
        self._supervisor(agent)
        self.store.execute("DELETE FROM faq_databases WHERE id = ?", (database_id,))
        self.index.changed()

    @staticmethod
    def _entry_fields(question: str, answer: str) -> tuple[str, str]:
        question, answer = question.strip(), answer.strip()
        if not question:
            raise CallboardError("faq.question_empty", "Write the question.")
        if not answer:
            raise CallboardError("faq.answer_empty", "Write the answer.")
        if len(question) > MAX_QUESTION_CHARS or len(answer) > MAX_ANSWER_CHARS:
            raise CallboardError(
                "faq.text_too_long",
                f"Questions are at most {MAX_QUESTION_CHARS} characters, answers at most {MAX_ANSWER_CHARS}.",
            )
        return question, answer

    def create_entry(self, agent: Agent, database_id: int, question: str, answer: str) -> dict[str, Any]:
        question, answer = self._entry_fields(question, answer)
        self._database(database_id)
        self._supervisor(agent)
        eid = self.store.execute(
            "INSERT INTO faq_entries(database_id, question, answer, updated_by, updated_at) VALUES (?,?,?,?,?)",
            (database_id, question, answer, agent.username, time.time()),
        )
        self.index.changed()
        return self.entry(eid)

    def update_entry(self, agent: Agent, entry_id: int, database_id: int | None, question: str, answer: str
                     ) -> dict[str, Any]:
        question, answer = self._entry_fields(question, answer)
        current = self.entry(entry_id)
        target = current["database_id"] if database_id is None else self._database(database_id)[0]
        self._supervisor(agent)
        self.store.execute(
            "UPDATE faq_entries SET database_id = ?, question = ?, answer = ?, updated_by = ?, updated_at = ?"
            " WHERE id = ?",
            (target, question, answer, agent.username, time.time(), entry_id),
        )
        self.index.changed()
        return self.entry(entry_id)

    def delete_entry(self, agent: Agent, entry_id: int) -> None:
        self.entry(entry_id)
        self._supervisor(agent)
        self.store.execute("DELETE FROM faq_entries WHERE id = ?", (entry_id,))
        self.index.changed()


# -- loading FAQ databases from a data file (the demo's) ----------------------------------------
def load_faq(store: SqliteStore, data: dict[str, Any]) -> int:
    """Adds the databases of ``data`` the store does not have yet (by name); returns entries added.

    ``data`` has the shape of ``demo/faq.json``:
    ``{"databases": [{"name", "description", "entries": [{"question", "answer"}]}]}``.
    """
    store.add_schema(SCHEMA)
    existing = {name.lower() for (name,) in store.rows("SELECT name FROM faq_databases")}
    added = 0
    now = time.time()
    with store.transaction() as db:
        for database in data.get("databases", []):
            if database["name"].lower() in existing:
                continue
            did = db.execute(
                "INSERT INTO faq_databases(name, description, created_at) VALUES (?,?,?)",
                (database["name"], database.get("description", ""), now),
            ).lastrowid
            db.executemany(
                "INSERT INTO faq_entries(database_id, question, answer, updated_by, updated_at) VALUES (?,?,?,?,?)",
                [(did, e["question"], e["answer"], "system", now) for e in database.get("entries", [])],
            )
            added += len(database.get("entries", []))
    return added


def demo_faq() -> dict[str, Any]:
    return json.loads(resources.files("console.server.demo").joinpath("faq.json").read_text("utf-8"))

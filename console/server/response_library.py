"""Response Management: stored responses in libraries, searched, filled in and sent.

Two sorts of library hold the responses:

- **system-wide** libraries (``owner`` NULL), managed by supervisors and visible to the
  workgroups they are granted to (supervisors see them all);
- one **My Responses** library per user (``owner`` = user name), which only its owner
  sees and edits.

Each library has a tree of categories; each response is a message, a URL or a file.
Title, text and shortcut are indexed with SQLite FTS5 so search-as-you-type stays fast
with tens of thousands of responses. Agents mark favorites among whatever they can see.

Every change is committed before the call returns, so an acknowledged change survives a
crash of the server.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any

from console.core.errors import CallboardError
from console.core.interactions import Interaction
from console.core.responses import (
    FilledText,
    MacroContext,
    ResponseKind,
    category_paths,
    fill_placeholders,
    normalize_shortcut,
    ordered_unique,
    valid_file_name,
    valid_url,
    would_cycle,
)
from console.core.search import MAX_QUERY_CHARS, search_terms
from console.server.contact_center import Agent, ContactCenter
from console.server.store import SqliteStore
from console.server.text_search import FullTextIndex
from console.wire import MAX_MESSAGE_CHARS

SCHEMA = """
CREATE TABLE IF NOT EXISTS response_libraries (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    owner TEXT,
    created_at REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS response_libraries_system_name
    ON response_libraries(name) WHERE owner IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS response_libraries_personal
    ON response_libraries(owner) WHERE owner IS NOT NULL;
CREATE TABLE IF NOT EXISTS response_library_workgroups (
    library_id INTEGER NOT NULL REFERENCES response_libraries(id) ON DELETE CASCADE,
    workgroup TEXT NOT NULL,
    PRIMARY KEY (library_id, workgroup)
);
CREATE TABLE IF NOT EXISTS response_categories (
    id INTEGER PRIMARY KEY,
    library_id INTEGER NOT NULL REFERENCES response_libraries(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES response_categories(id) ON DELETE CASCADE,
    name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS response_categories_library ON response_categories(library_id);
CREATE TABLE IF NOT EXISTS response_files (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at REAL NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS responses (
    id INTEGER PRIMARY KEY,
    library_id INTEGER NOT NULL REFERENCES response_libraries(id) ON DELETE CASCADE,
    category_id INTEGER REFERENCES response_categories(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('message', 'url', 'file')),
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    file_id INTEGER REFERENCES response_files(id),
    shortcut TEXT,
    created_by TEXT NOT NULL,
    updated_at REAL NOT NULL,
    search_text TEXT GENERATED ALWAYS AS (body || ' ' || url) VIRTUAL,
    scope TEXT GENERATED ALWAYS AS ('library' || library_id) VIRTUAL
);
CREATE INDEX IF NOT EXISTS responses_library ON responses(library_id);
CREATE UNIQUE INDEX IF NOT EXISTS responses_shortcut ON responses(library_id, shortcut) WHERE shortcut IS NOT NULL;
CREATE TABLE IF NOT EXISTS response_favorites (
    username TEXT NOT NULL,
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    added_at REAL NOT NULL,
    PRIMARY KEY (username, response_id)
);
CREATE VIRTUAL TABLE IF NOT EXISTS responses_fts USING fts5(
    title, search_text, shortcut, scope, content='responses', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2', prefix='2 3'
);
CREATE TRIGGER IF NOT EXISTS responses_fts_insert AFTER INSERT ON responses BEGIN
    INSERT INTO responses_fts(rowid, title, search_text, shortcut, scope)
    VALUES (new.id, new.title, new.search_text, new.shortcut, new.scope);
END;
CREATE TRIGGER IF NOT EXISTS responses_fts_delete AFTER DELETE ON responses BEGIN
    INSERT INTO responses_fts(responses_fts, rowid, title, search_text, shortcut, scope)
    VALUES ('delete', old.id, old.title, old.search_text, old.shortcut, old.scope);
END;
CREATE TRIGGER IF NOT EXISTS responses_fts_update AFTER UPDATE ON responses BEGIN
    INSERT INTO responses_fts(responses_fts, rowid, title, search_text, shortcut, scope)
    VALUES ('delete', old.id, old.title, old.search_text, old.shortcut, old.scope);
    INSERT INTO responses_fts(rowid, title, search_text, shortcut, scope)
    VALUES (new.id, new.title, new.search_text, new.shortcut, new.scope);
END;
"""

MY_RESPONSES = "My Responses"
DEFAULT_FILE_LIMIT = 5 * 1024 * 1024
"""Largest file a response may carry (bytes); ``ServerSettings.response_file_limit``."""
ORPHAN_FILE_SECONDS = 24 * 3600.0
"""Uploads no response uses are deleted after this long (unless a visitor received them)."""
TITLE_WEIGHT, TEXT_WEIGHT, SHORTCUT_WEIGHT = 5.0, 1.0, 3.0
"""BM25 column weights: a word in the title counts five times one in the text (or URL)."""
MAX_SEARCH_RESULTS = 50

_VIEW_SQL = (
    "SELECT r.id, r.library_id, r.category_id, r.kind, r.title, r.body, r.url, r.shortcut, r.updated_at,"
    " f.id, f.name, f.size, f.content_type FROM responses r LEFT JOIN response_files f ON f.id = r.file_id"
)


@dataclass(frozen=True, slots=True)
class Library:
    id: int
    name: str
    owner: str | None
    workgroups: tuple[str, ...]

    @property
    def personal(self) -> bool:
        return self.owner is not None


@dataclass(frozen=True, slots=True)
class ResponseFields:
    """A response as a request describes it (create or update), checked by ``_check``."""

    kind: str
    title: str
    body: str = ""
    url: str = ""
    file_id: int | None = None
    shortcut: str | None = None
    category_id: int | None = None


class ResponseLibrary:
    """Libraries, categories, responses, favorites and response files; one per server."""

    def __init__(self, store: SqliteStore, center: ContactCenter, *, file_limit: int = DEFAULT_FILE_LIMIT) -> None:
        self.store = store
        self.center = center
        self.file_limit = file_limit
        store.add_schema(SCHEMA)
        self.index = FullTextIndex(
            store, "responses_fts", f"bm25(responses_fts, {TITLE_WEIGHT}, {TEXT_WEIGHT}, {SHORTCUT_WEIGHT}, 0.0)",
            columns="{title search_text shortcut}", titles="{title shortcut}",
        )
        self._libraries: dict[int, Library] = {}
        self._reload_libraries()

    def _reload_libraries(self) -> None:
        """Libraries are few and read on every search: they are kept in memory."""
        grants: dict[int, list[str]] = {}
        for library_id, workgroup in self.store.rows(
            "SELECT library_id, workgroup FROM response_library_workgroups ORDER BY workgroup"
        ):
            grants.setdefault(library_id, []).append(workgroup)
        self._libraries = {
            lid: Library(lid, name, owner, tuple(grants.get(lid, ())))
            for lid, name, owner in self.store.rows("SELECT id, name, owner FROM response_libraries")
        }
        self._sizes: dict[int, int] = dict(self.store.rows(
            "SELECT library_id, count(*) FROM responses GROUP BY library_id"
        ))
        """Responses per library: search picks how to narrow to the visible ones by it."""

    # -- who sees and edits what ----------------------------------------------------------------
    def visible_libraries(self, agent: Agent) -> list[Library]:
        """The agent's own library first, then the system libraries they may use, by name."""
        own = [lib for lib in self._libraries.values() if lib.owner == agent.username]
        system = sorted(
            (
                lib for lib in self._libraries.values()
                if lib.owner is None and (agent.role == "supervisor" or agent.workgroups & set(lib.workgroups))
            ),
            key=lambda lib: lib.name.lower(),
        )
        return own + system

    def _visible_ids(self, agent: Agent) -> list[int]:
        return [lib.id for lib in self.visible_libraries(agent)]

    @staticmethod
    def can_edit(agent: Agent, library: Library) -> bool:
        return library.owner == agent.username if library.personal else agent.role == "supervisor"

    def _library(self, agent: Agent, library_id: int | None, *, edit: bool = False) -> Library:
        """A library the agent can see (``None``: their own), and may change when ``edit``."""
        if library_id is None:
            return self._personal_library(agent)
        library = self._libraries.get(library_id)
        if library is None or library.id not in self._visible_ids(agent):
            raise CallboardError("response.library_not_found", f"No response library {library_id} visible to you.")
        if edit and not self.can_edit(agent, library):
            raise CallboardError(
                "permission.denied", f"{library.name!r} is a system-wide library; only supervisors change it."
            )
        return library

    def _personal_library(self, agent: Agent) -> Library:
        for library in self._libraries.values():
            if library.owner == agent.username:
                return library
        self.store.execute(
            "INSERT OR IGNORE INTO response_libraries(name, owner, created_at) VALUES (?, ?, ?)",
            (MY_RESPONSES, agent.username, time.time()),
        )
        self._reload_libraries()
        return next(lib for lib in self._libraries.values() if lib.owner == agent.username)

    def _row(self, response_id: int) -> tuple | None:
        rows = self.store.rows(_VIEW_SQL + " WHERE r.id = ?", (response_id,))
        return rows[0] if rows else None

    def _visible_row(self, agent: Agent, response_id: int) -> tuple:
        row = self._row(response_id)
        # Another agent's personal response is "not found", not "forbidden": ids cannot be probed.
        if row is None or row[1] not in self._visible_ids(agent):
            raise CallboardError("response.not_found", f"No response {response_id} visible to you.")
        return row

    # -- views ------------------------------------------------------------------------------
    def _favorites(self, agent: Agent) -> set[int]:
        return {rid for (rid,) in self.store.rows(
            "SELECT response_id FROM response_favorites WHERE username = ?", (agent.username,)
        )}

    def _view(self, row: tuple, agent: Agent, favorites: set[int]) -> dict[str, Any]:
        rid, library_id, category_id, kind, title, body, url, shortcut, updated_at, fid, fname, fsize, ftype = row
        library = self._libraries.get(library_id)
        return {
            "id": rid,
            "library_id": library_id,
            "category_id": category_id,
            "kind": kind,
            "title": title,
            "body": body,
            "url": url,
            "file": {"id": fid, "name": fname, "size": fsize, "content_type": ftype} if fid is not None else None,
            "shortcut": shortcut,
            "favorite": rid in favorites,
            "editable": library is not None and self.can_edit(agent, library),
            "updated_at": updated_at,
        }

    def get(self, agent: Agent, response_id: int) -> dict[str, Any]:
        return self._view(self._visible_row(agent, response_id), agent, self._favorites(agent))

    def tree(self, agent: Agent) -> dict[str, Any]:
        """Every library the agent can use, with its categories and responses."""
        self._personal_library(agent)
        libraries = self.visible_libraries(agent)
        ids = [lib.id for lib in libraries]
        marks = ",".join("?" * len(ids))
        favorites = self._favorites(agent)
        responses: dict[int, list[dict[str, Any]]] = {lid: [] for lid in ids}
        for row in self.store.rows(
            _VIEW_SQL + f" WHERE r.library_id IN ({marks}) ORDER BY lower(r.title), r.id", tuple(ids)
        ):
            responses[row[1]].append(self._view(row, agent, favorites))
        categories: dict[int, list[dict[str, Any]]] = {lid: [] for lid in ids}
        for cid, lid, parent, name in self.store.rows(
            f"SELECT id, library_id, parent_id, name FROM response_categories WHERE library_id IN ({marks})"
            " ORDER BY lower(name), id",
            tuple(ids),
        ):
            categories[lid].append({"id": cid, "name": name, "parent_id": parent})
        return {
            "libraries": [
                {
                    "id": lib.id,
                    "name": lib.name,
                    "kind": "personal" if lib.personal else "system",
                    "workgroups": list(lib.workgroups),
                    "editable": self.can_edit(agent, lib),
                    "categories": categories[lib.id],
                    "responses": responses[lib.id],
                }
                for lib in libraries
            ],
            "favorites": sorted(favorites & {r["id"] for rs in responses.values() for r in rs}),
        }

    # -- search --------------------------------------------------------------------------------
    def search(self, agent: Agent, text: str, limit: int = 20) -> list[dict[str, Any]]:
        """Responses matching ``text`` in title, text or shortcut, best first (BM25).

        Responses holding every word come first, then those holding some of them
        (``console.server.text_search`` says how the work per search is bounded).
        """
        if len(text) > MAX_QUERY_CHARS:
            raise CallboardError("search.query_too_long", f"Search for at most {MAX_QUERY_CHARS} characters.")
        query = search_terms(text)
        limit = max(1, min(limit, MAX_SEARCH_RESULTS))
        ids = self._visible_ids(agent)
        if query.empty or not ids:
            return []
        visible = sum(self._sizes.get(lid, 0) for lid in ids)
        narrow: dict[str, Any] = {}
        if visible < sum(self._sizes.values()):
            if visible * 2 < sum(self._sizes.values()):
                narrow["scopes"] = [f"library{lid}" for lid in ids]
            else:
                narrow["join"] = "JOIN responses r ON r.id = responses_fts.rowid"
                narrow["where"] = f" AND r.library_id IN ({','.join('?' * len(ids))})"
                narrow["params"] = tuple(ids)
        ranked = self.index.search(query, rows=sum(self._sizes.values()), limit=limit, **narrow)
        order = list(ranked)[:limit]
        if not order:
            return []
        favorites = self._favorites(agent)
        rows = {row[0]: row for row in self.store.rows(
            _VIEW_SQL + f" WHERE r.id IN ({','.join('?' * len(order))})", tuple(order)
        )}
        return [
            {**self._view(rows[rid], agent, favorites), "score": None if ranked[rid] is None else -ranked[rid]}
            for rid in order if rid in rows
        ]

    # -- creating and changing responses -----------------------------------------------------
    def _check(self, fields: ResponseFields) -> ResponseFields:
        """The request's content, normalised; refuses what cannot be stored (nothing is)."""
        try:
            kind = ResponseKind(fields.kind)
        except ValueError:
            raise CallboardError("request.invalid", "kind must be message, url or file.") from None
        title = fields.title.strip()
        if not title:
            raise CallboardError("response.title_empty", "Give the response a title.")
        body = fields.body
        if kind is ResponseKind.MESSAGE and not body.strip():
            raise CallboardError("response.text_empty", "A message response needs its text.")
        if len(body) > MAX_MESSAGE_CHARS:
            raise CallboardError(
                "response.text_too_long", f"Response texts are at most {MAX_MESSAGE_CHARS} characters."
            )
        url = fields.url.strip() if kind is ResponseKind.URL else ""
        if kind is ResponseKind.URL and not valid_url(url):
            raise CallboardError(
                "response.url_invalid", "A URL response needs an absolute http:// or https:// address."
            )
        file_id = fields.file_id if kind is ResponseKind.FILE else None
        if kind is ResponseKind.FILE and file_id is None:
            raise CallboardError("response.file_required", "A file response needs an uploaded file (file_id).")
        shortcut = None
        if fields.shortcut not in (None, ""):
            shortcut = normalize_shortcut(fields.shortcut)
            if shortcut is None:
                raise CallboardError(
                    "response.shortcut_invalid",
                    "Shortcuts are 1-32 letters, digits, '-' or '_', starting with a letter or digit.",
                )
        return ResponseFields(kind.value, title, body, url, file_id, shortcut, fields.category_id)

    def _check_references(self, agent: Agent, library: Library, fields: ResponseFields,
                          response_id: int | None = None) -> None:
        if fields.category_id is not None:
            rows = self.store.rows("SELECT library_id FROM response_categories WHERE id = ?", (fields.category_id,))
            if not rows or rows[0][0] != library.id:
                raise CallboardError(
                    "response.category_not_found", f"No category {fields.category_id} in {library.name!r}."
                )
        if fields.file_id is not None:
            rows = self.store.rows("SELECT uploaded_by FROM response_files WHERE id = ?", (fields.file_id,))
            used = self.store.rows(
                "SELECT 1 FROM responses WHERE file_id = ? AND library_id = ? LIMIT 1", (fields.file_id, library.id)
            )
            if not rows or not (rows[0][0] == agent.username or agent.role == "supervisor" or used):
                raise CallboardError("response.file_not_found", f"No uploaded file {fields.file_id}.")
        if fields.shortcut is not None:
            taken = self.store.rows(
                "SELECT id FROM responses WHERE library_id = ? AND shortcut = ? AND id != ?",
                (library.id, fields.shortcut, response_id or 0),
            )
            if taken:
                raise CallboardError(
                    "response.shortcut_taken", f"/{fields.shortcut} is already used in {library.name!r}."
                )

    def create(self, agent: Agent, library_id: int | None, fields: ResponseFields) -> dict[str, Any]:
        fields = self._check(fields)
        library = self._library(agent, library_id, edit=True)
        self._check_references(agent, library, fields)
        rid = self.store.execute(
            "INSERT INTO responses(library_id, category_id, kind, title, body, url, file_id, shortcut,"
            " created_by, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (library.id, fields.category_id, fields.kind, fields.title, fields.body, fields.url,
             fields.file_id, fields.shortcut, agent.username, time.time()),
        )
        self._sizes[library.id] = self._sizes.get(library.id, 0) + 1
        self.index.changed()
        return self.get(agent, rid)

    def update(self, agent: Agent, response_id: int, fields: ResponseFields) -> dict[str, Any]:
        fields = self._check(fields)
        row = self._visible_row(agent, response_id)
        library = self._library(agent, row[1], edit=True)
        self._check_references(agent, library, fields, response_id)
        old_file = row[9]
        self.store.execute(
            "UPDATE responses SET category_id=?, kind=?, title=?, body=?, url=?, file_id=?, shortcut=?,"
            " updated_at=? WHERE id=?",
            (fields.category_id, fields.kind, fields.title, fields.body, fields.url, fields.file_id,
             fields.shortcut, time.time(), response_id),
        )
        self.index.changed()
        if old_file is not None and old_file != fields.file_id:
            self._drop_file_if_unused(old_file)
        return self.get(agent, response_id)

    def delete(self, agent: Agent, response_id: int) -> None:
        row = self._visible_row(agent, response_id)
        self._library(agent, row[1], edit=True)
        self.store.execute("DELETE FROM responses WHERE id = ?", (response_id,))
        self._sizes[row[1]] = max(0, self._sizes.get(row[1], 1) - 1)
        self.index.changed()
        if row[9] is not None:
            self._drop_file_if_unused(row[9])

    def set_favorite(self, agent: Agent, response_id: int, favorite: bool) -> None:
        self._visible_row(agent, response_id)
        if favorite:
            self.store.execute(
                "INSERT OR IGNORE INTO response_favorites(username, response_id, added_at) VALUES (?,?,?)",
                (agent.username, response_id, time.time()),
            )
        else:
            self.store.execute(
                "DELETE FROM response_favorites WHERE username = ? AND response_id = ?", (agent.username, response_id)
            )

    # -- categories ----------------------------------------------------------------------------
    def _category(self, agent: Agent, category_id: int, *, edit: bool = False) -> tuple[Library, int | None, str]:
        rows = self.store.rows("SELECT library_id, parent_id, name FROM response_categories WHERE id = ?",
                               (category_id,))
        if not rows or rows[0][0] not in self._visible_ids(agent):
            raise CallboardError("response.category_not_found", f"No category {category_id} visible to you.")
        library_id, parent, name = rows[0]
        return self._library(agent, library_id, edit=edit), parent, name

    def _parents(self, library_id: int) -> dict[int, int | None]:
        return dict(self.store.rows(
            "SELECT id, parent_id FROM response_categories WHERE library_id = ?", (library_id,)
        ))

    def _category_view(self, category_id: int) -> dict[str, Any]:
        lid, parent, name = self.store.rows(
            "SELECT library_id, parent_id, name FROM response_categories WHERE id = ?", (category_id,)
        )[0]
        names = dict(self.store.rows("SELECT id, name FROM response_categories WHERE library_id = ?", (lid,)))
        return {"id": category_id, "library_id": lid, "parent_id": parent, "name": name,
                "path": category_paths(names, self._parents(lid))[category_id]}

    @staticmethod
    def _category_name(name: str) -> str:
        name = name.strip()
        if not name:
            raise CallboardError("response.category_name_empty", "Give the category a name.")
        return name

    def create_category(self, agent: Agent, library_id: int | None, parent_id: int | None, name: str) -> dict[str, Any]:
        name = self._category_name(name)
        library = self._library(agent, library_id, edit=True)
        if parent_id is not None and parent_id not in self._parents(library.id):
            raise CallboardError("response.category_not_found", f"No category {parent_id} in {library.name!r}.")
        cid = self.store.execute(
            "INSERT INTO response_categories(library_id, parent_id, name) VALUES (?,?,?)", (library.id, parent_id, name)
        )
        return self._category_view(cid)

    def update_category(self, agent: Agent, category_id: int, parent_id: int | None, name: str) -> dict[str, Any]:
        name = self._category_name(name)
        library, _, _ = self._category(agent, category_id, edit=True)
        parents = self._parents(library.id)
        if parent_id is not None and parent_id not in parents:
            raise CallboardError("response.category_not_found", f"No category {parent_id} in {library.name!r}.")
        if would_cycle(parents, category_id, parent_id):
            raise CallboardError("response.category_cycle", "A category cannot be moved into itself.")
        self.store.execute(
            "UPDATE response_categories SET parent_id=?, name=? WHERE id=?", (parent_id, name, category_id)
        )
        return self._category_view(category_id)

    def delete_category(self, agent: Agent, category_id: int) -> None:
        self._category(agent, category_id, edit=True)
        used = self.store.rows(
            "SELECT (SELECT count(*) FROM response_categories WHERE parent_id = ?),"
            " (SELECT count(*) FROM responses WHERE category_id = ?)",
            (category_id, category_id),
        )[0]
        if any(used):
            raise CallboardError(
                "response.category_not_empty", "Move or delete the category's responses and subcategories first."
            )
        self.store.execute("DELETE FROM response_categories WHERE id = ?", (category_id,))

    # -- system-wide libraries (supervisors) --------------------------------------------------------
    def _supervisor(self, agent: Agent) -> None:
        if agent.role != "supervisor":
            raise CallboardError("permission.denied", "Only supervisors manage system-wide response libraries.")

    def _library_fields(self, name: str, workgroups: list[str]) -> tuple[str, list[str]]:
        name = name.strip()
        if not name:
            raise CallboardError("response.library_name_empty", "Give the library a name.")
        workgroups = ordered_unique(workgroups)
        unknown = [wg for wg in workgroups if wg not in self.center.workgroups]
        if unknown:
            raise CallboardError("response.workgroup_unknown", f"No workgroup {unknown[0]!r}.")
        return name, workgroups

    def _library_view(self, agent: Agent, library: Library) -> dict[str, Any]:
        return {"id": library.id, "name": library.name, "kind": "personal" if library.personal else "system",
                "workgroups": list(library.workgroups), "editable": self.can_edit(agent, library)}

    def _name_taken(self, name: str, library_id: int | None = None) -> None:
        if any(lib.owner is None and lib.name.lower() == name.lower() and lib.id != library_id
               for lib in self._libraries.values()):
            raise CallboardError("response.library_name_taken", f"There is already a library called {name!r}.")

    def create_library(self, agent: Agent, name: str, workgroups: list[str]) -> dict[str, Any]:
        name, workgroups = self._library_fields(name, workgroups)
        self._supervisor(agent)
        self._name_taken(name)
        with self.store.transaction() as db:
            lid = db.execute(
                "INSERT INTO response_libraries(name, owner, created_at) VALUES (?, NULL, ?)", (name, time.time())
            ).lastrowid
            db.executemany("INSERT INTO response_library_workgroups(library_id, workgroup) VALUES (?, ?)",
                           [(lid, wg) for wg in workgroups])
        self._reload_libraries()
        return self._library_view(agent, self._libraries[lid])

    def update_library(self, agent: Agent, library_id: int, name: str, workgroups: list[str]) -> dict[str, Any]:
        name, workgroups = self._library_fields(name, workgroups)
        library = self._library(agent, library_id, edit=True)
        if library.personal:
            raise CallboardError("permission.denied", "My Responses is not shared with workgroups.")
        self._name_taken(name, library.id)
        with self.store.transaction() as db:
            db.execute("UPDATE response_libraries SET name = ? WHERE id = ?", (name, library.id))
            db.execute("DELETE FROM response_library_workgroups WHERE library_id = ?", (library.id,))
            db.executemany("INSERT INTO response_library_workgroups(library_id, workgroup) VALUES (?, ?)",
                           [(library.id, wg) for wg in workgroups])
        self._reload_libraries()
        return self._library_view(agent, self._libraries[library.id])

    def delete_library(self, agent: Agent, library_id: int) -> None:
        library = self._library(agent, library_id, edit=True)
        if library.personal:
            raise CallboardError("permission.denied", "My Responses cannot be deleted; delete its responses instead.")
        files = [fid for (fid,) in self.store.rows(
            "SELECT DISTINCT file_id FROM responses WHERE library_id = ? AND file_id IS NOT NULL", (library.id,)
        )]
        self.store.execute("DELETE FROM response_libraries WHERE id = ?", (library.id,))
        self._reload_libraries()
        self.index.changed()
        for fid in files:
            self._drop_file_if_unused(fid)

    # -- files ---------------------------------------------------------------------------------------
    def upload(self, agent: Agent, name: str, content_type: str, data: bytes) -> dict[str, Any]:
        """Stores a file for a file response; answered with its id for ``file_id``."""
        if not valid_file_name(name):
            raise CallboardError(
                "response.file_name_invalid", "Name the file (?name=...): no slashes or control characters, "
                "not starting with a dot, at most 200 characters."
            )
        if not data:
            raise CallboardError("response.file_empty", "The file is empty.")
        if len(data) > self.file_limit:
            raise CallboardError("response.file_too_large", f"Files are at most {self.file_limit} bytes.")
        now = time.time()
        self.store.execute(
            "DELETE FROM response_files WHERE sent = 0 AND uploaded_at < ?"
            " AND id NOT IN (SELECT file_id FROM responses WHERE file_id IS NOT NULL)",
            (now - ORPHAN_FILE_SECONDS,),
        )
        fid = self.store.execute(
            "INSERT INTO response_files(name, content_type, size, data, uploaded_by, uploaded_at) VALUES (?,?,?,?,?,?)",
            (name, content_type, len(data), data, agent.username, now),
        )
        return {"id": fid, "name": name, "size": len(data), "content_type": content_type}

    def file_content(self, file_id: int) -> tuple[str, str, bytes] | None:
        """(name, content type, bytes) of a stored file, for the visitor's ``getFile``."""
        rows = self.store.rows("SELECT name, content_type, data FROM response_files WHERE id = ?", (file_id,))
        return (rows[0][0], rows[0][1], bytes(rows[0][2])) if rows else None

    def _drop_file_if_unused(self, file_id: int) -> None:
        """A file leaves with its last response, unless a visitor was sent a link to it."""
        self.store.execute(
            "DELETE FROM response_files WHERE id = ? AND sent = 0"
            " AND NOT EXISTS (SELECT 1 FROM responses WHERE file_id = ?)",
            (file_id, file_id),
        )

    # -- inserting and sending into a chat -----------------------------------------------------
    def _resolve(self, agent: Agent, response_id: int | None, shortcut: str | None) -> dict[str, Any]:
        if response_id is not None:
            return self.get(agent, response_id)
        code = normalize_shortcut(shortcut or "")
        if code is None:
            raise CallboardError("response.shortcut_invalid", f"{shortcut!r} is not a shortcut code.")
        ids = self._visible_ids(agent)  # own library first: a personal /hello wins
        rows = self.store.rows(
            f"SELECT id, library_id FROM responses WHERE shortcut = ? AND library_id IN ({','.join('?' * len(ids))})",
            (code, *ids),
        )
        if not rows:
            raise CallboardError("response.shortcut_unknown", f"No response has the shortcut /{code}.")
        rows.sort(key=lambda r: ids.index(r[1]))
        return self.get(agent, rows[0][0])

    def fill(self, agent: Agent, interaction_id: str, response_id: int | None, shortcut: str | None
             ) -> tuple[dict[str, Any], FilledText, Interaction]:
        """The response with its placeholders filled from one of the agent's interactions."""
        interaction = self.center.interaction_of(agent, interaction_id)
        response = self._resolve(agent, response_id, shortcut)
        context = MacroContext(
            visitor_name=interaction.remote_name,
            agent_name=agent.name,
            workgroup=interaction.workgroup,
            interaction_id=interaction.id,
            attributes=interaction.attributes,
        )
        kind = ResponseKind(response["kind"])
        if kind is ResponseKind.MESSAGE:
            filled = fill_placeholders(response["body"], context)
        elif kind is ResponseKind.URL:
            filled = fill_placeholders(response["url"], context)
        else:
            filled = FilledText(response["file"]["name"])
        return response, filled, interaction

    def insert(self, agent: Agent, interaction_id: str, response_id: int | None, shortcut: str | None
               ) -> dict[str, Any]:
        response, filled, _ = self.fill(agent, interaction_id, response_id, shortcut)
        return {
            "response_id": response["id"], "kind": response["kind"], "title": response["title"],
            "text": filled.text, "unknown_placeholders": list(filled.unknown),
        }

    def send(self, agent: Agent, interaction_id: str, response_id: int | None, shortcut: str | None
             ) -> dict[str, Any]:
        """Sends the filled response to the visitor: a chat message, a URL or a file."""
        response, filled, _ = self.fill(agent, interaction_id, response_id, shortcut)
        if filled.unknown:
            raise CallboardError(
                "response.placeholder_unknown",
                f"Not sent: nothing fills {', '.join(filled.unknown)}. Insert it and edit the text instead.",
            )
        kind = ResponseKind(response["kind"])
        if kind is ResponseKind.MESSAGE:
            if len(filled.text) > MAX_MESSAGE_CHARS:
                raise CallboardError("message.too_long", f"Messages are at most {MAX_MESSAGE_CHARS} characters.")
            entry = self.center.agent_message(agent, interaction_id, filled.text)
        elif kind is ResponseKind.URL:
            entry = self.center.agent_url(agent, interaction_id, filled.text)
        else:
            file = response["file"]
            entry = self.center.agent_file(agent, interaction_id, file["id"], file["name"])
            self.store.execute("UPDATE response_files SET sent = 1 WHERE id = ?", (file["id"],))
        return {"response_id": response["id"], "kind": response["kind"], "entry": entry}


# -- loading libraries from a data file (the demo's) ------------------------------------------
def load_response_library(store: SqliteStore, data: dict[str, Any], files: Any = None) -> int:
    """Adds the system libraries of ``data`` that the store does not have yet (by name).

    ``data`` has the shape of ``demo/responses.json``; ``files`` is a directory (a
    ``pathlib.Path`` or an ``importlib.resources`` traversable) holding the files that file
    responses name. Returns how many responses were added. Loading twice adds nothing.
    """
    store.add_schema(SCHEMA)
    existing = {name for (name,) in store.rows("SELECT name FROM response_libraries WHERE owner IS NULL")}
    added = 0
    now = time.time()
    with store.transaction() as db:
        for library in data.get("libraries", []):
            if library["name"] in existing:
                continue
            lid = db.execute(
                "INSERT INTO response_libraries(name, owner, created_at) VALUES (?, NULL, ?)", (library["name"], now)
            ).lastrowid
            db.executemany("INSERT INTO response_library_workgroups(library_id, workgroup) VALUES (?, ?)",
                           [(lid, wg) for wg in ordered_unique(library.get("workgroups", []))])
            added += _load_category(db, lid, None, library, files, now)
    return added


def _load_category(db, library_id: int, category_id: int | None, node: dict[str, Any], files: Any, now: float) -> int:
    added = 0
    for item in node.get("responses", []):
        file_id = None
        if item["kind"] == "file":
            blob = files.joinpath(item["file"]).read_bytes()
            file_id = db.execute(
                "INSERT INTO response_files(name, content_type, size, data, uploaded_by, uploaded_at)"
                " VALUES (?,?,?,?,?,?)",
                (item["file"], item.get("content_type", "application/octet-stream"), len(blob), blob, "system", now),
            ).lastrowid
        db.execute(
            "INSERT INTO responses(library_id, category_id, kind, title, body, url, file_id, shortcut, created_by,"
            " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (library_id, category_id, item["kind"], item["title"], item.get("text", ""), item.get("url", ""),
             file_id, item.get("shortcut"), "system", now),
        )
        added += 1
    for child in node.get("categories", []):
        cid = db.execute(
            "INSERT INTO response_categories(library_id, parent_id, name) VALUES (?,?,?)",
            (library_id, category_id, child["name"]),
        ).lastrowid
        added += _load_category(db, library_id, cid, child, files, now)
    return added


def demo_responses() -> tuple[dict[str, Any], Any]:
    """The demo's response libraries and the folder of their files."""
    demo = resources.files("console.server.demo")
    return json.loads(demo.joinpath("responses.json").read_text("utf-8")), demo.joinpath("files")

"""Setting up a contact center from files: ``callboard import FILE...``.

A real contact center starts with its own workgroups, agents and supervisors, stored
responses and e-FAQ, not the demo's. An import file (TOML or JSON) holds any of::

    [[workgroups]]            # created, or their settings replaced
    name = "Sales"
    callback_enabled = true

    [[users]]                 # created, or updated (a password is needed only for a new user)
    username = "alicia"
    name = "Alicia Adams"
    password = "change-me"
    workgroups = ["Sales"]

    [[libraries]]             # system-wide response libraries, added when new (by name)
    name = "Sales answers"
    workgroups = ["Sales"]
    [[libraries.responses]]
    kind = "message"
    title = "Greeting"
    text = "Hello {{visitor.first_name}}!"

    [[databases]]             # e-FAQ databases, added when new (by name)
    name = "Orders"
    [[databases.entries]]
    question = "Where is my order?"
    answer = "..."

Everything in every file is checked before anything is written, with the rules the
agent API applies, so a file with one mistake changes nothing and says where the
mistake is. Libraries and FAQ databases that exist already are left alone (edit those
in the console's Libraries screen); loading a file twice adds nothing twice.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from console.core.responses import (
    MAX_NAME_CHARS,
    MAX_TITLE_CHARS,
    normalize_shortcut,
    valid_file_name,
    valid_url,
)
from console.core.statistics import AbandonTreatment
from console.server.directory import load_directory
from console.server.faq import SCHEMA as FAQ_SCHEMA
from console.server.faq import load_faq
from console.server.response_library import DEFAULT_FILE_LIMIT, load_response_library
from console.server.response_library import SCHEMA as RESPONSE_SCHEMA
from console.server.store import SqliteStore

MAX_TEXT_CHARS = 4000
"""As a chat message: a stored message response is sent as one."""
MAX_ANSWER_CHARS = 20_000

Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS, pattern=r"\S")]
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")


def _username(value: str) -> str:
    if not USERNAME.fullmatch(value):
        raise ValueError("user names are 1-32 lower-case letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit")
    return value


Username = Annotated[str, AfterValidator(_username)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WorkgroupEntry(_Strict):
    name: Name
    chat_enabled: bool = True
    callback_enabled: bool = True
    skill_categories: list[Annotated[str, Field(min_length=1, max_length=50)]] = ["language"]
    skill_relax_seconds: Annotated[float, Field(ge=0, le=86_400)] = 60
    alert_timeout_seconds: Annotated[float, Field(gt=0, le=3_600)] = 20
    callback_retries: Annotated[int, Field(ge=0, le=100)] = 3
    callback_minutes_between: Annotated[float, Field(gt=0, le=10_080)] | None = None
    callback_max_assign: Annotated[int, Field(ge=0, le=100)] = 1
    wrap_up_codes: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = None
    service_level_seconds: Annotated[float, Field(gt=0, le=86_400)] = 20
    service_level_target: Annotated[float, Field(gt=0, le=1)] = 0.8
    abandon_treatment: AbandonTreatment = AbandonTreatment.IGNORE

    def settings(self) -> dict[str, Any]:
        """As ``load_directory`` stores them: only what the file says, the rest default."""
        return self.model_dump(mode="json", exclude_unset=True)


class UserEntry(_Strict):
    username: Username
    name: Name
    password: Annotated[str, Field(min_length=4, max_length=200)] | None = None
    role: Literal["agent", "supervisor"] = "agent"
    workgroups: list[Name] = []
    skills: dict[Annotated[str, Field(min_length=1, max_length=50)], Annotated[int, Field(ge=0, le=100)]] = {}
    max_chats: Annotated[int, Field(ge=0, le=20)] = 2
    max_callbacks: Annotated[int, Field(ge=0, le=20)] = 1


class ResponseEntry(_Strict):
    kind: Literal["message", "url", "file"] = "message"
    title: Annotated[str, Field(min_length=1, max_length=MAX_TITLE_CHARS)]
    text: Annotated[str, Field(max_length=MAX_TEXT_CHARS)] = ""
    url: str = ""
    file: str = ""
    content_type: Annotated[str, Field(max_length=100)] = "application/octet-stream"
    shortcut: str | None = None

    @model_validator(mode="after")
    def _fits_its_kind(self) -> ResponseEntry:
        if self.kind == "message" and not self.text.strip():
            raise ValueError("a message response needs its text")
        if self.kind == "url" and not valid_url(self.url):
            raise ValueError("a url response needs an absolute http:// or https:// address in url")
        if self.kind == "file" and not valid_file_name(self.file):
            raise ValueError("a file response names its file (beside the import file) in file")
        if self.shortcut not in (None, ""):
            code = normalize_shortcut(self.shortcut)
            if code is None:
                raise ValueError("shortcuts are 1-32 letters, digits, '-' or '_', starting with a letter or digit")
            self.shortcut = code
        else:
            self.shortcut = None
        return self


class CategoryEntry(_Strict):
    name: Name
    responses: list[ResponseEntry] = []
    categories: list[CategoryEntry] = []


class LibraryEntry(CategoryEntry):
    workgroups: list[Name] = []


class FaqEntryEntry(_Strict):
    question: Annotated[str, Field(min_length=1, max_length=MAX_TITLE_CHARS * 5)]
    answer: Annotated[str, Field(min_length=1, max_length=MAX_ANSWER_CHARS)]


class DatabaseEntry(_Strict):
    name: Name
    description: Annotated[str, Field(max_length=500)] = ""
    entries: list[FaqEntryEntry] = []


class ImportFile(_Strict):
    workgroups: list[WorkgroupEntry] = []
    users: list[UserEntry] = []
    libraries: list[LibraryEntry] = []
    databases: list[DatabaseEntry] = []


class ImportFileError(ValueError):
    """A file cannot be imported; the message says which file, where and why."""


@dataclass
class ImportSummary:
    workgroups: int = 0
    users_new: int = 0
    users_updated: int = 0
    libraries_new: list[str] = field(default_factory=list)
    libraries_kept: list[str] = field(default_factory=list)
    responses: int = 0
    databases_new: list[str] = field(default_factory=list)
    databases_kept: list[str] = field(default_factory=list)
    faq_entries: int = 0

    def lines(self) -> list[str]:
        said = [f"{_count(self.workgroups, 'workgroup')} created or updated",
                f"{_count(self.users_new, 'new user')}, {self.users_updated} updated"]
        for what, new, kept, items in (
            (("response library", "response libraries"), self.libraries_new, self.libraries_kept,
             _count(self.responses, "response")),
            (("e-FAQ database", "e-FAQ databases"), self.databases_new, self.databases_kept,
             _count(self.faq_entries, "entry", "entries")),
        ):
            if new or kept:
                line = f"{_count(len(new), *what)} added ({items})"
                if kept:
                    line += f"; already there and left alone: {', '.join(kept)}"
                said.append(line)
        return said


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def read_import_file(path: Path) -> ImportFile:
    """The file's content, checked on its own (references are checked by ``import_files``)."""
    try:
        text = path.read_text("utf-8")
        raw = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc})") from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
        raise ImportFileError(f"{path}: not valid {kind}: {exc}") from None
    try:
        return ImportFile.model_validate(raw)
    except ValidationError as exc:
        raise ImportFileError(f"{path}: " + "; ".join(_where(e) for e in exc.errors()[:5])) from None


def _where(error: Any) -> str:
    place = ""
    for part in error["loc"]:
        place += f"[{part}]" if isinstance(part, int) else (f".{part}" if place else str(part))
    message = error["msg"].removeprefix("Value error, ")
    return f"{place}: {message}" if place else message


def _responses(node: CategoryEntry) -> Iterable[ResponseEntry]:
    yield from node.responses
    for child in node.categories:
        yield from _responses(child)


def _check_references(path: Path, content: ImportFile, workgroups: set[str], users: set[str],
                      file_limit: int) -> None:
    problems = []
    for i, user in enumerate(content.users):
        if user.password is None and user.username not in users:
            problems.append(f"users[{i}] ({user.username}): a new user needs a password")
        for wg in user.workgroups:
            if wg not in workgroups:
                problems.append(f"users[{i}] ({user.username}): no workgroup {wg!r}")
    for i, library in enumerate(content.libraries):
        for wg in library.workgroups:
            if wg not in workgroups:
                problems.append(f"libraries[{i}] ({library.name}): no workgroup {wg!r}")
        shortcuts: set[str] = set()
        for response in _responses(library):
            if response.shortcut is not None:
                if response.shortcut in shortcuts:
                    problems.append(f"libraries[{i}] ({library.name}): shortcut /{response.shortcut} used twice")
                shortcuts.add(response.shortcut)
            if response.kind == "file":
                blob = path.parent / response.file
                if not blob.is_file():
                    problems.append(f"libraries[{i}] ({library.name}): no file {response.file} beside {path.name}")
                elif blob.stat().st_size > file_limit:
                    problems.append(f"libraries[{i}] ({library.name}): {response.file} is over the "
                                    f"{file_limit / 2**20:.0f} MiB limit of response files")
    for kind, names in (("users", [u.username for u in content.users]),
                        ("workgroups", [w.name for w in content.workgroups]),
                        ("libraries", [lib.name for lib in content.libraries]),
                        ("databases", [d.name.lower() for d in content.databases])):
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            problems.append(f"{kind}: {', '.join(twice)} more than once")
    if problems:
        raise ImportFileError(f"{path}: " + "; ".join(problems[:8]))


def import_files(database: Path, paths: list[Path], *, file_limit: int = DEFAULT_FILE_LIMIT) -> ImportSummary:
    """Checks every file, then imports them in order into the store at ``database``."""
    contents = [(path, read_import_file(path)) for path in paths]
    store = SqliteStore(database)
    try:
        store.add_schema(RESPONSE_SCHEMA)
        store.add_schema(FAQ_SCHEMA)
        workgroups = set(store.workgroups())
        existing_users = {u.username for u in store.users()}
        users = set(existing_users)
        for path, content in contents:
            workgroups |= {w.name for w in content.workgroups}
            _check_references(path, content, workgroups, users, file_limit)
            users |= {u.username for u in content.users}

        summary = ImportSummary()
        for path, content in contents:
            stored = store.workgroups()
            load_directory(store, {
                # What the file does not say stays as it was (a goal a supervisor set, say).
                "workgroups": [{"name": w.name, **stored.get(w.name, {}), **w.settings()} for w in content.workgroups],
                "users": [u.model_dump(exclude_none=True) for u in content.users],
            })
            summary.workgroups += len(content.workgroups)
            for user in content.users:
                if user.username in existing_users:
                    summary.users_updated += 1
                else:
                    summary.users_new += 1
                    existing_users.add(user.username)
            _import_libraries(store, path, content, summary)
    finally:
        store.close()
    return summary


def _import_libraries(store: SqliteStore, path: Path, content: ImportFile, summary: ImportSummary) -> None:
    if content.libraries:
        data = {"libraries": [lib.model_dump() for lib in content.libraries]}
        before = _names(store, "SELECT name FROM response_libraries WHERE owner IS NULL")
        summary.responses += load_response_library(store, data, path.parent)
        for lib in content.libraries:
            (summary.libraries_kept if lib.name in before else summary.libraries_new).append(lib.name)
    if content.databases:
        before = {n.lower() for n in _names(store, "SELECT name FROM faq_databases")}
        summary.faq_entries += load_faq(store, {"databases": [d.model_dump() for d in content.databases]})
        for db in content.databases:
            (summary.databases_kept if db.name.lower() in before else summary.databases_new).append(db.name)


def _names(store: SqliteStore, sql: str) -> set[str]:
    return {name for (name,) in store.rows(sql)}

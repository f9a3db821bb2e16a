"""Stored responses: their kinds, macro placeholders, shortcut codes and category trees.

A stored response is text an agent would otherwise type again and again, a web address,
or a file. Message texts (and addresses) may hold placeholders in double braces that are
filled from the interaction when the response is inserted::

    Hello {{visitor.first_name}}, this is {{agent.first_name}} from {{workgroup}}.
    Your order {{attributes.order}} ...

A placeholder the interaction cannot fill (a typo, or an attribute this visitor did not
send) is left in the text exactly as written and reported, so the agent sees it and
fixes it before the visitor ever does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlsplit


class ResponseKind(str, Enum):
    """What a response puts in front of the visitor."""

    MESSAGE = "message"
    """Text, inserted into the reply line (or sent as a chat message)."""
    URL = "url"
    """A web address, sent as an IWT ``url`` event."""
    FILE = "file"
    """A file, sent as an IWT ``file`` event the visitor downloads through ``getFile``."""


MAX_TITLE_CHARS = 200
MAX_NAME_CHARS = 100
"""Library, category and FAQ database names."""
MAX_URL_CHARS = 2000
MAX_FILE_NAME_CHARS = 200

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

PLACEHOLDER_NAMES = (
    "visitor.name", "visitor.first_name", "agent.name", "agent.first_name", "workgroup", "interaction.id",
)
"""The built-in placeholders; ``attributes.<name>`` adds any attribute the visitor sent."""

ATTRIBUTE_PREFIX = "attributes."


@dataclass(frozen=True, slots=True)
class MacroContext:
    """What placeholders are filled from: the interaction and the agent inserting."""

    visitor_name: str
    agent_name: str
    workgroup: str
    interaction_id: str
    attributes: Mapping[str, str] = field(default_factory=dict)

    def value_of(self, name: str) -> str | None:
        """The value for placeholder ``name`` (case-insensitive), or None when unknown."""
        key = name.strip()
        lowered = key.lower()
        if lowered.startswith(ATTRIBUTE_PREFIX):
            attribute = key[len(ATTRIBUTE_PREFIX):]
            if attribute in self.attributes:
                return self.attributes[attribute]
            # Sites spell attribute names as they like; match regardless of case.
            folded = {k.lower(): v for k, v in self.attributes.items()}
            return folded.get(attribute.lower())
        return {
            "visitor.name": self.visitor_name,
            "visitor.first_name": first_name(self.visitor_name),
            "agent.name": self.agent_name,
            "agent.first_name": first_name(self.agent_name),
            "workgroup": self.workgroup,
            "interaction.id": self.interaction_id,
        }.get(lowered)


@dataclass(frozen=True, slots=True)
class FilledText:
    """A response text with its placeholders filled in."""

    text: str
    unknown: tuple[str, ...] = ()
    """Placeholders left as written because nothing could fill them, e.g. ``{{attributes.order}}``."""


def first_name(name: str) -> str:
    """The first word of a display name ("Alicia Adams" -> "Alicia")."""
    parts = name.split()
    return parts[0] if parts else name


def fill_placeholders(text: str, context: MacroContext) -> FilledText:
    """Replace every placeholder ``context`` can fill; leave and report the others."""
    unknown: dict[str, None] = {}

    def replace(match: re.Match[str]) -> str:
        value = context.value_of(match.group(1))
        if value is None:
            unknown.setdefault(match.group(0), None)
            return match.group(0)
        return value

    return FilledText(PLACEHOLDER.sub(replace, text), tuple(unknown))


def placeholders_in(text: str) -> list[str]:
    """The placeholder names a text uses, in order of first use."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


# -- shortcut codes ------------------------------------------------------------------------
SHORTCUT = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
"""A shortcut code: what follows ``/`` in the reply line, e.g. ``hello`` for ``/hello``."""


def normalize_shortcut(raw: str) -> str | None:
    """``"/Hello"`` -> ``"hello"``; None when it cannot be a shortcut code."""
    code = raw.strip().lstrip("/").lower()
    return code if SHORTCUT.fullmatch(code) else None


# -- addresses and file names ---------------------------------------------------------------
def valid_url(url: str) -> bool:
    """An absolute http(s) address a visitor's browser can open.

    Placeholders are allowed in it (``https://shop.example/orders/{{attributes.order}}``);
    they are filled before the address is sent.
    """
    if not url or len(url) > MAX_URL_CHARS or any(c.isspace() for c in PLACEHOLDER.sub("x", url)):
        return False
    parts = urlsplit(PLACEHOLDER.sub("x", url))
    return parts.scheme in ("http", "https") and bool(parts.netloc)


_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def valid_file_name(name: str) -> bool:
    """A file name a visitor can save: no path, no control characters, not hidden."""
    return (
        0 < len(name) <= MAX_FILE_NAME_CHARS
        and name.strip() == name
        and not _UNSAFE_IN_NAME.search(name)
        and name not in (".", "..")
        and not name.startswith(".")
    )


# -- the category tree ---------------------------------------------------------------------
def descendants(parents: Mapping[int, int | None], category_id: int) -> set[int]:
    """Every category below ``category_id`` (``parents`` maps a category to its parent)."""
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found: set[int] = set()
    stack = [category_id]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def would_cycle(parents: Mapping[int, int | None], category_id: int, new_parent: int | None) -> bool:
    """Whether moving ``category_id`` under ``new_parent`` would put it inside itself."""
    return new_parent is not None and (new_parent == category_id or new_parent in descendants(parents, category_id))


def category_paths(names: Mapping[int, str], parents: Mapping[int, int | None]) -> dict[int, str]:
    """``"Greetings / Returning customers"`` for each category, from its root down."""
    paths: dict[int, str] = {}

    def path(category_id: int, seen: frozenset[int] = frozenset()) -> str:
        if category_id in paths:
            return paths[category_id]
        parent = parents.get(category_id)
        own = names.get(category_id, "?")
        if parent is None or parent in seen or parent not in names:
            result = own
        else:
            result = f"{path(parent, seen | {category_id})} / {own}"
        paths[category_id] = result
        return result

    for category_id in names:
        path(category_id)
    return paths


def ordered_unique(values: Iterable[str]) -> list[str]:
    """Values without repeats, in first-seen order (workgroup lists from requests)."""
    return list(dict.fromkeys(values))

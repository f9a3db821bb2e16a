"""Themes from data files: the shipped ones and the user's own.

A theme file is TOML with Textual's base colours and a ``[variables]`` table holding
Callboard's semantic colours (``status-available``, ``alerting``, ...), which every
stylesheet of the console refers to instead of literal colours::

    name = "callboard-dark"
    primary = "#3B9EDB"
    dark = true
    [variables]
    status-available = "#4CBF7A"

Shipped themes live in the checkout's top-level ``themes/`` (``console/themes`` inside an
installed wheel); user themes in ``themes/`` beside the config file. A broken file is
reported and skipped.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

import console

SEMANTIC_DEFAULTS: dict[str, str] = {
    "status-available": "#4CBF7A",
    "status-away": "#E6B34A",
    "status-busy": "#E5575B",
    "alerting": "#F2A541",
    "held": "#B48EDB",
    "snoozed": "#4FC1C9",
    "disconnected": "#7D8894",
    "system-message": "#8A96A3",
    "visitor-message": "#5FB8E8",
    "agent-message": "#7FD19B",
    "sla-breach": "#FF5F5F",
    "coach-message": "#E6B34A",
    "banner-offline": "#B3261E",
}
"""Fallbacks so Textual's built-in themes still render every Callboard widget."""

COLOUR_FIELDS = ("primary", "secondary", "accent", "background", "surface", "panel", "foreground",
                 "success", "warning", "error", "boost")


class ThemeFileError(Exception):
    """A theme file that cannot be used; the message names the file and the reason."""


@dataclass(slots=True)
class LoadedThemes:
    themes: list[Theme]
    errors: list[str]


def shipped_themes_dir() -> Path | None:
    """``console/themes`` in a wheel, else ``themes/`` at the top of a checkout."""
    package = Path(console.__file__).parent
    for candidate in (package / "themes", package.parent / "themes"):
        if candidate.is_dir():
            return candidate
    return None


def user_themes_dir(config_file: Path) -> Path:
    return config_file.parent / "themes"


def _colour(path: Path, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{path.name}: {key} must be a colour string.")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{path.name}: {key} = {value!r} is not a colour.") from None
    return value


def load_theme_file(path: Path) -> Theme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ThemeFileError(f"{path.name}: {exc}") from exc
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(f"{path.name}: needs a name.")
    if "primary" not in data:
        raise ThemeFileError(f"{path.name}: needs a primary colour.")
    colours = {key: _colour(path, key, data[key]) for key in COLOUR_FIELDS if key in data}
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeFileError(f"{path.name}: dark must be true or false.")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError(f"{path.name}: [variables] must be a table.")
    checked = {}
    for key, value in variables.items():
        if key in SEMANTIC_DEFAULTS:
            checked[key] = _colour(path, f"variables.{key}", value)
        elif isinstance(value, str):
            checked[key] = value  # Textual's own variables may hold non-colour values
        else:
            raise ThemeFileError(f"{path.name}: variables.{key} must be a string.")
    return Theme(name=name.strip(), dark=dark, variables=checked, **colours)


def load_themes(directories: Iterable[Path | None]) -> LoadedThemes:
    """Every ``*.toml`` theme in the directories, later directories overriding earlier ones."""
    found: dict[str, Theme] = {}
    errors: list[str] = []
    for directory in directories:
        if directory is None or not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ThemeFileError as exc:
                errors.append(str(exc))
                continue
            found[theme.name] = theme
    return LoadedThemes(list(found.values()), errors)

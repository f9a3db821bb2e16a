"""The console's settings file: server, user name, theme and key remapping.

A TOML file in the platformdirs config directory (``CALLBOARD_CONFIG`` or the app's
constructor may point elsewhere)::

    server_url = "http://127.0.0.1:8765"
    username = "alicia"
    theme = "callboard-dark"

    [keymap]
    pickup-alerting = "f5"
    chat-hold = "alt+h,f7"

    [dialer]
    command = "xdg-open tel:{number}"   # absent: the simulated dialer

    [faq]
    databases = ["Products and orders"]   # absent: search every e-FAQ database

A missing file means defaults. A broken one is reported to the user and ignored; the
console never refuses to start over its settings.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
import tomli_w

DEFAULT_SERVER_URL = "http://127.0.0.1:8765"
DEFAULT_THEME = "callboard-dark"
CONFIG_ENV = "CALLBOARD_CONFIG"


class ConfigError(Exception):
    """The config file exists but cannot be used."""


@dataclass(slots=True)
class Config:
    """What the console remembers between runs."""

    server_url: str = DEFAULT_SERVER_URL
    username: str = ""
    theme: str = DEFAULT_THEME
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> comma-separated keys, handed to ``App.set_keymap``."""
    dialer_command: str = ""
    """How Make Call places the call (``console.client.dialer``); empty: simulated."""
    faq_databases: list[str] | None = None
    """Names of the e-FAQ databases the sidebar searches; None: all of them."""

    def to_toml(self) -> dict[str, object]:
        data: dict[str, object] = {"server_url": self.server_url, "username": self.username, "theme": self.theme}
        if self.keymap:
            data["keymap"] = dict(self.keymap)
        if self.dialer_command:
            data["dialer"] = {"command": self.dialer_command}
        if self.faq_databases is not None:
            data["faq"] = {"databases": list(self.faq_databases)}
        return data


def config_path(override: str | os.PathLike[str] | None = None) -> Path:
    """Where the config lives: the override, then ``$CALLBOARD_CONFIG``, then the platform dir."""
    if override:
        return Path(override)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return Path(platformdirs.user_config_dir("callboard")) / "config.toml"


def load_config(path: Path) -> Config:
    """Read the config; raises ``ConfigError`` with a readable reason when it is unusable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    config = Config()
    for name in ("server_url", "username", "theme"):
        if name in data:
            if not isinstance(data[name], str):
                raise ConfigError(f"{path}: {name} must be a string.")
            setattr(config, name, data[name])
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
    ):
        raise ConfigError(f'{path}: [keymap] maps binding ids to keys, e.g. pickup-alerting = "f5".')
    config.keymap = dict(keymap)
    dialer = data.get("dialer", {})
    if not isinstance(dialer, dict) or not isinstance(dialer.get("command", ""), str):
        raise ConfigError(f'{path}: [dialer] command is a string, e.g. command = "xdg-open tel:{{number}}".')
    config.dialer_command = dialer.get("command", "")
    faq = data.get("faq", {})
    databases = faq.get("databases") if isinstance(faq, dict) else None
    if not isinstance(faq, dict) or (databases is not None and not (
        isinstance(databases, list) and all(isinstance(d, str) for d in databases)
    )):
        raise ConfigError(f'{path}: [faq] databases is a list of names, e.g. databases = ["Products and orders"].')
    config.faq_databases = databases
    return config


def save_config(path: Path, config: Config) -> None:
    """Write the config atomically, so a crash never leaves half a file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(tomli_w.dumps(config.to_toml()), encoding="utf-8")
    partial.replace(path)

"""Server settings from a TOML file (``callboard server --config FILE``).

Example::

    session_ttl_hours = 10
    trusted_proxies = ["127.0.0.1", "10.0.0.5"]
    response_file_limit_mb = 5     # largest file a stored response may carry

    [messages]            # what IWT visitors see; %1 stands for a name
    welcome = "Welcome to Example Co, %1!"
    queued = "Interaction transferred to %1."
    alerting = "Interaction alerting %1."
    joined = "%1 has joined the conversation."
    left = "%1 has left the conversation."
    idle_warning = "%1 has been idle for %2. The conversation will end in %3 unless %1 sends a message."

    [visitor_limits]      # new chats and callbacks from the visitor API; 0 turns a limit off
    max_interactions_per_ip = 15          # active at once from one address
    max_interactions_per_unit_time = 5    # started from one address within unit_time_seconds
    unit_time_seconds = 1
    max_active_interactions = 0           # active on the whole server (0: no cap)
    trusted_hosts = ["192.0.2.10", "10.1.0.0/16"]   # exempt from the two per-address limits
    [visitor_limits.queues.Sales]         # per workgroup queue
    max_waiting = 20                      # not yet answered (waiting, alerting, snoozed)
    max_active = 40                       # not yet ended

    [idle_visitors]       # warn a chat visitor idle this long, disconnect after the grace time
    enabled = true        # off by default
    idle_seconds = 300
    grace_seconds = 120

    [desktop_chat]        # files colleagues send each other, and how long messages are kept
    attachment_max_mb = 5
    attachment_types = [".pdf", ".png", ".jpg", ".txt", ".csv", ".docx", ".xlsx", ".zip"]
    message_retention_days = 30

Unknown keys are refused so a typo does not silently keep a default.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path

from console.core.visitor_feed import SystemMessages
from console.server.app import ServerSettings
from console.server.desktop_chat import desktop_chat_settings
from console.server.idle_visitors import idle_visitor_settings
from console.server.visitor_limits import visitor_limit_settings

TOP_LEVEL = {"session_ttl_hours", "trusted_proxies", "event_buffer", "messages", "response_file_limit_mb",
             "desktop_chat", "visitor_limits", "idle_visitors"}


class SettingsError(ValueError):
    """The settings file cannot be used; the message says where and why."""


def load_settings(path: Path, data_dir: Path) -> ServerSettings:
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from None
    unknown = set(raw) - TOP_LEVEL
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
    settings = ServerSettings(data_dir=data_dir)
    if "session_ttl_hours" in raw:
        hours = raw["session_ttl_hours"]
        if not isinstance(hours, int | float) or hours <= 0:
            raise SettingsError(f"{path}: session_ttl_hours must be a positive number")
        settings.session_ttl = float(hours) * 3600
    if "event_buffer" in raw:
        if not isinstance(raw["event_buffer"], int) or raw["event_buffer"] < 10:
            raise SettingsError(f"{path}: event_buffer must be a whole number of at least 10")
        settings.event_buffer = raw["event_buffer"]
    if "response_file_limit_mb" in raw:
        megabytes = raw["response_file_limit_mb"]
        if isinstance(megabytes, bool) or not isinstance(megabytes, int | float) or not 0 < megabytes <= 100:
            raise SettingsError(f"{path}: response_file_limit_mb must be a number above 0 and at most 100")
        settings.response_file_limit = int(megabytes * 1024 * 1024)
    if "trusted_proxies" in raw:
        proxies = raw["trusted_proxies"]
        if not isinstance(proxies, list) or not all(isinstance(p, str) for p in proxies):
            raise SettingsError(f"{path}: trusted_proxies must be a list of addresses")
        settings.trusted_proxies = frozenset(proxies)
    messages = raw.get("messages", {})
    if not isinstance(messages, dict):
        raise SettingsError(f"{path}: [messages] must be a table")
    names = {f.name for f in fields(SystemMessages)}
    bad = set(messages) - names
    if bad:
        raise SettingsError(f"{path}: unknown message(s): {', '.join(sorted(bad))}")
    if not all(isinstance(v, str) and v.strip() for v in messages.values()):
        raise SettingsError(f"{path}: messages must be non-empty strings")
    settings.system_messages = SystemMessages(**messages)
    if "desktop_chat" in raw:
        try:
            settings.desktop_chat = desktop_chat_settings(raw["desktop_chat"])
        except ValueError as exc:
            raise SettingsError(f"{path}: {exc}") from None
    for key, parse in (("visitor_limits", visitor_limit_settings), ("idle_visitors", idle_visitor_settings)):
        if key in raw:
            try:
                setattr(settings, key, parse(raw[key]))
            except ValueError as exc:
                raise SettingsError(f"{path}: {exc}") from None
    return settings

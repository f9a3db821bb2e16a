"""Loads workgroups and users from a plain mapping (the demo data file, or a test's).

The mapping has the same shape as ``demo/demo.json``::

    {"workgroups": [{"name": "Sales", "chat_enabled": true, ...}],
     "users": [{"username": "alicia", "name": "Alicia Adams", "password": "...",
                "role": "agent", "workgroups": ["Sales"], "skills": {"language:en": 90},
                "max_chats": 3, "max_callbacks": 1}]}
"""

from __future__ import annotations

import json
import time
from importlib import resources
from typing import Any

from console.core.passwords import hash_password
from console.core.statuses import GONE_HOME
from console.server.store import Store, UserRecord

WORKGROUP_SETTINGS = (
    "chat_enabled", "skill_categories", "skill_relax_seconds", "alert_timeout_seconds",
    "callback_enabled", "callback_retries", "callback_minutes_between", "callback_max_assign", "wrap_up_codes",
    "service_level_seconds", "service_level_target", "abandon_treatment",
)


def load_directory(store: Store, data: dict[str, Any]) -> None:
    for wg in data.get("workgroups", []):
        store.upsert_workgroup(wg["name"], {k: wg[k] for k in WORKGROUP_SETTINGS if k in wg})
    existing = {u.username: u for u in store.users()}
    now = time.time()
    for user in data.get("users", []):
        old = existing.get(user["username"])
        store.upsert_user(
            UserRecord(
                username=user["username"],
                name=user["name"],
                role=user.get("role", "agent"),
                # Without a password an existing user keeps theirs.
                password_hash=hash_password(user["password"]) if "password" in user or old is None
                else old.password_hash,
                status=old.status if old else GONE_HOME,
                status_since=old.status_since if old else now,
                max_chats=int(user.get("max_chats", 2)),
                max_callbacks=int(user.get("max_callbacks", 1)),
                skills={k: int(v) for k, v in user.get("skills", {}).items()},
                workgroups=list(user.get("workgroups", [])),
            )
        )


def demo_data() -> dict[str, Any]:
    return json.loads(resources.files("console.server.demo").joinpath("demo.json").read_text("utf-8"))


def demo_logins(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(username, password, name, role) for the demo banner."""
    return [(u["username"], u["password"], u["name"], u.get("role", "agent")) for u in data.get("users", [])]

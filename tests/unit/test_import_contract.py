"""Dependency direction (DESIGN.md): core imports no framework; the TUI never imports the server."""

from __future__ import annotations

import importlib.util
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import console

FORBIDDEN_IN_CORE = ("textual", "fastapi", "starlette", "httpx", "websockets", "uvicorn", "pydantic")


def modules_of(package: str) -> list[str]:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, package
    names = [package]
    for info in pkgutil.walk_packages(spec.submodule_search_locations, prefix=package + "."):
        names.append(info.name)
    return names


def loaded_after_importing(modules: list[str]) -> set[str]:
    """Top-level names in sys.modules of a fresh interpreter that imported ``modules``."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(console.__file__).parent.parent)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_core_imports_no_framework():
    modules = modules_of("console.core")
    assert "console.core.routing" in modules and "console.core.visitor_feed" in modules
    loaded = loaded_after_importing(modules)
    leaked = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN_IN_CORE)
    assert leaked == []
    assert not any(m.startswith(("console.server", "console.tui", "console.client")) for m in loaded)


def test_tui_does_not_import_the_server():
    spec = importlib.util.find_spec("console.tui")
    if spec is None or not any(
        next(Path(location).rglob("*.py"), None) for location in spec.submodule_search_locations or ()
    ):
        pytest.skip("console.tui has no modules yet")
    modules = modules_of("console.tui")
    loaded = loaded_after_importing(modules)
    assert "console.tui" in loaded
    assert sorted(m for m in loaded if m == "console.server" or m.startswith("console.server.")) == []

"""Every agent-API operation fed generated input (Schemathesis) over real HTTP.

Hand-written bad-request tests cover the cases we thought of; this covers the rest: for
every operation in the OpenAPI document, valid and invalid paths, queries and bodies,
and the server must answer each with a success or a documented ``4xx`` error body,
never a ``5xx``. Runs derandomized with a bounded number of examples, so a failure
reproduces and the suite stays fast.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from console.server.app import ServerSettings, create_app
from console.server.runner import ServerThread
from tests.conftest import PASSWORDS, directory, seed_data_dir

DOCS = Path(__file__).parents[2] / "docs" / "api.md"
DOCUMENTED_CODES = {
    code for cell in re.findall(r"^\|([^|]*)\|", DOCS.read_text("utf-8"), re.MULTILINE)
    for code in re.findall(r"`([a-z_]+(?:\.[a-z_]+)*)`", cell)
}
"""The codes in the first column of the tables in docs/api.md (its error tables)."""

SESSION_ENDING = {("DELETE", "/api/v1/session"), ("DELETE", "/api/v1/desktop-chat/session")}
"""Would end the fuzzing session itself; their own tests cover them."""

SUPERVISOR_PREFIXES = ("/api/v1/supervisor", "/api/v1/responses/libraries", "/api/v1/faq/databases",
                       "/api/v1/faq/entries")


def _openapi() -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        return create_app(ServerSettings(data_dir=Path(data_dir), tune_gc=False)).openapi()


schema = schemathesis.openapi.from_dict(_openapi())


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory, seed_cache: Path):
    data_dir = tmp_path_factory.mktemp("fuzzed")
    seed_data_dir(data_dir, directory(), seed_cache)
    thread = ServerThread(data_dir).start()
    yield thread
    thread.stop()


@pytest.fixture(scope="module")
def tokens(fuzzed_server: ServerThread) -> dict[str, dict[str, str]]:
    import httpx

    headers = {}
    for username in ("alice", "sue"):
        r = httpx.post(f"{fuzzed_server.url}/api/v1/session",
                       json={"username": username, "password": PASSWORDS[username]}, timeout=10)
        r.raise_for_status()
        headers[username] = {"Authorization": f"Bearer {r.json()['token']}"}
    return headers


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_any_input_gets_a_success_or_a_documented_error_never_a_server_error(case, fuzzed_server, tokens):
    method, path = case.method.upper(), case.operation.path
    if (method, path) in SESSION_ENDING:
        pytest.skip("ends the session the fuzzing uses")
    who = "sue" if path.startswith(SUPERVISOR_PREFIXES) else "alice"
    response = case.call(base_url=fuzzed_server.url, headers=tokens[who], timeout=10)
    assert response.status_code < 500, f"{method} {path}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        error = response.json().get("error", {})
        assert isinstance(error.get("message"), str) and error["message"], response.text[:300]
        assert error.get("code") in DOCUMENTED_CODES, \
            f"{method} {path}: {response.status_code} with undocumented code {error.get('code')!r}"

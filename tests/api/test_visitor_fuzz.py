"""The visitor API (IWT ``/websvcs``) fed generated bodies and ids over real HTTP.

IWT clients treat any status but 200 as a broken server, so every answer to anything a
page could send must be HTTP 200 with the call's outer key and either success or a
failure whose reason code is one docs/visitor-api.md lists. Bodies are drawn near the
real shapes (the right keys with values of any JSON type) as well as arbitrary JSON.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.server.runner import ServerThread
from tests.conftest import directory, seed_data_dir

DOCS = Path(__file__).parents[2] / "docs" / "visitor-api.md"
DOCUMENTED_CODES = set(re.findall(r"^\| `(error\.websvc\.[A-Za-z.]+)` \|", DOCS.read_text("utf-8"), re.MULTILINE))

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

scalars = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
names = st.sampled_from(["Sales", "Support", "Billing", "alice", "nobody", "", "sales"]) | st.text(max_size=20)


def near(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """Objects with some of the real keys, their values right or of any type."""
    return st.fixed_dictionaries({}, optional={k: v | json_values for k, v in fields.items()})


participants = st.fixed_dictionaries({}, optional={"name": st.text(max_size=30) | json_values,
                                                   "credentials": st.none() | json_values,
                                                   "telephone": st.text(max_size=20) | json_values})
start_bodies = near({
    "participant": participants, "target": names, "targetType": st.sampled_from(["Workgroup", "User", "Queue"]),
    "targettype": st.sampled_from(["Workgroup", "User"]), "language": st.sampled_from(["en-US", "de", ""]),
    "supportedContentTypes": st.just("text/plain"), "customInfo": st.text(max_size=30),
    "attributes": st.dictionaries(st.text(max_size=10), scalars, max_size=4),
    "routingContexts": st.lists(near({"category": st.sampled_from(["product", "language"]),
                                      "context": st.text(max_size=10)}), max_size=3),
    "subject": st.text(max_size=50), "emailAddress": st.text(max_size=30),
})
pid_bodies = near({"message": st.text(max_size=50), "contentType": st.just("text/plain"),
                   "typingIndicator": st.booleans(), "chatID": st.text(max_size=20), "callbackID": st.text(max_size=20),
                   "queueName": names, "queueType": st.just("Workgroup"), "participant": participants})
bodies = start_bodies | pid_bodies | json_values

CALLS = {"chat": ["chat/start", "chat/reconnect", "chat/poll/{pid}", "chat/sendMessage/{pid}",
                  "chat/setTypingState/{pid}", "chat/exit/{pid}"],
         "callback": ["callback/create", "callback/status/{pid}", "callback/reconnect", "callback/disconnect/{pid}"],
         "queue": ["queue/query"]}


@pytest.fixture(scope="module")
def visitor_server(tmp_path_factory: pytest.TempPathFactory, seed_cache: Path):
    assert len(DOCUMENTED_CODES) >= 9, "the error table of docs/visitor-api.md was not found"
    data_dir = tmp_path_factory.mktemp("visitor-fuzz")
    seed_data_dir(data_dir, directory(), seed_cache)
    thread = ServerThread(data_dir).start()
    with httpx.Client(base_url=thread.url + "/websvcs", timeout=10) as http:
        started = http.post("chat/start", json={"participant": {"name": "Vera", "credentials": None},
                                                "target": "Sales", "targetType": "Workgroup", "language": "en-US"})
        yield http, started.json()["chat"]["participantID"]
    thread.stop()


def assert_iwt_answer(response: httpx.Response, key: str) -> None:
    assert response.status_code == 200, f"{response.request.url}: {response.status_code} {response.text[:200]}"
    answer = response.json()[key]
    status = answer["status"]
    assert status["type"] in ("success", "failure")
    if status["type"] == "failure":
        assert status["reason"]["code"] in DOCUMENTED_CODES, status


@pytest.mark.parametrize("call", [c for calls in CALLS.values() for c in calls])
def test_any_body_gets_an_iwt_answer_never_an_http_error(visitor_server, call):
    http, real_pid = visitor_server
    key = call.split("/")[0]

    @FUZZ
    # A "/" in the id makes another path, unknown: HTTP 404 is IWT's answer to that.
    @given(body=bodies, pid=st.sampled_from([real_pid]) | st.text(min_size=1, max_size=40).filter(
        lambda p: "/" not in p and p not in (".", "..")))
    def check(body, pid):
        response = http.post(call.format(pid=quote(pid, safe="")), json=body)
        assert_iwt_answer(response, key)

    check()

"""What the server acknowledged survives ``kill -9``: a real server process is killed mid-chat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from console.server.directory import load_directory
from console.server.runner import free_port
from console.server.store import SqliteStore

DIRECTORY = {
    "workgroups": [{"name": "Sales", "chat_enabled": True, "skill_categories": ["language"]}],
    "users": [
        {"username": "alicia", "name": "Alicia Adams", "password": "pw-alicia", "workgroups": ["Sales"],
         "skills": {"language:en": 100}, "max_chats": 2},
    ],
}


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "console.cli", "server", "--quiet", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/websvcs/serverConfiguration", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("server process did not start")


def kill_hard(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_chat_acknowledged_before_kill_9_is_intact_after_restart(tmp_path):
    store = SqliteStore(tmp_path / "callboard.sqlite3")
    load_directory(store, DIRECTORY)
    store.close()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(tmp_path, port)
    http = httpx.Client(base_url=url, timeout=5)
    try:
        token = http.post("/api/v1/session", json={"username": "alicia", "password": "pw-alicia"}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        started = http.post(
            "/websvcs/chat/start",
            json={"participant": {"name": "Vera Visitor", "credentials": None}, "target": "Sales",
                  "targetType": "Workgroup", "language": "en-US"},
        ).json()["chat"]
        pid = started["participantID"]
        last_seq = started["events"][-1]["sequenceNumber"]
        waiting = http.post(
            "/websvcs/chat/start",
            json={"participant": {"name": "Walt Waiting", "credentials": None}, "target": "Sales",
                  "targetType": "Workgroup", "language": "en-US"},
        ).json()["chat"]
        deadline = time.monotonic() + 10
        mine = []
        while time.monotonic() < deadline and not mine:
            mine = [i for i in http.get("/api/v1/queues/my-interactions/interactions", headers=auth).json()
                    if i["remote_name"] == "Vera Visitor" and i["state"] == "Alerting"]
        assert mine, "the chat never alerted the available agent"
        interaction_id = mine[0]["id"]
        assert http.post(f"/api/v1/interactions/{interaction_id}/pickup", headers=auth).status_code == 200
        # Walt's chat also alerts Alicia (two chat slots); she leaves it alerting.
        assert http.post(f"/websvcs/chat/sendMessage/{pid}", json={"message": "Is my order shipped?"}).status_code == 200
        reply = http.post(f"/api/v1/interactions/{interaction_id}/messages", headers=auth,
                          json={"text": "Yes, it left this morning."})
        assert reply.status_code == 201
        for event in http.get(f"/websvcs/chat/poll/{pid}").json()["chat"]["events"]:
            last_seq = event["sequenceNumber"]
        kill_hard(server)

        server = start_server(tmp_path, port)
        # The session token, the connected chat and its transcript all survived.
        detail = http.get(f"/api/v1/interactions/{interaction_id}", headers=auth)
        assert detail.status_code == 200
        body = detail.json()
        assert body["state"] == "Connected" and body["agent"] == "alicia"
        texts = [(e["sender_type"], e["text"]) for e in body["transcript"] if e["kind"] == "text"]
        assert texts == [("visitor", "Is my order shipped?"), ("agent", "Yes, it left this morning.")]
        # The waiting chat is back in the Sales queue (its alert died with the process).
        sales = http.get("/api/v1/queues/workgroup:Sales/interactions", headers=auth).json()
        assert any(i["remote_name"] == "Walt Waiting" and i["state"] in ("Waiting", "Alerting") for i in sales)
        assert waiting["participantID"]
        # The visitor's numbering continues without a gap after the restart.
        # (After a restart the server hands out the feed again from 0; IWT clients drop
        # the numbers they already processed, so only gaps or renumbering would hurt.)
        sent = http.post(f"/websvcs/chat/sendMessage/{pid}", json={"message": "Thanks!"}).json()["chat"]
        numbers = [e["sequenceNumber"] for e in sent["events"]]
        assert numbers == list(range(len(numbers)))
        echo = [e for e in sent["events"] if e["type"] == "text" and e["value"] == "Thanks!"]
        assert len(echo) == 1 and echo[0]["sequenceNumber"] == last_seq + 1
    finally:
        http.close()
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)

"""What the response library and the e-FAQ acknowledged survives ``kill -9`` of the server."""

from __future__ import annotations

from console.server.runner import free_port
from tests.conftest import (
    Visitor,
    directory,
    seed_data_dir,
    server_process,
    wait_for_alert_over,
)

PDF = b"%PDF-1.4\n% the spec sheet\n%%EOF\n"


def test_responses_files_favorites_faq_and_a_sent_file_survive_kill_9(server_factory, seed_cache, tmp_path):
    data_dir = tmp_path / "killed"
    seed_data_dir(data_dir, directory(), seed_cache)

    def sign_in(http, username: str, password: str) -> dict[str, str]:
        token = http.post("/api/v1/session", json={"username": username, "password": password}).json()["token"]
        return {"Authorization": f"Bearer {token}"}

    with server_process(data_dir, free_port()) as http:  # SIGKILLed when the block ends
        sue, alice = sign_in(http, "sue", "sue-pw"), sign_in(http, "alice", "alice-pw")
        library = http.post("/api/v1/responses/libraries", json={"name": "Sales answers", "workgroups": ["Sales"]},
                            headers=sue).json()["id"]
        file_id = http.post("/api/v1/responses/files", params={"name": "spec.pdf"}, content=PDF,
                            headers={**sue, "Content-Type": "application/pdf"}).json()["id"]
        spec = http.post("/api/v1/responses", json={"library_id": library, "kind": "file", "title": "Spec sheet",
                                                    "file_id": file_id, "shortcut": "spec"}, headers=sue).json()["id"]
        mine = http.post("/api/v1/responses", json={"title": "My greeting", "body": "Hi!"}, headers=alice).json()["id"]
        assert http.put(f"/api/v1/responses/{spec}/favorite", headers=alice).status_code == 204
        database = http.post("/api/v1/faq/databases", json={"name": "Products"}, headers=sue).json()["id"]
        http.post("/api/v1/faq/entries", json={"database_id": database, "question": "Is there a warranty?",
                                               "answer": "Two years."}, headers=sue)

        visitor = Visitor(http)
        visitor.start()

        iid = wait_for_alert_over(http, alice)
        assert http.post(f"/api/v1/interactions/{iid}/pickup", headers=alice).status_code == 200
        r = http.post(f"/api/v1/interactions/{iid}/responses/send", json={"shortcut": "spec"}, headers=alice)
        assert r.status_code == 201
        link = visitor.wait_for(lambda e: e["type"] == "file")["value"]

    with server_process(data_dir, free_port()) as http:
        alice = sign_in(http, "alice", "alice-pw")
        tree = http.get("/api/v1/responses", headers=alice).json()
        assert tree["favorites"] == [spec]
        assert {lib["name"]: [r["id"] for r in lib["responses"]] for lib in tree["libraries"]} == {
            "My Responses": [mine], "Sales answers": [spec],
        }
        assert [r["id"] for r in http.get("/api/v1/responses/search", params={"q": "greeting"},
                                          headers=alice).json()] == [mine]
        assert http.get("/api/v1/faq/search", params={"q": "warranty"}, headers=alice).json()[0]["answer"] == \
            "Two years."
        download = http.get(link)  # the visitor's link still works after the crash
        assert download.status_code == 200 and download.content == PDF

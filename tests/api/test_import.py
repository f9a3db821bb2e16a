"""``callboard import`` and ``callboard passwd``: a contact center set up from files, then served."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.cli import main as callboard

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contact-center.toml"


def sign_in(server, username: str, password: str) -> dict[str, str]:
    r = server.http.post("/api/v1/session", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def user_rows(data_dir: Path) -> list[tuple]:
    with sqlite3.connect(data_dir / "callboard.sqlite3") as db:
        return db.execute("SELECT username, name, password_hash FROM users ORDER BY username").fetchall()


def test_the_example_file_sets_up_a_contact_center_the_server_then_serves(server_factory, tmp_path, capsys):
    data_dir = tmp_path / "center"
    assert callboard(["import", "--data-dir", str(data_dir), str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "3 new users" in out and "1 response library added (3 responses)" in out and "(2 entries)" in out

    server = server_factory(data_dir=data_dir)
    maria = sign_in(server, "maria", "change-me-now")
    queues = server.http.get("/api/v1/queues", headers=maria).json()
    assert {q["name"] for q in queues} >= {"Sales", "Support"}
    [greeting] = server.http.get("/api/v1/responses/search", params={"q": "greeting"}, headers=maria).json()
    assert greeting["shortcut"] == "hi" and "{{visitor.first_name}}" in greeting["body"]
    faq = server.http.get("/api/v1/faq/search", params={"q": "delivery"}, headers=maria).json()
    assert faq[0]["question"] == "How long does delivery take?"
    priya = sign_in(server, "priya", "supervise-me")
    stats = server.http.get("/api/v1/supervisor/statistics", headers=priya)
    assert stats.status_code == 200
    sales = next(s for s in stats.json() if s["workgroup"] == "Sales")
    assert sales["goal"] == {"threshold": 30.0, "target": 0.8, "abandon_treatment": "against"}


def test_a_file_with_mistakes_says_where_and_imports_nothing(tmp_path, capsys):
    data_dir = tmp_path / "center"
    assert callboard(["import", "--data-dir", str(data_dir), str(EXAMPLE)]) == 0
    before = user_rows(data_dir)
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[users]]\nusername = "newbie"\nname = "New Bie"\nworkgroups = ["Saels"]\n'
        '[[users]]\nusername = "Not Valid"\nname = "X"\npassword = "secret"\n'
        '[[libraries]]\nname = "More"\n[[libraries.responses]]\nkind = "file"\ntitle = "Brochure"\nfile = "gone.pdf"\n'
    )
    assert callboard(["import", "--data-dir", str(data_dir), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "users[1].username: user names are 1-32 lower-case letters" in err and "Nothing was imported." in err
    bad.write_text(bad.read_text().replace('username = "Not Valid"', 'username = "valid"'))
    assert callboard(["import", "--data-dir", str(data_dir), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "users[0] (newbie): a new user needs a password" in err
    assert "users[0] (newbie): no workgroup 'Saels'" in err
    assert "libraries[0] (More): no file gone.pdf beside bad.toml" in err
    assert user_rows(data_dir) == before

    broken = tmp_path / "broken.json"
    broken.write_text('{"users": [')
    assert callboard(["import", "--data-dir", str(data_dir), str(broken)]) == 2
    assert "broken.json: not valid JSON" in capsys.readouterr().err


def test_importing_again_updates_people_keeps_passwords_and_settings_it_does_not_name(server_factory, tmp_path,
                                                                                       capsys):
    data_dir = tmp_path / "center"
    assert callboard(["import", "--data-dir", str(data_dir), str(EXAMPLE)]) == 0
    update = tmp_path / "update.json"
    update.write_text('{"workgroups": [{"name": "Sales", "alert_timeout_seconds": 45}],'
                      ' "users": [{"username": "maria", "name": "Maria López", "workgroups": ["Sales"]}],'
                      ' "libraries": [{"name": "Front desk", "responses": [{"title": "New", "text": "Added?"}]}]}')
    assert callboard(["import", "--data-dir", str(data_dir), str(update)]) == 0
    out = capsys.readouterr().out
    assert "0 new users, 1 updated" in out and "already there and left alone: Front desk" in out

    server = server_factory(data_dir=data_dir)
    maria = sign_in(server, "maria", "change-me-now")
    me = server.http.get("/api/v1/session", headers=maria).json()
    assert me["name"] == "Maria López" and me["workgroups"] == ["Sales"]
    assert server.http.get("/api/v1/responses/search", params={"q": "added"}, headers=maria).json() == []
    priya = sign_in(server, "priya", "supervise-me")
    sales = next(s for s in server.http.get("/api/v1/supervisor/statistics", headers=priya).json()
                 if s["workgroup"] == "Sales")
    assert sales["goal"]["threshold"] == 30.0, "the goal the file did not name stays"


def test_passwd_sets_a_password_asked_twice(server_factory, tmp_path, monkeypatch, capsys):
    data_dir = tmp_path / "center"
    assert callboard(["import", "--data-dir", str(data_dir), str(EXAMPLE)]) == 0
    answers = iter(["a-new-secret", "a-new-secret"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert callboard(["passwd", "tom", "--data-dir", str(data_dir)]) == 0

    answers = iter(["one-thing", "another"])
    assert callboard(["passwd", "tom", "--data-dir", str(data_dir)]) == 2
    assert "the two differ; nothing changed" in capsys.readouterr().err
    assert callboard(["passwd", "nobody", "--data-dir", str(data_dir)]) == 2
    assert "no user 'nobody'" in capsys.readouterr().err

    server = server_factory(data_dir=data_dir)
    sign_in(server, "tom", "a-new-secret")
    r = server.http.post("/api/v1/session", json={"username": "tom", "password": "change-me-too"})
    assert r.status_code == 401


@pytest.mark.parametrize("shortcut", ["hi", "HI", "/Hi"])
def test_shortcuts_in_a_library_must_differ_however_they_are_written(tmp_path, capsys, shortcut):
    data_dir = tmp_path / "center"
    twice = tmp_path / "twice.toml"
    twice.write_text('[[libraries]]\nname = "L"\n'
                     '[[libraries.responses]]\ntitle = "a"\ntext = "x"\nshortcut = "hi"\n'
                     f'[[libraries.responses]]\ntitle = "b"\ntext = "y"\nshortcut = "{shortcut}"\n')
    assert callboard(["import", "--data-dir", str(data_dir), str(twice)]) == 2
    assert "shortcut /hi used twice" in capsys.readouterr().err

"""Desktop chat's rules in core: presences, names, contact groups, files; and its server settings."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from console.core.desktop_chat import (
    AttachmentPolicy,
    DesktopChatService,
    GroupTarget,
    Presence,
    Roster,
    RosterContact,
    clean_display_name,
    clean_file_name,
    clean_group_name,
    file_type,
    format_size,
    parse_presence,
)
from console.core.errors import CallboardError
from console.server.desktop_chat import EmbeddedDesktopChat
from console.server.settings_file import SettingsError, load_settings


def code_of(call, *args, **kwargs) -> str:
    with pytest.raises(CallboardError) as info:
        call(*args, **kwargs)
    return info.value.code


def test_a_signed_in_user_chooses_available_away_or_do_not_disturb_never_offline():
    assert [parse_presence(p) for p in ("available", "away", "dnd")] == [Presence.AVAILABLE, Presence.AWAY,
                                                                         Presence.DND]
    assert code_of(parse_presence, "offline") == "desk.presence.unknown"
    assert code_of(parse_presence, "") == "desk.presence.unknown"


def test_group_and_display_names_are_trimmed_and_bounded():
    assert clean_group_name("  Night   shift ") == "Night shift"
    assert clean_display_name("Bob\tBaker") == "Bob Baker"
    assert code_of(clean_group_name, "recent chats") == "desk.group.name_invalid"
    assert code_of(clean_group_name, "x" * 41) == "desk.group.name_invalid"
    assert code_of(clean_group_name, "a\u200bb") == "desk.group.name_invalid"
    assert code_of(clean_display_name, "") == "desk.contact.name_invalid"
    assert code_of(clean_display_name, "x" * 61) == "desk.contact.name_invalid"


def roster() -> Roster:
    return Roster("alice", {1: "Team", 2: "Lunch"}, {
        "bob": RosterContact("bob", "Bobby", {1, 2}),
        "carol": RosterContact("carol", "Carol", {1}),
    })


def test_roster_rules_for_adding_contacts():
    r = roster()
    assert r.check_add("carol", GroupTarget(group_id=2)) == 2
    assert r.check_add("dev", GroupTarget(new_group=" Night ")) == "Night"
    assert code_of(r.check_add, "bob", GroupTarget(group_id=1)) == "desk.contact.duplicate"
    assert code_of(r.check_add, "alice", GroupTarget(group_id=1)) == "desk.contact.self"
    assert code_of(r.check_add, "dev", GroupTarget(group_id=9)) == "desk.group.not_found"
    assert code_of(r.check_add, "dev", GroupTarget(new_group="LUNCH")) == "desk.group.duplicate"
    assert code_of(GroupTarget) == "desk.group.target_required"
    assert code_of(GroupTarget, 1, "Both") == "desk.group.target_required"


def test_roster_entries_name_a_contact_in_one_of_the_owners_groups():
    r = roster()
    assert r.check_entries([("bob", 1), ("bob", 1), ("carol", 1)]) == [("bob", 1), ("carol", 1)]
    assert code_of(r.check_entries, [("carol", 2)]) == "desk.contact.not_found"
    assert code_of(r.check_entries, [("bob", 7)]) == "desk.group.not_found"
    assert code_of(r.check_entries, []) == "desk.contact.not_found"


def test_renaming_a_group_may_change_its_own_case_but_not_take_another_name():
    r = roster()
    assert r.check_new_group("TEAM", renaming=1) == "TEAM"
    assert code_of(r.check_new_group, "lunch", renaming=1) == "desk.group.duplicate"


def test_files_are_checked_by_name_type_and_size():
    policy = AttachmentPolicy(max_bytes=1024, allowed_types=(".pdf", ".txt"))
    assert policy.check_name("Q3 Report.PDF") == "Q3 Report.PDF"
    assert code_of(policy.check_name, "setup.exe") == "desk.attachment.type_not_allowed"
    assert code_of(policy.check_name, "README") == "desk.attachment.type_not_allowed"
    assert code_of(policy.check_size, 1025) == "desk.attachment.too_large"
    policy.check_size(1024)
    assert AttachmentPolicy(allowed_types=()).check_name("anything.bin") == "anything.bin"
    for bad in ("", "..", "dir/a.txt", "c:\\a.txt", "a\nb.txt", "x" * 201):
        assert code_of(clean_file_name, bad) == "desk.attachment.name_invalid", bad
    assert file_type(".bashrc") == "" and file_type("a.tar.GZ") == ".gz"
    assert [format_size(n) for n in (1, 512, 2048, 5 * 1024 * 1024)] == ["1 byte", "512 bytes", "2.0 KB", "5.0 MB"]


def test_the_embedded_service_implements_the_whole_interface():
    """An XMPP-backed service must offer the same; the embedded one is checked method by method."""
    wanted = {name: member for name, member in vars(DesktopChatService).items()
              if callable(member) and not name.startswith("_")}
    assert {"presence_of", "send_message", "offer_file", "move_contacts", "snapshot"} <= set(wanted)
    for name, member in wanted.items():
        implemented = getattr(EmbeddedDesktopChat, name, None)
        assert implemented is not None, name
        assert list(inspect.signature(implemented).parameters) == list(inspect.signature(member).parameters), name
        assert inspect.iscoroutinefunction(implemented) == inspect.iscoroutinefunction(member), name


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "server.toml"
    path.write_text(text, "utf-8")
    return path


def test_settings_file_sets_the_attachment_rules_and_retention(tmp_path):
    path = write(tmp_path, '[desktop_chat]\nattachment_max_mb = 0.5\nattachment_types = ["PDF", ".Png"]\n'
                           'message_retention_days = 7\n')
    desk = load_settings(path, tmp_path).desktop_chat
    assert desk.attachment_max_bytes == 512 * 1024
    assert desk.attachment_types == (".pdf", ".png")
    assert desk.message_retention_days == 7
    assert load_settings(write(tmp_path, "[desktop_chat]\nattachment_types = []\n"), tmp_path
                         ).desktop_chat.policy.check_name("x.bin") == "x.bin"


@pytest.mark.parametrize("text, complaint", [
    ("[desktop_chat]\nattachment_max_mb = 0\n", "attachment_max_mb"),
    ("[desktop_chat]\nattachment_max_mb = true\n", "attachment_max_mb"),
    ("[desktop_chat]\nattachment_types = '.pdf'\n", "attachment_types"),
    ("[desktop_chat]\nattachment_types = ['.']\n", "attachment_types"),
    ("[desktop_chat]\nmessage_retention_days = -1\n", "message_retention_days"),
    ("[desktop_chat]\nmax_size = 1\n", "unknown desktop_chat setting"),
    ("desktop_chat = 5\n", "must be a table"),
])
def test_desktop_chat_setting_mistakes_are_refused(tmp_path, text, complaint):
    with pytest.raises(SettingsError, match=complaint):
        load_settings(write(tmp_path, text), tmp_path)

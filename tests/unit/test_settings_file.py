"""Server settings files: visitor message texts and limits, with typos refused."""

from pathlib import Path

import pytest

from console.server.settings_file import SettingsError, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "server.toml"
    path.write_text(text, "utf-8")
    return path


def test_settings_file_sets_visitor_messages_and_session_length(tmp_path):
    path = write(
        tmp_path,
        'session_ttl_hours = 2\ntrusted_proxies = ["10.0.0.5"]\n'
        '[messages]\nwelcome = "Hi %1, welcome to Example Co."\n',
    )
    settings = load_settings(path, tmp_path)
    assert settings.session_ttl == 7200
    assert settings.trusted_proxies == frozenset({"10.0.0.5"})
    assert settings.system_messages.fill(settings.system_messages.welcome, "Vera") == "Hi Vera, welcome to Example Co."
    assert settings.system_messages.joined == "%1 has joined the conversation."


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("bogus = 1\n", "unknown setting"),
        ("[messages]\ngreeting = 'x'\n", "unknown message"),
        ("session_ttl_hours = -1\n", "positive"),
        ("[messages]\nwelcome = ''\n", "non-empty"),
        ("this is = = not toml", "server.toml"),
        ("[visitor_limits]\nmax_interactions_per_ip = -1\n", "server.toml: visitor_limits.max_interactions_per_ip must be"),
        ("visitor_limits = 3\n", r"\[visitor_limits\] must be a table"),
        ("[idle_visitors]\nenabled = 1\n", "server.toml: idle_visitors.enabled must be true or false"),
        ("[idle_visitors]\nidle_seconds = 0\n", "idle_seconds must be a number of seconds above 0"),
        ("[messages]\nidle_warning = ''\n", "non-empty"),
    ],
)
def test_settings_file_mistakes_are_refused_with_the_reason(tmp_path, text, complaint):
    with pytest.raises(SettingsError, match=complaint):
        load_settings(write(tmp_path, text), tmp_path)



def test_settings_file_sets_visitor_limits_and_idle_visitors(tmp_path):
    path = write(
        tmp_path,
        "[visitor_limits]\nmax_interactions_per_ip = 3\nunit_time_seconds = 2.5\n"
        'trusted_hosts = ["10.1.0.0/16"]\n'
        "[visitor_limits.queues.Sales]\nmax_waiting = 20\n"
        "[idle_visitors]\nenabled = true\nidle_seconds = 600\n"
        '[messages]\nidle_warning = "Still there, %1?"\n',
    )
    settings = load_settings(path, tmp_path)
    limits = settings.visitor_limits
    assert (limits.max_per_address, limits.burst, limits.burst_seconds, limits.max_active) == (3, 5, 2.5, 0)
    assert limits.trusted("10.1.2.3") and not limits.trusted("127.0.0.1")
    assert (limits.queues["Sales"].max_waiting, limits.queues["Sales"].max_active) == (20, 0)
    assert (settings.idle_visitors.enabled, settings.idle_visitors.idle_seconds, settings.idle_visitors.grace_seconds) == (
        True, 600, 120
    )
    assert settings.system_messages.idle_warning == "Still there, %1?"


def test_without_the_tables_the_iwt_defaults_apply_and_idle_visitors_are_off(tmp_path):
    settings = load_settings(write(tmp_path, "session_ttl_hours = 1\n"), tmp_path)
    assert settings.visitor_limits.max_per_address == 15 and settings.visitor_limits.burst == 5
    assert settings.idle_visitors.enabled is False


def test_the_server_command_names_a_bad_limit_and_starts_nothing(tmp_path, capsys):
    from console.cli import main

    path = write(tmp_path, "[visitor_limits]\nunit_time_seconds = -1\n")
    assert main(["server", "--config", str(path), "--data-dir", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert "visitor_limits.unit_time_seconds must be a number of seconds above 0" in err
    assert "Traceback" not in err

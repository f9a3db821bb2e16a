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
    ],
)
def test_settings_file_mistakes_are_refused_with_the_reason(tmp_path, text, complaint):
    with pytest.raises(SettingsError, match=complaint):
        load_settings(write(tmp_path, text), tmp_path)


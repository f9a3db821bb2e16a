"""The server setting for the largest file a stored response may carry."""

from pathlib import Path

import pytest

from console.server.response_library import DEFAULT_FILE_LIMIT
from console.server.settings_file import SettingsError, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "server.toml"
    path.write_text(text, "utf-8")
    return path


def test_response_file_limit_is_five_mebibytes_unless_set(tmp_path):
    assert load_settings(write(tmp_path, ""), tmp_path).response_file_limit == DEFAULT_FILE_LIMIT == 5 * 1024 * 1024
    settings = load_settings(write(tmp_path, "response_file_limit_mb = 1.5\n"), tmp_path)
    assert settings.response_file_limit == 1_572_864


@pytest.mark.parametrize("value", ["0", "-1", "101", '"5"', "true"])
def test_response_file_limit_must_be_a_sensible_number(tmp_path, value):
    with pytest.raises(SettingsError, match="response_file_limit_mb"):
        load_settings(write(tmp_path, f"response_file_limit_mb = {value}\n"), tmp_path)

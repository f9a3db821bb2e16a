"""The console remembers which e-FAQ databases the agent searches."""

from pathlib import Path

import pytest

from console.tui.config import Config, ConfigError, load_config, save_config


def test_chosen_faq_databases_are_saved_and_read_back(tmp_path: Path):
    path = tmp_path / "config.toml"
    save_config(path, Config(faq_databases=["Billing and accounts"]))
    assert "[faq]" in path.read_text()
    assert load_config(path).faq_databases == ["Billing and accounts"]


def test_without_a_choice_every_database_is_searched(tmp_path: Path):
    path = tmp_path / "config.toml"
    save_config(path, Config())
    assert "[faq]" not in path.read_text()
    assert load_config(path).faq_databases is None


@pytest.mark.parametrize("text", ['[faq]\ndatabases = "Billing"\n', "[faq]\ndatabases = [1, 2]\n", 'faq = "x"\n'])
def test_a_broken_faq_section_is_reported(tmp_path: Path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=r"\[faq\]"):
        load_config(path)

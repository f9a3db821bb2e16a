"""Settings the console keeps: theme, keys; and how it copes with broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.client.dialer import CommandDialer, SimulatedDialer
from console.tui.app import CallboardApp
from console.tui.config import Config, load_config, save_config
from console.tui.dialogs import StatusPicker
from tests.tui.conftest import wait_for
from tests.tui.snapshot_apps import agent_screen_app

pytestmark = pytest.mark.tui


def notifications(app: CallboardApp) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query("Toast")]


async def test_theme_switch_persists_in_the_config(config_file: Path):
    app = CallboardApp(config_path=config_file)
    async with app.run_test() as pilot:
        assert app.theme == "callboard-dark"
        assert {"callboard-dark", "callboard-light"} <= set(app.available_themes)
        app.theme = "callboard-light"
        await pilot.pause()
    assert load_config(config_file).theme == "callboard-light"

    again = CallboardApp(config_path=config_file)
    async with again.run_test():
        assert again.theme == "callboard-light"


async def test_corrupt_config_is_reported_and_defaults_are_used(config_file: Path):
    config_file.parent.mkdir(parents=True)
    config_file.write_text("server_url = [unclosed\n", encoding="utf-8")
    app = CallboardApp(config_path=config_file)
    async with app.run_test(notifications=True) as pilot:
        await wait_for(pilot, lambda: any("not valid TOML" in n for n in notifications(app)), what="the warning")
        assert app.config == Config()
        assert app.theme == "callboard-dark"


async def test_broken_user_theme_is_skipped_with_a_notice(config_file: Path):
    themes = config_file.parent / "themes"
    themes.mkdir(parents=True)
    (themes / "broken.toml").write_text('name = "broken"\nprimary = "not-a-colour"\n', encoding="utf-8")
    (themes / "night.toml").write_text(
        'name = "night-shift"\nprimary = "#224488"\n[variables]\nalerting = "#FF8800"\n', encoding="utf-8"
    )
    app = CallboardApp(config_path=config_file)
    async with app.run_test(notifications=True) as pilot:
        await wait_for(pilot, lambda: any("broken.toml" in n for n in notifications(app)), what="the notice")
        assert "broken" not in app.available_themes
        assert app.get_theme("night-shift").variables["alerting"] == "#FF8800"


async def test_keymap_from_the_config_rebinds_a_key(tmp_path: Path):
    config_file = tmp_path / "config.toml"
    save_config(config_file, Config(keymap={"status": "f9"}))
    app = agent_screen_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen.state.statuses, what="the canned session")
        await pilot.press("f2")
        assert not isinstance(app.screen, StatusPicker)
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, StatusPicker), what="the status picker")


async def test_dialer_command_from_the_config_places_the_calls(config_file: Path):
    save_config(config_file, Config(dialer_command="xdg-open tel:{number}"))
    assert load_config(config_file).dialer_command == "xdg-open tel:{number}"
    app = CallboardApp(config_path=config_file)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.dialer, CommandDialer)
        assert app.dialer.arguments_for("+13175550100") == ["xdg-open", "tel:+13175550100"]


async def test_unreadable_dialer_command_is_reported_and_calls_are_simulated(config_file: Path):
    config_file.parent.mkdir(parents=True)
    config_file.write_text("[dialer]\ncommand = \"softphone 'unclosed\"\n", encoding="utf-8")
    app = CallboardApp(config_path=config_file)
    async with app.run_test(notifications=True) as pilot:
        await wait_for(pilot, lambda: any("Calls are simulated" in n for n in notifications(app)), what="the notice")
        assert isinstance(app.dialer, SimulatedDialer)

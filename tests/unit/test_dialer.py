"""Dialers: the simulated one, and a configured command run without a shell."""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
from pathlib import Path

import pytest

from console.client.dialer import (
    CommandDialer,
    DialerConfigError,
    SimulatedDialer,
    dialer_from_command,
    tel_uri,
)


def python_command(script: str, *args: str) -> str:
    """A dialer command running ``script`` with this interpreter (quoted for shlex)."""
    return shlex.join([sys.executable, "-c", script, *args])


def test_tel_uri_carries_the_extension_as_a_parameter():
    assert tel_uri("+13175550100") == "tel:+13175550100"
    assert tel_uri("+13175550100x12") == "tel:+13175550100;ext=12"


async def test_simulated_dialer_logs_the_call_and_reports_it_connected(caplog):
    caplog.set_level(logging.INFO, logger="callboard.dialer")
    result = await SimulatedDialer(ring_seconds=0).dial("+13175550100")
    assert result.ok and result.message == "Simulated call to +13175550100 connected"
    assert "Dialing +13175550100" in caplog.text


def test_no_command_means_the_simulated_dialer():
    assert isinstance(dialer_from_command(None), SimulatedDialer)
    assert isinstance(dialer_from_command("  "), SimulatedDialer)
    assert isinstance(dialer_from_command("xdg-open tel:{number}"), CommandDialer)


def test_command_is_split_without_a_shell_and_each_argument_formatted():
    dialer = CommandDialer("softphone --call '{number}' --note 'a; rm -rf ~' {uri}")
    assert dialer.arguments_for("+13175550100x7") == [
        "softphone", "--call", "+13175550100x7", "--note", "a; rm -rf ~", "tel:+13175550100;ext=7",
    ]


def test_command_without_a_placeholder_gets_the_tel_uri_last():
    assert CommandDialer("xdg-open").arguments_for("+13175550100") == ["xdg-open", "tel:+13175550100"]


def test_unreadable_command_is_a_config_error():
    with pytest.raises(DialerConfigError, match="cannot be read"):
        CommandDialer("softphone 'unclosed")
    with pytest.raises(DialerConfigError, match="empty"):
        CommandDialer(" ")


async def test_command_receives_the_number_and_success_is_reported(tmp_path: Path):
    out = tmp_path / "called.txt"
    script = "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text(sys.argv[2])"
    dialer = CommandDialer(python_command(script, str(out), "{uri}"))
    result = await dialer.dial("+13175550100")
    assert result.ok and "handed to" in result.message
    assert out.read_text() == "tel:+13175550100"


async def test_missing_program_is_a_readable_failure():
    result = await CommandDialer("no-such-dialer-program-xyz {number}").dial("+13175550100")
    assert not result.ok
    assert "Could not start the dialer 'no-such-dialer-program-xyz'" in result.message


async def test_failing_command_reports_its_last_error_line():
    script = "import sys; sys.stderr.write('busy\\nline is engaged\\n'); sys.exit(3)"
    result = await CommandDialer(python_command(script, "{number}")).dial("+13175550100")
    assert not result.ok and result.message.endswith("line is engaged")


async def test_long_running_command_is_handed_over_without_waiting_and_ended_on_close():
    dialer = CommandDialer(python_command("import time; time.sleep(30)", "{number}"), wait_seconds=0.2)
    result = await asyncio.wait_for(dialer.dial("+13175550100"), 5)
    assert result.ok
    (process,) = dialer._running.values()
    await dialer.aclose()
    assert process.returncode is not None

"""Placing the telephone call for a callback: a simulated dialer, or a command of the agent's.

The server only records that a call was made (``make_call``); the call itself is placed
here, on the agent's machine. ``SimulatedDialer`` is the built-in one (it pretends to
ring and connect, for demos and training). ``CommandDialer`` hands the number to a
program, typically a softphone or the desktop's ``tel:`` handler, configured in the
console's settings file::

    [dialer]
    command = "xdg-open tel:{number}"

The command runs without a shell: it is split like a shell would (``shlex.split``), then
``{number}`` in each argument becomes the number (``+13175550100``) and ``{uri}`` the
``tel:`` URI (``tel:+13175550100``, an extension as ``;ext=12``). A command with neither
gets the URI as its last argument. Nothing here imports Textual: the console, scripts
and tests use the same dialers.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("callboard.dialer")

DEFAULT_RING_SECONDS = 1.0
"""How long the simulated telephone rings before the visitor answers."""

DEFAULT_WAIT_SECONDS = 5.0
"""How long to wait for a dialer command to finish before reporting the call handed over."""


@dataclass(frozen=True, slots=True)
class DialResult:
    """What became of a call: ``ok`` and a sentence for the agent."""

    ok: bool
    message: str


class Dialer(Protocol):
    """Places telephone calls; never blocks the event loop."""

    async def dial(self, number: str) -> DialResult:
        """Call ``number`` (the compact form the server keeps, e.g. ``+13175550100x12``)."""
        ...

    async def aclose(self) -> None:
        """Let go of whatever calls are still being placed (the console is quitting)."""
        ...


class DialerConfigError(ValueError):
    """The configured dialer command cannot be used; the message says why."""


def tel_uri(number: str) -> str:
    """The RFC 3966 ``tel:`` URI of a number: ``+13175550100x12`` -> ``tel:+13175550100;ext=12``."""
    main, _, extension = number.partition("x")
    return f"tel:{main};ext={extension}" if extension else f"tel:{main}"


class SimulatedDialer:
    """The built-in dialer: logs the call, rings for a moment, and reports it connected."""

    def __init__(self, ring_seconds: float = DEFAULT_RING_SECONDS) -> None:
        self.ring_seconds = ring_seconds

    async def dial(self, number: str) -> DialResult:
        log.info("Dialing %s (simulated)", number)
        await asyncio.sleep(self.ring_seconds)
        log.info("Simulated call to %s answered", number)
        return DialResult(True, f"Simulated call to {number} connected")

    async def aclose(self) -> None:
        pass  # nothing outlives a simulated call


class CommandDialer:
    """Runs a program for each call, e.g. ``xdg-open tel:{number}`` or a softphone's CLI.

    A program that exits with 0 has taken the call; a non-zero exit or one that cannot
    start is a failed call with a readable reason. A program still running after
    ``wait_seconds`` (a softphone that stays up for the call) is left running and the
    call reported as handed over; ``aclose`` ends such programs when the console quits.
    """

    def __init__(self, command: str, *, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> None:
        try:
            self.argv = shlex.split(command)
        except ValueError as exc:
            raise DialerConfigError(f"The dialer command {command!r} cannot be read: {exc}.") from None
        if not self.argv:
            raise DialerConfigError("The dialer command is empty.")
        if not any("{number}" in arg or "{uri}" in arg for arg in self.argv):
            self.argv.append("{uri}")
        self.wait_seconds = wait_seconds
        self._running: dict[asyncio.Future[tuple[bytes, bytes]], asyncio.subprocess.Process] = {}

    @property
    def program(self) -> str:
        return self.argv[0]

    def arguments_for(self, number: str) -> list[str]:
        # Plain replacement rather than str.format: other braces in a command stay as typed.
        uri = tel_uri(number)
        return [arg.replace("{number}", number).replace("{uri}", uri) for arg in self.argv]

    async def dial(self, number: str) -> DialResult:
        args = self.arguments_for(number)
        log.info("Dialing %s with %s", number, shlex.join(args))
        try:
            process = await asyncio.create_subprocess_exec(
                *args, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            log.warning("Cannot start the dialer %s: %s", self.program, reason)
            return DialResult(False, f"Could not start the dialer {self.program!r}: {reason}.")
        # Drain stderr while waiting, and keep draining if the program outlives the wait,
        # so a chatty softphone never blocks on a full pipe.
        finished = asyncio.ensure_future(process.communicate())
        done, _ = await asyncio.wait({finished}, timeout=self.wait_seconds)
        if not done:
            self._running[finished] = process
            finished.add_done_callback(lambda task: self._running.pop(task, None))
            return DialResult(True, f"Call to {number} handed to {self.program}")
        _, stderr = finished.result()
        if process.returncode != 0:
            detail = (stderr or b"").decode("utf-8", "replace").strip().splitlines()
            reason = detail[-1] if detail else f"exit status {process.returncode}"
            log.warning("Dialer %s failed for %s: %s", self.program, number, reason)
            return DialResult(False, f"The dialer {self.program!r} could not call {number}: {reason}")
        return DialResult(True, f"Call to {number} handed to {self.program}")

    async def aclose(self) -> None:
        """End dialer programs still running from earlier calls."""
        running, self._running = self._running, {}
        for finished, process in running.items():
            if process.returncode is None:
                process.terminate()
            try:
                await asyncio.wait_for(asyncio.shield(finished), 2)
            except TimeoutError:
                process.kill()
                await finished


def dialer_from_command(command: str | None, *, ring_seconds: float = DEFAULT_RING_SECONDS) -> Dialer:
    """The dialer for a configured command: none (or blank) means the simulated one.

    Raises ``DialerConfigError`` when the command cannot be split into arguments.
    """
    if command is None or not command.strip():
        return SimulatedDialer(ring_seconds)
    return CommandDialer(command)


__all__ = [
    "CommandDialer", "DialResult", "Dialer", "DialerConfigError", "SimulatedDialer", "dialer_from_command", "tel_uri",
]

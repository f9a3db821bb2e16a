"""``python -m console.sim --server URL``: visitor chats, callback requests (and colleague agents) until Ctrl+C.

The first Ctrl+C lets visitors say goodbye and agents close their chats; a second one
stops at once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

from console.sim.agents import run_agents
from console.sim.callbacks import run_callback_requests
from console.sim.simulator import DEFAULT_WORKGROUPS, run_visitors, summary

log = logging.getLogger("callboard.sim")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m console.sim",
        description="Simulated website visitors (IWT web chat) and colleague agents against a Callboard server.",
    )
    parser.add_argument("--server", required=True, help="server URL, e.g. http://127.0.0.1:8470")
    parser.add_argument("--agents", default="", help="comma-separated user names of simulated agents, e.g. ben,carmen")
    parser.add_argument("--password", default="demo", help="password of the simulated agents (default: demo)")
    parser.add_argument("--interval", type=float, default=20.0, help="mean seconds between visitors (default: 20)")
    parser.add_argument("--max", type=int, default=6, dest="max_concurrent",
                        help="most visitors chatting at once (default: 6)")
    parser.add_argument("--workgroups", default=",".join(DEFAULT_WORKGROUPS),
                        help="comma-separated workgroups visitors ask for (default: Sales,Support,Billing)")
    parser.add_argument("--pace", type=float, default=1.0,
                        help="scale of human reading and typing delays; 0.2 is five times faster (default: 1)")
    parser.add_argument("--callback-interval", type=float, default=45.0,
                        help="mean seconds between callback requests; 0 for none (default: 45)")
    parser.add_argument("--seed", type=int, default=None, help="random seed, for a repeatable run")
    parser.add_argument("-v", "--verbose", action="store_true", help="also log every message sent")
    return parser


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


async def simulate(args: argparse.Namespace) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    main_task = asyncio.current_task()
    presses = 0

    def on_interrupt() -> None:
        nonlocal presses
        presses += 1
        if presses == 1:
            log.info("stopping: visitors leave, agents close their chats (Ctrl+C again to quit at once)")
            stop.set()
        elif main_task is not None:
            main_task.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, on_interrupt)
        loop.add_signal_handler(signal.SIGTERM, on_interrupt)
    except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
        pass

    base_url = args.server.rstrip("/")
    agents = asyncio.create_task(
        run_agents(base_url, _names(args.agents), args.password, stop, pace=args.pace, seed=args.seed)
    )
    callbacks = asyncio.create_task(
        run_callback_requests(base_url, workgroups=_names(args.workgroups) or DEFAULT_WORKGROUPS,
                              mean_interval=args.callback_interval, stop=stop, seed=args.seed)
        if args.callback_interval > 0 else asyncio.sleep(0)
    )
    try:
        visits = await run_visitors(
            base_url,
            workgroups=_names(args.workgroups) or DEFAULT_WORKGROUPS,
            mean_interval=args.interval,
            max_concurrent=args.max_concurrent,
            stop=stop,
            seed=args.seed,
            pace=args.pace,
        )
        stop.set()
        await agents
        await callbacks
    except asyncio.CancelledError:
        agents.cancel()
        callbacks.cancel()
        await asyncio.gather(agents, callbacks, return_exceptions=True)
        return 130
    counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(summary(visits).items())) or "no visitors"
    log.info("%d visitors: %s", len(visits), counts)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
        datefmt="%H:%M:%S",
    )
    if args.verbose:
        logging.getLogger("callboard.sim").setLevel(logging.DEBUG)
    # httpx logs every request at INFO; that drowns the conversation.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        return asyncio.run(simulate(args))
    except KeyboardInterrupt:  # pragma: no cover - signal handlers unavailable
        return 130


if __name__ == "__main__":
    sys.exit(main())

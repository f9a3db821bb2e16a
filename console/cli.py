"""``callboard``: run the server, the console, the visitor simulator, or all three (demo)."""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import platformdirs

DEFAULT_PORT = 8765
DEMO_AGENT = "alicia"
DEMO_COLLEAGUES = "ben,carmen,dev"


def _data_dir(arg: str | None) -> Path:
    return Path(arg) if arg else Path(platformdirs.user_data_dir("callboard"))


def cmd_server(args: argparse.Namespace) -> int:
    import uvicorn  # noqa: F401 - fail early with a clear message if the install is broken

    from console.server.app import ServerSettings
    from console.server.directory import demo_data, demo_logins, load_directory
    from console.server.runner import make_server
    from console.server.store import SqliteStore

    from console.server.settings_file import SettingsError, load_settings

    data_dir = _data_dir(args.data_dir)
    try:
        settings = load_settings(Path(args.config), data_dir) if args.config else ServerSettings(data_dir=data_dir)
    except SettingsError as error:
        print(f"callboard server: {error}", file=sys.stderr)
        return 2
    if args.demo:
        from console.server.library_demo import load_demo_libraries

        data = demo_data()
        store = SqliteStore(settings.database)
        load_directory(store, data)
        load_demo_libraries(store)
        store.close()
    url = f"http://{args.host}:{args.port}"
    if not args.quiet:
        print(f"Callboard server on {url}  (data: {settings.data_dir})")
        print(f"  agent API   {url}/api/v1   (OpenAPI: {url}/docs)")
        print(f"  visitor API {url}/websvcs  (chat page: {url}/)")
        if args.demo:
            print("  demo logins (user / password):")
            for username, password, name, role in demo_logins(demo_data()):
                print(f"    {username:<8} / {password:<6} {name} ({role})")
    server = make_server(settings, args.host, args.port, log_level="warning" if args.quiet else "info")
    server.run()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from console.server.app import ServerSettings
    from console.server.import_file import ImportFileError, import_files

    settings = ServerSettings(data_dir=_data_dir(args.data_dir))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        summary = import_files(settings.database, [Path(p) for p in args.files])
    except ImportFileError as error:
        print(f"callboard import: {error}", file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return 2
    print(f"Imported into {settings.data_dir}:")
    for line in summary.lines():
        print(f"  {line}")
    print("A running server reads them when it next starts.")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    import dataclasses
    import getpass

    from console.core.passwords import hash_password
    from console.server.app import ServerSettings
    from console.server.store import SqliteStore

    settings = ServerSettings(data_dir=_data_dir(args.data_dir))
    if not settings.database.exists():
        print(f"callboard passwd: no contact center in {settings.data_dir}", file=sys.stderr)
        return 2
    store = SqliteStore(settings.database)
    try:
        user = next((u for u in store.users() if u.username == args.user), None)
        if user is None:
            print(f"callboard passwd: no user {args.user!r} in {settings.data_dir}", file=sys.stderr)
            return 2
        password = getpass.getpass(f"New password for {user.name} ({user.username}): ")
        if len(password) < 4:
            print("callboard passwd: a password has at least 4 characters; nothing changed.", file=sys.stderr)
            return 2
        if getpass.getpass("Again: ") != password:
            print("callboard passwd: the two differ; nothing changed.", file=sys.stderr)
            return 2
        store.upsert_user(dataclasses.replace(user, password_hash=hash_password(password)))
    finally:
        store.close()
    print(f"Password of {args.user} changed. A running server uses it when it next starts.")
    return 0


def cmd_agent(args: argparse.Namespace) -> int:
    from console.tui import run_console

    run_console(args.server, username=args.user, password=None)
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from console.sim.__main__ import main as sim_main

    argv = ["--server", args.server, "--interval", str(args.interval), "--max", str(args.max)]
    if args.agents:
        argv += ["--agents", args.agents]
    return sim_main(argv) or 0


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The demo server exited early (code {process.returncode}); see its log.")
        try:
            if httpx.get(f"{url}/websvcs/serverConfiguration", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("The demo server did not start in time.")


def cmd_demo(args: argparse.Namespace) -> int:
    from console.server.runner import free_port
    from console.tui import run_console

    data_dir = Path(tempfile.mkdtemp(prefix="callboard-demo-"))
    port = args.port or free_port()
    url = f"http://127.0.0.1:{port}"
    children: list[subprocess.Popen] = []

    def stop_children() -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
        if not args.keep_data:
            shutil.rmtree(data_dir, ignore_errors=True)

    atexit.register(stop_children)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    python = sys.executable
    server_log = open(data_dir / "server.log", "w")
    children.append(
        subprocess.Popen(
            [python, "-m", "console.cli", "server", "--demo", "--quiet", "--host", "127.0.0.1",
             "--port", str(port), "--data-dir", str(data_dir)],
            stdout=server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    )
    print(f"Starting the demo contact center on {url} …")
    _wait_until_up(url, children[0])
    sim_log = open(data_dir / "simulator.log", "w")
    sim_args = [python, "-m", "console.sim", "--server", url, "--interval", str(args.interval),
                "--max", str(args.max_visitors)]
    if args.colleagues:
        sim_args += ["--agents", args.colleagues]
    children.append(subprocess.Popen(sim_args, stdout=sim_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
    try:
        run_console(url, username=args.user, password="demo")
    finally:
        stop_children()
    print(f"Demo stopped. (Visitor chat page was {url}/)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callboard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    server = sub.add_parser("server", help="run the contact-center server")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=DEFAULT_PORT)
    server.add_argument("--data-dir", help="where the SQLite store lives (default: the user data dir)")
    server.add_argument("--demo", action="store_true", help="load demo workgroups, agents and supervisor")
    server.add_argument("--config", help="server settings file (TOML): session length, proxies, visitor messages, "
                        "visitor limits, idle visitors")
    server.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    server.set_defaults(func=cmd_server)

    for name, help_text in (("agent", "open the agent console"), ("supervisor", "open the console as a supervisor")):
        console = sub.add_parser(name, help=help_text)
        console.add_argument("--server", default=None, help="server URL (default: the last one used)")
        console.add_argument("--user", default=None, help="user name (default: the last one used)")
        console.set_defaults(func=cmd_agent)

    imp = sub.add_parser("import", help="load workgroups, users, response libraries and e-FAQ from files")
    imp.add_argument("files", nargs="+", metavar="FILE", help="TOML or JSON import file (see docs/operations.md)")
    imp.add_argument("--data-dir", help="the server's data dir (default: the user data dir)")
    imp.set_defaults(func=cmd_import)

    passwd = sub.add_parser("passwd", help="set a user's password")
    passwd.add_argument("user")
    passwd.add_argument("--data-dir", help="the server's data dir (default: the user data dir)")
    passwd.set_defaults(func=cmd_passwd)

    demo = sub.add_parser("demo", help="server + simulated visitors + the console, all on this machine")
    demo.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    demo.add_argument("--user", default=DEMO_AGENT, help="demo agent to sign in as (default: alicia)")
    demo.add_argument("--colleagues", default=DEMO_COLLEAGUES,
                      help="simulated colleague agents, comma-separated ('' for none)")
    demo.add_argument("--interval", type=float, default=15.0, help="mean seconds between new visitors")
    demo.add_argument("--max-visitors", type=int, default=6, help="most visitors chatting at once")
    demo.add_argument("--keep-data", action="store_true", help="keep the demo data dir and logs")
    demo.set_defaults(func=cmd_demo)

    sim = sub.add_parser("simulate", help="simulated website visitors (and colleague agents) against a server")
    sim.add_argument("--server", default=f"http://127.0.0.1:{DEFAULT_PORT}")
    sim.add_argument("--agents", default="", help="simulated agents, comma-separated demo users")
    sim.add_argument("--interval", type=float, default=15.0)
    sim.add_argument("--max", type=int, default=6)
    sim.set_defaults(func=cmd_simulate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

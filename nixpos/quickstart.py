"""``python -m nixpos.quickstart``: the whole product on its embedded default, for a first look.

Creates (or reuses) a SQLite database in ``--data-dir`` and the demo shop
Lumière Coffee with fresh PINs, prints them, starts the server (waitress)
and two windowed tills side by side — "Till 1" and "Till 2", each with its
own profile, enrolled with fresh one-time codes — so that unlocking with the
same PIN on both shows the kick at once. Ctrl+C (or closing both tills)
stops everything.

The terminal shows only what a person needs (PINs, addresses, what to do);
the server logs to its usual file. Without a screen it starts the server
alone and prints till commands that can be pasted as they are.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from nixpos.client import secrets
from nixpos.server import cli, logs

TILL_SIZE = (760, 720)


def has_screen() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def wait_for_port(port: int, server: subprocess.Popen[bytes], timeout_s: float = 20) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and server.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def till_environment(data_dir: Path) -> tuple[dict[str, str], str | None]:
    """What the demo tills need in their environment (their own settings folder, and the
    file keyring where no desktop keyring exists), and a note when that is the case."""
    env = {"NIXPOS_CONFIG_DIR": str(data_dir / "tills")}
    try:
        secrets.check_backend()
        return env, None
    except secrets.KeyringUnavailable:
        env["PYTHON_KEYRING_BACKEND"] = secrets.FILE_BACKEND
        return env, ("No desktop keyring here: the demo tills keep their keys in a plain "
                     "0600 file (fine for a demo; see docs/deploy.md for a real till).")


def nixpos_program() -> list[str]:
    """The ``nixpos`` beside this Python (``.venv/bin/nixpos``), else ``python -m nixpos``."""
    script = Path(sys.executable).with_name("nixpos.exe" if os.name == "nt" else "nixpos")
    return [str(script)] if script.exists() else [sys.executable, "-m", "nixpos"]


def till_command(url: str, code: str, index: int) -> list[str]:
    width, height = TILL_SIZE
    x = 20 + index * (width + 20)
    return [*nixpos_program(), "--server", url, "--enroll", code,
            "--profile", f"demo-till-{index + 1}", "--windowed",
            "--geometry", f"{width}x{height}+{x}+40"]


def shell_line(command: list[str], env: dict[str, str]) -> str:
    """``command`` as one line a person can paste into a shell, its environment first."""
    settings = [f"{name}={shlex.quote(value)}" for name, value in env.items()]
    return " ".join([*settings, shlex.join(command)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nixpos.quickstart", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    default_dir = Path(platformdirs.user_data_dir("nixpos", appauthor=False)) / "demo"
    parser.add_argument("--data-dir", type=Path, default=default_dir,
                        help=f"where the demo database lives (default: {default_dir})")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-tills", action="store_true", help="start the server only")
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["NIXPOS_DATABASE_URL"] = f"sqlite:///{args.data_dir / 'nixpos.db'}"
    with contextlib.redirect_stdout(io.StringIO()):  # problems still go to stderr
        if status := cli.main(["init"]):
            return status
    demo = cli.COMMANDS["demo"](cli.build_parser().parse_args(["demo"]))
    print(cli.render("demo", demo))

    url = f"http://127.0.0.1:{args.port}"
    log_file = logs.default_log_dir() / "server.log"
    # The server logs to its usual file; its terminal output would bury the PINs.
    server = subprocess.Popen([sys.executable, "-m", "nixpos.server", "serve",
                               "--port", str(args.port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes = [server]
    try:
        if not wait_for_port(args.port, server):
            print(f"The server did not start on port {args.port} (in use? try --port). "
                  f"Its log: {log_file}", file=sys.stderr)
            return 2
        print(f"\nServer:      {url}  (its log: {log_file})")
        print(f"Back office: {url}/  (sign in with an e-mail and password above)")
        codes = {c["terminal"]: c["code"] for c in demo["enrollment_codes"]}
        commands = [till_command(url, codes[name], i) for i, name in enumerate(codes)]
        env, note = till_environment(args.data_dir)
        if args.no_tills or not has_screen():
            if not args.no_tills:
                print("\nNo screen found (DISPLAY is not set): the server runs alone.")
            print("Start the two tills from a desktop session on this machine, within 10 "
                  "minutes (while the codes are valid):")
            for command in commands:
                print(f"  {shell_line(command, env)}")
        else:
            if note:
                print(note)
            # A till says on stderr why it cannot start; otherwise it is quiet.
            processes += [subprocess.Popen(command, env=os.environ | env)
                          for command in commands]
            print("\nTwo tills are open. Unlock both with the same PIN to see the kick.")
        print("Stop with Ctrl+C.\n", flush=True)
        while server.poll() is None and (len(processes) == 1 or any(
                p.poll() is None for p in processes[1:])):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())

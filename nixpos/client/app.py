"""``nixpos``: the kiosk client. First run enrolls the till; later runs need no flags.

    nixpos [--server URL] [--enroll CODE] [--profile NAME] [--windowed [--geometry WxH+X+Y]]

Kiosk mode (full screen, frameless, on top) is the default; closing it needs
a manager. Problems IT can fix (no keyring, a wrong code, an unreachable
server) are said in one sentence on stderr, with exit status 2 — and, in
kiosk mode, also in the log and on a full-screen message until it is closed.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from nixpos import __version__
from nixpos.client.config import ConfigError, TillConfig, check_profile, check_server_url


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nixpos", description="nixpos till: PIN-unlocked point-of-sale kiosk.")
    parser.add_argument("--server", metavar="URL", help="server address, e.g. "
                        "http://192.168.1.10:8765 (first run, or to move to another server)")
    parser.add_argument("--enroll", metavar="CODE",
                        help="one-time enrollment code from `nixpos-server enrollment-code`")
    parser.add_argument("--profile", default="default", metavar="NAME",
                        help="keep several tills apart on one machine (own settings and key)")
    parser.add_argument("--windowed", action="store_true",
                        help="a normal window instead of the full-screen kiosk (development)")
    parser.add_argument("--geometry", type=parse_geometry, metavar="WxH+X+Y",
                        help="window size and place with --windowed, e.g. 760x720+0+0")
    parser.add_argument("--diagnose", action="store_true",
                        help="print the settings, keyring and log this till would use, and exit")
    parser.add_argument("--version", action="version", version=f"nixpos {__version__}")
    return parser


def parse_geometry(text: str) -> tuple[int, int, int, int]:
    """``WxH+X+Y`` (as X11 programs take it) -> (x, y, width, height)."""
    match = re.fullmatch(r"(\d{2,5})x(\d{2,5})\+(\d{1,5})\+(\d{1,5})", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT+X+Y, e.g. 760x720+0+0")
    width, height, x, y = (int(part) for part in match.groups())
    return x, y, width, height


def log_path(profile: str) -> Path:
    """The till's log file: ``<user log dir>/till-<profile>.log``."""
    return Path(platformdirs.user_log_dir("nixpos", appauthor=False)) / f"till-{profile}.log"


def configure_logging(profile: str) -> Path:
    """Log to ``log_path(profile)``, rotated."""
    import logging.handlers  # ~20 ms: loaded after the keypad is on screen

    path = log_path(profile)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("nixpos")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path


def keyring_problem() -> str | None:
    """Why no secure keyring can keep the till key, or None when one can."""
    from nixpos.client import secrets  # keyring costs ~0.1 s to load: only when needed

    try:
        secrets.check_backend()
    except secrets.KeyringUnavailable as error:
        return str(error)
    return None


def diagnose(profile: str) -> int:
    """What IT needs to see when a till will not start: 0 when it could, 2 when not."""
    import keyring

    from nixpos.client.config import config_dir

    backend = keyring.get_keyring()
    problem = keyring_problem()
    config = TillConfig.load(profile)
    print(f"nixpos {__version__}, profile {profile!r}")
    print(f"settings: {config_dir(profile) / 'till.json'} "
          f"({'enrolled as ' + config.terminal_name if config else 'not enrolled yet'})")
    if config:
        print(f"server: {config.server_url}")
    print(f"keyring: {type(backend).__module__}.{type(backend).__name__} "
          f"({'usable' if problem is None else 'NOT usable'})")
    print(f"log: {log_path(profile)}")
    if problem:
        print(f"problem: {problem}")
    return 0 if problem is None else 2


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.diagnose:
        try:
            return diagnose(check_profile(args.profile))
        except ConfigError as error:
            print(f"nixpos: {error}", file=sys.stderr)
            return 2
    try:
        check_profile(args.profile)
        if args.server:
            check_server_url(args.server)
        enrolled = None if args.enroll else TillConfig.load(args.profile)
    except ConfigError as error:
        print(f"nixpos: {error}", file=sys.stderr)
        return 2
    # Enrolling needs the keyring: say so before the enrollment window. An enrolled till
    # checks it just after its keypad is on screen (till.run), so the keypad does not wait.
    if enrolled is None and (problem := keyring_problem()):
        if args.windowed or args.enroll:  # at a console
            print(f"nixpos: {problem}", file=sys.stderr)
            return 2
        from nixpos.client.gui import run_fatal  # a kiosk has no console: on screen too

        return run_fatal(args, problem)
    from nixpos.client.gui import run_gui  # Qt only once the basics are right

    return run_gui(args, enrolled)


if __name__ == "__main__":
    sys.exit(main())

"""``nixpos``: the kiosk client. First run enrolls the till; later runs need no flags.

    nixpos [--server URL] [--enroll CODE] [--profile NAME] [--windowed]

Kiosk mode (full screen, frameless) is the default; closing it needs a
manager. Problems IT can fix (no keyring, a wrong code, an unreachable
server) are said in one sentence, on screen and on stderr, with exit status 2.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import platform
import re
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from nixpos import __version__
from nixpos.client import secrets
from nixpos.client.api import EnrollmentRefused, Offline, Refused, TillApi
from nixpos.client.config import ConfigError, TillConfig, check_profile, check_server_url

log = logging.getLogger("nixpos.client")


class StartupError(Exception):
    """Something IT must fix before this till can run; the message says what."""


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
    parser.add_argument("--version", action="version", version=f"nixpos {__version__}")
    return parser


def parse_geometry(text: str) -> tuple[int, int, int, int]:
    """``WxH+X+Y`` (as X11 programs take it) -> (x, y, width, height)."""
    match = re.fullmatch(r"(\d{2,5})x(\d{2,5})\+(\d{1,5})\+(\d{1,5})", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT+X+Y, e.g. 760x720+0+0")
    width, height, x, y = (int(part) for part in match.groups())
    return x, y, width, height


def os_description() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME") or platform.platform()
    except OSError:
        return f"{platform.system()} {platform.release()}".strip()


def device_name(profile: str) -> str:
    host = socket.gethostname() or "till"
    return host if profile == "default" else f"{host} ({profile})"


def configure_logging(profile: str) -> Path:
    directory = Path(platformdirs.user_log_dir("nixpos", appauthor=False))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"till-{profile}.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("nixpos")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path


@dataclass
class Enrolled:
    config: TillConfig
    key: str


async def enroll(profile: str, server_url: str, code: str, device: str) -> Enrolled:
    """Swap a one-time code for this till's key; keep the key in the keyring."""
    server_url = check_server_url(server_url)
    if not code.strip():
        raise StartupError("Enter the enrollment code IT gave you.")
    api = TillApi(server_url)
    try:
        data = await api.enroll(code.strip(), device.strip() or device_name(profile),
                                os_description())
    except EnrollmentRefused as error:
        raise StartupError(error.message) from error
    except Offline as error:
        raise StartupError(f"Cannot reach the server at {server_url}. Check the address "
                           "and that nixpos-server is running.") from error
    except Refused as error:
        raise StartupError(error.message) from error
    finally:
        await api.aclose()
    secrets.store_key(profile, data["terminal_key"])
    config = TillConfig(server_url, data["terminal"]["name"], data["tenant"]["code"],
                        data["tenant"]["name"])
    config.save(profile)
    log.info("enrolled as %s of %s", config.terminal_name, config.tenant_name)
    return Enrolled(config, data["terminal_key"])


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        check_profile(args.profile)
        if args.server:
            check_server_url(args.server)
        secrets.check_backend()
    except (ConfigError, secrets.KeyringUnavailable) as error:
        print(f"nixpos: {error}", file=sys.stderr)
        return 2
    configure_logging(args.profile)
    from nixpos.client.gui import run_gui  # Qt only once the basics are right

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())

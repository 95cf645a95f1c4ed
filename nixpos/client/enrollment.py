"""Enrolling a till: a one-time code from IT is swapped for the till's key (SPEC §3, §4).

The key goes into the OS keyring (``client.secrets``); the server address and
the till's and shop's names go into the profile's settings (``client.config``).
"""

from __future__ import annotations

import logging
import platform
import socket
from dataclasses import dataclass

from nixpos.client import secrets
from nixpos.client.api import TillApi
from nixpos.client.config import TillConfig, check_server_url
from nixpos.core import words
from nixpos.core.answers import Ok, Refused

log = logging.getLogger("nixpos.client")


class StartupError(Exception):
    """Something IT must fix before this till can run; the message says what."""


@dataclass
class Enrolled:
    config: TillConfig
    key: str


def os_description() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME") or platform.platform()
    except OSError:
        return f"{platform.system()} {platform.release()}".strip()


def device_name(profile: str) -> str:
    host = socket.gethostname() or "till"
    return host if profile == "default" else f"{host} ({profile})"


async def enroll(profile: str, server_url: str, code: str, device: str) -> Enrolled:
    """Swap a one-time code for this till's key; keep the key in the keyring."""
    server_url = check_server_url(server_url)
    if not code.strip():
        raise StartupError(words.ENTER_CODE)
    api = TillApi(server_url)
    try:
        outcome = await api.enroll(code.strip(), device.strip() or device_name(profile),
                                   os_description())
    finally:
        await api.aclose()
    if isinstance(outcome, Refused):
        raise StartupError(outcome.message)
    if not isinstance(outcome, Ok):
        raise StartupError(words.cannot_reach(server_url))
    data = outcome.body
    if not isinstance(data.get("terminal_key"), str):
        raise StartupError(words.not_a_nixpos_server(server_url))
    secrets.store_key(profile, data["terminal_key"])
    config = TillConfig(server_url, data["terminal"]["name"], data["tenant"]["code"],
                        data["tenant"]["name"])
    config.save(profile)
    log.info("enrolled as %s of %s", config.terminal_name, config.tenant_name)
    return Enrolled(config, data["terminal_key"])

"""A real till process sells against a real server, and the back office sees the sale.

``python -m nixpos`` runs in its own process on a real X server (Xvfb); a
keyboard and a barcode scanner (xdotool typing) are all it is given: the
PIN and Enter, the Latte's SKU and Enter, Enter to pay, the cash handed over
and Enter. The server is the real app under waitress; its back-office API
then lists the sale.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from keyrings.alt.file import PlaintextKeyring

from nixpos.client import secrets
from nixpos.client.config import TillConfig
from tests.client.test_kiosk_x11 import display, till_env, wait_for_window, xdotool
from tests.client.test_till_e2e import admin_token
from tests.helpers import Shop
from tests.live_server import LiveServer
from tests.server.selling import stock

__all__ = ["display", "till_env"]  # fixtures this module uses from the kiosk tests

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/Xvfb").exists() or not Path("/usr/bin/xdotool").exists(),
    reason="needs Debian's xvfb and xdotool (.ci/run installs them)")


def until(condition: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def test_a_till_process_sells_a_latte_from_keyboard_and_scanner(
    live_shop: Shop, live_server: LiveServer, till_env: dict[str, str]
) -> None:
    stock(live_shop)  # the Latte's SKU is LAT-01
    TillConfig(live_server.url, "Till 1", "lumiere-coffee", "Lumière Coffee").save("default")
    PlaintextKeyring().set_password(secrets.SERVICE, "terminal-key:default",
                                    live_shop.keys["Till 1"])
    till = subprocess.Popen(
        [sys.executable, "-m", "nixpos", "--windowed", "--geometry", "1024x600+0+0"],
        env=till_env | {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        window = wait_for_window(till_env, "nixpos — Till 1", till)
        xdotool(till_env, "windowfocus", "--sync", window)
        office = {"Authorization": f"Bearer {admin_token(live_server, 'dara@lumiere.example')}"}

        def typed(*keys: str) -> None:
            for key in keys:
                if key in ("Return", "BackSpace"):
                    xdotool(till_env, "key", key)
                else:
                    xdotool(till_env, "type", "--delay", "40", key)

        typed(live_shop.pins["Mealea Sok"], "Return")
        until(lambda: httpx.get(f"{live_server.url}/api/v1/admin/sessions",
                                headers=office).json()["pos"])
        time.sleep(1.5)  # the menu arrives beside the first poll
        typed("LAT-01", "Return")  # the scanner
        time.sleep(0.5)
        typed("Return")  # Enter on the empty search box: pay
        time.sleep(0.5)
        typed("500", "Return")  # five dollars handed over, taken as cash
        report = until(lambda: httpx.get(f"{live_server.url}/api/v1/admin/sales",
                                         headers=office).json()["sales"])
        sale = report[0]
        assert (sale["number"], sale["total"], sale["change"]) == (1, 350, 150)
        assert sale["staff"]["name"] == "Mealea Sok" and sale["terminal"]["name"] == "Till 1"
        assert sale["payments"] == [{"method": "cash", "amount": 350, "tendered": 500,
                                     "change": 150}]
        assert till.poll() is None  # still running, nothing crashed
    finally:
        till.terminate()
        _, errors = till.communicate(timeout=30)
    assert "Traceback" not in errors, errors

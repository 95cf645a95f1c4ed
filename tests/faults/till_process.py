"""A real till program (``python -m nixpos``) on Xvfb, given only a keyboard and a scanner.

Set up as IT would (a profile's config and its key in a file keyring), started,
typed at with xdotool, and killed with -9 like a till whose power was cut. The
X server and the till's files come from ``tests.client.test_kiosk_x11``'s
``display``/``till_env`` fixtures.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from keyrings.alt.file import PlaintextKeyring

from nixpos.client import secrets
from nixpos.client.config import TillConfig
from tests.client.test_kiosk_x11 import wait_for_window, xdotool

KEYRING = "keyrings.alt.file.PlaintextKeyring"
CASH_GIVEN = "1000"  # ten dollars: more than any sale these tests ring up
# Where the receipt page's "New sale" button is in a 1024×600 window
# (docs/screenshots/receipt-1024x600.png): its buttons take no keyboard focus.
NEW_SALE_AT = (218, 544)


class TillProgram:
    def __init__(self, env: dict[str, str], server_url: str, till: str, key: str,
                 profile: str, x: int = 0) -> None:
        self.env = env | {"PYTHON_KEYRING_BACKEND": KEYRING}
        self.till, self.profile, self.x = till, profile, x
        TillConfig(server_url, till, "lumiere-coffee", "Lumière Coffee").save(profile)
        PlaintextKeyring().set_password(secrets.SERVICE, f"terminal-key:{profile}", key)
        self.process: subprocess.Popen[str] | None = None
        self.window = ""
        self.starts = 0

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nixpos", "--windowed", "--profile", self.profile,
             "--geometry", f"1024x600+{self.x}+0"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.starts += 1
        self.window = wait_for_window(self.env, f"nixpos — {self.till}", self.process)

    def kill(self) -> str:
        """``kill -9``: nothing runs on the way out. Returns what it printed."""
        if self.process is None:
            return ""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        _, errors = self.process.communicate(timeout=30)
        self.process = None
        return errors

    def stop(self) -> str:
        """Closed the polite way (SIGTERM); what it printed (a traceback fails a test)."""
        if self.process is None:
            return ""
        self.process.terminate()
        try:
            _, errors = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            return self.kill()
        self.process = None
        return errors

    def type(self, *keys: str, pause_s: float = 0.4) -> None:
        """Keys as a person (or a scanner) types them; names like Return are pressed."""
        xdotool(self.env, "windowfocus", "--sync", self.window)
        for key in keys:
            if key in ("Return", "BackSpace", "Escape", "Tab", "space"):
                xdotool(self.env, "key", key)
            else:
                xdotool(self.env, "type", "--delay", "40", key)
            time.sleep(pause_s)  # a person's pace: each key's screen has painted

    def tap(self, x: int, y: int, pause_s: float = 0.4) -> None:
        """A touch at (``x``, ``y``) in the till's window."""
        xdotool(self.env, "mousemove", str(self.x + x), str(y), "click", "1")
        time.sleep(pause_s)

    def sell_for_cash(self, sku: str) -> None:
        """Scan ``sku``, Enter on the empty search box to pay, cash handed over and Enter,
        then "New sale" on the receipt."""
        self.type(sku, "Return", "Return", CASH_GIVEN, "Return")
        self.tap(*NEW_SALE_AT)

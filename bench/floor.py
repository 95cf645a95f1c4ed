"""A shop floor in one process: the demo shop on a real server (waitress, loopback) and tills.

Used by the kick-latency benchmark and the screenshot script: the server is
the real app on a real port, the tills are the real ``build_till`` windows,
enrolled through the real API. Only the keyring is skipped (the keys are
handed to the tills directly), since neither needs one.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from nixpos.client.config import TillConfig
from nixpos.client.enrollment import Enrolled
from nixpos.client.resources import stylesheet
from nixpos.client.till import Till, build_till
from nixpos.core.clock import Clock, SystemClock
from nixpos.core.ticker import Ticker
from nixpos.quickstart import wait_for_port
from nixpos.server import schema, security
from nixpos.server.app import create_app
from nixpos.server.db import Database
from nixpos.server.services import demo, tenants
from nixpos.server.services.context import ServerContext
from nixpos.server.serving import BackgroundServer, free_port

T = TypeVar("T")


class Floor:
    """``in_process=False`` runs the server as ``nixpos-server serve`` in its own process,
    so that what this process spends is the tills' alone (the idle-CPU benchmark).
    ``clock`` (in process only) lets the screenshots show a day of trading at its hours."""

    def __init__(self, directory: Path, *, in_process: bool = True, clock: Clock | None = None,
                 **policy: Any) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.db = Database(f"sqlite:///{directory / 'floor.db'}")
        schema.upgrade(self.db)
        secret = directory / "floor.db.secret"
        if not secret.exists():
            security.create_secret_file(secret)
        self.ctx = ServerContext(db=self.db, pin_secret=security.read_secret_file(secret),
                                 clock=clock or SystemClock())
        shop = demo.create_demo(self.ctx)
        if policy:
            tenants.set_policy(self.ctx, demo.TENANT_CODE, **policy)
        self.pins = {person["name"]: person["pin"] for person in shop["staff"]}
        self.passwords = {p["email"]: p["password"] for p in shop["staff"] if p["email"]}
        self._server: BackgroundServer | None = None
        self._process: subprocess.Popen[bytes] | None = None
        if in_process:
            self._server = BackgroundServer(create_app(database=self.db, clock=self.ctx.clock,
                                                       pin_secret=self.ctx.pin_secret))
            self._server.start()
            self.url = self._server.url
        else:
            self._process, self.url = serve_separately(self.db.url)
        self.keys: dict[str, str] = {}
        for code in shop["enrollment_codes"]:
            answer = httpx.post(f"{self.url}/api/v1/terminals/enroll", json={
                "code": code["code"], "device_name": f"{code['terminal']} PC", "os": "Debian 12"})
            answer.raise_for_status()
            self.keys[code["terminal"]] = answer.json()["terminal_key"]

    def till(self, name: str, ticker: Ticker | None = None) -> Till:
        """A windowed till (not yet shown or started)."""
        config = TillConfig(self.url, name, demo.TENANT_CODE, demo.TENANT_NAME)
        return build_till(Enrolled(config, self.keys[name]), kiosk=False, ticker=ticker)

    def admin(self, email: str) -> httpx.Client:
        """A back-office client signed in as ``email``."""
        client = httpx.Client(base_url=f"{self.url}/api/v1/admin")
        answer = client.post("/login", json={"email": email, "password": self.passwords[email],
                                             "device_name": "Office laptop"})
        answer.raise_for_status()
        client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        return client

    def server_down(self) -> None:
        """Stop answering, as a crashed server or a pulled cable would (in-process only)."""
        if self._server is not None:
            self._server.stop()

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
        self.db.dispose()


async def unlock(till: Till, pin: str, timeout_s: float = 10.0) -> None:
    """Type ``pin`` on ``till``'s keypad as a cashier would, and wait until it is unlocked."""
    keypad = till.window.lock_screen.keypad
    for key in [*pin, "Enter"]:
        keypad.press(key)
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not till.session.is_live:
        if asyncio.get_running_loop().time() > deadline:
            raise RuntimeError(f"not unlocked: {till.window.lock_screen.error.text()!r}")
        await asyncio.sleep(0.005)


def on_floor(work: Callable[[Floor], Awaitable[T]], *, in_process: bool = True,
             **policy: Any) -> T:
    """Run ``work`` on a fresh floor, on Qt's event loop (offscreen without a DISPLAY)."""
    if not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setStyleSheet(stylesheet())  # as the real till looks (and paints)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as directory:
        floor = Floor(Path(directory), in_process=in_process, **policy)
        try:
            with loop:
                return loop.run_until_complete(work(floor))  # type: ignore[no-any-return]
        finally:
            floor.close()


def serve_separately(database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    """``nixpos-server serve`` in a process of its own on a free port, once it listens."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nixpos.server", "serve", "--db", database_url,
         "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_for_port(port, process):
        process.kill()
        raise RuntimeError("nixpos-server serve did not start")
    return process, f"http://127.0.0.1:{port}"

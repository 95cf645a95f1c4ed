"""A shop floor in one process: the demo shop on a real server (waitress, loopback) and tills.

Used by the kick-latency benchmark and the screenshot script: the server is
the real app on a real port, the tills are the real ``build_till`` windows,
enrolled through the real API. Only the keyring is skipped (the keys are
handed to the tills directly), since neither needs one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from nixpos.client.app import Enrolled
from nixpos.client.config import TillConfig
from nixpos.client.gui import Till, build_till
from nixpos.core.ticker import Ticker
from nixpos.server import schema, security
from nixpos.server.app import create_app
from nixpos.server.db import Database
from nixpos.server.services import demo, tenants
from nixpos.server.services.context import ServerContext
from tests.live_server import LiveServer


class Floor:
    def __init__(self, directory: Path, **policy: Any) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.db = Database(f"sqlite:///{directory / 'floor.db'}")
        schema.upgrade(self.db)
        secret = directory / "floor.db.secret"
        if not secret.exists():
            security.create_secret_file(secret)
        self.ctx = ServerContext(db=self.db, pin_secret=security.read_secret_file(secret))
        shop = demo.create_demo(self.ctx)
        if policy:
            tenants.set_policy(self.ctx, demo.TENANT_CODE, **policy)
        self.pins = {person["name"]: person["pin"] for person in shop["staff"]}
        self.passwords = {p["email"]: p["password"] for p in shop["staff"] if p["email"]}
        self.server = LiveServer(create_app(database=self.db, pin_secret=self.ctx.pin_secret))
        self.server.start()
        self.keys: dict[str, str] = {}
        for code in shop["enrollment_codes"]:
            answer = httpx.post(f"{self.server.url}/api/v1/terminals/enroll", json={
                "code": code["code"], "device_name": f"{code['terminal']} PC", "os": "Debian 12"})
            answer.raise_for_status()
            self.keys[code["terminal"]] = answer.json()["terminal_key"]

    def till(self, name: str, ticker: Ticker | None = None) -> Till:
        """A windowed till (not yet shown or started)."""
        config = TillConfig(self.server.url, name, demo.TENANT_CODE, demo.TENANT_NAME)
        return build_till(Enrolled(config, self.keys[name]), kiosk=False, ticker=ticker)

    def admin(self, email: str) -> httpx.Client:
        """A back-office client signed in as ``email``."""
        client = httpx.Client(base_url=f"{self.server.url}/api/v1/admin")
        answer = client.post("/login", json={"email": email, "password": self.passwords[email],
                                             "device_name": "Office laptop"})
        answer.raise_for_status()
        client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        return client

    def close(self) -> None:
        self.server.stop()
        self.db.dispose()

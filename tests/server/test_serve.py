"""``nixpos-server serve`` end to end: a real process, a real port, logs in the usual place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from nixpos.core.clock import FakeClock
from nixpos.server.models import PosSession
from nixpos.server.sweeper import IdleSweeper
from tests.helpers import Shop
from tests.live_server import free_port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any], Path]]:
    env = os.environ | {"NIXPOS_DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}",
                        "XDG_STATE_HOME": str(tmp_path / "state")}
    server = [sys.executable, "-m", "nixpos.server"]
    subprocess.run([*server, "init"], env=env, check=True, capture_output=True)
    demo = json.loads(subprocess.run([*server, "demo", "--json"], env=env, check=True,
                                     capture_output=True, text=True).stdout)
    port = free_port()
    process = subprocess.Popen([*server, "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{url}/api/v1/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url, demo, tmp_path / "state" / "nixpos" / "log" / "server.log"
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()


def test_served_api_enrolls_a_till_and_unlocks(
    served: tuple[str, dict[str, Any], Path]
) -> None:
    url, demo, log_file = served
    code = demo["enrollment_codes"][0]["code"]
    enrolled = httpx.post(f"{url}/api/v1/terminals/enroll",
                          json={"code": code, "device_name": "Front", "os": "Linux"})
    assert enrolled.status_code == 201
    owner = next(p for p in demo["staff"] if p["role"] == "owner")
    unlocked = httpx.post(f"{url}/api/v1/pos/unlock", json={"pin": owner["pin"]},
                          headers={"X-Terminal-Key": enrolled.json()["terminal_key"]})
    assert unlocked.status_code == 200
    assert unlocked.json()["session"]["staff"]["name"] == "Sokha Lim"
    assert unlocked.headers["server"] == "nixpos"  # waitress, with our ident
    log = log_file.read_text()
    assert "POST /api/v1/pos/unlock 200" in log
    assert owner["pin"] not in log and unlocked.json()["token"] not in log


def ended_reason(shop: Shop, session_id: int) -> str | None:
    with shop.ctx.db.read() as s:
        return s.get_one(PosSession, session_id).reason


def test_the_sweeper_thread_ends_idle_sessions_nobody_polls(
    shop: Shop, clock: FakeClock
) -> None:
    session_id = shop.unlock_ok("Till 1", "Mealea Sok")["session"]["id"]
    clock.advance(900)
    assert ended_reason(shop, session_id) is None
    sweeper = IdleSweeper(shop.ctx, interval_s=0.01)
    sweeper.start()
    try:
        deadline = time.monotonic() + 10
        while ended_reason(shop, session_id) is None and time.monotonic() < deadline:
            time.sleep(0.01)  # waiting on a real thread, not on time passing
    finally:
        sweeper.stop()
    assert ended_reason(shop, session_id) == "idle_timeout"

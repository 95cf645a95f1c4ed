"""Fault 3: a real till sells while the server is down, is killed, restarted, and its
three sales reach the books exactly once, flagged offline.

The till is the real program (``python -m nixpos`` on Xvfb, a keyboard, a
scanner and a touch on "New sale"); the server a real ``nixpos-server serve``
process. Till 1 is signed in, then the server is killed with -9; three cash
sales complete on the till offline (SPEC §7.4: written to its local file before
they show as done); the till is killed with -9 too — its session token, kept in
memory only, is gone — and started again; then the server comes back. The
queue uploads by itself (terminal key + ``session_id`` + ``proof``).

"Offline" means received more than 60 s after ``completed_at``, on the server's
wall clock and the till's: two processes no fake clock reaches, so the test
really lets a minute pass (while the server is down, as in a real outage).
"""

from __future__ import annotations

import asyncio
import time

from tests.client.test_kiosk_x11 import display, till_env
from tests.client.test_selling_process import until
from tests.faults.kit import (
    DemoShop,
    ServerProcess,
    enroll,
    live_sessions_on,
    sales_in,
)
from tests.faults.till_process import TillProgram

__all__ = ["display", "till_env"]  # fixtures from the kiosk tests

OFFLINE_AFTER_S = 60  # SPEC §7.4


def test_three_offline_sales_survive_a_till_crash_and_arrive_once_flagged_offline(
    server: ServerProcess, till_env: dict[str, str]
) -> None:
    shop = DemoShop.create(server)
    server.start()
    key = asyncio.run(enroll(server.url, shop.codes["Till 1"], "Till 1"))
    till = TillProgram(till_env, server.url, "Till 1", key, "till-1")
    till.start()
    try:
        till.type(shop.pins["Mealea Sok"], "Return")
        until(lambda: live_sessions_on(server.database_url, "Till 1") == 1)
        time.sleep(1.5)  # the menu arrives beside the first poll
        server.kill()  # the outage: nothing answers any more

        for sku in ("COF-LAT", "TEA-GRN", "BAK-CRO"):
            till.sell_for_cash(sku)
        last_sold_at = time.monotonic()
        time.sleep(1)  # the last sale is on the till's disk (it was shown as done)
        till.kill()  # power cut: the session token goes with the process
        till.start()  # back, locked, with its queue

        # A real outage lasts: let the sales become older than the offline threshold.
        time.sleep(max(0.0, last_sold_at + OFFLINE_AFTER_S + 2 - time.monotonic()))
        server.start()
        until(lambda: len(sales_in(server.database_url)) >= 3, timeout=60)
        time.sleep(3)  # a few more poll cycles: nothing arrives twice
        sold = sales_in(server.database_url)
    finally:
        errors = till.stop()
    assert [(s.number, s.till, s.person, s.total, s.offline) for s in sold] == [
        (1, "Till 1", "Mealea Sok", 350, True),
        (2, "Till 1", "Mealea Sok", 275, True),
        (3, "Till 1", "Mealea Sok", 275, True)], server.serve_log()
    assert len({s.client_id for s in sold}) == 3
    assert "Traceback" not in errors, errors

"""Fault 4: a kick during the tender screen moves the open sale; it is completed once.

Two real till programs (``python -m nixpos`` on Xvfb) and a real server process.
Mealea Sok rings up a Latte and a Croissant on Till 1 and presses Enter to pay:
Till 1 shows the tender screen with the cart mirrored on the server (SPEC §7.1).
She then signs in on Till 2 — the shop does not ask before a take-over
(``set-policy --ask-before-takeover no``) — which kicks Till 1 and parks its cart;
Till 2 offers "Continue the sale from Till 1" and Enter continues it (§7.2).
She pays cash on Till 2. The books hold exactly one sale: Till 2's, for both items.
"""

from __future__ import annotations

import asyncio
import time

from tests.client.test_kiosk_x11 import display, till_env
from tests.client.test_selling_process import until
from tests.faults.kit import (
    TENANT,
    DemoShop,
    ServerProcess,
    enroll,
    live_sessions_on,
    sales_in,
)
from tests.faults.till_process import CASH_GIVEN, TillProgram

__all__ = ["display", "till_env"]  # fixtures from the kiosk tests


def test_kicked_during_tender_the_sale_moves_to_the_other_till_and_is_completed_once(
    server: ServerProcess, till_env: dict[str, str]
) -> None:
    shop = DemoShop.create(server)
    server.cli("set-policy", "--tenant", TENANT, "--ask-before-takeover", "no")
    server.start()
    keys = {name: asyncio.run(enroll(server.url, shop.codes[name], name))
            for name in ("Till 1", "Till 2")}
    till_1 = TillProgram(till_env, server.url, "Till 1", keys["Till 1"], "till-1")
    till_2 = TillProgram(till_env, server.url, "Till 2", keys["Till 2"], "till-2")
    pin = shop.pins["Mealea Sok"]
    errors: list[str] = []
    try:
        till_1.start()
        till_1.type(pin, "Return")
        until(lambda: live_sessions_on(server.database_url, "Till 1") == 1)
        time.sleep(1.5)  # the menu arrives beside the first poll
        till_1.type("COF-LAT", "Return", "BAK-CRO", "Return", "Return")  # ...and pay
        time.sleep(1)  # the cart is mirrored as it changes, without waiting for a poll

        till_2.start()
        till_2.type(pin, "Return")
        until(lambda: live_sessions_on(server.database_url, "Till 2") == 1)
        time.sleep(1)
        till_2.type("Return")  # "Continue the sale from Till 1 — 2 items, $6.25?"
        till_2.type("Return", CASH_GIVEN, "Return")  # pay it, cash
        until(lambda: bool(sales_in(server.database_url)), timeout=30)
        time.sleep(3)  # Till 1 polls meanwhile and learns of the kick: it sells nothing
        sold = sales_in(server.database_url)
        assert live_sessions_on(server.database_url, "Till 1") == 0
    finally:
        errors = [till_1.stop(), till_2.stop()]
    assert [(s.number, s.till, s.person, s.total) for s in sold] == [
        (1, "Till 2", "Mealea Sok", 625)], server.serve_log()
    assert not any("Traceback" in e for e in errors), errors

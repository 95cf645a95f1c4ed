"""The open sale follows the person, end to end: two real tills, a real server.

Mealea rings up three items on Till 1 and signs in on Till 2. The server
(ask_before_takeover, on by default) asks first; the till says whose sale and
where, Yes brings it along: Till 2 shows her three items, Till 1 says the sale
moved and shows no cart, and the sale is paid once, on Till 2. The rules are
tested in ``tests/core/test_follow.py`` and ``tests/server``; this is where the
till's calls and the server's answers must fit together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from nixpos.client.till import Till
from nixpos.core.pricing import PaymentMethod
from tests.client.test_till_e2e import admin_token, banner, type_pin, unlock
from tests.helpers import Shop, until
from tests.live_server import LiveServer
from tests.server.selling import stock

Run = Callable[[Any], Any]
MakeTill = Callable[[str], Till]


def ring_up(run: Run, till: Till, *product_ids: int) -> None:
    run(until(lambda: till.state.sale.catalog is not None))
    for product_id in product_ids:
        till.controller.act(till.state.sale.product_tapped, product_id)


def prompt_text(till: Till) -> str | None:
    prompt = till.window.prompt
    return prompt.text.text() if prompt.isVisible() else None


def test_signing_in_on_another_till_brings_the_open_sale_along(
    live_shop: Shop, live_server: LiveServer, make_till: MakeTill, run: Run, qtbot: QtBot
) -> None:
    menu = stock(live_shop)
    pin = live_shop.pins["Mealea Sok"]
    till_1, till_2 = make_till("Till 1"), make_till("Till 2")
    unlock(run, till_1, pin)
    ring_up(run, till_1, menu["Latte"], menu["Latte"], menu["Croissant"])
    office = {"Authorization": f"Bearer {admin_token(live_server, 'dara@lumiere.example')}"}

    def till_1_cart_items() -> int | None:  # what the back office sees of Till 1's sale
        sessions = httpx.get(f"{live_server.url}/api/v1/admin/sessions", headers=office).json()
        carts = [s.get("cart") for s in sessions["pos"] if s["terminal"]["name"] == "Till 1"]
        return carts[0]["items"] if carts and carts[0] else None

    run(until(lambda: till_1_cart_items() == 3))  # mirrored without anyone waiting for it

    type_pin(till_2, pin)
    run(until(lambda: prompt_text(till_2) is not None))
    assert prompt_text(till_2) == ("Mealea Sok has an open sale on Till 1 (3 items, $9.75). "
                                   "Sign in here and bring it along?")
    assert not till_2.session.is_live and till_1.session.is_live  # nothing changed yet
    qtbot.mouseClick(till_2.window.prompt.yes_button, Qt.MouseButton.LeftButton)

    run(until(lambda: till_2.session.is_live and till_2.state.sale.cart.items == 3))
    assert prompt_text(till_2) is None  # brought along without asking again
    run(until(lambda: not till_1.session.is_live, timeout=10))
    run(until(lambda: banner(till_1) is not None))
    assert "Their open sale (3 items) moved with them." in (banner(till_1) or "")
    assert till_1.state.sale.cart.is_empty

    act, state = till_2.controller.act, till_2.state
    act(state.sale.pay_pressed)
    act(state.tender, PaymentMethod.CASH, 1000)
    run(until(lambda: state.sale.receipt is not None and "number" in state.sale.receipt))
    report = httpx.get(f"{live_server.url}/api/v1/admin/sales", headers=office).json()
    assert [(s["number"], s["terminal"]["name"], s["total"]) for s in report["sales"]] == [
        (1, "Till 2", 975)]

    # Paid, the sale is gone from the server's carts: Mealea's next unlock offers nothing.
    run(until(lambda: till_1_cart_items() is None))
    unlock(run, till_1, pin)
    run(until(lambda: till_1.state.sale.catalog is not None))
    assert prompt_text(till_1) is None and till_1.state.sale.cart.is_empty


def test_a_sale_parked_on_one_till_is_offered_on_the_other(
    live_shop: Shop, live_server: LiveServer, make_till: MakeTill, run: Run, qtbot: QtBot
) -> None:
    menu = stock(live_shop)
    pin = live_shop.pins["Mealea Sok"]
    till_1, till_2 = make_till("Till 1"), make_till("Till 2")
    unlock(run, till_1, pin)
    ring_up(run, till_1, menu["Latte"], menu["Muffin"])
    run(until(lambda: not till_1.state.mirror.dirty and till_1.state.mirror.in_flight is None))
    till_1.window.active_screen.lock_button.click()  # her sale is parked under her
    run(until(lambda: not till_1.session.is_live and not till_1.state.pending_ends))

    type_pin(till_2, pin)
    run(until(lambda: prompt_text(till_2) is not None, timeout=5))
    assert prompt_text(till_2) == "Continue the sale from Till 1 — 2 items, $7.50?"
    qtbot.mouseClick(till_2.window.prompt.yes_button, Qt.MouseButton.LeftButton)
    run(until(lambda: till_2.state.sale.cart.items == 2))
    assert [line.name for line in till_2.state.sale.cart.lines] == ["Latte", "Muffin"]

"""The open sale follows the person, on the real till against a scripted server (SPEC §7.1–7.3).

Real widgets, controller and core; ``ScriptedServer`` answers as the issue-11
contract says. A tap sends the cart (``PUT /pos/cart``); a cart parked on
another till is asked about over the sale screen (Continue / Discard, taken
elsewhere); an open sale elsewhere is asked about over the lock screen
(Yes / No, the PIN sent again with ``take_over``); a kicked till's banner says
the sale moved and its cart is gone. The prompts fit a 800×480, 1024×600 and
1920×1080 till with touch targets of 44 px at least.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from nixpos.client.till import Till
from nixpos.client.views.open_sale_prompt import OpenSalePrompt
from nixpos.client.views.sale_screen import SaleScreen
from tests.client import sale_states
from tests.client.screen_checks import assert_fits
from tests.client.scripted import (
    MEALEA,
    TILL_1,
    TILL_2,
    Json,
    Run,
    ScriptedServer,
    cart_of,
    session,
    unlock,
)
from tests.client.test_selling import cart, ring_up, tap

LATTE, CROISSANT = sale_states.product_id("Latte"), sale_states.product_id("Croissant")
PUT_CART = "PUT /api/v1/pos/cart"
UNLOCK = "POST /api/v1/pos/unlock"
SOKHA = {"id": 1, "name": "Sokha Lim", "role": "owner"}


@pytest.fixture
def cafe(server: ScriptedServer) -> ScriptedServer:
    server.say("GET /api/v1/pos/catalog", 200, sale_states.catalog())
    return server


def parked(client_id: str, on: Json = TILL_2) -> Json:
    body = {"client_id": client_id, "discount": None, "voided": [],
            "lines": [{"product_id": LATTE, "quantity": 2, "unit_price": 350, "discount": None},
                      {"product_id": CROISSANT, "quantity": 1, "unit_price": 275,
                       "discount": None}]}
    return cart_of(body) | {"parked_at": "2026-11-25T12:00:00Z", "parked_on": on,
                            "reason": "signed_in_elsewhere"}


def with_parked(server: ScriptedServer, *carts: Json) -> None:
    server.say(UNLOCK, 200, {"token": "t0k3n", "session": session(), "ended_elsewhere": [],
                             "parked_carts": list(carts)})


def prompt(till: Till) -> OpenSalePrompt:
    return till.window.prompt


def sale(till: Till) -> SaleScreen:
    return till.window.active_screen.sale


# -- the cart mirrored ----------------------------------------------------------------


def test_each_change_to_the_cart_goes_to_the_server_as_the_sale_body_less_payments(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till)
    ring_up(till, qtbot, "Latte", "Latte")
    run(till.controller.settle())
    bodies = cafe.sent(PUT_CART)
    assert bodies, "no cart was sent"
    last = bodies[-1]
    assert last is not None and set(last) == {"client_id", "lines", "discount", "voided"}
    assert last["lines"] == [{"product_id": LATTE, "quantity": 2, "unit_price": 350,
                              "discount": None}]
    headers = next(h for route, _, h in cafe.calls if route == PUT_CART)
    assert headers["Authorization"] == "Bearer t0k3n"


# -- a cart parked on another till ----------------------------------------------------------------


def test_a_cart_parked_on_another_till_is_asked_about_and_continued(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    with_parked(cafe, parked("c-2"))
    cafe.say("POST /api/v1/pos/carts/c-2/resume", 200, {"cart": parked("c-2")})
    unlock(run, till)
    assert not till.window.is_locked_view and prompt(till).isVisible()
    assert prompt(till).text.text() == "Continue the sale from Till 2 — 3 items, $9.75?"
    assert (prompt(till).yes_button.text(), prompt(till).no_button.text()) == (
        "Continue", "Discard")
    assert cart(till) == []
    tap(qtbot, prompt(till).yes_button)
    run(till.controller.settle())
    assert "POST /api/v1/pos/carts/c-2/resume" in cafe.routes()
    assert not prompt(till).isVisible()
    assert cart(till) == [("Latte", "2", "$7.00"), ("Croissant", "1", "$2.75")]


def test_enter_continues_and_escape_keeps_asking(
    till: Till, cafe: ScriptedServer, run: Run
) -> None:
    with_parked(cafe, parked("c-2"))
    cafe.say("POST /api/v1/pos/carts/c-2/resume", 200, {"cart": parked("c-2")})
    unlock(run, till)
    QTest.keyClick(till.window, Qt.Key.Key_Escape)
    run(till.controller.settle())
    assert prompt(till).isVisible() and "resume" not in " ".join(cafe.routes())
    QTest.keyClick(prompt(till), Qt.Key.Key_Return)
    run(till.controller.settle())
    assert not prompt(till).isVisible() and len(cart(till)) == 2


def test_discard_leaves_an_empty_sale(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    with_parked(cafe, parked("c-2"))
    cafe.say("POST /api/v1/pos/carts/c-2/discard", 200, {"cart": parked("c-2")})
    unlock(run, till)
    tap(qtbot, prompt(till).no_button)
    run(till.controller.settle())
    assert "POST /api/v1/pos/carts/c-2/discard" in cafe.routes()
    assert not prompt(till).isVisible() and cart(till) == []


def test_a_sale_continued_on_another_till_first_is_said_plainly(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    with_parked(cafe, parked("c-2"))
    cafe.say("POST /api/v1/pos/carts/c-2/resume", 409, {"error": "cart_taken",
                                                         "message": "Taken."})
    unlock(run, till)
    tap(qtbot, prompt(till).yes_button)
    run(till.controller.settle())
    notice = till.window.active_screen.notice
    assert notice.isVisible()
    assert notice.text() == "That sale was already continued on another till."
    assert cart(till) == [] and not prompt(till).isVisible()


def test_the_cart_parked_on_this_till_comes_back_without_a_question(
    till: Till, cafe: ScriptedServer, run: Run
) -> None:
    with_parked(cafe, parked("c-1", on=TILL_1))
    cafe.say("POST /api/v1/pos/carts/c-1/resume", 200, {"cart": parked("c-1", on=TILL_1)})
    unlock(run, till)
    assert not prompt(till).isVisible()
    assert cart(till) == [("Latte", "2", "$7.00"), ("Croissant", "1", "$2.75")]


# -- an open sale on another till ----------------------------------------------------------------


def open_sale_elsewhere(server: ScriptedServer) -> None:
    server.say(UNLOCK, 409, {"error": "open_sale_elsewhere", "message": "Open sale elsewhere.",
                             "terminal": TILL_2, "items": 3, "total": 975, "staff": SOKHA})


def test_an_open_sale_elsewhere_asks_and_no_goes_back_to_the_keypad(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    open_sale_elsewhere(cafe)
    unlock(run, till, "2468")
    assert till.window.is_locked_view and prompt(till).isVisible()
    assert prompt(till).text.text() == ("Sokha Lim has an open sale on Till 2 (3 items, $9.75). "
                                        "Sign in here and bring it along?")
    assert (prompt(till).yes_button.text(), prompt(till).no_button.text()) == ("Yes", "No")
    tap(qtbot, prompt(till).no_button)
    run(till.controller.settle())
    assert not prompt(till).isVisible() and till.window.is_locked_view
    assert cafe.routes().count(UNLOCK) == 1
    assert till.window.lock_screen.keypad.isEnabled() and till.window.lock_screen.error.text() == ""


def test_yes_signs_in_here_and_brings_the_sale_along(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    open_sale_elsewhere(cafe)
    unlock(run, till, "2468")
    with_parked(cafe, parked("c-2"))
    cafe.say("POST /api/v1/pos/carts/c-2/resume", 200, {"cart": parked("c-2")})
    tap(qtbot, prompt(till).yes_button)
    run(till.controller.settle())
    assert cafe.last_unlock() == {"pin": "2468", "override": False, "take_over": True}
    assert not till.window.is_locked_view and not prompt(till).isVisible()
    assert cart(till) == [("Latte", "2", "$7.00"), ("Croissant", "1", "$2.75")]


# -- the kicked till -----------------------------------------------------------------------------


def test_a_kicked_till_says_the_sale_moved_and_keeps_no_stale_cart(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till)
    ring_up(till, qtbot, "Latte", "Latte", "Croissant")
    run(till.controller.settle())
    parked = {"client_id": till.state.sale.cart.client_id, "items": 3, "total": 975}
    kicked = session("ended", reason="signed_in_elsewhere", ended_by=MEALEA, ended_on=TILL_2,
                     ended_at="2026-11-25T12:40:00Z", parked_cart=parked)
    for poll in ("GET /api/v1/pos/session", "POST /api/v1/pos/session/activity"):
        cafe.say(poll, 200, kicked)
    run(till.controller.poll_once())
    banner = till.window.lock_screen.banner
    assert banner.isVisible()
    assert banner.text.text().startswith("Mealea Sok signed in on another device (Till 2)")
    assert banner.text.text().endswith(
        "This register was locked. Their open sale (3 items) moved with them.")
    unlock(run, till)  # back here (a reply without parked carts): no copy left behind
    assert cart(till) == []


# -- the prompts fit a till's screen -------------------------------------------------------------


@pytest.mark.parametrize("size", [QSize(800, 480), QSize(1024, 600), QSize(1920, 1080)],
                         ids=["800x480", "1024x600", "1920x1080"])
def test_both_prompts_fit_the_screen_with_big_buttons(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot, size: QSize
) -> None:
    till.window.resize(size)
    qtbot.wait(1)
    open_sale_elsewhere(cafe)
    cafe.say("GET /api/v1/pos/catalog", 200, sale_states.catalog())
    unlock(run, till, "2468")
    qtbot.wait(1)
    assert prompt(till).isVisible()
    assert_fits(till.window, prompt(till).card)
    tap(qtbot, prompt(till).no_button)
    run(till.controller.settle())
    with_parked(cafe, parked("c-2"))
    unlock(run, till)
    qtbot.wait(1)
    assert prompt(till).isVisible() and prompt(till).text.text().startswith("Continue")
    assert_fits(till.window, prompt(till).card)
    assert prompt(till).yes_button.height() >= 44 and prompt(till).no_button.height() >= 44

"""The back office shows where every open sale is (SPEC §7): each live session's open cart,
the parked sales per person, the ``ask_before_takeover`` switch, and the flag filter on the
sales page — through Flask's test client (one real browser check is in ``tests/web``)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask

from nixpos.core.clock import FakeClock
from tests.helpers import Shop
from tests.server.carts import cart_body, mirrored
from tests.server.selling import Counter, cash, line, stock
from tests.server.test_web import MANAGER, OWNER, browser, csrf_of, post, text


def rows(page: str, attribute: str, tag: str) -> dict[str, str]:
    """Each ``tag`` (a row or a cell) marked ``attribute="key"``, as text without tags."""
    found = {}
    for key, inner in re.findall(rf'{attribute}="([^"]+)"[^>]*>(.*?)</{tag}>', page, re.S):
        found[key] = " ".join(re.sub(r"<[^>]+>", " ", inner).split())
    return found


def test_live_sessions_show_open_carts_and_parked_sales(shop: Shop, app: Flask,
                                                       clock: FakeClock) -> None:
    menu = stock(shop)
    mealea = Counter(shop, "Till 1", "Mealea Sok")
    mirrored(mealea, cart_body(menu))
    sokha = Counter(shop, "Till 3", "Sokha Lim")
    mirrored(sokha, cart_body(menu, client_id="sokha-1", lines=[line(menu["Muffin"], 1, 400)]))
    clock.advance(60)
    shop.pos("POST", "session/lock", "Till 3", sokha.token, json={})
    Counter(shop, "Till 2", "Sokha Lim")  # signed in again, with no cart yet: a dash

    page = text(browser(app, MANAGER).get("/sessions"))
    open_carts = rows(page, "data-open-cart", "td")
    assert open_carts["Till 1"] == "3 items, $9.75"
    assert open_carts["Till 2"] == "—"
    assert "Till 3" not in open_carts  # its session ended: its cart is parked
    parked = rows(page, "data-parked", "tr")
    # Person, till it was parked on, items, total, when (the shop's time), why.
    assert parked == {"sokha-1": "Sokha Lim Till 3 1 item $4.00 5 Jan 2026 16:01 "
                                 "locked by the cashier"}


def test_no_parked_sales_says_so(shop: Shop, app: Flask) -> None:
    page = text(browser(app, MANAGER).get("/sessions"))
    assert "No parked sales" in page


def test_the_owner_switches_ask_before_takeover(shop: Shop, app: Flask) -> None:
    owner = browser(app, OWNER)
    assert re.search(r'name="ask_before_takeover"\s+checked', text(owner.get("/policy")))
    fields = {"idle_minutes": "15", "warning_s": "60", "poll_interval_s": "3",
              "pin_length": "8", "pos_single_session": "on"}
    assert "Policy saved" in text(post(owner, "/policy", "/policy", **fields))
    status = shop.client.get("/api/v1/terminal", headers={"X-Terminal-Key": shop.keys["Till 1"]})
    assert status.json["policy"]["ask_before_takeover"] is False
    assert not re.search(r'name="ask_before_takeover"\s+checked', text(owner.get("/policy")))
    post(owner, "/policy", "/policy", **fields, ask_before_takeover="on")
    status = shop.client.get("/api/v1/terminal", headers={"X-Terminal-Key": shop.keys["Till 1"]})
    assert status.json["policy"]["ask_before_takeover"] is True


def test_the_sales_page_filters_on_a_flag_and_shows_it(shop: Shop, app: Flask,
                                                       clock: FakeClock) -> None:
    menu = stock(shop)
    till = Counter(shop, "Till 1", "Mealea Sok")
    till.sold([line(menu["Latte"], 1, 350)], [cash(350)])
    till.sold([line(menu["Muffin"], 1, 400)], [cash(400)],
              completed_at=clock.now() - timedelta(minutes=5))
    office = browser(app, MANAGER)
    everything = text(office.get("/sales"))
    assert 'data-sale="1"' in everything and 'data-sale="2"' in everything
    offline = text(office.get("/sales?flag=offline"))
    assert 'data-sale="1"' not in offline and 'data-sale="2"' in offline
    assert re.search(r'<option value="offline"\s+selected>Offline</option>', offline)
    assert 'badge warn">Offline</span>' in offline
    csv_link = re.search(r'id="csv" href="([^"]+)"', offline)
    assert csv_link is not None and "flag=offline" in csv_link.group(1)
    assert csrf_of(office.get("/sessions"))  # still signed in

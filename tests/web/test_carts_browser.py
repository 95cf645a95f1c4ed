"""Where an open sale is, in a real browser (SPEC §7): a manager on a phone sees a till's
open cart, ends that session from the page, and finds the sale under "Parked sales"."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.helpers import Shop
from tests.live_server import LiveServer
from tests.server.carts import cart_body, mirrored
from tests.server.selling import Counter, stock
from tests.web.conftest import new_device, sign_in


def test_a_manager_sees_an_open_sale_move_to_parked_when_she_ends_the_session(
    browser: Browser, live: LiveServer, shop: Shop
) -> None:
    menu = stock(shop)
    till = Counter(shop, "Till 1", "Mealea Sok")
    mirrored(till, cart_body(menu))
    page = sign_in(new_device(browser, phone=True), live, "dara@lumiere.example")
    expect(page.locator("td[data-open-cart='Till 1']")).to_have_text("3 items, $9.75")
    expect(page.locator("#parked")).to_contain_text("No parked sales")
    page.click("[data-test='end-Till 1']")  # confirms, then posts
    parked = page.locator("tr[data-parked='cart-1']")
    for words in ("Mealea Sok", "Till 1", "3 items", "$9.75", "ended from the back office"):
        expect(parked).to_contain_text(words)
    expect(page.locator("td[data-open-cart='Till 1']")).to_have_count(0)
    assert shop.poll("Till 1", till.token)["parked_cart"]["items"] == 3

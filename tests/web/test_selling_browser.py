"""Selling in the back office in a real browser (issue 10): a manager keeps the menu, the
sales page adds up the day and hands over its CSV, and the pages fit a phone."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.helpers import Shop
from tests.live_server import LiveServer
from tests.server.selling import Counter, card, cash, line, stock
from tests.web.conftest import new_device, sign_in

MANAGER = "dara@lumiere.example"


def till_products(shop: Shop) -> dict[str, dict[str, Any]]:
    """What Till 1 is offered, by name."""
    answer = shop.client.get("/api/v1/pos/catalog", headers={"X-Terminal-Key": shop.keys["Till 1"]})
    return {p["name"]: p for p in answer.json["products"]}


def test_a_manager_adds_re_prices_and_deactivates_a_product(
    browser: Browser, live: LiveServer, shop: Shop
) -> None:
    stock(shop)
    page = sign_in(new_device(browser), live, MANAGER)  # answers "Deactivate …?" with yes
    page.click("nav >> text=Products")
    page.fill("#add input[name=name]", "Flat White")
    page.fill("#add input[name=price]", "3.505")
    page.fill("#add input[name=category]", "Coffee")
    page.click("text=Add product")
    expect(page.locator(".notice.error")).to_have_text(
        "Price: 3.505 has more decimals than the currency has (at most 2 decimals).")
    expect(page.locator("#add input[name=name]")).to_have_value("Flat White")
    page.fill("#add input[name=price]", "3.50")
    page.click("text=Add product")
    expect(page.locator(".notice.ok")).to_contain_text("Added Flat White in Coffee at $3.50.")
    assert till_products(shop)["Flat White"]["price"] == 350

    page.click("[data-test='edit-Flat White']")
    expect(page.locator("input[name=price]")).to_have_value("3.50")
    page.fill("input[name=price]", "3.80")
    page.click("text=Save")
    expect(page.locator(".notice.ok")).to_have_text("Saved Flat White: $3.80.")
    expect(page.locator("tr[data-product='Flat White'] .price")).to_have_text("$3.80")
    assert till_products(shop)["Flat White"]["price"] == 380

    page.click("[data-test='deactivate-Flat White']")
    expect(page.locator(".notice.ok")).to_have_text(
        "Flat White is deactivated: the tills stop offering it.")
    expect(page.locator("tr[data-product='Flat White']")).to_contain_text("Deactivated")
    assert "Flat White" not in till_products(shop)


def test_the_sales_page_adds_up_the_day_and_downloads_its_csv(
    browser: Browser, live: LiveServer, shop: Shop, tmp_path: Path
) -> None:
    menu = stock(shop)
    cashier = Counter(shop, "Till 2", "Mealea Sok")
    sold = [cashier.sold([line(menu["Latte"], 2, 350)], [cash(700, 1000)]),
            cashier.sold([line(menu["Muffin"], 1, 400), line(menu["Espresso"], 1, 250)],
                         [card(650)])]
    page = sign_in(new_device(browser), live, MANAGER)
    page.click("nav >> text=Sales")
    totals = page.locator("#totals")
    expect(totals.locator("[data-total=count]")).to_have_text("2")
    expect(totals.locator("[data-total=gross]")).to_have_text("$13.50")
    expect(totals.locator("[data-total=net]")).to_have_text("$13.50")
    expect(page.locator("#by-method [data-method=cash]")).to_have_text("$7.00")
    expect(page.locator("#by-method [data-method=card]")).to_have_text("$6.50")
    expect(page.locator("#sales tr[data-sale]")).to_have_count(2)

    with page.expect_download() as download:
        page.click("#csv")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("sales-") and saved.suffix == ".csv"
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert [int(row["number"]) for row in rows] == [sale["number"] for sale in sold]
    assert [(row["till"], row["staff"], row["items"]) for row in rows] == [
        ("Till 2", "Mealea Sok", "2"), ("Till 2", "Mealea Sok", "2")]
    assert [(row["total"], row["cash"], row["card"]) for row in rows] == [
        ("7.00", "7.00", "0.00"), ("6.50", "0.00", "6.50")]
    assert sum(Decimal(row["net"]) for row in rows) == Decimal("13.50")

    page.click(f"#sales a >> text='{sold[0]['number']}'")
    expect(page.locator("h1")).to_contain_text(f"Sale {sold[0]['number']}")
    expect(page.locator("#payments")).to_contain_text("$10.00")  # handed over
    expect(page.locator("#payments")).to_contain_text("$3.00")  # change


def fits(page: Page) -> bool:
    """Nothing wider than the screen: no sideways scrolling of the whole page."""
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_selling_pages_fit_a_phone(browser: Browser, live: LiveServer, shop: Shop) -> None:
    menu = stock(shop)
    owner = Counter(shop, "Till 1", "Sokha Lim")
    sale = owner.sold([line(menu["Latte"], 1, 350), line(menu["Green Tea"], 2, 300)],
                      [cash(950, 2000)])
    owner.refund(sale["id"], [{"line_id": sale["lines"][1]["id"], "quantity": 1}],
                 reason="spilled on the counter")
    phone = sign_in(new_device(browser, phone=True), live, MANAGER)
    for path in ("/sessions", "/products", "/sales", f"/sales/{sale['id']}",
                 f"/products/{menu['Latte']}"):
        phone.goto(f"{live.url}{path}")
        assert fits(phone), path
    phone.goto(f"{live.url}/products")
    edit = phone.locator("[data-test='edit-Latte']")
    expect(edit).to_be_visible()
    box = edit.bounding_box()
    assert box and box["x"] + box["width"] <= 390  # on screen, not scrolled away
    expect(phone.locator("[data-test='deactivate-Latte']")).to_be_hidden()  # on its page

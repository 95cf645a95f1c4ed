"""Selling in the back office through Flask's test client (issue 10): the products page,
the sales page with its totals and CSV, a sale's detail, and today's figures at home.

Each action is done as a manager and as an owner; every refusal is a page that says why,
never a 5xx. What the tills see is read back through the till's own catalog call.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from nixpos.core.clock import FakeClock
from nixpos.server.services import tenants
from nixpos.server.web import present
from nixpos.server.web import sales as sales_pages
from tests.helpers import TENANT, Shop
from tests.server.selling import Counter, card, cash, line, stock
from tests.server.test_web import MANAGER, OWNER, Structure, browser, csrf_of, post, text

BOTH = pytest.mark.parametrize("who", [MANAGER, OWNER], ids=["manager", "owner"])


def till_catalog(shop: Shop) -> dict[str, Any]:
    """What Till 1 is offered: the catalog a till downloads."""
    answer = shop.client.get("/api/v1/pos/catalog", headers={"X-Terminal-Key": shop.keys["Till 1"]})
    assert answer.status_code == 200, answer.json
    return dict(answer.json or {})


def till_menu(shop: Shop) -> list[tuple[str, str, int]]:
    """(category, product, price) in the till's order."""
    catalog = till_catalog(shop)
    names = {c["id"]: c["name"] for c in catalog["categories"]}
    return [(names.get(p["category_id"], ""), p["name"], p["price"]) for p in catalog["products"]]


def product_id(client: FlaskClient, name: str) -> int:
    found = re.search(rf'<tr id="product-(\d+)"[^>]*data-product="{re.escape(name)}"',
                      text(client.get("/products")))
    assert found, f"{name} is not on the products page"
    return int(found.group(1))


def category_id(client: FlaskClient, name: str) -> int:
    found = re.search(rf'id="category-(\d+)">\s*<div class="group-head">\s*<h2>{re.escape(name)}\b',
                      text(client.get("/products")))
    assert found, f"{name} is not a category on the products page"
    return int(found.group(1))


def arrow(client: FlaskClient, action: str, label: str) -> str:
    """The position the arrow button ``label`` sends to ``action``."""
    page = text(client.get("/products"))
    form = re.search(rf'action="{re.escape(action)}">(?:(?!</form>).)*?name="to" value="(\d+)">'
                     rf'\s*<button class="arrow" title="{re.escape(label)}"', page, re.S)
    assert form, f"no {label!r} arrow"
    return form.group(1)


def notice(response: Any) -> str:
    found = re.search(r'<p class="notice (?:ok|error)"[^>]*>(.*?)</p>', text(response), re.S)
    assert found, "no notice on the page"
    return found.group(1).replace("&#39;", "'")


# -- products ------------------------------------------------------------------------------


@BOTH
def test_products_are_grouped_in_the_tills_order_with_prices_in_dollars(
    shop: Shop, app: Flask, who: str
) -> None:
    stock(shop)
    client = browser(app, who)
    page = text(client.get("/products"))
    headings = re.findall(r'<section class="card catalog-group[^"]*"[^>]*>\s*'
                          r'<div class="group-head">\s*<h2>([^<\n]+)', page)
    rows = re.findall(r'data-product="([^"]+)">.*?<td class="num price">([^<]+)</td>', page, re.S)
    menu = till_menu(shop)
    assert [h.strip() for h in headings] == ["Coffee", "Tea", "Bakery"]
    assert [name for name, _ in rows] == [name for _, name, _ in menu]
    assert rows[:2] == [("Latte", "$3.50"), ("Espresso", "$2.50")]
    assert 'aria-current="page">Products</a>' in page


@BOTH
def test_adding_a_product_with_a_new_category_puts_it_on_the_tills(
    shop: Shop, app: Flask, who: str
) -> None:
    stock(shop)
    client = browser(app, who)
    added = post(client, "/products", "/products", name="Flat White", price="3.8",
                 sku="FLW-01", category="Espresso Bar")
    assert notice(added).startswith("Added Flat White in Espresso Bar at $3.80.")
    assert ("Espresso Bar", "Flat White", 380) in till_menu(shop)
    assert 'data-product="Flat White"' in text(added)
    known = post(client, "/products", "/products", name="Iced Tea", price="2", category="tea")
    assert notice(known).startswith("Added Iced Tea in Tea at $2.00.")  # the same category
    assert till_menu(shop).index(("Tea", "Iced Tea", 200)) == 3  # last of Tea, before Bakery


@pytest.mark.parametrize(("typed", "reason"), [
    ("3.505", "Price: 3.505 has more decimals than the currency has (at most 2 decimals)."),
    ("3,50", "Price: &#39;3,50&#39; is not an amount; write it like 3.50."),
    ("-1", "Price: An amount cannot be negative."),
    ("", "Price: &#39;&#39; is not an amount; write it like 3.50."),
    ("١٢", "Price: &#39;١٢&#39; is not an amount; write it like 3.50."),
])
def test_a_price_that_is_not_exact_is_refused_with_the_reason_and_the_form_kept(
    shop: Shop, app: Flask, typed: str, reason: str
) -> None:
    stock(shop)
    before = till_catalog(shop)
    client = browser(app, MANAGER)
    refused = client.post("/products", data={
        "csrf": csrf_of(client.get("/products")), "name": "Flat White", "price": typed,
        "sku": "FLW-01", "category": "Coffee"})
    assert refused.status_code == 400
    assert reason in text(refused)
    assert 'value="Flat White"' in text(refused) and 'value="FLW-01"' in text(refused)
    assert till_catalog(shop) == before


def test_a_duplicate_sku_is_refused_in_words_on_adding_and_editing(
    shop: Shop, app: Flask
) -> None:
    stock(shop)
    client = browser(app, OWNER)
    clash = "Another product already has the SKU LAT-01. Choose another SKU."
    added = client.post("/products", data={"csrf": csrf_of(client.get("/products")),
                                           "name": "Latte 2", "price": "3.50", "sku": "lat-01"})
    assert added.status_code == 409 and clash.replace("LAT-01", "lat-01") in text(added)
    espresso = product_id(client, "Espresso")
    edited = client.post(f"/products/{espresso}", data={
        "csrf": csrf_of(client.get(f"/products/{espresso}")), "name": "Espresso",
        "price": "2.50", "sku": "LAT-01", "category": "Coffee"})
    assert edited.status_code == 409 and clash in text(edited)
    assert 'value="LAT-01"' in text(edited)  # what was typed stays, to correct it
    assert [p["sku"] for p in till_catalog(shop)["products"] if p["name"] == "Espresso"] == [
        "ESP-01"]


@BOTH
def test_editing_re_prices_and_moves_a_product(shop: Shop, app: Flask, who: str) -> None:
    stock(shop)
    client = browser(app, who)
    latte = product_id(client, "Latte")
    form = text(client.get(f"/products/{latte}"))
    assert 'name="price" required inputmode="decimal" maxlength="20" value="3.50"' in form
    saved = post(client, f"/products/{latte}", f"/products/{latte}", name="Caffè Latte",
                 price="3.80", sku="LAT-01", category="Tea")
    assert notice(saved) == "Saved Caffè Latte: $3.80."
    assert ("Tea", "Caffè Latte", 380) in till_menu(shop)
    cleared = post(client, f"/products/{latte}", f"/products/{latte}", name="Caffè Latte",
                   price="3.80", sku="", category="")
    assert notice(cleared) == "Saved Caffè Latte: $3.80."
    [plain] = [p for p in till_catalog(shop)["products"] if p["id"] == latte]
    assert (plain["sku"], plain["category_id"]) == (None, None)
    assert "No category" in text(cleared)


@BOTH
def test_deactivating_and_reactivating_a_product(shop: Shop, app: Flask, who: str) -> None:
    stock(shop)
    client = browser(app, who)
    muffin = product_id(client, "Muffin")
    page = Structure(text(client.get("/products")))
    assert ("Deactivate Muffin? The tills stop offering it; its past sales stay."
            in page.attribute_values("data-confirm"))
    off = post(client, "/products", f"/products/{muffin}/deactivate")
    assert notice(off) == "Muffin is deactivated: the tills stop offering it."
    assert "Muffin" not in [name for _, name, _ in till_menu(shop)]
    row = re.search(rf'<tr id="product-{muffin}" class="inactive".*?</tr>', text(off), re.S)
    assert row and "Deactivated" in row.group(0) and "Reactivate" in row.group(0)
    on = post(client, "/products", f"/products/{muffin}/reactivate")
    assert notice(on) == "Muffin is back on the tills."
    assert ("Bakery", "Muffin", 400) in till_menu(shop)


@BOTH
def test_the_arrows_re_order_products_and_categories(shop: Shop, app: Flask, who: str) -> None:
    stock(shop)
    client = browser(app, who)
    latte, bakery = product_id(client, "Latte"), category_id(client, "Bakery")
    down = arrow(client, f"/products/{latte}/move", "Move Latte down")
    moved = post(client, "/products", f"/products/{latte}/move", to=down)
    assert notice(moved) == "Latte is now number 2 in Coffee."
    up = arrow(client, f"/categories/{bakery}/move", "Move Bakery up")
    post(client, "/products", f"/categories/{bakery}/move", to=up)
    assert [(c, p) for c, p, _ in till_menu(shop)] == [
        ("Coffee", "Espresso"), ("Coffee", "Latte"), ("Bakery", "Croissant"),
        ("Bakery", "Muffin"), ("Tea", "Green Tea")]
    page = text(client.get("/products"))
    assert re.search(r'title="Move Espresso up" aria-label="Move Espresso up" disabled', page)
    assert re.search(r'title="Move Tea down" aria-label="Move Tea down" disabled', page)


@BOTH
def test_renaming_and_deactivating_a_category(shop: Shop, app: Flask, who: str) -> None:
    stock(shop)
    client = browser(app, who)
    tea = category_id(client, "Tea")
    renamed = post(client, "/products", f"/categories/{tea}", name="Teas")
    assert notice(renamed) == "The category is now called Teas."
    clash = post(client, "/products", f"/categories/{tea}", name="coffee")
    assert notice(clash) == "There is already a category named 'Coffee'."
    off = post(client, "/products", f"/categories/{tea}/deactivate")
    assert notice(off) == "Teas is deactivated: its products leave the tills."
    assert "Teas" not in [c["name"] for c in till_catalog(shop)["categories"]]
    assert "Green Tea" not in [name for _, name, _ in till_menu(shop)]
    green_tea = product_id(client, "Green Tea")
    post(client, "/products", f"/products/{green_tea}/deactivate")
    still_off = post(client, "/products", f"/products/{green_tea}/reactivate")
    assert notice(still_off) == ("Green Tea is active again, but its category Teas is "
                                 "deactivated: reactivate the category to sell it.")
    on = post(client, "/products", f"/categories/{tea}/reactivate")
    assert notice(on) == "Teas is back on the tills, with its active products."
    assert ("Teas", "Green Tea", 300) in till_menu(shop)
    added = post(client, "/products", "/categories", name="Cold Drinks")
    assert notice(added) == "The category Cold Drinks is there; add products to it above."
    assert "No products in this category yet" in text(added)


def test_a_shop_without_decimals_types_and_shows_whole_amounts(shop: Shop, app: Flask) -> None:
    tenants.set_money(shop.ctx, TENANT, currency_code="JPY")
    client = browser(app, MANAGER)
    added = post(client, "/products", "/products", name="Matcha", price="480")
    assert notice(added).startswith("Added Matcha at ¥480.")
    refused = client.post("/products", data={"csrf": csrf_of(client.get("/products")),
                                             "name": "Sencha", "price": "3.50"})
    assert refused.status_code == 400
    assert "3.50 has more decimals than the currency has (no decimals)." in text(refused)
    assert "Price (JPY)" in text(refused)


def test_unknown_and_other_shops_ids_are_said_plainly(shop: Shop, app: Flask) -> None:
    menu = stock(shop)
    before = till_catalog(shop)
    client = browser(app, MANAGER)
    other = menu["Other Latte"]
    for path in (f"/products/{other}", "/products/99999999", "/products/99999999999999"):
        answer = client.get(path)
        assert answer.status_code == 404 and "No product with id" in text(answer), path
        assert answer.mimetype == "text/html"
    edit = client.post(f"/products/{other}", data={"csrf": csrf_of(client.get("/products")),
                                                   "name": "Mine", "price": "1.00"})
    assert edit.status_code == 404 and "No product with id" in text(edit)
    for action, said in ((f"/products/{other}/deactivate", "No product with id"),
                         ("/products/0/move", "That move did not say where to"),
                         (f"/products/{other}/move", "That move did not say where to"),
                         ("/categories/99999", "No category with id 99999 in this shop."),
                         ("/categories/99999/deactivate", "No category with id"),
                         ("/categories/99999/move", "That move did not say where to")):
        assert said in notice(post(client, "/products", action)), action
    assert "No product with id" in notice(post(client, "/products", f"/products/{other}/move",
                                               to="1"))
    assert till_catalog(shop) == before


@pytest.mark.parametrize("path", [
    "/products", "/products/1", "/products/1/deactivate", "/products/1/reactivate",
    "/products/1/move", "/categories", "/categories/1", "/categories/1/deactivate",
    "/categories/1/move",
])
def test_junk_product_forms_get_a_clear_answer_never_a_server_error(
    shop: Shop, app: Flask, path: str
) -> None:
    stock(shop)
    client = browser(app, MANAGER)
    csrf = csrf_of(client.get("/products"))
    for data in ({}, {"csrf": csrf}, {"csrf": csrf, "name": "x" * 5000, "price": "9" * 400,
                                      "sku": "<b>" * 30, "category": " ", "to": "9" * 5000},
                 {"csrf": csrf, "name": " ", "price": "1e3", "to": "-1"},
                 {"csrf": csrf, "name": "Tea", "price": "NaN", "to": "٣"}):
        answer = client.post(path, data=data)
        assert answer.status_code < 500, (path, data.keys())
        assert answer.mimetype == "text/html"


def test_hostile_product_and_category_names_stay_text(shop: Shop, app: Flask) -> None:
    client = browser(app, OWNER)
    name = '<img src=x onerror="alert(1)"> & \'quoted\''
    category = '"><script>alert(2)</script>'
    post(client, "/products", "/products", name=name, price="1.00", category=category)
    page = Structure(text(client.get("/products")))
    assert page.problems() == []
    assert name in "".join(page.text) and category in "".join(page.text)
    assert (f"Deactivate {name}? The tills stop offering it; its past sales stay."
            in page.attribute_values("data-confirm"))
    assert (f"Deactivate the category {category}? Its products leave the tills until you "
            "reactivate it." in page.attribute_values("data-confirm"))
    edit = Structure(text(client.get(f"/products/{till_catalog(shop)['products'][0]['id']}")))
    assert edit.problems() == [] and name in edit.attribute_values("value")


# -- sales -----------------------------------------------------------------------------------


@pytest.fixture
def trading(shop: Shop, clock: FakeClock) -> dict[str, Any]:
    """Three sales in Phnom Penh (UTC+7), two on 5 January local time, one on the 6th.

    1. 09:00 UTC (16:00 local), Sokha on Till 1: 2 lattes, 7.00 by card; one latte (3.50)
       refunded to the card by her, needing nobody's approval.
    2. 16:59 UTC (23:59 local), Mealea on Till 2: latte + muffin less 10 % (Dara approved),
       a croissant voided (Dara approved): 6.75 cash, 10.00 handed over. A minute later
       the muffin is refunded in cash ("stale"), with Dara's approval: its 4.00 less its
       share of the discount, 0.40, is 3.60.
    3. 23:30 UTC — 06:30 on the 6th in Phnom Penh — Sokha on Till 1: an espresso, 2.50 QR.
    """
    menu = stock(shop)
    owner = Counter(shop, "Till 1", "Sokha Lim")
    first = owner.sold([line(menu["Latte"], 2, 350)], [card(700)])
    refund = owner.refund(first["id"], [{"line_id": first["lines"][0]["id"], "quantity": 1}],
                          method="card", reason="spilled")
    assert refund.json["amount"] == 350
    clock.advance(7 * 3600 + 58 * 60 + 10)  # the approvals at 16:58:10, the sale at 16:59
    cashier = Counter(shop, "Till 2", "Mealea Sok")
    discount = cashier.approve("Dara Chan", "discount", {"kind": "percent", "value": 10})
    void = cashier.approve("Dara Chan", "void_line", {"product_id": menu["Croissant"],
                                                      "quantity": 1})
    clock.advance(50)
    second = cashier.sold(
        [line(menu["Latte"], 1, 350), line(menu["Muffin"], 1, 400)], [cash(675, 1000)],
        discount={"kind": "percent", "value": 10, "approval_id": discount},
        voided=[{"product_id": menu["Croissant"], "quantity": 1, "approval_id": void}])
    clock.advance(10)
    for_refund = cashier.approve("Dara Chan", "refund", {"sale_id": second["id"]})
    clock.advance(5)
    refunded = cashier.refund(second["id"], [{"line_id": second["lines"][1]["id"],
                                              "quantity": 1}],
                              approval_id=for_refund, reason="stale")
    assert refunded.json["amount"] == 360
    clock.advance(6 * 3600 + 30 * 60 + 45)
    owner.unlock()  # her session went idle meanwhile
    third = owner.sold([line(menu["Espresso"], 1, 250)],
                       [{"method": "qr", "amount": 250, "tendered": None}])
    assert third["completed_at"] == "2026-01-05T23:30:00.000Z"
    return {"sales": [first, second, third], "office": shop.login(OWNER)}


def figures(page: str) -> dict[str, str]:
    """The totals the page shows, by name (``count``, ``net``, …, and ``method:cash``)."""
    shown = dict(re.findall(r'data-total="(\w+)">([^<]*)<', page))
    shown |= {f"method:{m}": v for m, v in re.findall(r'data-method="(\w+)">([^<]*)<', page)}
    return shown


def dollars(cents: int) -> str:
    return f"-${-cents / 100:,.2f}" if cents < 0 else f"${cents / 100:,.2f}"


def listed(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-sale="(\d+)">', page)]


def json_report(shop: Shop, office: str, query: str) -> dict[str, Any]:
    answer = shop.admin("GET", f"sales?{query}", office)
    assert answer.status_code == 200, answer.json
    return dict(answer.json or {})


@BOTH
def test_the_sales_page_totals_match_the_json_report(
    shop: Shop, app: Flask, trading: dict[str, Any], who: str
) -> None:
    page = text(browser(app, who).get("/sales?from=2026-01-05&to=2026-01-05"))
    report = json_report(shop, trading["office"], "from=2026-01-05&to=2026-01-05")
    totals = report["totals"]
    assert figures(page) == {
        "count": "2", **{k: dollars(totals[k]) for k in (
            "gross", "discounts", "refunds", "net", "tax_included")},
        **{f"method:{m}": dollars(a) for m, a in totals["by_method"].items()}}
    # The same figures by hand: 7.00 + 7.50 gross, 0.75 off, 3.50 + 3.60 refunded.
    assert (figures(page)["gross"], figures(page)["net"]) == ("$14.50", "$6.65")
    assert (figures(page)["method:card"], figures(page)["method:cash"]) == ("$3.50", "$3.15")
    by_person = re.search(r'id="by-staff">.*?</table>', page, re.S)
    assert by_person
    assert re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">(\d+)</td>.*?"
                      r"<td class=\"num\">([^<]+)</td></tr>", by_person.group(0), re.S) == [
        (row["staff"]["name"], str(row["count"]), dollars(row["net"]))
        for row in report["by_staff"]]
    assert "By till" in page and "Till 2" in page
    assert listed(page) == [1, 2]
    assert "Monday 5 January 2026" in page and "Asia/Phnom_Penh" in page


def test_a_sale_at_2330_utc_is_the_next_day_in_phnom_penh(
    shop: Shop, app: Flask, trading: dict[str, Any]
) -> None:
    client = browser(app, MANAGER)
    assert listed(text(client.get("/sales?from=2026-01-05"))) == [1, 2]
    sixth = text(client.get("/sales?from=2026-01-06&to=2026-01-06"))
    assert listed(sixth) == [3] and "<td>06:30</td>" in sixth
    today = text(client.get("/sales"))  # the clock says 06:30 on the 6th there
    assert listed(today) == [3] and 'name="from" value="2026-01-06"' in today
    both = text(client.get("/sales?from=2026-01-05&to=2026-01-06"))
    assert listed(both) == [1, 2, 3]
    assert "<td>5 Jan 2026 16:00</td>" in both and "<td>5 Jan 2026 23:59</td>" in both


def test_filters_by_till_person_and_method(
    shop: Shop, app: Flask, trading: dict[str, Any]
) -> None:
    client = browser(app, MANAGER)
    days = "from=2026-01-05&to=2026-01-06"
    till_2 = text(client.get(f"/sales?{days}&terminal_id={shop.till_ids['Till 2']}"))
    assert listed(till_2) == [2] and figures(till_2)["net"] == "$3.15"
    assert f'<option value="{shop.till_ids["Till 2"]}" selected>Till 2</option>' in till_2
    sokha = text(client.get(f"/sales?{days}&staff_id={shop.ids['Sokha Lim']}"))
    assert listed(sokha) == [1, 3] and figures(sokha)["count"] == "2"
    qr = text(client.get(f"/sales?{days}&method=qr"))
    assert listed(qr) == [3] and figures(qr)["method:qr"] == "$2.50"
    nobody = text(client.get(f"/sales?{days}&staff_id={shop.ids['Vannak Kim']}"))
    assert listed(nobody) == [] and "No sales" in nobody and figures(nobody)["net"] == "$0.00"


def test_the_csv_is_what_the_page_shows(shop: Shop, app: Flask, trading: dict[str, Any]) -> None:
    client = browser(app, MANAGER)
    page = text(client.get("/sales?from=2026-01-05&to=2026-01-06&method=card"))
    link = re.search(r'id="csv" href="([^"]+)"', page)
    assert link
    download = client.get(link.group(1).replace("&amp;", "&"))
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="sales-2026-01-05_2026-01-06.csv"')
    rows = list(csv.DictReader(io.StringIO(text(download))))
    assert [int(row["number"]) for row in rows] == listed(page) == [1]
    net = sum(Decimal(row["net"]) for row in rows)
    assert f"${net:.2f}" == figures(page)["net"] == "$3.50"
    assert (rows[0]["date"], rows[0]["time"], rows[0]["till"], rows[0]["staff"]) == (
        "2026-01-05", "16:00:00", "Till 1", "Sokha Lim")
    # With no days asked for, the link names the days shown, so it is the same file later.
    today = re.search(r'id="csv" href="([^"]+)"', text(client.get("/sales")))
    assert today and "from=2026-01-06&amp;to=2026-01-06" in today.group(1)


def test_the_list_pages_while_the_totals_cover_every_sale(
    shop: Shop, app: Flask, trading: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sales_pages, "SALES_PAGE", 2)
    client = browser(app, MANAGER)
    first = text(client.get("/sales?from=2026-01-05&to=2026-01-06"))
    assert listed(first) == [1, 2] and "Sales 1–2 of 3" in first
    assert figures(first)["count"] == "3" and "← Earlier" not in first
    later = re.search(r'href="([^"]+)">Later →', first)
    assert later
    second = text(client.get(later.group(1).replace("&amp;", "&")))
    assert listed(second) == [3] and "Sales 3–3 of 3" in second and "Later →" not in second
    assert figures(second) == figures(first)
    assert "← Earlier" in second
    assert listed(text(client.get("/sales?from=2026-01-05&to=2026-01-06&offset=junk"))) == [1, 2]


def test_a_sales_detail_says_who_did_and_approved_what(
    shop: Shop, app: Flask, trading: dict[str, Any]
) -> None:
    second = trading["sales"][1]
    client = browser(app, MANAGER)
    page = text(client.get(f"/sales/{second['id']}"))
    words = re.sub(r"\s+", " ", " ".join(Structure(page).text))
    assert "Sale 2" in words and "5 Jan 2026 23:59" in words and "Mealea Sok" in words
    assert "Latte" in words and "Muffin" in words
    assert "Discount on the sale: 10 % approved by Dara Chan −$0.75" in words
    assert "1 × Croissant approved by Dara Chan" in words
    payments = re.search(r'id="payments">.*?</table>', page, re.S)
    assert payments and re.findall(r'<td class="num">([^<]+)</td>', payments.group(0)) == [
        "$6.75", "$10.00", "$3.25"]
    refunds = re.search(r'<ul class="entries" id="refunds">.*?</ul>', page, re.S)
    assert refunds
    refund_words = re.sub(r"\s+", " ", " ".join(Structure(refunds.group(0)).text)).strip()
    assert refund_words == ("$3.60 cash · 1 × Muffin 23:59 · by Mealea Sok · approved by "
                            "Dara Chan Reason: stale")
    approvals = re.search(r'id="approvals">.*?</table>', page, re.S)
    assert approvals
    assert re.sub(r"\s+", " ", " ".join(Structure(approvals.group(0)).text)).count(
        "Dara Chan") == 3
    log = re.search(r'id="events">.*?</table>', page, re.S)
    assert log
    events = re.findall(r"<tr><td>[^<]+</td><td>([^<]+)</td>", log.group(0))
    assert events == ["Manager approval given", "Manager approval given", "Sale",
                      "Approval spent", "Approval spent", "Manager approval given", "Refund",
                      "Approval spent"]
    assert "sale 2 · total $6.75" in page and "Sale 1" not in words
    assert "Partly refunded" in words and 'aria-current="page">Sales</a>' in page
    back = re.search(r'href="(/sales\?[^"]+)">← Sales of Monday 5 January 2026', page)
    assert back and listed(text(client.get(back.group(1).replace("&amp;", "&")))) == [1, 2]


def test_a_sale_by_the_owner_needed_no_approval_and_shows_its_refund(
    shop: Shop, app: Flask, trading: dict[str, Any]
) -> None:
    first = trading["sales"][0]
    page = text(browser(app, OWNER).get(f"/sales/{first['id']}"))
    words = re.sub(r"\s+", " ", " ".join(Structure(page).text))
    assert "None needed." in words
    assert "$3.50 card · 1 × Latte 16:00 · by Sokha Lim Reason: spilled" in words
    assert "approved by" not in words
    payments = re.search(r'id="payments">.*?</table>', page, re.S)
    assert payments and re.findall(r'<td class="num">([^<]+)</td>', payments.group(0)) == [
        "$7.00", "—", "—"]  # a card: nothing handed over, no change


@pytest.mark.parametrize("path", [
    "/sales?from=junk", "/sales?from=2026-01-06&to=2026-01-05", "/sales?method=bitcoin",
    "/sales?terminal_id=-3", "/sales?staff_id=99999999999999999",
    "/sales?from=2020-01-01&to=2026-01-01",
    "/sales.csv?from=junk", "/sales.csv?method=%00", "/sales/99999999", "/sales/99999999999999",
    "/sales/0", "/sales?offset=99999999999999999999",
])
def test_bad_sales_queries_are_said_plainly_never_a_server_error(
    shop: Shop, app: Flask, trading: dict[str, Any], path: str
) -> None:
    answer = browser(app, MANAGER).get(path)
    assert answer.status_code in (200, 400, 404), answer.status_code
    assert answer.mimetype == "text/html"
    if answer.status_code != 200:
        assert re.search(r'class="notice error" role="alert">[^<]*[A-Za-z]', text(answer))


def test_a_bad_date_keeps_the_filters_and_says_what_to_type(
    shop: Shop, app: Flask, trading: dict[str, Any]
) -> None:
    answer = browser(app, MANAGER).get(f"/sales?from=5/1/2026&staff_id={shop.ids['Mealea Sok']}")
    assert answer.status_code == 400
    assert "Query parameter &#39;from&#39; must be a date like 2026-01-05." in text(answer)
    assert f'<option value="{shop.ids["Mealea Sok"]}" selected>' in text(answer)


def test_another_shops_sale_is_not_found(shop: Shop, app: Flask, trading: dict[str, Any]
                                         ) -> None:
    other = Counter(shop, "Other Till", "Other Cashier")
    their_menu = shop.client.get("/api/v1/pos/catalog",
                                 headers={"X-Terminal-Key": shop.keys["Other Till"]})
    theirs = other.sold([line(their_menu.json["products"][0]["id"], 1, 350)], [cash(350)])
    answer = browser(app, MANAGER).get(f"/sales/{theirs['id']}")
    assert answer.status_code == 404 and f"No sale with id {theirs['id']}" in text(answer)


def test_todays_figures_are_on_the_home_page(
    shop: Shop, app: Flask, trading: dict[str, Any]
) -> None:
    home = browser(app, MANAGER).get("/", follow_redirects=True)
    page = text(home)
    today = json_report(shop, trading["office"], "")["totals"]
    assert "Today" in page and "Tuesday 6 January 2026" in page
    assert figures(page) == {"count": str(today["count"]), "net": dollars(today["net"]),
                             **{f"method:{m}": dollars(a) for m, a in today["by_method"].items()}}
    assert figures(page) == {"count": "1", "net": "$2.50", "method:qr": "$2.50"}
    assert 'href="/sales">Today\'s sales →</a>' in page


def test_selling_pages_need_a_signed_in_manager(shop: Shop, app: Flask) -> None:
    for path in ("/products", "/products/1", "/sales", "/sales.csv", "/sales/1"):
        answer = app.test_client().get(path)
        assert answer.status_code == 302 and "/signin" in answer.headers["Location"], path
    answer = app.test_client().post("/products", data={"name": "x", "price": "1"})
    assert answer.status_code == 302 and "/signin" in answer.headers["Location"]


def test_every_page_tells_time_in_the_shops_zone(shop: Shop, app: Flask) -> None:
    stock(shop)  # Phnom Penh, UTC+7; the clock says 09:00 UTC
    shop.unlock_ok("Till 1", "Mealea Sok")
    client = browser(app, MANAGER)
    assert "5 Jan 2026 16:00" in text(client.get("/sessions"))
    assert "<tr><td>5 Jan 2026 16:00</td><td>Unlocked a till</td>" in text(client.get("/audit"))
    code = post(client, "/tills", "/tills/code", name="Till 4")
    assert "until 5 Jan 2026 16:10 (10 minutes)" in text(code)


@pytest.mark.parametrize(("minor", "code", "exponent", "shown"), [
    (350, "USD", 2, "$3.50"), (-35, "USD", 2, "-$0.35"), (123456, "USD", 2, "$1,234.56"),
    (480, "JPY", 0, "¥480"), (15000, "KHR", 2, "KHR150.00"), (None, "USD", 2, ""),
    ("12", "USD", 2, "12"), (True, "USD", 2, "True"),
])
def test_money_is_shown_in_the_shops_currency(minor: Any, code: str, exponent: int,
                                              shown: str) -> None:
    assert present.money(minor, {"code": code, "exponent": exponent}) == shown


def test_days_and_audit_amounts_in_words() -> None:
    assert present.days("2026-01-05", "2026-01-05") == "Monday 5 January 2026"
    assert present.days("2026-01-05", "2026-02-01") == "5 Jan 2026 – 1 Feb 2026"
    usd = functools.partial(present.money, currency={"code": "USD", "exponent": 2})
    refund = {"kind": "refund", "detail": {"sale_number": 12, "amount": 247, "reason": "stale",
                                           "approved_by": "Dara Chan"}}
    assert present.describe(refund, usd) == ("sale 12 · amount $2.47 · stale · "
                                             "approved by Dara Chan")
    assert present.describe({"detail": {"name": "Latte", "price": 380}}, usd) == (
        "Latte · price $3.80")
    assert present.describe({"detail": {"total": True, "price": "free"}}, usd) == ""


def test_the_audit_log_words_sales_and_refunds_in_the_shops_money(
    shop: Shop, app: Flask, trading: dict[str, Any]
) -> None:
    client = browser(app, MANAGER)
    refunds = text(client.get("/audit?kind=refund"))
    assert "sale 2 · amount $3.60 · stale · approved by Dara Chan" in refunds
    assert "sale 1 · amount $3.50 · spilled" in refunds
    assert "sale 3 · total $2.50" in text(client.get("/audit?kind=sale"))

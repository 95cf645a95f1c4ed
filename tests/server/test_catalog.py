"""``GET /api/v1/pos/catalog`` (SPEC §6): what a till sells, in the back office's order,
revalidated with its ETag; every change a till would see changes the ETag."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from werkzeug.test import TestResponse

from nixpos.core.clock import FakeClock
from nixpos.server.services import catalog, tenants
from nixpos.server.services.catalog import ProductFields
from tests.helpers import TENANT, Shop
from tests.server.selling import stock


def fetch(shop: Shop, till: str = "Till 1", etag: str | None = None) -> TestResponse:
    headers = {"X-Terminal-Key": shop.keys[till]}
    if etag:
        headers["If-None-Match"] = etag
    return shop.client.get("/api/v1/pos/catalog", headers=headers)


def test_the_catalog_has_the_shops_money_and_what_it_sells_in_order(shop: Shop) -> None:
    menu = stock(shop)
    response = fetch(shop)
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"')
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.json
    assert body["currency"] == {"code": "USD", "exponent": 2}
    assert (body["tax_rate_bp"], body["timezone"]) == (1000, "Asia/Phnom_Penh")
    assert [c["name"] for c in body["categories"]] == ["Coffee", "Tea", "Bakery"]
    assert [p["name"] for p in body["products"]] == [
        "Latte", "Espresso", "Green Tea", "Croissant", "Muffin"]
    assert body["products"][0] == {"id": menu["Latte"], "sku": "LAT-01", "name": "Latte",
                                   "category_id": body["categories"][0]["id"], "price": 350,
                                   "active": True}
    other = fetch(shop, "Other Till").json
    assert [p["name"] for p in other["products"]] == ["Other Latte"]


def test_an_unchanged_catalog_is_a_bodiless_304(shop: Shop) -> None:
    stock(shop)
    tag = fetch(shop).headers["ETag"]
    again = fetch(shop, etag=tag)
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == tag
    assert fetch(shop, etag='"0.0"').status_code == 200
    assert fetch(shop, etag="*").status_code == 304


def product(shop: Shop, name: str) -> int:
    return int(next(p["id"] for p in catalog.list_products(shop.ctx, TENANT)["products"]
                    if p["name"] == name))


def category(shop: Shop, name: str) -> int:
    return int(next(c["id"] for c in catalog.list_products(shop.ctx, TENANT)["categories"]
                    if c["name"] == name))


CHANGES: dict[str, Callable[[Shop], object]] = {
    "re-price": lambda shop: catalog.update_product(
        shop.ctx, TENANT, product(shop, "Latte"), ProductFields(price=375)),
    "rename": lambda shop: catalog.update_product(
        shop.ctx, TENANT, product(shop, "Latte"), ProductFields(name="Caffè Latte")),
    "add": lambda shop: catalog.add_product(
        shop.ctx, TENANT, ProductFields(name="Mocha", price=400, category="Coffee")),
    "move product": lambda shop: catalog.move_product(
        shop.ctx, TENANT, product(shop, "Espresso"), 1),
    "move category": lambda shop: catalog.move_category(
        shop.ctx, TENANT, category(shop, "Bakery"), 1),
    "rename category": lambda shop: catalog.update_category(
        shop.ctx, TENANT, category(shop, "Tea"), name="Teas"),
    "tax": lambda shop: tenants.set_money(shop.ctx, TENANT, tax_rate_bp=800),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_a_till_would_see_changes_the_etag(shop: Shop, change: str) -> None:
    stock(shop)
    before = fetch(shop)
    CHANGES[change](shop)
    after = fetch(shop, etag=before.headers["ETag"])
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.json != before.json


def test_the_order_follows_the_back_office(shop: Shop) -> None:
    stock(shop)
    catalog.move_category(shop.ctx, TENANT, category(shop, "Bakery"), 1)
    catalog.move_product(shop.ctx, TENANT, product(shop, "Muffin"), 1)
    body = fetch(shop).json
    assert [c["name"] for c in body["categories"]] == ["Bakery", "Coffee", "Tea"]
    assert [p["name"] for p in body["products"]] == [
        "Muffin", "Croissant", "Latte", "Espresso", "Green Tea"]


def test_inactive_products_and_categories_leave_the_till(shop: Shop) -> None:
    stock(shop)
    catalog.update_product(shop.ctx, TENANT, product(shop, "Muffin"),
                           ProductFields(active=False))
    catalog.update_category(shop.ctx, TENANT, category(shop, "Tea"), active=False)
    body = fetch(shop).json
    assert [c["name"] for c in body["categories"]] == ["Coffee", "Bakery"]
    assert [p["name"] for p in body["products"]] == ["Latte", "Espresso", "Croissant"]


def test_the_catalog_needs_an_active_tills_key(shop: Shop) -> None:
    no_key = shop.client.get("/api/v1/pos/catalog")
    assert no_key.status_code == 401 and no_key.json["error"] == "invalid_terminal"
    office = shop.login("sokha@lumiere.example")
    shop.admin("POST", f"terminals/{shop.till_ids['Till 3']}/deactivate", office)
    gone = fetch(shop, "Till 3")
    assert gone.status_code == 403 and gone.json["error"] == "terminal_deactivated"


def test_polls_carry_the_catalogs_etag_so_a_till_knows_to_fetch_it_again(
    shop: Shop, clock: FakeClock
) -> None:
    stock(shop)
    token = shop.unlock_ok("Till 1", "Mealea Sok")["token"]
    tag = fetch(shop).headers["ETag"]
    assert shop.poll("Till 1", token)["catalog_etag"] == tag
    catalog.update_product(shop.ctx, TENANT, product(shop, "Latte"), ProductFields(price=375))
    clock.advance(1)  # past the poll cache's second: answers change within one poll
    polled = shop.poll("Till 1", token)["catalog_etag"]
    assert polled != tag and polled == fetch(shop).headers["ETag"]
    activity = shop.pos("POST", "session/activity", "Till 1", token, json={}).json
    assert activity["catalog_etag"] == polled

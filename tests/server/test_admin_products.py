"""The back office's products and categories (SPEC §6): ``/api/v1/admin/products`` and
``/api/v1/admin/categories/<id>``, for managers and owners only."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from nixpos.server import security
from nixpos.server.models import AuditEvent, WebSession
from nixpos.server.services import catalog
from nixpos.server.services.catalog import ProductFields
from tests.helpers import OTHER_TENANT, Shop


@pytest.fixture
def office(shop: Shop) -> str:
    return shop.login("dara@lumiere.example")


def add(shop: Shop, office: str, **fields: Any) -> Any:
    return shop.admin("POST", "products", office, json=fields)


def test_a_manager_adds_a_product_and_its_category_appears(shop: Shop, office: str) -> None:
    added = add(shop, office, name="Latte", price=350, category="Coffee", sku="LAT-01")
    assert added.status_code == 201, added.json
    product = added.json
    assert (product["name"], product["price"], product["sku"], product["active"]) == (
        "Latte", 350, "LAT-01", True)
    assert product["category"] == "Coffee" and product["sellable"] is True
    listed = shop.admin("GET", "products", office).json
    assert listed["currency"] == {"code": "USD", "exponent": 2}
    assert [c["name"] for c in listed["categories"]] == ["Coffee"]
    assert listed["products"] == [product]
    # The same category whatever its case; no category at all is fine too.
    tea = add(shop, office, name="Tea", price=300, category="coffee").json
    assert tea["category_id"] == product["category_id"]
    plain = add(shop, office, name="Water", price=0).json
    assert (plain["category"], plain["sku"]) == (None, None)
    first = add(shop, office, name="Espresso", price=250, category="Coffee", position=1).json
    listed = shop.admin("GET", "products", office).json["products"]
    assert [p["name"] for p in listed] == ["Espresso", "Latte", "Tea", "Water"]
    assert first["position"] == 1


def test_skus_are_unique_in_a_shop_whatever_their_case(shop: Shop, office: str) -> None:
    add(shop, office, name="Latte", price=350, sku="LAT-01")
    again = add(shop, office, name="Iced Latte", price=400, sku="lat-01")
    assert again.status_code == 409
    assert again.json["error"] == "duplicate_sku"
    assert "lat-01" in again.json["message"]
    mocha = add(shop, office, name="Mocha", price=400, sku="MOC-01").json
    taken = shop.admin("PATCH", f"products/{mocha['id']}", office, json={"sku": "Lat-01"})
    assert taken.status_code == 409
    # Another shop may use the same SKU.
    theirs = catalog.add_product(shop.ctx, OTHER_TENANT,
                                 ProductFields(name="Latte", price=300, sku="LAT-01"))
    assert theirs["sku"] == "LAT-01"


def test_a_product_is_re_priced_renamed_moved_and_deactivated(shop: Shop, office: str
                                                              ) -> None:
    latte = add(shop, office, name="Latte", price=350, category="Coffee").json
    espresso = add(shop, office, name="Espresso", price=250, category="Coffee").json
    changed = shop.admin("PATCH", f"products/{latte['id']}", office, json={
        "name": "Caffè Latte", "price": 375, "category": "Hot Drinks", "sku": "LAT-02"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["name"], changed.json["price"], changed.json["category"],
            changed.json["sku"]) == ("Caffè Latte", 375, "Hot Drinks", "LAT-02")
    moved = shop.admin("PATCH", f"products/{espresso['id']}", office,
                       json={"category": "Hot Drinks", "position": 1})
    assert moved.json["position"] == 1
    names = [p["name"] for p in shop.admin("GET", "products", office).json["products"]]
    assert names == ["Espresso", "Caffè Latte"]
    off = shop.admin("PATCH", f"products/{latte['id']}", office, json={"active": False})
    assert (off.json["active"], off.json["sellable"]) == (False, False)
    cleared = shop.admin("PATCH", f"products/{latte['id']}", office,
                         json={"sku": None, "category": None})
    assert (cleared.json["sku"], cleared.json["category"]) == (None, None)


def test_categories_are_renamed_moved_and_deactivated(shop: Shop, office: str) -> None:
    for name, cat in (("Latte", "Coffee"), ("Tea", "Tea"), ("Croissant", "Bakery")):
        add(shop, office, name=name, price=300, category=cat)
    categories = {c["name"]: c["id"] for c in
                  shop.admin("GET", "products", office).json["categories"]}
    renamed = shop.admin("PATCH", f"categories/{categories['Tea']}", office,
                         json={"name": "Teas", "position": 1})
    assert renamed.status_code == 200
    assert (renamed.json["name"], renamed.json["position"]) == ("Teas", 1)
    clash = shop.admin("PATCH", f"categories/{categories['Bakery']}", office,
                       json={"name": "coffee"})
    assert clash.status_code == 400 and "already a category" in clash.json["message"]
    off = shop.admin("PATCH", f"categories/{categories['Bakery']}", office,
                     json={"active": False})
    assert off.json["active"] is False
    listed = shop.admin("GET", "products", office).json
    assert [c["name"] for c in listed["categories"]] == ["Teas", "Coffee", "Bakery"]
    croissant = next(p for p in listed["products"] if p["name"] == "Croissant")
    assert (croissant["active"], croissant["sellable"]) == (True, False)


@pytest.mark.parametrize(("fields", "says"), [
    ({"name": "Latte", "price": 3.5}, "'price'"),
    ({"name": "Latte", "price": "3.50"}, "'price'"),
    ({"name": "Latte", "price": -1}, "'price'"),
    ({"name": "Latte"}, "'price' is required"),
    ({"price": 350}, "'name' is required"),
    ({"name": "   ", "price": 350}, "cannot be empty"),
    ({"name": "Latte", "price": 350, "sku": "LAT 01"}, "SKU"),
    ({"name": "Latte", "price": 350, "active": "yes"}, "'active'"),
    ({"name": "Latte\n", "price": 350}, "control characters"),
])
def test_bad_products_are_refused_with_the_reason(
    shop: Shop, office: str, fields: dict[str, Any], says: str
) -> None:
    refused = add(shop, office, **fields)
    assert refused.status_code == 400, refused.json
    assert says in refused.json["message"]
    assert shop.admin("GET", "products", office).json["products"] == []


def test_only_the_shops_managers_and_owners_may(shop: Shop, office: str) -> None:
    latte = add(shop, office, name="Latte", price=350).json
    assert shop.client.get("/api/v1/admin/products").status_code == 401
    assert shop.client.post("/api/v1/admin/products", json={"name": "X"}).status_code == 401
    missing = shop.admin("PATCH", "products/99999", office, json={"price": 1})
    assert missing.status_code == 404
    # A cashier never signs in to the back office; should one hold a session, it is refused.
    token = security.new_token()
    with shop.ctx.db.write() as s:
        s.add(WebSession(tenant_id=1, staff_id=shop.ids["Mealea Sok"],
                         token_hash=security.token_hash(token), device_name="x", os="y",
                         created_at=shop.ctx.now(), last_active_at=shop.ctx.now()))
    for method, path in (("GET", "products"), ("PATCH", f"products/{latte['id']}"),
                         ("GET", "sales"), ("GET", "sales.csv")):
        refused = shop.admin(method, path, token, json={"price": 1})
        assert refused.status_code == 403, (path, refused.json)
        assert refused.json["error"] == "forbidden"


def test_catalog_changes_are_audited_with_who(shop: Shop, office: str) -> None:
    latte = add(shop, office, name="Latte", price=350).json
    shop.admin("PATCH", f"products/{latte['id']}", office, json={"price": 375})
    with shop.ctx.db.read() as s:
        events = [(e.kind, e.actor_id, e.detail) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.kind.like("product_%")).order_by(AuditEvent.id))]
    assert [(kind, actor) for kind, actor, _ in events] == [
        ("product_added", shop.ids["Dara Chan"]), ("product_changed", shop.ids["Dara Chan"])]
    assert events[1][2] == {"product_id": latte["id"], "price": 375}

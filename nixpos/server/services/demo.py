"""The demo shop ``lumiere-coffee`` (Lumière Coffee): people, tills, PINs, codes and a menu.

Running it again keeps the shop and hands out fresh PINs and codes, because
PINs are stored only as keyed hashes and cannot be shown twice. The café menu
(USD, 10 % tax included, Phnom Penh time) is added once: products already there
(by SKU) are left as the shop has them.
"""

from __future__ import annotations

import contextlib
import secrets

from sqlalchemy import select

from nixpos.server import security
from nixpos.server.errors import Conflict
from nixpos.server.models import Staff, Tenant
from nixpos.server.services import catalog, tenants, terminals
from nixpos.server.services import staff as staff_service
from nixpos.server.services.catalog import ProductFields
from nixpos.server.services.context import ServerContext
from nixpos.server.services.represent import Json, admin_staff_json

TENANT_CODE = "lumiere-coffee"
TENANT_NAME = "Lumière Coffee"
TILLS = ("Till 1", "Till 2")
PEOPLE = (
    ("Sokha Lim", "owner", "sokha@lumiere.example"),
    ("Dara Chan", "manager", "dara@lumiere.example"),
    ("Mealea Sok", "cashier", None),
    ("Vannak Kim", "cashier", None),
)
CURRENCY, TAX_RATE_BP, TIMEZONE = "USD", 1000, "Asia/Phnom_Penh"
# category, name, SKU, price in cents
MENU = (
    ("Coffee", "Espresso", "COF-ESP", 250),
    ("Coffee", "Americano", "COF-AME", 300),
    ("Coffee", "Latte", "COF-LAT", 350),
    ("Coffee", "Cappuccino", "COF-CAP", 350),
    ("Coffee", "Iced Latte", "COF-ICL", 400),
    ("Tea", "Green Tea", "TEA-GRN", 275),
    ("Tea", "Jasmine Tea", "TEA-JAS", 275),
    ("Tea", "Iced Lemon Tea", "TEA-LEM", 325),
    ("Bakery", "Croissant", "BAK-CRO", 275),
    ("Bakery", "Pain au Chocolat", "BAK-PAC", 325),
    ("Bakery", "Banana Muffin", "BAK-MUF", 300),
    ("Bakery", "Almond Cake", "BAK-ALM", 350),
    ("Cold Drinks", "Mango Smoothie", "CLD-MAN", 450),
    ("Cold Drinks", "Sparkling Water", "CLD-WAT", 150),
)


def create_demo(ctx: ServerContext) -> Json:
    with contextlib.suppress(Conflict):
        tenants.add_tenant(ctx, TENANT_CODE, TENANT_NAME)
    tenants.set_money(ctx, TENANT_CODE, currency_code=CURRENCY, tax_rate_bp=TAX_RATE_BP,
                      timezone=TIMEZONE)
    menu = _stock_menu(ctx)
    codes = [terminals.issue_enrollment_code(ctx, TENANT_CODE, till) for till in TILLS]
    people = []
    for name, role, email in PEOPLE:
        password = secrets.token_urlsafe(9) if email else None
        existing = _find(ctx, name)
        if existing is None:
            person = staff_service.add_staff(
                ctx, TENANT_CODE, name, role, email=email, password=password
            )
        else:
            person = _refresh(ctx, existing, password)
        people.append(person | {"password": password})
    return {
        "tenant": {"code": TENANT_CODE, "name": TENANT_NAME},
        "staff": people,
        "enrollment_codes": [
            {"terminal": c["terminal"]["name"], "code": c["code"], "expires_at": c["expires_at"]}
            for c in codes
        ],
        "menu": menu,
    }


def _stock_menu(ctx: ServerContext) -> Json:
    """The café menu, each product added unless its SKU is already there."""
    have = {p["sku"] for p in catalog.list_products(ctx, TENANT_CODE)["products"]}
    for category, name, sku, price in MENU:
        if sku not in have:
            catalog.add_product(ctx, TENANT_CODE, ProductFields(
                name=name, price=price, category=category, sku=sku))
    listed = catalog.list_products(ctx, TENANT_CODE)
    return {"products": len(listed["products"]), "categories": len(listed["categories"]),
            "currency": CURRENCY, "tax_rate_bp": TAX_RATE_BP, "timezone": TIMEZONE}


def _find(ctx: ServerContext, name: str) -> int | None:
    with ctx.db.read() as s:
        return s.scalar(
            select(Staff.id).join(Tenant).where(Tenant.code == TENANT_CODE, Staff.name == name)
        )


def _refresh(ctx: ServerContext, staff_id: int, password: str | None) -> Json:
    with ctx.db.write() as s:
        person = s.get_one(Staff, staff_id)
        pin = staff_service.reset_pin(s, ctx, person, actor=None)
        person.active = True
        if password:
            person.password_hash = security.hash_password(password)
        return admin_staff_json(person) | {"pin": pin}

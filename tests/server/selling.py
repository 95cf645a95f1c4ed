"""Selling helpers for the server tests: a café menu in the test shop, and a till that sells.

``Counter`` plays the till's part through the HTTP API exactly as SPEC §6 says
(``POST /pos/sales`` with the body ``core.cart.Cart.sale()`` makes); what it
sends is spelled out in each test, and the expected figures are written by
hand there, never recomputed here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from werkzeug.test import TestResponse

from nixpos.server.services import catalog, tenants
from nixpos.server.services.catalog import ProductFields
from tests.helpers import OTHER_TENANT, TENANT, Shop

# name, SKU, price in cents, category
MENU = (
    ("Latte", "LAT-01", 350, "Coffee"),
    ("Espresso", "ESP-01", 250, "Coffee"),
    ("Green Tea", "TEA-01", 300, "Tea"),
    ("Croissant", "CRO-01", 275, "Bakery"),
    ("Muffin", "MUF-01", 400, "Bakery"),
)


def stock(shop: Shop, tax_rate_bp: int = 1000, timezone: str = "Asia/Phnom_Penh"
          ) -> dict[str, int]:
    """Put the menu in Lumière Coffee (10 % tax included) and one product in the other
    shop ("Other Latte"); returns product ids by name."""
    tenants.set_money(shop.ctx, TENANT, tax_rate_bp=tax_rate_bp, timezone=timezone)
    ids = {}
    for name, sku, price, category in MENU:
        ids[name] = catalog.add_product(shop.ctx, TENANT, ProductFields(
            name=name, price=price, category=category, sku=sku))["id"]
    ids["Other Latte"] = catalog.add_product(shop.ctx, OTHER_TENANT, ProductFields(
        name="Other Latte", price=350))["id"]
    return ids


def line(product_id: int, quantity: int, unit_price: int,
         discount: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"product_id": product_id, "quantity": quantity, "unit_price": unit_price,
            "discount": discount}


def cash(amount: int, tendered: int | None = None) -> dict[str, Any]:
    return {"method": "cash", "amount": amount, "tendered": tendered or amount}


def card(amount: int) -> dict[str, Any]:
    return {"method": "card", "amount": amount, "tendered": None}


@dataclass
class Counter:
    """One till with someone signed in, selling through the API."""

    shop: Shop
    till: str
    person: str
    token: str = ""
    session_id: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.token:
            self.unlock()

    def unlock(self) -> None:
        unlocked = self.shop.unlock_ok(self.till, self.person)
        self.token, self.session_id = unlocked["token"], unlocked["session"]["id"]

    def body(self, lines: list[dict[str, Any]], payments: list[dict[str, Any]], *,
             discount: dict[str, Any] | None = None, voided: list[dict[str, Any]] | None = None,
             completed_at: datetime | None = None, client_id: str | None = None
             ) -> dict[str, Any]:
        moment = completed_at or self.shop.ctx.now()
        return {"client_id": client_id or uuid.uuid4().hex, "lines": lines,
                "discount": discount, "voided": voided or [], "payments": payments,
                "completed_at": moment.isoformat().replace("+00:00", "Z")}

    def post(self, body: dict[str, Any]) -> TestResponse:
        self.sent.append(body)
        return self.shop.pos("POST", "sales", self.till, self.token, json=body)

    def sell(self, lines: list[dict[str, Any]], payments: list[dict[str, Any]],
             **options: Any) -> TestResponse:
        return self.post(self.body(lines, payments, **options))

    def sold(self, lines: list[dict[str, Any]], payments: list[dict[str, Any]],
             **options: Any) -> dict[str, Any]:
        response = self.sell(lines, payments, **options)
        assert response.status_code == 201, response.json
        return dict(response.json or {})

    def approve(self, pin_of: str, action: str, detail: dict[str, Any]) -> int:
        response = self.shop.pos("POST", "override", self.till, self.token, json={
            "pin": self.shop.pins[pin_of], "action": action, "detail": detail})
        assert response.status_code == 201, response.json
        return int(response.json["approval"]["id"])

    def claim(self, approval_id: int, action: str) -> TestResponse:
        return self.shop.pos("POST", f"approvals/{approval_id}/use", self.till, self.token,
                             json={"action": action})

    def refund(self, sale_id: int, lines: list[dict[str, Any]], *, method: str = "cash",
               approval_id: int | None = None, reason: str = "wrong order",
               client_id: str | None = None) -> TestResponse:
        return self.shop.pos("POST", f"sales/{sale_id}/refunds", self.till, self.token, json={
            "client_id": client_id or uuid.uuid4().hex, "lines": lines, "method": method,
            "approval_id": approval_id, "reason": reason})

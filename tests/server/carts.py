"""Open-cart helpers for the server tests (SPEC §7): a cart's body, and the till's cart calls.

The figures a test expects are written by hand in the test, never recomputed here.
"""

from __future__ import annotations

from typing import Any

from werkzeug.test import TestResponse

from tests.helpers import Shop
from tests.server.selling import Counter, line


def cart_body(menu: dict[str, int], client_id: str = "cart-1",
              lines: list[dict[str, Any]] | None = None,
              discount: dict[str, Any] | None = None) -> dict[str, Any]:
    """Two Lattes and a Croissant (3 items, $9.75) unless ``lines`` says otherwise."""
    return {"client_id": client_id,
            "lines": [line(menu["Latte"], 2, 350), line(menu["Croissant"], 1, 275)]
            if lines is None else lines,
            "discount": discount, "voided": []}


def put_cart(till: Counter, body: dict[str, Any]) -> TestResponse:
    return till.shop.pos("PUT", "cart", till.till, till.token, json=body)


def mirrored(till: Counter, body: dict[str, Any]) -> dict[str, Any]:
    response = put_cart(till, body)
    assert response.status_code == 200, response.json
    return dict(response.json["cart"])


def cart_call(till: Counter, client_id: str, action: str) -> TestResponse:
    return till.shop.pos("POST", f"carts/{client_id}/{action}", till.till, till.token, json={})


def unlock_reply(shop: Shop, till: str, name: str, **extra: Any) -> TestResponse:
    return shop.client.post("/api/v1/pos/unlock", json={"pin": shop.pins[name], **extra},
                            headers={"X-Terminal-Key": shop.keys[till]})

"""The OpenAPI description of SPEC §7: the open cart, parked carts and their resume/discard.

Shapes shared with selling (a cart's lines are a sale's) come from ``openapi_selling``;
the fields §7 adds to older shapes (``Session.parked_cart``, the unlock's
``parked_carts``, ``Policy.ask_before_takeover``) are written where those shapes are.
"""

from __future__ import annotations

from nixpos.core.reasons import EndReason
from nixpos.server.api.openapi_kit import (
    INT,
    POS,
    SESSION_ERRORS,
    STR,
    TIME,
    Schema,
    array,
    nullable,
    obj,
    op,
    ref,
)
from nixpos.server.api.openapi_selling import CART_BODY, CART_FIELDS, MONEY
from nixpos.server.api.sale_body import CLIENT_ID_PATTERN
from nixpos.server.errors import CartTaken, NotFound, UnknownProduct

_CART_KEYS = ["client_id", "lines", "discount", "voided", "items", "total", "updated_at"]
_REASON: Schema = {"type": "string", "enum": [r.value for r in EndReason]}

SCHEMAS: dict[str, Schema] = {
    "Cart": obj(_CART_KEYS, **CART_FIELDS, items=INT, total=MONEY, updated_at=TIME),
    "ParkedCart": {"allOf": [ref("Cart"), obj(
        ["parked_at", "parked_on", "reason"], parked_at=TIME, parked_on=ref("Terminal"),
        reason=_REASON)]},
    # What an ended session's end parked, as the till it was taken from is told it.
    "ParkedCartSummary": obj(["client_id", "items", "total"], client_id=STR, items=INT,
                             total=MONEY),
    # The back office: a live session's open cart, and every parked cart of the shop.
    "OpenCart": obj(["client_id", "items", "total", "updated_at"], client_id=STR, items=INT,
                    total=MONEY, updated_at=TIME),
    "ShopParkedCart": obj(
        ["client_id", "items", "total", "parked_at", "parked_on", "reason", "staff"],
        client_id=STR, items=INT, total=MONEY, parked_at=TIME, parked_on=ref("Terminal"),
        reason=_REASON, staff=ref("Staff"), lines=array({"type": "object"})),
}

CART_PARAM: Schema = {"name": "client_id", "in": "path", "required": True,
                      "schema": {"type": "string", "pattern": CLIENT_ID_PATTERN}}
CART_ANSWER = obj(["cart"], cart=ref("Cart"))

PATHS: dict[str, Schema] = {
    "/api/v1/pos/cart": {
        "put": op("Mirror the till's open cart; it becomes this session's one live cart",
                  (200, CART_ANSWER), UnknownProduct, CartTaken, *SESSION_ERRORS,
                  body=CART_BODY, security=POS),
        "delete": op("The till's cart was emptied or sold: no open cart (idempotent)",
                     (204, {}), *SESSION_ERRORS, security=POS),
    },
    "/api/v1/pos/carts/{client_id}/resume": {"post": op(
        "Continue one of this person's parked carts here (exactly one of two racing "
        "resumes wins)", (200, CART_ANSWER), NotFound, CartTaken, *SESSION_ERRORS,
        body={"type": "object"}, security=POS, params=[CART_PARAM],
    )},
    "/api/v1/pos/carts/{client_id}/discard": {"post": op(
        "Discard one of this person's parked carts (audited)", (200, CART_ANSWER),
        NotFound, CartTaken, *SESSION_ERRORS, body={"type": "object"}, security=POS,
        params=[CART_PARAM],
    )},
}
# No body on a 204.
PATHS["/api/v1/pos/cart"]["delete"]["responses"]["204"] = {"description": "No open cart now"}

UNLOCK_PARKED = {"parked_carts": array(ref("ParkedCart"))}
SESSION_PARKED = {"parked_cart": nullable(ref("ParkedCartSummary"))}
OPEN_SALE_FIELDS: Schema = {"terminal": ref("Terminal"), "items": INT, "total": MONEY,
                            "staff": ref("Staff")}

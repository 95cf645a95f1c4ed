"""The OpenAPI description of selling (SPEC §6): catalog, sales, refunds, products, reports.

Bounds here are the ones ``api.sale_body`` and ``api.body`` enforce, so what
the document calls invalid the server refuses (schemathesis checks that).
"""

from __future__ import annotations

from nixpos.core.money import MAX_AMOUNT
from nixpos.core.pricing import MAX_LINES, MAX_QUANTITY, MAX_UNIT_PRICE
from nixpos.server.api.admin_selling import MAX_OFFSET, MAX_POSITION, MAX_SKU
from nixpos.server.api.openapi_kit import (
    ADMIN,
    ADMIN_ACT_ERRORS,
    ADMIN_ERRORS,
    BOOL,
    INT,
    KEY,
    POS,
    SESSION_ERRORS,
    STR,
    TERMINAL_ERRORS,
    TIME,
    Schema,
    array,
    id_param,
    nullable,
    obj,
    op,
    query_param,
    ref,
    text,
    whole,
)
from nixpos.server.api.sale_body import (
    CLIENT_ID_PATTERN,
    DISCOUNT_KINDS,
    MAX_PAYMENTS,
    MAX_REASON,
    METHODS,
)
from nixpos.server.api.selling import RECENT_DEFAULT
from nixpos.server.errors import (
    ApprovalInvalid,
    ApprovalRequired,
    DuplicateClientId,
    DuplicateSku,
    Forbidden,
    InvalidProof,
    NotFound,
    OverRefund,
    PaymentMismatch,
    PriceChanged,
    SessionNotActive,
    TooLate,
    UnknownProduct,
)
from nixpos.server.models import MAX_ID
from nixpos.server.services.catalog import MAX_CATEGORY_NAME, MAX_PRODUCT_NAME
from nixpos.server.services.reports import PAGE_DEFAULT, PAGE_MAX
from nixpos.server.services.sale_json import FLAGS
from nixpos.server.services.sales import RECENT_MAX

STAFF = ref("Staff")
ID = whole(1, MAX_ID)
METHOD: Schema = {"type": "string", "enum": list(METHODS)}
MONEY = INT  # whole minor units (cents for USD)

SCHEMAS: dict[str, Schema] = {
    "Currency": obj(["code", "exponent"], code=STR, exponent=INT),
    "Product": obj(["id", "sku", "name", "category_id", "price", "active"], id=INT,
                   sku=nullable(STR), name=STR, category_id=nullable(INT), price=MONEY,
                   active=BOOL),
    "Category": obj(["id", "name"], id=INT, name=STR),
    "Catalog": obj(["currency", "tax_rate_bp", "timezone", "categories", "products"],
                   currency=ref("Currency"), tax_rate_bp=INT, timezone=STR,
                   categories=array(ref("Category")), products=array(ref("Product"))),
    "AdminProduct": {"allOf": [ref("Product"), obj(
        ["category", "position", "sellable"], category=nullable(STR), position=INT,
        sellable=BOOL)]},
    "AdminCategory": {"allOf": [ref("Category"), obj(["position", "active"], position=INT,
                                                     active=BOOL)]},
    "Discount": obj(["kind", "value", "approval_id"],
                    kind={"type": "string", "enum": list(DISCOUNT_KINDS)}, value=INT,
                    approval_id=nullable(INT), amount=MONEY),
    "SaleLine": obj(
        ["id", "product_id", "name", "quantity", "unit_price", "discount_amount", "total"],
        id=INT, product_id=INT, sku=nullable(STR), name=STR, quantity=INT, unit_price=MONEY,
        discount=nullable(ref("Discount")), discount_amount=MONEY, total=MONEY, net=MONEY,
        refunded_quantity=INT, refunded_amount=MONEY),
    "Payment": obj(["method", "amount", "tendered", "change"], method=METHOD, amount=MONEY,
                   tendered=nullable(MONEY), change=MONEY),
    "Refund": obj(
        ["id", "sale_id", "client_id", "lines", "amount", "method", "staff", "approved_by",
         "created_at"],
        id=INT, sale_id=INT, client_id=STR,
        lines=array(obj(["line_id", "quantity", "amount"], line_id=INT, quantity=INT,
                        amount=MONEY)),
        amount=MONEY, method=METHOD, reason=STR, staff=STAFF, approved_by=nullable(STAFF),
        approval_id=nullable(INT), created_at=TIME),
    "Sale": obj(
        ["id", "number", "client_id", "session_id", "staff", "terminal", "lines", "voided",
         "subtotal", "discount_total", "total", "tax_included", "payments", "change",
         "refunded", "refunds", "completed_at", "received_at", "flags"],
        id=INT, number=INT, client_id=STR, session_id=INT, staff=STAFF,
        terminal=ref("Terminal"), lines=array(ref("SaleLine")),
        voided=array(obj(["product_id", "name", "quantity"], product_id=INT, name=STR,
                         quantity=INT, approval_id=nullable(INT))),
        gross=MONEY, subtotal=MONEY, discount=nullable(ref("Discount")),
        discount_total=MONEY, total=MONEY, tax_included=MONEY,
        payments=array(ref("Payment")), change=MONEY, refunded=MONEY,
        refunds=array(ref("Refund")), completed_at=TIME, received_at=TIME,
        flags=array({"type": "string", "enum": list(FLAGS)})),
    "OfficeSale": {"allOf": [ref("Sale"), obj(["approvals"], approvals=array(obj(
        ["id", "action", "detail", "approved_by"], id=INT, action=STR,
        detail={"type": "object"}, approved_by=STAFF, approved_at=TIME,
        used_at=nullable(TIME))))]},
    "Totals": obj(["count", "gross", "discounts", "refunds", "net", "by_method"],
                  count=INT, gross=MONEY, discounts=MONEY, refunds=MONEY, net=MONEY,
                  tax_included=MONEY,
                  by_method={"type": "object", "additionalProperties": MONEY}),
    "Report": obj(
        ["from", "to", "timezone", "currency", "sales", "totals", "by_staff", "by_terminal",
         "offset", "limit", "next_offset"],
        offset=INT, limit=INT, next_offset=nullable(INT),
        **{"from": {"type": "string", "format": "date"}},
        to={"type": "string", "format": "date"}, timezone=STR, currency=ref("Currency"),
        sales=array(ref("Sale")), totals=ref("Totals"),
        by_staff=array({"allOf": [ref("Totals"), obj(["staff"], staff=STAFF)]}),
        by_terminal=array({"allOf": [ref("Totals"), obj(["terminal"],
                                                          terminal=ref("Terminal"))]})),
}

ETAG = {"ETag": {"description": "The catalog's version; send it back as If-None-Match",
                 "required": True, "schema": STR}}
DISCOUNT_BODY = nullable(obj(["kind", "value"],
                             kind={"type": "string", "enum": list(DISCOUNT_KINDS)},
                             value=whole(1, MAX_AMOUNT), approval_id=nullable(ID)))
CLIENT_ID: Schema = {"type": "string", "pattern": CLIENT_ID_PATTERN,
                     "description": "Made by the till when the cart opens (e.g. a UUID)"}
def _lines(min_items: int) -> Schema:
    return array(obj(["product_id", "quantity", "unit_price"], product_id=ID,
                     quantity=whole(1, MAX_QUANTITY), unit_price=whole(0, MAX_UNIT_PRICE),
                     discount=DISCOUNT_BODY), MAX_LINES, min_items)


# An open cart (SPEC §7.1) is a sale's body less its payments and time; it may have no
# lines yet.
CART_FIELDS: dict[str, Schema] = {
    "client_id": CLIENT_ID,
    "lines": _lines(0),
    "discount": DISCOUNT_BODY,
    "voided": nullable(array(obj(["product_id", "quantity"], product_id=ID,
                                 quantity=whole(1, MAX_QUANTITY), approval_id=nullable(ID)),
                             MAX_LINES)),
}
CART_BODY = obj(["client_id"], **CART_FIELDS)
SALE_BODY = obj(
    ["client_id", "lines", "completed_at"],
    **(CART_FIELDS | {"lines": _lines(1)}),
    payments=nullable(array(obj(["method", "amount"], method=METHOD,
                                amount=whole(1, MAX_AMOUNT),
                                tendered=nullable(whole(1, MAX_AMOUNT))), MAX_PAYMENTS)),
    completed_at=TIME,
    # SPEC §7.4: a sale queued offline whose session's token is gone names its session
    # and proves it, instead of a bearer.
    session_id={**ID, "description": "Without a bearer: the session the sale was made in"},
    proof={"type": "string", "description": "Without a bearer: hex HMAC-SHA256 of client_id "
                                            "keyed with SHA-256(token) as raw bytes"},
)
REFUND_BODY = obj(
    ["client_id", "lines", "method", "reason"],
    client_id=CLIENT_ID,
    lines=array(obj(["line_id", "quantity"], line_id=ID, quantity=whole(1, MAX_QUANTITY)),
                MAX_LINES, 1),
    method=METHOD, approval_id=nullable(ID), reason=text(MAX_REASON),
)


def product_body(required: list[str]) -> Schema:
    return obj(required, name=text(MAX_PRODUCT_NAME), price=whole(0, MAX_UNIT_PRICE),
               category=nullable(text(MAX_CATEGORY_NAME)), sku=nullable(text(MAX_SKU)),
               active=BOOL, position=nullable(whole(1, MAX_POSITION)))


# A filter left empty means "all" (or today), as a form with nothing chosen sends it.
ANY_ID: Schema = {"type": "string", "pattern": "^[0-9]{0,10}$"}
ANY_DAY: Schema = {"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"}
REPORT_PARAMS = [
    query_param("from", ANY_DAY,
                "First local day (YYYY-MM-DD, the shop's time zone); default today"),
    query_param("to", ANY_DAY, "Last local day; default from"),
    query_param("terminal_id", ANY_ID, "Only this till's sales"),
    query_param("staff_id", ANY_ID, "Only this person's sales"),
    query_param("method", {"type": "string", "enum": ["", *METHODS]},
                "Only sales with a payment of this method"),
    query_param("flag", {"type": "string", "enum": ["", *FLAGS]},
                "Only sales with this flag (received late, or after their session ended)"),
]
REPORT_ERRORS = (*ADMIN_ERRORS, Forbidden)

PATHS: dict[str, Schema] = {
    "/api/v1/pos/catalog": {"get": op(
        "What this till sells: currency, tax, categories and products, with an ETag",
        (200, ref("Catalog")), *TERMINAL_ERRORS, security=[KEY], ok_headers=ETAG,
        params=[{"name": "If-None-Match", "in": "header", "required": False, "schema": STR,
                 "description": "The ETag the till holds: 304 if still current"}],
        also={304: {"description": "Not modified: the till's catalog is current",
                    "headers": ETAG}},
    )},
    "/api/v1/pos/sales": {
        "post": op(
            "Record a paid sale (the server recomputes it); a retry returns the same sale. "
            "A sale queued offline may come with the till's key, session_id and proof "
            "instead of a bearer.",
            (201, ref("Sale")), UnknownProduct, PriceChanged, ApprovalRequired,
            ApprovalInvalid, PaymentMismatch, DuplicateClientId, InvalidProof, TooLate,
            *SESSION_ERRORS, body=SALE_BODY, security=[*POS, KEY],
            also={200: {"description": "A retry: the sale this client_id already recorded",
                        "content": {"application/json": {"schema": ref("Sale")}}}},
        ),
        "get": op(
            "This till's newest sales first", (200, obj(["sales"], sales=array(ref("Sale")))),
            *SESSION_ERRORS, security=POS,
            params=[query_param("limit", whole(1, RECENT_MAX),
                                f"How many (default {RECENT_DEFAULT})")],
        ),
    },
    "/api/v1/pos/sales/{sale_id}": {"get": op(
        "One of this shop's sales", (200, ref("Sale")), NotFound, *SESSION_ERRORS,
        security=POS, params=[id_param("sale_id")],
    )},
    "/api/v1/pos/sales/{sale_id}/refunds": {"post": op(
        "Refund lines of a sale (needs a live session); a retry returns the same refund",
        (201, ref("Refund")), SessionNotActive, ApprovalRequired, ApprovalInvalid, NotFound,
        OverRefund, DuplicateClientId, *SESSION_ERRORS, body=REFUND_BODY, security=POS,
        params=[id_param("sale_id")],
        also={200: {"description": "A retry: the refund this client_id already made",
                    "content": {"application/json": {"schema": ref("Refund")}}}},
    )},
    "/api/v1/admin/products": {
        "get": op("Every product and category, in the till's order", (200, obj(
            ["currency", "categories", "products"], currency=ref("Currency"),
            categories=array(ref("AdminCategory")), products=array(ref("AdminProduct")))),
            *ADMIN_ERRORS, Forbidden, security=ADMIN),
        "post": op("Add a product (price in minor units; category by name, made if new)",
                   (201, ref("AdminProduct")), *ADMIN_ERRORS, Forbidden, DuplicateSku,
                   body=product_body(["name", "price"]), security=ADMIN),
    },
    "/api/v1/admin/products/{product_id}": {"patch": op(
        "Change, re-price, move or (de)activate a product", (200, ref("AdminProduct")),
        *ADMIN_ACT_ERRORS, DuplicateSku, body=product_body([]), security=ADMIN,
        params=[id_param("product_id")],
    )},
    "/api/v1/admin/categories/{category_id}": {"patch": op(
        "Rename, move or (de)activate a category", (200, ref("AdminCategory")),
        *ADMIN_ACT_ERRORS,
        body=obj([], name=text(MAX_CATEGORY_NAME), active=BOOL,
                 position=nullable(whole(1, MAX_POSITION))),
        security=ADMIN, params=[id_param("category_id")],
    )},
    "/api/v1/admin/sales": {"get": op(
        "Totals of a range of the shop's local days, and a page of its sales (oldest first)",
        (200, ref("Report")), *REPORT_ERRORS, security=ADMIN, params=[
            *REPORT_PARAMS,
            query_param("offset", whole(0, MAX_OFFSET), "Sales to skip (next_offset)"),
            query_param("limit", whole(1, PAGE_MAX), f"Sales per page (default {PAGE_DEFAULT})"),
        ],
    )},
    "/api/v1/admin/sales.csv": {"get": op(
        "The same report as CSV, one row per sale, amounts in major units",
        (200, STR), *REPORT_ERRORS, security=ADMIN, params=REPORT_PARAMS, ok_type="text/csv",
    )},
    "/api/v1/admin/sales/{sale_id}": {"get": op(
        "One sale with who approved what", (200, ref("OfficeSale")), *ADMIN_ACT_ERRORS,
        security=ADMIN, params=[id_param("sale_id")],
    )},
}

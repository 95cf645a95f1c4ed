"""``/api/v1/admin/…`` for selling (SPEC §6): products, categories and the sales report.

Managers and owners only; the web pages call the same ``Admin`` methods.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from nixpos.core.pricing import MAX_UNIT_PRICE
from nixpos.server.api import body
from nixpos.server.api.admin import admin
from nixpos.server.errors import Unauthorized
from nixpos.server.services.backoffice import Admin
from nixpos.server.services.catalog import (
    KEEP,
    MAX_CATEGORY_NAME,
    MAX_PRODUCT_NAME,
    Keep,
    ProductFields,
)
from nixpos.server.services.reports import PAGE_DEFAULT, PAGE_MAX, query_from_args
from nixpos.server.services.represent import Json

bp = Blueprint("admin_selling", __name__, url_prefix="/api/v1/admin")
MAX_SKU = 64
MAX_POSITION = 100_000
MAX_OFFSET = 10_000_000


def _fields(data: dict[str, Any], *, new: bool) -> ProductFields:
    """The product fields present in ``data``; a new product needs name and price."""
    def given(name: str) -> bool:
        return (new and name in ("name", "price")) or name in data

    return ProductFields(
        name=body.text(data, "name", max_length=MAX_PRODUCT_NAME) if given("name") else KEEP,
        price=body.integer(data, "price", low=0, high=MAX_UNIT_PRICE) if given("price")
        else KEEP,
        category=body.optional_text(data, "category", max_length=MAX_CATEGORY_NAME)
        if given("category") else KEEP,
        sku=body.optional_text(data, "sku", max_length=MAX_SKU) if given("sku") else KEEP,
        active=body.flag(data, "active") if given("active") else KEEP,
    )


def _position(data: dict[str, Any]) -> int | None:
    return body.optional_integer(data, "position", low=1, high=MAX_POSITION)


@bp.get("/products")
def products() -> Json:
    return admin().products()


def signed_in() -> Admin:
    """The back office; without a bearer it is refused (401) before the body is read."""
    if not body.bearer():
        raise Unauthorized()
    return admin()


@bp.post("/products")
def add_product() -> tuple[Json, int]:
    office = signed_in()
    data = body.json_object()
    return office.add_product(_fields(data, new=True), position=_position(data)), 201


@bp.patch("/products/<int:product_id>")
def change_product(product_id: int) -> Json:
    office = signed_in()
    data = body.json_object()
    return office.update_product(product_id, _fields(data, new=False),
                                  position=_position(data))


@bp.patch("/categories/<int:category_id>")
def change_category(category_id: int) -> Json:
    office = signed_in()
    data = body.json_object()
    name: str | Keep = body.text(data, "name", max_length=MAX_CATEGORY_NAME) \
        if "name" in data else KEEP
    active: bool | Keep = body.flag(data, "active") if "active" in data else KEEP
    return office.update_category(category_id, name=name, active=active,
                                   position=_position(data))


@bp.get("/sales")
def sales_report() -> Json:
    office = admin()
    office.authenticate()  # a stranger learns nothing, not even which queries are wrong
    return office.sales_report(query_from_args(request.args),
                               offset=body.query_int("offset", 0, 0, MAX_OFFSET),
                               limit=body.query_int("limit", PAGE_DEFAULT, 1, PAGE_MAX))


@bp.get("/sales.csv")
def sales_csv() -> Response:
    office = admin()
    office.authenticate()
    query = query_from_args(request.args)
    text, filename = office.sales_csv(query)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


@bp.get("/sales/<int:sale_id>")
def sale(sale_id: int) -> Json:
    return admin().sale(sale_id)


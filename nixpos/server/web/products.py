"""The products page (SPEC §6): the menu by category in the till's order; adding,
editing, re-pricing, re-ordering and (de)activating products; renaming, re-ordering and
(de)activating categories.

Prices are typed in major units ("3.50") and read exactly in the shop's currency by
``Admin.parse_price`` ("3.505" is refused, saying why); unique SKUs, names and positions
are the catalog service's rules. A refused product form comes back with what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Response, flash, redirect, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from nixpos.server.errors import InvalidRequest, NixposError, NotFound, Unauthorized
from nixpos.server.services.backoffice import Admin
from nixpos.server.services.catalog import ProductFields
from nixpos.server.services.represent import Json
from nixpos.server.web import present
from nixpos.server.web.pages import act, bp, page, url_for
from nixpos.server.web.signin import admin, signed_in

MAX_POSITION = 100_000
Form = MultiDict[str, str]


@dataclass
class Group:
    """A category (None: products without one) and its products, in the till's order."""

    category: Json | None
    products: list[Json] = field(default_factory=list)


def grouped(catalog: Json) -> list[Group]:
    """Every category, even an empty one (so it can be renamed or moved), then the
    products without a category if there are any."""
    groups = {c["id"]: Group(c) for c in catalog["categories"]}
    loose = Group(None)
    for product in catalog["products"]:
        groups.get(product["category_id"], loose).products.append(product)
    return [*groups.values(), *([loose] if loose.products else [])]


def products_page(status: int = 200, problems: tuple[str, ...] = (),
                  form: Form | None = None) -> Response:
    catalog = admin().products()
    return page("products.html", status, groups=grouped(catalog),
                categories=catalog["categories"], currency=catalog["currency"],
                problems=problems, form=form)


def product_fields(office: Admin, form: Form) -> ProductFields:
    """The product form as the catalog takes it; blank SKU or category means none."""
    return ProductFields(
        name=form.get("name", ""), price=office.parse_price(form.get("price", "")),
        category=form.get("category", "").strip() or None,
        sku=form.get("sku", "").strip() or None)


def position() -> int:
    """Where a product or category moves to (1 = first), as the arrows send it."""
    raw = request.form.get("to", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6
            and 1 <= int(raw) <= MAX_POSITION):
        raise InvalidRequest("That move did not say where to. Use the arrows on the "
                             "products page.")
    return int(raw)


def priced(product: Json) -> str:
    return present.money(product["price"], admin().whoami()["currency"])


# -- products --------------------------------------------------------------------------


@bp.get("/products")
@signed_in
def products() -> Response:
    return products_page()


@bp.post("/products")
@signed_in
def add_product() -> BaseResponse:
    office = admin()
    try:
        added = office.add_product(product_fields(office, request.form))
    except Unauthorized:
        raise
    except NixposError as error:
        return products_page(error.status, (error.message,), request.form)
    where = f" in {added['category']}" if added["category"] else ""
    flash(f"Added {added['name']}{where} at {priced(added)}. The tills offer it at their "
          "next catalog check.", "ok")
    return redirect(url_for("products", _anchor=f"product-{added['id']}"))


def find_product(office: Admin, product_id: int) -> tuple[Json, Json]:
    """The product with its shop's catalog, or the page says there is none."""
    catalog = office.products()
    for product in catalog["products"]:
        if product["id"] == product_id:
            return product, catalog
    raise NotFound(f"No product with id {product_id} in this shop. Go back to Products.")


def edit_page(product_id: int, status: int = 200, problems: tuple[str, ...] = (),
              form: Form | None = None) -> Response:
    product, catalog = find_product(admin(), product_id)
    return page("product.html", status, product=product, categories=catalog["categories"],
                currency=catalog["currency"], problems=problems, form=form)


@bp.get("/products/<int:product_id>")
@signed_in
def product(product_id: int) -> Response:
    return edit_page(product_id)


@bp.post("/products/<int:product_id>")
@signed_in
def edit_product(product_id: int) -> BaseResponse:
    office = admin()
    try:
        saved = office.update_product(product_id, product_fields(office, request.form))
    except Unauthorized:
        raise
    except NotFound:
        raise  # the page says so, with a way back
    except NixposError as error:
        return edit_page(product_id, error.status, (error.message,), request.form)
    flash(f"Saved {saved['name']}: {priced(saved)}.", "ok")
    return redirect(url_for("products", _anchor=f"product-{saved['id']}"))


@bp.post("/products/<int:product_id>/<any(deactivate, reactivate):change>")
@signed_in
def set_product_active(product_id: int, change: str) -> BaseResponse:
    def work() -> str:
        done = admin().update_product(product_id, ProductFields(active=change == "reactivate"))
        if not done["active"]:
            return f"{done['name']} is deactivated: the tills stop offering it."
        if not done["sellable"]:
            return (f"{done['name']} is active again, but its category {done['category']} "
                    "is deactivated: reactivate the category to sell it.")
        return f"{done['name']} is back on the tills."

    return act(work, "products", _anchor=f"product-{product_id}")


@bp.post("/products/<int:product_id>/move")
@signed_in
def move_product(product_id: int) -> BaseResponse:
    def work() -> str:
        moved = admin().move_product(product_id, position())
        among = moved["category"] or "the products without a category"
        return f"{moved['name']} is now number {moved['position']} in {among}."

    return act(work, "products", _anchor=f"product-{product_id}")


# -- categories --------------------------------------------------------------------------


@bp.post("/categories")
@signed_in
def add_category() -> BaseResponse:
    def work() -> str:
        added = admin().add_category(request.form.get("name", ""))
        return f"The category {added['name']} is there; add products to it above."

    return act(work, "products")


@bp.post("/categories/<int:category_id>")
@signed_in
def rename_category(category_id: int) -> BaseResponse:
    def work() -> str:
        renamed = admin().update_category(category_id, name=request.form.get("name", ""))
        return f"The category is now called {renamed['name']}."

    return act(work, "products", _anchor=f"category-{category_id}")


@bp.post("/categories/<int:category_id>/<any(deactivate, reactivate):change>")
@signed_in
def set_category_active(category_id: int, change: str) -> BaseResponse:
    def work() -> str:
        done = admin().update_category(category_id, active=change == "reactivate")
        if done["active"]:
            return f"{done['name']} is back on the tills, with its active products."
        return f"{done['name']} is deactivated: its products leave the tills."

    return act(work, "products", _anchor=f"category-{category_id}")


@bp.post("/categories/<int:category_id>/move")
@signed_in
def move_category(category_id: int) -> BaseResponse:
    def work() -> str:
        moved = admin().update_category(category_id, position=position())
        return f"{moved['name']} is now number {moved['position']} among the categories."

    return act(work, "products", _anchor=f"category-{category_id}")


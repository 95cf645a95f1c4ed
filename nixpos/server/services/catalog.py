"""The shop's catalog (SPEC §6): categories and products, what its tills sell.

Every change a till would see — a product or category added, renamed,
re-priced, re-ordered or (de)activated, the shop's currency or tax — raises the
shop's ``catalog_version``, which is the catalog's ETag: a till revalidates
with ``If-None-Match`` and gets ``304`` until something changed.

A product is *sellable* when it is active and so is its category; the till's
catalog holds only those, in the back office's order (categories by position,
then products by position within their category, uncategorised last).

The back office (JSON API and web pages) and the CLI call the same functions
here, each one transaction, each change audited with who made it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nixpos.core.money import AmountError, Currency, currency, parse_amount
from nixpos.core.pricing import MAX_UNIT_PRICE
from nixpos.server.db import ROW_LOCK
from nixpos.server.errors import DuplicateSku, InvalidRequest, NotFound
from nixpos.server.models import MAX_ID, Category, Product, Staff, Tenant
from nixpos.server.services import audit
from nixpos.server.services.context import ServerContext
from nixpos.server.services.represent import Json, catalog_tag
from nixpos.server.services.tenants import catalog_changed, get_tenant, validated_name
from nixpos.server.services.terminals import authenticate
from nixpos.server.text import is_text

SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}", re.ASCII)
MAX_PRODUCT_NAME = 200
MAX_CATEGORY_NAME = 100


class Keep(enum.Enum):
    """A field a change leaves as it is (``None`` can mean "no category" or "no SKU")."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class ProductFields:
    """What to set on a product; ``KEEP`` leaves a field alone (a new product needs a
    name and a price)."""

    name: str | Keep = KEEP
    price: int | Keep = KEEP  # minor units
    category: str | Keep | None = KEEP  # by name, created if new; None: no category
    sku: str | Keep | None = KEEP
    active: bool | Keep = KEEP


# -- the JSON shapes ----------------------------------------------------------------------


def product_json(product: Product) -> Json:
    """SPEC §6's ``Product``."""
    return {"id": product.id, "sku": product.sku, "name": product.name,
            "category_id": product.category_id, "price": product.price,
            "active": product.active}


def admin_product_json(product: Product) -> Json:
    category = product.category
    return product_json(product) | {
        "category": category.name if category else None,
        "position": product.position,
        "sellable": product.sellable,
    }


def category_json(category: Category) -> Json:
    return {"id": category.id, "name": category.name}


def admin_category_json(category: Category) -> Json:
    return category_json(category) | {"position": category.position,
                                      "active": category.active}


def currency_json(tenant: Tenant) -> Json:
    return currency(tenant.currency).to_json()


def etag(tenant: Tenant) -> str:
    """The catalog's entity tag, unquoted (HTTP quotes it)."""
    return catalog_tag(tenant.id, tenant.catalog_version)


# -- the till's catalog -----------------------------------------------------------------


def till_catalog(ctx: ServerContext, key: str | None, tenant_header: str | None,
                 unchanged: Callable[[str], bool]) -> tuple[str, Json | None]:
    """``GET /pos/catalog``: the ETag, and the catalog unless ``unchanged(etag)`` (the
    till's ``If-None-Match``), when it is None: a 304 loads no product at all."""
    with ctx.db.read() as s:
        tenant = authenticate(s, key, tenant_header).tenant
        tag = etag(tenant)
        if unchanged(tag):
            return tag, None
        categories = _ordered_categories(s, tenant.id)
        live = {c.id for c in categories if c.active}
        products = [p for p in _ordered_products(s, tenant.id, categories)
                    if p.active and (p.category_id is None or p.category_id in live)]
        return tag, {
            "currency": currency_json(tenant),
            "tax_rate_bp": tenant.tax_rate_bp,
            "timezone": tenant.timezone,
            "categories": [category_json(c) for c in categories if c.active],
            "products": [product_json(p) for p in products],
        }


def _ordered_categories(s: Session, tenant_id: int) -> list[Category]:
    return list(s.scalars(select(Category).where(Category.tenant_id == tenant_id)
                          .order_by(Category.position, Category.id)))


def _ordered_products(s: Session, tenant_id: int, categories: list[Category]) -> list[Product]:
    """Grouped by category in the categories' order, uncategorised last."""
    rank = {c.id: n for n, c in enumerate(categories)}
    products = s.scalars(select(Product).where(Product.tenant_id == tenant_id))
    return sorted(products, key=lambda p: (
        rank.get(p.category_id, len(rank)) if p.category_id is not None else len(rank) + 1,
        p.position, p.id))


# -- the back office ----------------------------------------------------------------------


def list_products(ctx: ServerContext, tenant_code: str) -> Json:
    """Every product (sellable or not) and category, in the till's order."""
    with ctx.db.read() as s:
        tenant = get_tenant(s, tenant_code)
        categories = _ordered_categories(s, tenant.id)
        return {
            "currency": currency_json(tenant),
            "categories": [admin_category_json(c) for c in categories],
            "products": [admin_product_json(p)
                         for p in _ordered_products(s, tenant.id, categories)],
        }


def shop_currency(ctx: ServerContext, tenant_code: str) -> Currency:
    with ctx.db.read() as s:
        return currency(get_tenant(s, tenant_code).currency)


def parse_price(ctx: ServerContext, tenant_code: str, typed: str) -> int:
    """A price as a person types it (``3.50``) in minor units of the shop's currency;
    more decimals than the currency has is refused, saying so."""
    try:
        price = parse_amount(typed, shop_currency(ctx, tenant_code).exponent)
    except AmountError as exc:
        raise InvalidRequest(f"Price: {exc}") from None
    return checked_price(price)


def checked_price(price: int) -> int:
    if not 0 <= price <= MAX_UNIT_PRICE:
        raise InvalidRequest(f"A price is from 0 to {MAX_UNIT_PRICE} minor units.")
    return price


def add_product(ctx: ServerContext, tenant_code: str, fields: ProductFields, *,
                position: int | None = None, actor: Staff | None = None) -> Json:
    """A new product, last in its category unless ``position`` (1 = first) says where."""
    if isinstance(fields.name, Keep) or isinstance(fields.price, Keep):
        raise InvalidRequest("A new product needs a name and a price.")
    with ctx.db.write() as s:
        tenant = _locked_tenant(s, tenant_code)
        product = Product(tenant_id=tenant.id, name="", price=0, active=True, position=0,
                          created_at=ctx.now(), updated_at=ctx.now())
        changes = _apply(s, tenant, product, fields)  # before it is added: no half flush
        s.add(product)
        _flush_checking_sku(s)
        if position is not None:
            _move_product(s, tenant, product, position)
        catalog_changed(s, tenant)
        audit.record(s, tenant_id=tenant.id, at=ctx.now(), kind=audit.AuditKind.PRODUCT_ADDED,
                     actor=actor, product_id=product.id, **changes)
        return admin_product_json(product)


def update_product(ctx: ServerContext, tenant_code: str, product_id: int,
                   fields: ProductFields, *, position: int | None = None,
                   actor: Staff | None = None) -> Json:
    """Change a product; ``position`` also moves it (as ``move_product``)."""
    with ctx.db.write() as s:
        tenant = _locked_tenant(s, tenant_code)
        product = _owned(s, Product, product_id, tenant)
        changes = _apply(s, tenant, product, fields)
        if position is not None and _move_product(s, tenant, product, position):
            changes["position"] = product.position
        if changes:
            product.updated_at = ctx.now()
            _flush_checking_sku(s)
            _changed(s, ctx, tenant, actor, audit.AuditKind.PRODUCT_CHANGED,
                     product_id=product.id, **changes)
        return admin_product_json(product)


def move_product(ctx: ServerContext, tenant_code: str, product_id: int, position: int, *,
                 actor: Staff | None = None) -> Json:
    """Put a product at ``position`` (1 = first) among its category's products."""
    return update_product(ctx, tenant_code, product_id, ProductFields(), position=position,
                          actor=actor)


def _move_product(s: Session, tenant: Tenant, product: Product, position: int) -> bool:
    s.flush()  # a category just changed counts
    siblings = list(s.scalars(select(Product).where(
        Product.tenant_id == tenant.id, Product.category_id == product.category_id
        if product.category_id is not None else Product.category_id.is_(None))
        .order_by(Product.position, Product.id)))
    return _place(siblings, product, position)


def add_category(ctx: ServerContext, tenant_code: str, name: str, *,
                 actor: Staff | None = None) -> Json:
    """A new category (last); one of that name already there is answered as it is."""
    with ctx.db.write() as s:
        tenant = _locked_tenant(s, tenant_code)
        known = _find_category(s, tenant, name)
        category = known or _category_named(s, tenant, name)
        if known is None:
            _changed(s, ctx, tenant, actor, audit.AuditKind.CATEGORY_ADDED,
                     category_id=category.id, name=category.name)
        return admin_category_json(category)


def update_category(ctx: ServerContext, tenant_code: str, category_id: int, *,
                    name: str | Keep = KEEP, active: bool | Keep = KEEP,
                    position: int | None = None, actor: Staff | None = None) -> Json:
    """Rename, (de)activate or move a category (``position`` 1 = the first tab); a
    deactivated category's products leave the tills."""
    with ctx.db.write() as s:
        tenant = _locked_tenant(s, tenant_code)
        category = _owned(s, Category, category_id, tenant)
        changes: dict[str, Any] = {}
        if not isinstance(name, Keep):
            new_name = _checked_name(name, "Category name", MAX_CATEGORY_NAME)
            other = _find_category(s, tenant, new_name)
            if other is not None and other.id != category.id:
                raise InvalidRequest(f"There is already a category named {other.name!r}.")
            if new_name != category.name:
                category.name = changes["name"] = new_name
        if not isinstance(active, Keep) and active != category.active:
            category.active = changes["active"] = active
        if position is not None and _place(_ordered_categories(s, tenant.id), category,
                                           position):
            changes["position"] = category.position
        if changes:
            _changed(s, ctx, tenant, actor, audit.AuditKind.CATEGORY_CHANGED,
                     category_id=category.id, **changes)
        return admin_category_json(category)


def move_category(ctx: ServerContext, tenant_code: str, category_id: int, position: int, *,
                  actor: Staff | None = None) -> Json:
    """Put a category at ``position`` (1 = first tab)."""
    return update_category(ctx, tenant_code, category_id, position=position, actor=actor)


# -- helpers -----------------------------------------------------------------------------


def _locked_tenant(s: Session, tenant_code: str) -> Tenant:
    """The shop, row-locked: catalog changes bump its version one at a time."""
    tenant = s.scalar(select(Tenant).where(Tenant.code == tenant_code)
                      .with_for_update(key_share=True))
    return tenant if tenant is not None else get_tenant(s, tenant_code)  # says what to do


def _owned(s: Session, model: type[Any], row_id: int, tenant: Tenant) -> Any:
    row = s.get(model, row_id, with_for_update=ROW_LOCK) if 0 < row_id <= MAX_ID else None
    if row is None or row.tenant_id != tenant.id:
        what = "product" if model is Product else "category"
        raise NotFound(f"No {what} with id {row_id} in this shop.")
    return row


def _changed(s: Session, ctx: ServerContext, tenant: Tenant, actor: Staff | None,
             kind: audit.AuditKind, **detail: Any) -> None:
    catalog_changed(s, tenant)
    audit.record(s, tenant_id=tenant.id, at=ctx.now(), kind=kind, actor=actor, **detail)


def _checked_name(value: str, what: str, max_length: int) -> str:
    if not is_text(value):
        raise InvalidRequest(f"{what} may not contain control characters.")
    return validated_name(value, what, max_length)


def checked_sku(value: str | None) -> str | None:
    """A SKU (barcode or code) as a scanner types it; blank means none."""
    if value is None or not value.strip():
        return None
    sku = value.strip()
    if not SKU.fullmatch(sku):
        raise InvalidRequest("A SKU is 1–64 letters, digits and . _ / - (starting with a "
                             "letter or digit), e.g. LAT-01 or 4006381333931.")
    return sku


def _apply(s: Session, tenant: Tenant, product: Product, fields: ProductFields
           ) -> dict[str, Any]:
    """Set ``fields`` on ``product``; returns what changed (for the audit log)."""
    changes: dict[str, Any] = {}
    if not isinstance(fields.name, Keep):
        name = _checked_name(fields.name, "Product name", MAX_PRODUCT_NAME)
        if name != product.name:
            product.name = changes["name"] = name
    if not isinstance(fields.price, Keep) and checked_price(fields.price) != product.price:
        product.price = changes["price"] = fields.price
    if not isinstance(fields.sku, Keep):
        sku = checked_sku(fields.sku)
        if sku != product.sku:
            if sku is not None and _sku_taken(s, tenant, sku, product.id):
                raise DuplicateSku(f"Another product already has the SKU {sku}. "
                                   "Choose another SKU.")
            product.sku = changes["sku"] = sku
    if not isinstance(fields.category, Keep):
        category = None if fields.category is None or not fields.category.strip() \
            else _category_named(s, tenant, fields.category)
        if product.id is None or category is not product.category:
            product.category = category
            product.position = _next_position(s, tenant, category)
            changes["category"] = category.name if category else None
    if not isinstance(fields.active, Keep) and fields.active != product.active:
        product.active = changes["active"] = fields.active
    if product.id is None and "category" not in changes:
        product.position = _next_position(s, tenant, None)
    return changes


def _sku_taken(s: Session, tenant: Tenant, sku: str, product_id: int | None) -> bool:
    same = select(Product.id).where(Product.tenant_id == tenant.id,
                                    func.lower(Product.sku) == sku.lower())
    if product_id is not None:
        same = same.where(Product.id != product_id)
    return s.scalar(same.limit(1)) is not None


def _find_category(s: Session, tenant: Tenant, name: str) -> Category | None:
    """The shop's category called ``name``, whatever its case."""
    wanted = name.casefold()
    return next((c for c in _ordered_categories(s, tenant.id)
                 if c.name.casefold() == wanted), None)


def _category_named(s: Session, tenant: Tenant, name: str) -> Category:
    """The category called ``name``, created (last, active) if the shop has none."""
    name = _checked_name(name, "Category name", MAX_CATEGORY_NAME)
    category = _find_category(s, tenant, name)
    if category is None:
        last = s.scalar(select(func.max(Category.position))
                        .where(Category.tenant_id == tenant.id)) or 0
        category = Category(tenant_id=tenant.id, name=name, position=last + 1, active=True)
        s.add(category)
        s.flush()
        catalog_changed(s, tenant)
    return category


def _next_position(s: Session, tenant: Tenant, category: Category | None) -> int:
    where = Product.category_id == category.id if category is not None \
        else Product.category_id.is_(None)
    with s.no_autoflush:
        last = s.scalar(select(func.max(Product.position))
                        .where(Product.tenant_id == tenant.id, where)) or 0
    return last + 1


def _place(rows: list[Any], row: Any, position: int) -> bool:
    """Move ``row`` to ``position`` (1-based, clamped) in ``rows`` and number them 1…n;
    True if anything moved."""
    before = [(each.id, each.position) for each in rows]
    rows.remove(row)
    rows.insert(max(0, min(position - 1, len(rows))), row)
    for number, each in enumerate(rows, start=1):
        each.position = number
    return [(each.id, each.position) for each in rows] != before


def _flush_checking_sku(s: Session) -> None:
    """Flush; two requests racing for one SKU meet the database's unique index."""
    try:
        s.flush()
    except IntegrityError:
        raise DuplicateSku() from None

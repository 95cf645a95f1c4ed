"""What a till sells: products by category, found by name or SKU as the cashier types.

Built from ``GET /api/v1/pos/catalog`` (SPEC §6). Search is a scan over
pre-folded text, fast enough for a café's menu and a shop's 5,000 products
alike (SPEC §5: under 30 ms a keystroke); a scanned SKU is an exact lookup.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from nixpos.core.money import Currency

MAX_RESULTS = 60


def fold(text: str) -> str:
    """Lower case without accents: "Crème" is found by typing "creme"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Product:
    id: int
    sku: str
    name: str
    category_id: int | None
    price: int  # minor units
    active: bool = True


@dataclass(frozen=True)
class Category:
    id: int
    name: str


@dataclass
class Catalog:
    currency: Currency
    tax_rate_bp: int
    categories: list[Category]
    products: list[Product]
    etag: str | None = None
    timezone: str = "UTC"  # the shop's: what "today" and a receipt's time mean
    _by_id: dict[int, Product] = field(init=False, repr=False)
    _by_sku: dict[str, Product] = field(init=False, repr=False)
    _haystack: list[tuple[str, Product]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        sellable = [p for p in self.products if p.active]
        self._by_id = {p.id: p for p in self.products}
        self._by_sku = {p.sku.casefold(): p for p in sellable if p.sku}
        self._haystack = [(f"{fold(p.name)}\n{p.sku.casefold()}", p) for p in sellable]

    @classmethod
    def from_json(cls, data: dict[str, Any], etag: str | None = None) -> Catalog:
        money = data.get("currency") or {}
        return cls(
            currency=Currency(str(money.get("code", "USD")), int(money.get("exponent", 2))),
            tax_rate_bp=int(data.get("tax_rate_bp") or 0),
            categories=[Category(int(c["id"]), str(c["name"]))
                        for c in data.get("categories", [])],
            products=[Product(int(p["id"]), str(p.get("sku") or ""), str(p["name"]),
                              p.get("category_id"), int(p["price"]), bool(p.get("active", True)))
                      for p in data.get("products", [])],
            etag=etag,
            timezone=str(data.get("timezone") or "UTC"),
        )

    def product(self, product_id: int) -> Product | None:
        return self._by_id.get(product_id)

    def by_sku(self, sku: str) -> Product | None:
        """The sellable product a scanner's code names (case does not matter)."""
        return self._by_sku.get(sku.strip().casefold())

    def in_category(self, category_id: int | None) -> list[Product]:
        return [p for _, p in self._haystack if p.category_id == category_id]

    def search(self, query: str, limit: int = MAX_RESULTS) -> list[Product]:
        """Sellable products whose name or SKU contains every word of ``query``."""
        words = fold(query).split()
        if not words:
            return []
        found = []
        for text, product in self._haystack:
            if all(word in text for word in words):
                found.append(product)
                if len(found) >= limit:
                    break
        return found

"""The sale screen as a Qt-free state machine: catalog, cart, tender, receipt, refunds.

``SaleState`` is part of ``core.till_state.TillState``: the till's session
decides who sells, this decides what is sold. It owns the catalog, each
person's cart (a lock, an idle lock or a kick keeps a cart for its person
on this till), the tender screen's typing, sales still being sent, the last
receipt, recent sales and a refund being prepared.

What a cashier may not do alone (a discount, a void, a refund) comes back as
a ``NeedsApproval``: the till asks a manager's PIN and, once approved, calls
``apply`` with the approval's id. A manager's own session applies at once.
"""

from __future__ import annotations

import enum
import textwrap
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from nixpos.core import words
from nixpos.core.cart import Cart, quick_cash
from nixpos.core.catalog import Catalog, Product
from nixpos.core.money import Currency, format_money
from nixpos.core.number_entry import EntryPurpose, EntryView, NumberEntry, typed_key
from nixpos.core.pricing import Discount, DiscountKind, PaymentMethod, PricingError
from nixpos.core.proof import sale_proof
from nixpos.core.receipt import WIDTH, local_time, receipt_text, row
from nixpos.core.sale_queue import QueuedSale, SaleQueue, UploadSale
from nixpos.core.store_ops import KeptCart

Json = dict[str, Any]
RECENT_SALES = 20


class SaleMode(enum.Enum):
    SELLING = "selling"
    TENDER = "tender"
    RECEIPT = "receipt"
    RECENT = "recent"
    REFUND = "refund"


# -- what the sale screen asks of the server -------------------------------------------------


@dataclass(frozen=True)
class FetchCatalog:
    etag: str | None


@dataclass(frozen=True)
class PostSale:
    token: str
    client_id: str
    body: Json = field(hash=False)


@dataclass(frozen=True)
class ListSales:
    token: str
    limit: int = RECENT_SALES


@dataclass(frozen=True)
class PostRefund:
    token: str
    sale_id: int
    body: Json = field(hash=False)


SaleCommand = FetchCatalog | PostSale | ListSales | PostRefund


@dataclass
class NeedsApproval:
    """A manager must approve ``action`` bound to ``detail``; ``apply`` does it then."""

    action: str
    detail: Json
    question: str
    apply: Callable[[int | None], list[Any]]


@dataclass
class RefundDraft:
    sale: Json
    quantities: dict[int, int] = field(default_factory=dict)  # line id → units to refund
    method: PaymentMethod = PaymentMethod.CASH
    reason: str = ""
    client_id: str = ""


@dataclass(frozen=True)
class Seller:
    """Who sells now, as a sale made now records it: its session and whether the server
    answered lately (if not, the sale waits in the queue with a provisional receipt)."""

    session_id: int
    name: str
    online: bool = True


# -- what the screens show ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProductButton:
    id: int
    name: str
    price: str


@dataclass(frozen=True)
class CartLineView:
    index: int
    name: str
    quantity: int
    unit_price: str
    total: str
    discount: str  # "" or "−10 %" / "−$0.50"


@dataclass(frozen=True)
class TenderView:
    total: str
    remaining: str
    typed: str
    quick: tuple[tuple[int, str], ...]
    payments: tuple[str, ...]
    change: str  # "" until there is change to give
    paid: bool


@dataclass(frozen=True)
class SaleView:
    mode: SaleMode
    categories: tuple[tuple[int | None, str, bool], ...]  # id, name, chosen
    products: tuple[ProductButton, ...]
    query: str
    lines: tuple[CartLineView, ...]
    subtotal: str
    discounts: str
    tax: str
    total: str
    sale_discount: str
    can_pay: bool
    message: str
    sending: int  # sales still being sent
    tender: TenderView | None
    receipt: tuple[str, ...]
    recent: tuple[tuple[int, str], ...]  # sale id, summary
    refund: tuple[tuple[int, str, int, int], ...]  # line id, name, refundable, chosen
    price_changes: tuple[str, ...]
    held: int  # sales put aside
    entry: EntryView | None = None  # the small pad over the sale (a discount, a quantity)
    change_due: str = ""  # the sale just paid gives this back ("" for none, or a reprint)
    can_print: bool = False  # the receipt is the server's (not the "being sent" note)
    receipt_title: str = ""  # "Paid" for the sale just paid, "Receipt" for a reprint
    refund_title: str = ""
    refund_method: PaymentMethod = PaymentMethod.CASH
    refund_reason: str = ""
    refused: int = 0  # sales the server would not take, kept for a manager


class SaleState:
    def __init__(self, shop: str = "", till: str = "") -> None:
        self.shop, self.till = shop, till
        self.catalog: Catalog | None = None
        self.currency: Currency | None = None  # the shop's, from the till's status
        self.cart = Cart()
        self._parked: dict[int, Cart] = {}
        self.mode = SaleMode.SELLING
        self.category_id: int | None = None
        self.query = ""
        self.typed = ""
        self.message = ""
        self.receipt: Json | None = None
        self.queue = SaleQueue()  # paid sales the server has not recorded yet
        self.seller: Seller | None = None  # set by the till before a sale completes
        self.recent: list[Json] = []
        self.refund: RefundDraft | None = None
        self.price_changes: list[Product] = []
        self.held: list[Cart] = []  # sales put aside while a refused one is corrected
        self._held_by: dict[int, list[Cart]] = {}  # … kept for their person while locked
        self.timezone: tzinfo | None = None
        self.entry: NumberEntry | None = None
        self.just_paid = False  # the receipt on screen is of the sale just paid
        self._shown_key: tuple[int | None, str] | None = None  # forgotten with the catalog
        self._shown: tuple[ProductButton, ...] = ()
        self._unnamed = False  # a cart resumed before the menu came: names and tax to fill

    # -- who sells ----------------------------------------------------------------------

    def opened(self, person_id: int) -> None:
        """A session starts: its person's cart on this till comes back."""
        parked = self._parked.pop(person_id, None)
        self.cart = parked if parked is not None else self._new_cart()
        self.held = self._held_by.pop(person_id, [])  # their sales put aside, theirs only
        self.mode = SaleMode.SELLING if not self.cart.payments else SaleMode.TENDER
        self.message, self.typed, self.refund, self.entry = "", "", None, None

    def closed(self, person_id: int | None, *, moved: bool = False) -> None:
        """A session ended: a cart with something in it waits for its person — here,
        unless the server says it ``moved`` with them (SPEC §7.2): then none stays."""
        if moved and person_id is not None:
            self._parked.pop(person_id, None)
        elif person_id is not None and not self.cart.is_empty:
            self._parked[person_id] = self.cart
        if person_id is not None and self.held:
            self._held_by[person_id] = self.held
        self.held = []
        self.cart = self._new_cart()
        self.mode = SaleMode.SELLING
        self.price_changes = []
        self.entry = None

    def sold_here(self, client_id: str) -> bool:
        """Whether this till sold that cart (its sale is still on its way up)."""
        return self.queue.find(client_id) is not None

    def _new_cart(self) -> Cart:
        return Cart(tax_rate_bp=self.catalog.tax_rate_bp if self.catalog else 0)

    # -- a cart that follows its person (SPEC §7.2) ----------------------------------------

    def resumed(self, data: Json) -> None:
        """The server's ``Cart`` is this till's now: on screen, the one open put aside."""
        cart = Cart.from_json(data | {"names": self._names(data), "payments": [],
                                      "tax_rate_bp": self._new_cart().tax_rate_bp})
        if not self.cart.is_empty:
            self.held.append(self.cart)
        self.cart, self.mode, self.entry, self.price_changes = cart, SaleMode.SELLING, None, []
        self._unnamed = self.catalog is None

    def cart_gone(self) -> None:
        """The open cart is no longer this till's to sell (continued elsewhere)."""
        self.cart, self.mode, self.entry, self.price_changes = (self._new_cart(),
                                                                SaleMode.SELLING, None, [])

    def _fill_from_menu(self) -> None:
        """A cart resumed before the menu came gets its names and tax rate from it."""
        catalog = self.catalog
        if not self._unnamed or catalog is None:
            return
        self._unnamed = False
        self.cart.tax_rate_bp = catalog.tax_rate_bp
        for line in self.cart.lines:
            product = catalog.product(line.product_id)
            if product is not None and line.name == f"#{line.product_id}":
                line.name = product.name

    # -- the catalog ------------------------------------------------------------------------

    def catalog_call(self) -> FetchCatalog:
        return FetchCatalog(self.catalog.etag if self.catalog else None)

    def catalog_answered(self, body: Json | None, etag: str | None) -> None:
        """``body`` None: not modified."""
        if body is None:
            return
        self.catalog = Catalog.from_json(body, etag)
        self.timezone = shop_zone(self.catalog.timezone)
        self._shown_key = None
        if self.cart.is_empty:
            self.cart.tax_rate_bp = self.catalog.tax_rate_bp
        self._fill_from_menu()
        known = {c.id for c in self.catalog.categories}
        if self.category_id not in known:
            self.category_id = self.catalog.categories[0].id if self.catalog.categories else None

    # -- ringing up ----------------------------------------------------------------------------

    def category_chosen(self, category_id: int | None) -> None:
        self.category_id, self.query = category_id, ""

    def query_typed(self, text: str) -> None:
        self.query = text

    def scanned(self, code: str) -> None:
        """A scanner typed a SKU and Enter (or a cashier did): add it if it is one."""
        product = self.catalog.by_sku(code) if self.catalog else None
        if product is None:
            matches = self.catalog.search(code) if self.catalog else []
            if len(matches) != 1:
                self.message = words.no_such_product(code)
                return
            product = matches[0]
        self.query = ""
        self.product_tapped(product.id)

    def product_tapped(self, product_id: int) -> None:
        product = self.catalog.product(product_id) if self.catalog else None
        if product is None or self.mode is not SaleMode.SELLING:
            return
        try:
            self.cart.add(product)
        except PricingError as error:
            self.message = str(error)
            return
        self.message = ""

    def more(self, index: int) -> None:
        line = self.cart.lines[index]
        try:
            self.cart.set_quantity(index, line.quantity + 1)
        except PricingError as error:
            self.message = str(error)

    def void(self, index: int, quantity: int, needs_manager: bool) -> NeedsApproval | None:
        """Take units off a line already rung up: a cashier needs a manager."""
        line = self.cart.lines[index]
        quantity = max(1, min(quantity, line.quantity))
        product_id = line.product_id

        def apply(approval_id: int | None) -> list[Any]:
            for at, candidate in enumerate(self.cart.lines):
                if candidate.product_id == product_id and candidate.quantity >= quantity:
                    self.cart.void(at, quantity, approval_id)
                    break
            return []

        if not needs_manager:
            apply(None)
            return None
        return NeedsApproval("void_line", {"product_id": product_id, "quantity": quantity},
                             words.approve_void(quantity, line.name), apply)

    def discount(self, index: int | None, discount: Discount, needs_manager: bool
                 ) -> NeedsApproval | None:
        """A discount on one line (``index``) or on the whole sale (None)."""
        try:  # refuse what cannot be before asking anyone
            self._check_discount(index, discount)
        except PricingError as error:
            self.message = str(error)
            return None
        target = None if index is None else self.cart.lines[index].product_id

        def apply(approval_id: int | None) -> list[Any]:
            if target is None:
                self.cart.set_sale_discount(discount, approval_id)
            else:
                for at, line in enumerate(self.cart.lines):
                    if line.product_id == target:
                        self.cart.set_line_discount(at, discount, approval_id)
                        break
            return []

        if not needs_manager:
            apply(None)
            return None
        what = words.THE_SALE if index is None else self.cart.lines[index].name
        return NeedsApproval("discount", {"kind": discount.kind.value, "value": discount.value},
                             words.approve_discount(self._discount_words(discount), what), apply)

    def _check_discount(self, index: int | None, discount: Discount) -> None:
        """Raises ``PricingError`` if ``discount`` cannot be taken off its target."""
        if index is None:
            discount.amount_of(self.cart.totals(with_sale_discount=False).subtotal)
        else:
            line = self.cart.lines[index]
            discount.amount_of(line.quantity * line.unit_price)

    # -- the small pad: a discount or a quantity typed --------------------------------------

    def edit_quantity(self, index: int) -> None:
        if self.mode is SaleMode.SELLING and 0 <= index < len(self.cart.lines):
            self.entry = NumberEntry(EntryPurpose.QUANTITY, index)

    def edit_discount(self, index: int | None) -> None:
        """The discount pad for line ``index``, or for the sale (None); either way it
        offers a line too — that one, or the last rung up — to switch to."""
        if self.mode is not SaleMode.SELLING or self.cart.is_empty:
            return
        if index is not None and not 0 <= index < len(self.cart.lines):
            return
        line = index if index is not None else len(self.cart.lines) - 1
        self.entry = NumberEntry(EntryPurpose.DISCOUNT, index, opened_on=line)

    def entry_key(self, key: str) -> None:
        if self.entry is not None:
            self.entry.key(key)

    def entry_kind(self, kind: DiscountKind) -> None:
        if self.entry is not None:
            self.entry.choose_kind(kind)

    def entry_target(self, index: int | None) -> None:
        entry = self.entry
        if entry is not None and index in (None, entry.opened_on):
            entry.index, entry.error = index, ""

    def entry_cancelled(self) -> None:
        self.entry = None

    def entry_remove(self) -> None:
        """Take the target's discount off: it only raises the total, so no one approves."""
        entry, self.entry = self.entry, None
        if entry is None or entry.purpose is not EntryPurpose.DISCOUNT:
            return
        if entry.index is None:
            self.cart.set_sale_discount(None)
        elif entry.index < len(self.cart.lines):
            self.cart.set_line_discount(entry.index, None)

    def entry_done(self, needs_manager: bool) -> NeedsApproval | None:
        """The pad's Apply: a quantity up rings more up, down is a void; a discount is
        checked here, so a refusal is said on the pad before anyone is asked."""
        entry = self.entry
        if entry is None:
            return None
        index = entry.index
        if index is not None and index >= len(self.cart.lines):
            self.entry = None  # the cart changed under the pad (a refused sale came back)
            return None
        try:
            if entry.purpose is EntryPurpose.QUANTITY:
                assert index is not None
                wanted, line = entry.quantity(), self.cart.lines[index]
                if wanted > line.quantity:
                    self.cart.set_quantity(index, wanted)
                self.entry = None
                if wanted < line.quantity:
                    return self.void(index, line.quantity - wanted, needs_manager)
                return None
            discount = entry.discount()
            self._check_discount(index, discount)
        except PricingError as error:
            entry.error = str(error)
            return None
        self.entry = None
        return self.discount(index, discount, needs_manager)

    # -- taking payment --------------------------------------------------------------------------

    @property
    def can_pay(self) -> bool:
        """Something to sell, at prices the cashier has seen (after ``price_changed``)."""
        return not self.cart.is_empty and not self.price_changes

    def pay_pressed(self) -> None:
        if self.can_pay and self.mode is SaleMode.SELLING:
            self.mode, self.typed, self.message, self.entry = SaleMode.TENDER, "", "", None

    def tender_key(self, key: str) -> None:
        if self.mode is SaleMode.TENDER:
            self.typed = typed_key(self.typed, key)

    def tender(self, method: PaymentMethod, amount: int | None, token: str | None,
               now: datetime) -> list[Any]:
        """Take ``amount`` (what was typed, if None) by ``method``; a paid cart is sent."""
        if self.mode is not SaleMode.TENDER:
            return []
        if amount is None:
            amount = int(self.typed) if self.typed else self.cart.remaining
        try:
            self.cart.pay(method, amount)
        except PricingError as error:
            self.message = str(error)
            return []
        self.typed, self.message = "", ""
        if not self.cart.is_paid or token is None:
            return []
        return self._complete(token, now)

    def cancel_tender(self) -> None:
        self.cart.cancel_payments()
        self.mode, self.typed = SaleMode.SELLING, ""

    def complete_free(self, token: str | None, now: datetime) -> list[Any]:
        """A sale whose total is zero (a 100 % discount) completes without payment."""
        if token is None or self.cart.is_empty or self.cart.totals().total != 0:
            return []
        return self._complete(token, now)

    def _complete(self, token: str, now: datetime) -> list[Any]:
        """The sale is paid: into the queue (and on the disk before it shows as done),
        and sent at once unless the server is away or older sales wait before it."""
        cart, seller = self.cart, self.seller or Seller(0, "")
        body = cart.sale(now)
        pending = QueuedSale(cart.client_id, body, seller.session_id,
                             sale_proof(token, cart.client_id), self.queue.next_number,
                             token=token, offline=not seller.online)
        pending.receipt = self._local_sale(cart, body, seller.name)
        at_once = seller.online and not self.queue.waiting  # oldest first
        self.queue.add(pending, body["completed_at"])
        pending.in_flight = at_once
        self.receipt = {"pending": pending.client_id, "change": cart.change_due,
                        "total": cart.totals().total}
        self.cart = self._new_cart()
        self.mode, self.just_paid, self.message = SaleMode.RECEIPT, True, ""
        return [PostSale(token, pending.client_id, body)] if at_once else []

    def _local_sale(self, cart: Cart, body: Json, cashier: str) -> Json:
        """The sale as the server would describe it, for a receipt made before it has."""
        totals = cart.totals()
        return {
            "staff": {"name": cashier}, "terminal": {"name": self.till},
            "completed_at": body["completed_at"],
            "lines": [{"name": line.name, "quantity": line.quantity,
                       "unit_price": line.unit_price, "discount_amount": total.discount,
                       "total": total.total}
                      for line, total in zip(cart.lines, totals.lines, strict=True)],
            "subtotal": totals.subtotal, "discount_total": totals.discount_total,
            "total": totals.total, "tax_included": totals.tax_included,
            "payments": [{"method": p.method.value, "amount": p.amount,
                          "tendered": p.tendered} for p in cart.payments],
            "change": cart.change_due,
        }

    def sale_answered(self, command: PostSale | UploadSale, body: Json) -> None:
        """The server recorded the sale (201/200): it is no longer owed."""
        self.queue.answered(command.client_id, body.get("number"))
        if self.receipt is not None and self.receipt.get("pending") == command.client_id:
            self.receipt = body
        self.recent = [body, *[s for s in self.recent if s.get("id") != body.get("id")]]
        self.recent = self.recent[:RECENT_SALES]

    def sale_refused(self, command: PostSale | UploadSale, code: str, extra: Json,
                     message: str) -> None:
        """A sale the server will not take as it is: back to the cashier to put right,
        unless its customer left with a provisional receipt — then it stays queued,
        marked, for a manager (the server decides; the till never drops it)."""
        queued = self.queue.find(command.client_id)
        if queued is not None and queued.offline:
            self.queue.refuse(command.client_id, message)
            return
        pending = self.queue.forget(command.client_id)
        if pending is None:
            return
        cart = Cart.from_json(pending.body | {"tax_rate_bp": self.cart.tax_rate_bp,
                                              "names": self._names(pending.body)})
        cart.cancel_payments()
        if not self.cart.is_empty:  # the cashier went on: keep the new sale for later
            self.held.append(self.cart)
        self.cart, self.mode, self.receipt, self.entry = cart, SaleMode.SELLING, None, None
        if code == "price_changed":
            self.price_changes = [Product(int(p["id"]), str(p.get("sku") or ""), str(p["name"]),
                                          p.get("category_id"), int(p["price"]))
                                  for p in extra.get("products", [])]
        else:
            self.message = words.sale_refused(message)

    def resume_held(self) -> None:
        """Back to a sale put aside when a refused one came back (the current one is empty)."""
        if self.held and self.cart.is_empty:
            self.cart, self.mode = self.held.pop(0), SaleMode.SELLING

    def _names(self, body: Json) -> list[str]:
        names = []
        for line in body.get("lines", []):
            product = self.catalog.product(line["product_id"]) if self.catalog else None
            names.append(product.name if product else f"#{line['product_id']}")
        return names

    def accept_prices(self) -> None:
        for product in self.price_changes:
            self.cart.reprice(product)
        self.price_changes = []
        self.mode = SaleMode.TENDER

    def sale_unanswered(self, command: PostSale | UploadSale) -> None:
        """No answer: the sale stays owed and goes again with the next background call."""
        self.queue.unanswered(command.client_id)

    def sending_call_ready(self) -> bool:
        return self.queue.ready()

    def sending_call(self, live_session_id: int | None = None) -> UploadSale | None:
        """The oldest sale still owed to the server, unless one is already on its way;
        ``live_session_id``: the session live on this till now (its sales use the bearer)."""
        return self.queue.next_call(live_session_id)

    def restore_carts(self, carts: list[KeptCart]) -> None:
        """Open carts this till's disk kept across a restart: each waits for its person."""
        for kept in carts:
            self._parked.setdefault(kept.person_id, Cart.from_json(kept.cart))

    def carts_by_person(self, seller: int | None) -> dict[int, Cart]:
        """Every open cart with something in it on this till, by person: ``seller``'s on
        screen, the others waiting for theirs."""
        carts = dict(self._parked)
        if seller is not None:
            carts[seller] = self.cart
        return {person: cart for person, cart in carts.items() if not cart.is_empty}

    def done_with_receipt(self) -> None:
        self.mode, self.receipt, self.just_paid, self.message = SaleMode.SELLING, None, False, ""

    def print_failed(self, message: str) -> None:
        """The OS printer refused the receipt: say why and what to do."""
        self.message = message

    # -- recent sales and refunds ---------------------------------------------------------

    def show_recent(self, token: str) -> list[Any]:
        """The till's recent sales (fetched fresh), from selling or a receipt: never from
        the middle of taking payment."""
        if self.mode not in (SaleMode.SELLING, SaleMode.RECEIPT, SaleMode.RECENT):
            return []
        self.mode, self.receipt, self.just_paid, self.entry = SaleMode.RECENT, None, False, None
        self.message = ""
        return [ListSales(token)]

    def recent_answered(self, body: Json) -> None:
        sales = body.get("sales")
        self.recent = [s for s in sales if isinstance(s, dict)] if isinstance(sales, list) else []

    def reprint(self, sale_id: int) -> None:
        sale = next((s for s in self.recent if s.get("id") == sale_id), None)
        if sale is not None:
            self.receipt, self.mode, self.just_paid = sale, SaleMode.RECEIPT, False

    def start_refund(self, sale_id: int) -> None:
        sale = next((s for s in self.recent if s.get("id") == sale_id), None)
        if sale is not None:
            self.refund = RefundDraft(sale, client_id=Cart().client_id)
            self.mode = SaleMode.REFUND

    def refund_quantity(self, line_id: int, quantity: int) -> None:
        if self.refund is not None:
            left = self._refundable(self.refund.sale).get(line_id, 0)
            self.refund.quantities[line_id] = max(0, min(quantity, left))

    def refund_reason(self, reason: str) -> None:
        if self.refund is not None:
            self.refund.reason = reason

    def refund_method(self, method: PaymentMethod) -> None:
        if self.refund is not None:
            self.refund.method = method

    def confirm_refund(self, token: str | None, needs_manager: bool) -> NeedsApproval | list[Any]:
        draft = self.refund
        if draft is None or token is None:
            return []
        lines = [{"line_id": line_id, "quantity": quantity}
                 for line_id, quantity in draft.quantities.items() if quantity > 0]
        if not lines:
            self.message = words.CHOOSE_REFUND_LINES
            return []
        if not draft.reason.strip():
            self.message = words.REFUND_NEEDS_REASON
            return []
        sale_id = int(draft.sale["id"])

        def apply(approval_id: int | None) -> list[Any]:
            body = {"client_id": draft.client_id, "lines": lines, "method": draft.method.value,
                    "approval_id": approval_id, "reason": draft.reason.strip()}
            return [PostRefund(token, sale_id, body)]

        if not needs_manager:
            return apply(None)
        return NeedsApproval("refund", {"sale_id": sale_id},
                             words.approve_refund(draft.sale.get("number")), apply)

    def refund_answered(self, body: Json, token: str | None) -> list[Any]:
        """The refund is recorded: back to the list, fetched again to show it refunded."""
        self.refund, self.mode = None, SaleMode.RECENT
        self.message = words.refunded(self.money(int(body.get("amount", 0))))
        return [ListSales(token)] if token is not None else []

    def refund_refused(self, message: str) -> None:
        self.message = message

    def leave(self) -> None:
        """Back to selling from the recent sales or a refund."""
        self.mode, self.refund = SaleMode.SELLING, None

    @staticmethod
    def _refundable(sale: Json) -> dict[int, int]:
        refunded: dict[int, int] = {}
        for refund in sale.get("refunds") or []:
            for line in refund.get("lines") or []:
                refunded[line["line_id"]] = refunded.get(line["line_id"], 0) + line["quantity"]
        return {line["id"]: line["quantity"] - refunded.get(line["id"], 0)
                for line in sale.get("lines") or []}

    # -- what the screen shows ------------------------------------------------------------

    def money(self, minor: int) -> str:
        """An amount in the shop's currency (plain until the status or the menu names it)."""
        currency = self.catalog.currency if self.catalog else self.currency
        if currency is None:
            return words.plain_money(minor)
        return format_money(minor, currency.code, currency.exponent)

    def _discount_words(self, discount: Discount) -> str:
        if discount.kind is DiscountKind.PERCENT:
            return f"{discount.value} %"
        return self.money(discount.value)

    def view(self) -> SaleView:
        catalog = self.catalog
        totals = self.cart.totals()
        categories: tuple[tuple[int | None, str, bool], ...] = ()
        if catalog is not None:
            categories = tuple((c.id, c.name, c.id == self.category_id and not self.query)
                               for c in catalog.categories)
        lines = tuple(
            CartLineView(index, line.name, line.quantity, self.money(line.unit_price),
                         self.money(total.total),
                         f"−{self._discount_words(line.discount)}" if line.discount else "")
            for index, (line, total) in enumerate(zip(self.cart.lines, totals.lines,
                                                      strict=True)))
        return SaleView(
            mode=self.mode,
            categories=categories,
            products=self._product_buttons(),
            query=self.query,
            lines=lines,
            subtotal=self.money(totals.subtotal),
            discounts=f"−{self.money(totals.discount_total)}" if totals.discount_total else "",
            tax=self.money(totals.tax_included),
            total=self.money(totals.total),
            sale_discount=(f"−{self._discount_words(self.cart.discount)}"
                           if self.cart.discount else ""),
            can_pay=self.can_pay,
            message=self.message,
            sending=self.queue.waiting,
            refused=self.queue.refused,
            tender=self._tender_view() if self.mode is SaleMode.TENDER else None,
            receipt=self._receipt_lines() if self.mode is SaleMode.RECEIPT else (),
            recent=tuple((int(s["id"]), self._summary(s)) for s in self.recent
                         if isinstance(s.get("id"), int)),
            refund=self._refund_rows(),
            price_changes=tuple(self._price_change(p) for p in self.price_changes),
            held=len(self.held),
            entry=self._entry_view(),
            change_due=self._change_due(),
            can_print=self.mode is SaleMode.RECEIPT and self.receipt is not None
            and ("pending" not in self.receipt or self._provisional() is not None),
            receipt_title=words.PAID if self.just_paid else words.RECEIPT,
            refund_title=(words.refund_title(self.refund.sale.get("number"))
                          if self.refund is not None else ""),
            refund_method=self.refund.method if self.refund is not None else PaymentMethod.CASH,
            refund_reason=self.refund.reason if self.refund is not None else "",
        )

    def _product_buttons(self) -> tuple[ProductButton, ...]:
        """The buttons for the chosen category or the search, made once for each: the
        screen is painted after every tap, and formatting 500 prices each time is not
        free (SPEC §5: a tap shows within a frame)."""
        catalog = self.catalog
        if catalog is None:
            return ()
        key = (self.category_id, self.query.strip())
        if self._shown_key != key:
            found = (catalog.search(self.query) if self.query.strip()
                     else catalog.in_category(self.category_id))
            self._shown = tuple(ProductButton(p.id, p.name, self.money(p.price)) for p in found)
            self._shown_key = key
        return self._shown

    def _entry_view(self) -> EntryView | None:
        entry = self.entry
        if entry is None or (entry.index is not None and entry.index >= len(self.cart.lines)):
            return None
        line = self.cart.lines[entry.index] if entry.index is not None else None
        if entry.purpose is EntryPurpose.QUANTITY:
            assert line is not None
            return EntryView(words.quantity_title(line.name, line.quantity), entry.typed, (),
                             (), entry.error, can_remove=False)
        shown = ""
        if entry.typed:
            value = int(entry.typed)
            shown = f"{value} %" if entry.kind is DiscountKind.PERCENT else self.money(value)
        # Opened on a line, the pad offers that line and the whole sale.
        targets: list[tuple[int | None, str, bool]] = []
        if entry.opened_on is not None:
            targets.append((entry.opened_on, self.cart.lines[entry.opened_on].name,
                            entry.index == entry.opened_on))
        targets.append((None, words.WHOLE_SALE, entry.index is None))
        current = line.discount if line is not None else self.cart.discount
        return EntryView(
            title=words.discount_title(line.name if line is not None else None),
            shown=shown,
            targets=tuple(targets),
            kinds=tuple((kind, words.DISCOUNT_KINDS[kind.value], kind is entry.kind)
                        for kind in DiscountKind),
            error=entry.error,
            can_remove=current is not None,
        )

    def _change_due(self) -> str:
        change = self.receipt.get("change") if self.receipt is not None else None
        if self.mode is SaleMode.RECEIPT and self.just_paid and isinstance(change, int):
            return self.money(change) if change else ""
        return ""

    def _tender_view(self) -> TenderView:
        cart = self.cart
        exponent = self.catalog.currency.exponent if self.catalog else 2
        remaining = cart.remaining
        typed = int(self.typed) if self.typed else 0
        cash_taken = any(p.method is PaymentMethod.CASH for p in cart.payments)
        # What cash of the amount typed would give back, shown before it is taken.
        change = cart.change_due or (typed - remaining if typed > remaining and not cash_taken
                                     else 0)
        return TenderView(
            total=self.money(cart.totals().total),
            remaining=self.money(remaining),
            typed=self.money(int(self.typed)) if self.typed else "",
            quick=() if cash_taken else tuple((amount, self.money(amount))
                                              for amount in quick_cash(remaining, exponent)),
            payments=tuple(f"{words.METHODS[p.method.value]} {self.money(p.amount)}"
                           for p in cart.payments),
            change=self.money(change) if change else "",
            paid=cart.is_paid,
        )

    def _summary(self, sale: Json) -> str:
        when = local_time(sale.get("completed_at"), self.timezone)
        return words.sale_summary(sale.get("number"), when, self.money(int(sale.get("total", 0))),
                                  int(sale.get("refunded", 0) or 0) > 0)

    def _price_change(self, product: Product) -> str:
        line = next((x for x in self.cart.lines if x.product_id == product.id), None)
        old = self.money(line.unit_price) if line else ""
        return words.price_changed(product.name, old, self.money(product.price))

    def _refund_rows(self) -> tuple[tuple[int, str, int, int], ...]:
        if self.refund is None:
            return ()
        left = self._refundable(self.refund.sale)
        return tuple((int(line["id"]), str(line.get("name", "")), left.get(line["id"], 0),
                      self.refund.quantities.get(line["id"], 0))
                     for line in self.refund.sale.get("lines") or [])

    def _receipt_lines(self) -> tuple[str, ...]:
        sale = self.receipt
        if sale is None:
            return ()
        provisional = self._provisional()
        if provisional is not None and provisional.receipt is not None:
            return (*receipt_text(provisional.receipt, self.shop, self.money, self.timezone,
                                  title=words.provisional_title(provisional.number, self.till,
                                                                provisional.receipt["staff"]
                                                                ["name"])),
                    "", *textwrap.wrap(words.GETS_NUMBER_LATER, WIDTH))
        if "pending" in sale:
            lines = [words.SENDING_SALE, "", *row(words.TOTAL, self.money(int(sale["total"])))]
            if sale["change"]:
                lines += row(words.CHANGE, self.money(int(sale["change"])))
            return tuple(lines)
        return tuple(receipt_text(sale, self.shop, self.money, self.timezone))


    def _provisional(self) -> QueuedSale | None:
        """The sale on the receipt screen, if it waits offline (its receipt is provisional)."""
        pending = self.receipt.get("pending") if self.receipt is not None else None
        queued = self.queue.find(pending) if isinstance(pending, str) else None
        return queued if queued is not None and queued.offline else None


def shop_zone(name: str) -> tzinfo | None:
    """The shop's time zone; None (the till's own) when this machine does not know it."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None

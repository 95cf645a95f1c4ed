"""``wire_sale``: the sale screen's taps and keys, each to the till's event for it.

Events that may need a manager or the server are ``TillState``'s; the rest are
its ``SaleState``'s. ``act`` runs one, repaints and makes the calls it asks
for. Nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nixpos.client.views.sale_screen import SaleScreen
from nixpos.core.pricing import PaymentMethod
from nixpos.core.till_state import TillState

Act = Callable[..., None]


def wire_sale(screen: SaleScreen, state: TillState, act: Act,
              print_receipt: Callable[[], Any]) -> None:
    sale = state.sale
    products = screen.selling.products
    products.category_chosen.connect(lambda category: act(sale.category_chosen, category))
    products.query_typed.connect(lambda text: act(sale.query_typed, text))
    products.scanned.connect(lambda code: act(state.scan_or_pay, code))
    products.product_tapped.connect(lambda product: act(sale.product_tapped, product))

    cart = screen.selling.cart
    cart.less.connect(lambda index: act(state.void_requested, index, 1))
    cart.more.connect(lambda index: act(sale.more, index))
    cart.quantity_tapped.connect(lambda index: act(sale.edit_quantity, index))
    cart.line_tapped.connect(lambda index: act(sale.edit_discount, index))
    cart.discount_pressed.connect(lambda: act(sale.edit_discount, None))
    products.recent_pressed.connect(lambda: act(state.recent_requested))
    cart.pay_pressed.connect(lambda: act(state.pay_pressed))
    screen.selling.changes.accept.connect(lambda: act(sale.accept_prices))
    cart.resume_held.connect(lambda: act(sale.resume_held))

    entry = screen.entry
    entry.key.connect(lambda key: act(sale.entry_key, key))
    entry.target.connect(lambda index: act(sale.entry_target, index))
    entry.kind.connect(lambda kind: act(sale.entry_kind, kind))
    entry.done.connect(lambda: act(state.entry_done))
    entry.cancelled.connect(lambda: act(sale.entry_cancelled))
    entry.removed.connect(lambda: act(sale.entry_remove))

    tender = screen.tender
    tender.key.connect(lambda key: act(sale.tender_key, key))
    tender.method.connect(lambda method: act(state.tender, method))
    tender.quick_cash.connect(lambda amount: act(state.tender, PaymentMethod.CASH, amount))
    tender.back.connect(lambda: act(sale.cancel_tender))

    receipt = screen.receipt
    receipt.print_pressed.connect(print_receipt)
    receipt.new_sale.connect(lambda: act(sale.done_with_receipt))
    receipt.recent_pressed.connect(lambda: act(state.recent_requested))

    recent = screen.recent
    recent.reprint.connect(lambda sale_id: act(sale.reprint, sale_id))
    recent.refund.connect(lambda sale_id: act(sale.start_refund, sale_id))
    recent.back.connect(lambda: act(sale.leave))

    refund = screen.refund
    refund.quantity.connect(lambda line_id, count: act(sale.refund_quantity, line_id, count))
    refund.method.connect(lambda method: act(sale.refund_method, method))
    refund.reason.connect(lambda text: act(sale.refund_reason, text))
    refund.confirm.connect(lambda: act(state.refund_confirmed))
    refund.back.connect(lambda: act(sale.leave))

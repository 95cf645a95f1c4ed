"""The receipt as fixed-width lines of text (SPEC §6): the same lines on screen and on paper.

A receipt printer prints a fixed number of characters a line in a monospace
font, and so do these lines (``WIDTH``): what was bought on the left, amounts
flush right, and a name too long for both gets its amount on the line below.
The receipt shows the shop, till, cashier, number, local date and time, the
lines, discounts, tax included, payments and change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from nixpos.core import words

WIDTH = 40  # characters a line: an 80 mm receipt printer's usual font
GAP = 2  # spaces at least between a name and its amount

Json = dict[str, Any]
Money = Callable[[int], str]


def local_time(value: object, tz: tzinfo | None) -> str:
    """An ISO 8601 time from the server as the shop's local date and time."""
    if not isinstance(value, str):
        return ""
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return f"{at.astimezone(tz):%Y-%m-%d %H:%M}"


def row(left: str, right: str, width: int = WIDTH) -> list[str]:
    """``left`` and ``right`` on one line, ``right`` flush right; on two if they do not fit."""
    room = width - len(left) - len(right)
    if room >= GAP:
        return [left + " " * room + right]
    return [left, right.rjust(width)]


def centred(text: str, width: int = WIDTH) -> str:
    return text.center(width).rstrip()


def _amount(data: Json, name: str) -> int:
    value = data.get(name)
    return value if isinstance(value, int) else 0


def receipt_text(sale: Json, shop: str, money: Money, tz: tzinfo | None,
                 width: int = WIDTH, *, title: str | None = None) -> list[str]:
    """The receipt of ``sale`` (a SPEC §6 ``Sale``) as lines of at most ``width`` characters
    (a longer name runs on); ``title`` instead of its number (a provisional receipt)."""
    rule = "-" * width
    staff = (sale.get("staff") or {}).get("name", "")
    till = (sale.get("terminal") or {}).get("name", "")
    out = [centred(shop, width),
           centred(title or words.receipt_header(sale.get("number"), till, staff), width),
           centred(local_time(sale.get("completed_at"), tz), width), rule]
    for line in sale.get("lines") or []:
        quantity, discount = _amount(line, "quantity"), _amount(line, "discount_amount")
        out += row(words.receipt_item(quantity, str(line.get("name", ""))),
                   money(_amount(line, "total") + discount), width)
        if quantity > 1 and "unit_price" in line:
            out.append(words.receipt_each(money(_amount(line, "unit_price"))))
        if discount:
            out += row(words.RECEIPT_DISCOUNT, f"−{money(discount)}", width)
    out.append(rule)
    # Down the column it adds up: lines less their discounts, the subtotal, less the
    # sale's discount, the total.
    out += row(words.SUBTOTAL, money(_amount(sale, "subtotal")), width)
    sale_discount = _amount(sale, "discount_total") - _line_discounts(sale)
    if sale_discount:
        out += row(words.SALE_DISCOUNT, f"−{money(sale_discount)}", width)
    out += row(words.TOTAL, money(_amount(sale, "total")), width)
    out += row(words.TAX_INCLUDED, money(_amount(sale, "tax_included")), width)
    if _amount(sale, "discount_total"):
        out += row(words.SAVED, money(_amount(sale, "discount_total")), width)
    out.append(rule)
    for payment in sale.get("payments") or []:
        method = str(payment.get("method"))
        out += row(words.METHODS.get(method, method), money(_amount(payment, "amount")), width)
        if payment.get("tendered") and method == "cash":
            out += row(words.RECEIPT_TENDERED, money(_amount(payment, "tendered")), width)
    if _amount(sale, "change"):
        out += row(words.CHANGE, money(_amount(sale, "change")), width)
    if _amount(sale, "refunded"):
        out += row(words.REFUNDED, f"−{money(_amount(sale, 'refunded'))}", width)
    return out


def _line_discounts(sale: Json) -> int:
    return sum(_amount(line, "discount_amount") for line in sale.get("lines") or [])

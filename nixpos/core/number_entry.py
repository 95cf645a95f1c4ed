"""Numbers typed on the sale screen's pads: the amount given, a discount, a line's quantity.

The typing lives here, not in a widget, so that the idle warning, a lock or a
repaint never loses or garbles it, and what the digits mean is decided in
one place. Amounts are typed the way a cash register takes them — digits in
minor units, "1", "0", "0", "0" is $10.00 — so a cashier never looks for a
decimal point; a percent or a quantity is a whole number.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from nixpos.core import words
from nixpos.core.pricing import MAX_QUANTITY, Discount, DiscountKind, PricingError

MAX_DIGITS = 9  # more is a typo on a till (and stays far below MAX_AMOUNT)


def typed_key(typed: str, key: str) -> str:
    """``typed`` after a pad's ``key``: a digit, backspace or clear; leading zeros dropped."""
    if key == words.CLEAR_KEY:
        return ""
    if key == words.BACKSPACE_KEY:
        return typed[:-1]
    if len(key) == 1 and key.isascii() and key.isdigit() and len(typed) < MAX_DIGITS:
        return (typed + key).lstrip("0")
    return typed


class EntryPurpose(enum.Enum):
    DISCOUNT = "discount"
    QUANTITY = "quantity"


@dataclass
class NumberEntry:
    """The small pad open over the sale: a discount on a line or the sale, or a quantity."""

    purpose: EntryPurpose
    index: int | None  # the cart line; None: the whole sale (a discount only)
    opened_on: int | None = None  # the line it was opened on, to switch back to
    kind: DiscountKind = DiscountKind.PERCENT
    typed: str = ""
    error: str = ""

    def key(self, key: str) -> None:
        self.typed, self.error = typed_key(self.typed, key), ""

    def choose_kind(self, kind: DiscountKind) -> None:
        """Percent or amount: the digits meant the other, so they go."""
        if kind is not self.kind:
            self.kind, self.typed, self.error = kind, "", ""

    def discount(self) -> Discount:
        """What was typed as a discount; ``PricingError`` says what to type instead."""
        if not self.typed:
            raise PricingError(words.TYPE_DISCOUNT)
        return Discount(self.kind, int(self.typed))

    def quantity(self) -> int:
        """What was typed as a quantity, 1 or more (the line's − takes it off)."""
        if self.typed == "" or int(self.typed) > MAX_QUANTITY:
            raise PricingError(words.type_quantity(MAX_QUANTITY))
        return int(self.typed)


@dataclass(frozen=True)
class EntryView:
    title: str
    shown: str  # what was typed, as it counts: "10 %", "$0.50", "3"; "" before any digit
    targets: tuple[tuple[int | None, str, bool], ...]  # line index or None (sale), name, chosen
    kinds: tuple[tuple[DiscountKind, str, bool], ...]  # a discount's kinds, with the chosen
    error: str
    can_remove: bool  # the target has a discount that can be taken off

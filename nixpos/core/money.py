"""Money: whole minor units (cents for USD) everywhere, never a float.

``Decimal`` appears only to read what a person typed (``parse_amount``) and
Babel only to show an amount (``format_money``); everything in between —
prices, totals, change, refunds — is an ``int`` of the currency's minor units.
Rounding is half-up to one minor unit (``round_half_up``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_CURRENCY = "USD"
DEFAULT_LOCALE = "en_US"
MAX_AMOUNT = 10**11  # minor units: a billion dollars; more is a typo
_AMOUNT = re.compile(r"[0-9]{1,15}(\.[0-9]{1,15})?|\.[0-9]{1,15}", re.ASCII)


class AmountError(ValueError):
    """What a person typed is not an amount in this currency; the message says why."""


@dataclass(frozen=True)
class Currency:
    code: str  # ISO 4217
    exponent: int  # digits after the decimal point: 2 for USD, 0 for JPY

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "exponent": self.exponent}


def currency(code: str) -> Currency:
    """The ISO 4217 currency ``code`` with its exponent (from CLDR, via Babel)."""
    from babel.numbers import get_currency_name, get_currency_precision

    upper = code.strip().upper()
    if len(upper) != 3 or not upper.isascii() or not upper.isalpha() or (
            get_currency_name(upper, locale=DEFAULT_LOCALE) == upper):
        raise AmountError(f"{code!r} is not an ISO 4217 currency code, e.g. USD, EUR, KHR.")
    return Currency(upper, get_currency_precision(upper))


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half away from zero, exactly (integers only)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    quotient, remainder = divmod(abs(numerator), denominator)
    return sign * (quotient + (1 if 2 * remainder >= denominator else 0))


def parse_amount(text: str, exponent: int) -> int:
    """``"3.50"`` → ``350`` for a currency with two decimals; refuses what is not exact.

    Only plain digits with one optional point: no sign, exponent, grouping or comma
    (``"3,50"`` could mean 3.50 or 350, so it is refused, not guessed).
    """
    cleaned = text.strip()
    if cleaned.startswith("-"):
        raise AmountError("An amount cannot be negative.")
    if not _AMOUNT.fullmatch(cleaned):
        raise AmountError(f"{text!r} is not an amount; write it like 3.50.")
    value = Decimal(cleaned)
    scaled = value.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        places = "no decimals" if exponent == 0 else f"at most {exponent} decimals"
        raise AmountError(f"{text.strip()} has more decimals than the currency has "
                          f"({places}).")
    minor = int(scaled)
    if minor > MAX_AMOUNT:
        raise AmountError(f"{text.strip()} is too large for an amount.")
    return minor


def to_major(minor: int, exponent: int) -> Decimal:
    """``350`` → ``Decimal("3.50")``: for display and CSV, never for arithmetic."""
    return Decimal(minor).scaleb(-exponent)


def plain(minor: int, exponent: int) -> str:
    """``350`` → ``"3.50"``: the amount without symbol or grouping (CSV, input fields)."""
    return f"{to_major(minor, exponent):.{exponent}f}"


@functools.lru_cache(maxsize=4096)  # Babel takes tens of µs; a screen repaints often
def format_money(minor: int, code: str, exponent: int, locale: str = DEFAULT_LOCALE) -> str:
    """``350`` → ``"$3.50"``: the currency's symbol and separators, as the locale writes them."""
    from babel.numbers import format_currency

    return str(format_currency(to_major(minor, exponent), code, locale=locale))

"""Money in minor units: reading what people type exactly, rounding half-up, showing it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nixpos.core.money import (
    AmountError,
    Currency,
    currency,
    format_money,
    parse_amount,
    plain,
    round_half_up,
)


@pytest.mark.parametrize(("text", "exponent", "minor"), [
    ("3.50", 2, 350), ("3.5", 2, 350), ("3", 2, 300), (" 12.05 ", 2, 1205), (".5", 2, 50),
    ("0", 2, 0), ("1500", 0, 1500), ("1.234", 3, 1234),
])
def test_amounts_are_read_exactly(text: str, exponent: int, minor: int) -> None:
    assert parse_amount(text, exponent) == minor


@pytest.mark.parametrize(("text", "exponent", "says"), [
    ("3.505", 2, "more decimals than the currency has"),
    ("1.5", 0, "no decimals"),
    ("-1", 2, "negative"),
    ("3,50", 2, "not an amount"),  # 3.50 or 350? refused, not guessed
    ("1e3", 2, "not an amount"),
    ("NaN", 2, "not an amount"),
    ("", 2, "not an amount"),
    ("١٢", 2, "not an amount"),  # non-ASCII digits
    ("99999999999999", 2, "too large"),
])
def test_what_is_not_an_exact_amount_is_refused_with_the_reason(
    text: str, exponent: int, says: str
) -> None:
    with pytest.raises(AmountError, match=says):
        parse_amount(text, exponent)


@pytest.mark.parametrize(("numerator", "denominator", "rounded"), [
    (5, 10, 1), (4, 10, 0), (15, 10, 2), (25, 10, 3), (-5, 10, -1), (0, 7, 0), (7, 7, 1),
])
def test_half_up_rounding(numerator: int, denominator: int, rounded: int) -> None:
    assert round_half_up(numerator, denominator) == rounded


@given(st.integers(-10**12, 10**12), st.integers(1, 10**6))
def test_half_up_is_the_nearest_integer_with_halves_away_from_zero(n: int, d: int) -> None:
    rounded = round_half_up(n, d)
    assert abs(rounded * d - n) * 2 <= d  # nearest
    if abs(rounded * d - n) * 2 == d:  # a tie goes away from zero
        assert abs(rounded) * d > abs(n)


@given(st.integers(0, 10**11), st.sampled_from([0, 2, 3]))
def test_plain_text_reads_back_to_the_same_amount(minor: int, exponent: int) -> None:
    assert parse_amount(plain(minor, exponent), exponent) == minor


def test_currencies_know_their_exponent() -> None:
    assert currency("usd") == Currency("USD", 2)
    assert currency("JPY").exponent == 0
    with pytest.raises(AmountError, match="ISO 4217"):
        currency("XYZ1")
    with pytest.raises(AmountError, match="ISO 4217"):
        currency("QQQ")


def test_amounts_are_shown_with_the_currencys_symbol_and_separators() -> None:
    assert format_money(350, "USD", 2) == "$3.50"
    assert format_money(123456789, "USD", 2) == "$1,234,567.89"
    assert format_money(1500, "JPY", 0) == "¥1,500"
    assert format_money(123450, "EUR", 2, "de_DE") == "1.234,50\xa0€"

"""PIN format and server-generated PINs."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nixpos.core.pins import format_problem, generate_pin, is_trivial, is_well_formed
from nixpos.core.policy import Policy


@pytest.mark.parametrize("pin", ["12345670", "00000001", "98765431"])
def test_ascii_digits_of_the_right_length_are_well_formed(pin: str) -> None:
    assert is_well_formed(pin, 8)
    assert format_problem(pin, 8) is None


def test_a_long_pin_may_use_every_digit() -> None:
    assert is_well_formed("5820193746", 10)  # a shop with 10-digit PINs


@pytest.mark.parametrize("pin", ["١٢٣٤٥٦٧٨", "１２３４５６７８", "1234567", "123456789", "1234 678",
                                 "abcdefgh", "", "²³⁴⁵⁶⁷⁸⁹"])
def test_anything_else_is_not(pin: str) -> None:
    assert not is_well_formed(pin, 8)
    assert format_problem(pin, 8) == "A PIN is exactly 8 digits 0–9."


@pytest.mark.parametrize("pin", ["00000000", "77777777", "12345678", "87654321", "89012345",
                                 "21098765", "0123"])
def test_repeated_and_sequential_pins_are_trivial(pin: str) -> None:
    assert is_trivial(pin)


@pytest.mark.parametrize("pin", ["12345679", "13572468", "11223344", "90817263"])
def test_other_pins_are_not_trivial(pin: str) -> None:
    assert not is_trivial(pin)


def test_generation_skips_trivial_pins() -> None:
    # A source that first yields 1,1,1,… then counts 1,2,3,… must not win.
    digits = iter([1] * 8 + [1, 2, 3, 4, 5, 6, 7, 8] + [3, 1, 4, 1, 5, 9, 2, 6])
    assert generate_pin(8, lambda _n: next(digits)) == "31415926"


@given(st.integers(min_value=4, max_value=12), st.integers(min_value=0, max_value=2**32))
def test_generated_pins_are_well_formed_and_not_trivial(length: int, seed: int) -> None:
    rng = random.Random(seed)
    pin = generate_pin(length, rng.randrange)
    assert is_well_formed(pin, length)
    assert not is_trivial(pin)


def test_policy_defaults_are_the_spec_numbers() -> None:
    assert Policy().to_json() == {"idle_timeout_s": 900, "warning_s": 60, "poll_interval_s": 3,
                                  "pin_length": 8}
    assert Policy().problems() == []


def test_policy_problems_are_said_in_words() -> None:
    problems = Policy(idle_timeout_s=0, warning_s=5, poll_interval_s=0, pin_length=3).problems()
    assert len(problems) == 4
    assert any("idle_timeout_s" in p for p in problems)
    assert any("pin_length" in p for p in problems)

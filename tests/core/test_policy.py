"""A shop's policy: which values are allowed, and what the person who set it is told."""

from __future__ import annotations

import pytest

from nixpos.core.pins import MAX_PIN_LENGTH, MIN_PIN_LENGTH
from nixpos.core.policy import Policy


@pytest.mark.parametrize("policy", [
    Policy(),
    Policy(idle_timeout_s=1, warning_s=1, poll_interval_s=1),  # tests use a few seconds
    Policy(idle_timeout_s=60, warning_s=60),  # warn from the first second: allowed
    Policy(pin_length=MIN_PIN_LENGTH),
    Policy(pin_length=MAX_PIN_LENGTH),
])
def test_policies_at_the_limits_are_fine(policy: Policy) -> None:
    assert policy.problems() == []


def test_each_problem_is_named_for_the_person_who_set_it() -> None:
    policy = Policy(idle_timeout_s=0, warning_s=5, poll_interval_s=-1,
                    pin_length=MAX_PIN_LENGTH + 1)
    assert policy.problems() == [
        "idle_timeout_s must be a whole number of seconds, 1 or more.",
        "poll_interval_s must be a whole number of seconds, 1 or more.",
        "warning_s cannot be longer than idle_timeout_s.",
        f"pin_length must be between {MIN_PIN_LENGTH} and {MAX_PIN_LENGTH}.",
    ]


def test_a_warning_longer_than_the_timeout_is_refused() -> None:
    assert Policy(idle_timeout_s=60, warning_s=61).problems() == [
        "warning_s cannot be longer than idle_timeout_s."]


def test_too_short_a_pin_is_refused() -> None:
    assert Policy(pin_length=MIN_PIN_LENGTH - 1).problems() == [
        f"pin_length must be between {MIN_PIN_LENGTH} and {MAX_PIN_LENGTH}."]


def test_the_policy_travels_as_its_four_fields() -> None:
    assert Policy().to_json() == {"idle_timeout_s": 900, "warning_s": 60,
                                  "poll_interval_s": 3, "pin_length": 8}

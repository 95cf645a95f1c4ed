"""SPEC rule 11: the lockout schedule, exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nixpos.core.clock import FakeClock, SystemClock
from nixpos.core.lockout import format_wait, lock_seconds, locked_until_after, retry_after_s


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 30), (6, 60), (7, 120), (8, 240), (9, 480),
     (10, 1800), (11, 1800), (50, 1800)],
)
def test_lock_seconds_follow_the_schedule(failures: int, seconds: int) -> None:
    assert lock_seconds(failures) == seconds


def test_retry_after_rounds_up_and_reaches_zero() -> None:
    clock = FakeClock()
    until = locked_until_after(5, clock.now())
    assert retry_after_s(until, clock.now()) == 30
    clock.advance(29.2)
    assert retry_after_s(until, clock.now()) == 1
    clock.advance(0.8)
    assert retry_after_s(until, clock.now()) == 0
    assert retry_after_s(None, clock.now()) == 0


def test_no_lock_before_the_fifth_failure() -> None:
    assert locked_until_after(4, FakeClock().now()) is None


def test_the_system_clock_is_aware_utc_now() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert before <= now <= datetime.now(UTC)
    assert now.utcoffset() == timedelta(0)


def test_fake_clock_only_moves_when_told() -> None:
    clock = FakeClock()
    start = clock.now()
    assert start.utcoffset() == timedelta(0)  # aware UTC, like the system clock
    assert clock.now() == start
    clock.advance(90)
    assert clock.now() - start == timedelta(seconds=90)


@pytest.mark.parametrize(("seconds", "shown"), [(0, "0:00"), (5, "0:05"), (90, "1:30"),
                                                (1800, "30:00"), (-3, "0:00")])
def test_format_wait_is_minutes_and_seconds(seconds: int, shown: str) -> None:
    assert format_wait(seconds) == shown

"""Clocks: the wall clock the server stamps records with, and a fake one for tests.

The server needs wall-clock UTC (deadlines are stored and shown as ISO times).
Code takes a ``Clock`` as a constructor argument with ``SystemClock`` as the
production default, so tests move time with ``FakeClock.advance`` instead of
sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

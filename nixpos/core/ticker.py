"""The till's clock for idle time: one that neither jumps nor stops.

Idle time must not shrink or grow when someone changes the wall clock, and
must keep counting while the machine is suspended, so that a till resumed
past its deadline locks at once (SPEC rule 6). On Linux that is
``CLOCK_BOOTTIME``; elsewhere ``time.monotonic`` (on Windows it is based on
the tick count, which also counts sleep).
"""

from __future__ import annotations

import time
from typing import Protocol


class Ticker(Protocol):
    def seconds(self) -> float:
        """Seconds since some fixed point; only differences mean anything."""
        ...


class BootTicker:
    def __init__(self) -> None:
        self._clock_id: int | None = getattr(time, "CLOCK_BOOTTIME", None)

    def seconds(self) -> float:
        if self._clock_id is None:
            return time.monotonic()
        return time.clock_gettime(self._clock_id)


class FakeTicker:
    """A ticker that moves only when told to (tests, and suspend simulations)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def seconds(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

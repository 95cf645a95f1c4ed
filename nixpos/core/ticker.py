"""The till's clock for idle time: one that neither jumps nor stops.

Idle time must not shrink or grow when someone changes the wall clock, and
must keep counting while the machine is suspended, so that a till resumed
past its deadline locks at once (SPEC rule 6). On Linux that is
``CLOCK_BOOTTIME``; elsewhere ``time.monotonic`` (on Windows it is based on
the tick count, which also counts sleep).
"""

from __future__ import annotations

import os
import sys
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


def process_age_s() -> float | None:
    """Seconds since this process started (Linux; None elsewhere), a frozen
    program's bootloader included: what a person waited since launching it."""
    try:
        with open(f"/proc/{os.getpid()}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22, in clock ticks
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def peak_rss_mb() -> float | None:
    """This process's peak resident memory so far (Unix; None elsewhere)."""
    try:
        import resource
    except ImportError:
        return None
    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 1024 / 1024


def startup_report() -> str:
    """``after 391 ms, peak memory 63.4 MB`` (what is known on this OS)."""
    age, rss = process_age_s(), peak_rss_mb()
    parts = [f"after {age * 1000:.0f} ms" if age is not None else "",
             f"peak memory {rss:.1f} MB" if rss is not None else ""]
    return ", ".join(p for p in parts if p)

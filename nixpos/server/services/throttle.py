"""Slowing down password guessing at the back-office sign-in (issue 4).

Failures are counted per e-mail address and per client address, in memory:
a restart forgets them, which is fine for a throttle (the audit log keeps
every failure). As with PINs on a till (SPEC rule 11): within ``WINDOW``, four
failures cost nothing, the fifth shuts the door for 30 s, and each further
one doubles that, up to 15 minutes.
A successful sign-in clears its e-mail's count.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

FREE_FAILURES = 4
WINDOW = timedelta(minutes=15)
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)


class SignInThrottle:
    def __init__(self) -> None:
        self._failures: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: datetime) -> list[datetime]:
        times = [t for t in self._failures.get(key, []) if now - t < WINDOW]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def retry_after_s(self, keys: Iterable[str], now: datetime) -> int:
        """Seconds until any of ``keys`` may try again; 0 when all may now."""
        with self._lock:
            waits = [self._wait(self._recent(key, now), now) for key in keys]
        return max(waits, default=0)

    @staticmethod
    def _wait(times: list[datetime], now: datetime) -> int:
        extra = len(times) - FREE_FAILURES - 1
        if extra < 0:
            return 0
        wait = min(FIRST_WAIT * (1 << extra), LONGEST_WAIT)
        return max(0, math.ceil((times[-1] + wait - now).total_seconds()))

    def failed(self, keys: Iterable[str], now: datetime) -> None:
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, []).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

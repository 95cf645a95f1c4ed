"""Slowing down guessing: failed attempts counted per key, in memory.

One ``Throttle`` class, used twice (``ServerContext``): back-office sign-ins,
keyed per (e-mail, client address) and per client address, so a stranger
hammering a manager's e-mail from elsewhere cannot lock that manager out; and
till enrollment codes, keyed per client address.

As with PINs on a till (SPEC rule 11): within ``WINDOW``, four failures cost
nothing, the fifth shuts the door for 30 s, and each further one doubles that,
up to 15 minutes. A restart forgets the counts, which is fine for a throttle
(the audit log keeps every failed sign-in); the number of keys kept is
bounded so that guessing with ever new e-mails cannot fill the memory.
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
MAX_KEYS = 100_000


class Throttle:
    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self._failures: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def _recent(self, key: str, now: datetime) -> list[datetime]:
        times = [t for t in self._failures.get(key, []) if now - t < WINDOW]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def retry_after_s(self, keys: Iterable[str], now: datetime) -> int:
        """Seconds until every one of ``keys`` may try again; 0 when all may now."""
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
            if len(self._failures) > self._max_keys:
                self._forget_oldest(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _forget_oldest(self, now: datetime) -> None:
        for key in list(self._failures):
            self._recent(key, now)
        if len(self._failures) > self._max_keys:
            by_last = sorted(self._failures, key=lambda k: self._failures[k][-1])
            for key in by_last[: len(by_last) - self._max_keys // 2]:
                del self._failures[key]

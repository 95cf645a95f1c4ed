"""Brute-force protection: how long a till's keypad locks after failed PINs (SPEC rule 11).

Failures are counted per till. 1–4 cost nothing; the 5th consecutive one
locks for 30 s, then 60 s, 2, 4 and 8 minutes for the 6th–9th, and 30
minutes for the 10th and every one after. A success resets the count.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

FREE_FAILURES = 4
_ESCALATION_S = (30, 60, 120, 240, 480)
MAX_LOCK_S = 30 * 60


def lock_seconds(consecutive_failures: int) -> int:
    """Seconds the keypad stays locked right after this many consecutive failures."""
    if consecutive_failures <= FREE_FAILURES:
        return 0
    step = consecutive_failures - FREE_FAILURES - 1
    return _ESCALATION_S[step] if step < len(_ESCALATION_S) else MAX_LOCK_S


def retry_after_s(locked_until: datetime | None, now: datetime) -> int:
    """Whole seconds until the keypad opens again (0 when it is open), rounded up."""
    if locked_until is None or locked_until <= now:
        return 0
    return math.ceil((locked_until - now).total_seconds())


def locked_until_after(consecutive_failures: int, now: datetime) -> datetime | None:
    seconds = lock_seconds(consecutive_failures)
    return now + timedelta(seconds=seconds) if seconds else None


def format_wait(seconds: int) -> str:
    """``m:ss`` as the lock screen shows it, e.g. 90 -> ``1:30``."""
    minutes, secs = divmod(max(0, seconds), 60)
    return f"{minutes}:{secs:02d}"

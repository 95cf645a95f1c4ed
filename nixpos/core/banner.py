"""The words on the kick banner: who ended this till's session, where, when and why.

One sentence per reason (SPEC rule 5); ``signed_in_elsewhere`` always says
"another device". Times are shown in the till's local time.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from nixpos.core.reasons import EndReason
from nixpos.core.session import SessionEnd


def _clock(at: datetime | None, tz: tzinfo | None) -> str:
    return f" at {at.astimezone(tz):%H:%M}" if at else ""


def _duration(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} seconds"


def banner_text(end: SessionEnd, idle_timeout_s: int, tz: tzinfo | None = None) -> str | None:
    """The banner for ``end``, or None when there is nothing to tell (a manual lock)."""
    who = end.by or "A manager"
    staff = end.staff or "The cashier"
    when = _clock(end.at, tz)
    locked = "This register was locked."
    match end.reason:
        case EndReason.LOGOUT:
            return None
        case EndReason.SIGNED_IN_ELSEWHERE:
            where = f" ({end.on})" if end.on else ""
            return f"{end.by or staff} signed in on another device{where}{when}. {locked}"
        case EndReason.IDLE_TIMEOUT:
            return f"Locked after {_duration(idle_timeout_s)} without activity."
        case EndReason.REPLACED:
            return f"{who} unlocked this register{when}, ending {staff}'s session."
        case EndReason.FORCE_ENDED:
            return f"{who} ended {staff}'s session from the back office{when}. {locked}"
        case EndReason.PIN_RESET:
            return f"{staff}'s PIN was reset by {who}{when}. {locked}"
        case EndReason.STAFF_DEACTIVATED:
            return f"{staff} was deactivated by {who}{when}. {locked}"
        case EndReason.TERMINAL_DEACTIVATED:
            return f"This terminal has been deactivated by {who}{when}."
        case EndReason.SIGNED_OUT_EVERYWHERE:
            return f"{who} signed out of all devices{when}. {locked}"
    return None

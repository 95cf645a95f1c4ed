"""Showing data to people: "2 minutes ago", "23 Nov 14:03", audit events in words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nixpos.core.lockout import format_wait as format_wait  # m:ss, for the templates
from nixpos.core.reasons import EndReason

KIND_LABELS = {
    "unlock": "Unlocked a till",
    "unlock_failed": "Wrong PIN",
    "unlock_refused": "Unlock refused",
    "lockout": "Till keypad locked",
    "lockout_cleared": "Keypad lockout cleared",
    "session_ended": "Till session ended",
    "override_approved": "Manager approval given",
    "override_refused": "Manager approval refused",
    "approval_used": "Approved action done",
    "pin_reset": "PIN reset",
    "staff_added": "Person added",
    "staff_deactivated": "Person deactivated",
    "staff_reactivated": "Person reactivated",
    "terminal_deactivated": "Till deactivated",
    "terminal_enrolled": "Till enrolled",
    "enrollment_code_issued": "Enrollment code created",
    "policy_changed": "Policy changed",
    "web_signin": "Back-office sign-in",
    "web_signin_failed": "Back-office sign-in failed",
    "web_signout": "Back-office sign-out",
    "signed_out_everywhere": "Signed out of all devices",
}

REASON_WORDS = {
    EndReason.LOGOUT: "locked by the cashier",
    EndReason.IDLE_TIMEOUT: "idle timeout",
    EndReason.SIGNED_IN_ELSEWHERE: "signed in on another device",
    EndReason.REPLACED: "someone else unlocked the till",
    EndReason.FORCE_ENDED: "ended from the back office",
    EndReason.PIN_RESET: "PIN reset",
    EndReason.STAFF_DEACTIVATED: "person deactivated",
    EndReason.TERMINAL_DEACTIVATED: "till deactivated",
    EndReason.SIGNED_OUT_EVERYWHERE: "signed out of all devices",
}


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def ago(value: str | None, now: datetime) -> str:
    """``2 minutes ago``, as people say it."""
    at = parse_time(value)
    if at is None:
        return "never"
    seconds = int((now - at).total_seconds())
    if seconds < 45:
        return "just now"
    if seconds < 3600:
        count, unit = max(1, round(seconds / 60)), "minute"
    elif seconds < 86400:
        count, unit = seconds // 3600, "hour"
    else:
        count, unit = seconds // 86400, "day"
    return f"{count} {unit}{'s' if count != 1 else ''} ago"


def clock(value: str | None) -> str:
    """The server's local date and time, e.g. ``23 Nov 14:03``."""
    at = parse_time(value)
    return f"{at.astimezone():%d %b %H:%M}" if at else ""


def minutes(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


def describe(event: dict[str, Any]) -> str:
    """The details of an audit event that its columns do not show."""
    detail = event.get("detail") or {}
    parts = []
    if event.get("subject"):
        parts.append(event["subject"]["name"])
    if reason := detail.get("reason"):
        try:
            parts.append(REASON_WORDS[EndReason(reason)])
        except ValueError:
            parts.append(str(reason))
    if why := detail.get("why"):
        parts.append(str(why).replace("_", " "))
    if elsewhere := detail.get("ended_elsewhere"):
        parts.append("ended the session on " + ", ".join(map(str, elsewhere)))
    if (seconds := detail.get("seconds")) and event.get("kind") == "lockout":
        parts.append(f"for {minutes(int(seconds))}")
    if action := detail.get("action"):
        parts.append(str(action).replace("_", " "))
    if device := detail.get("device_name"):
        parts.append(f"device: {device}")
    if detail.get("override"):
        parts.append("manager override")
    return " · ".join(parts)

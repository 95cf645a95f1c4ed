"""Showing data to people: "2 minutes ago", "23 Nov 2026 14:03" in the shop's own time
zone, "$3.50", audit events in words, and any stored text in a form every page can send."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from nixpos.core.lockout import format_wait as format_wait  # m:ss, for the templates
from nixpos.core.money import format_money, plain
from nixpos.core.reasons import EndReason

# What a page cannot carry: lone surrogates cannot be encoded as UTF-8 at all (the whole
# response would fail), and control characters other than tab and newlines are not text
# (HTML calls NUL a parse error). Each is shown as U+FFFD, the replacement character.
UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
REPLACEMENT = "\ufffd"
DETAIL_CHARS = 200  # an audit detail is a summary; the full row is in the database
DETAIL_DEPTH = 3

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
    "money_settings_changed": "Currency, tax or time zone changed",
    "category_added": "Category added",
    "category_changed": "Category changed",
    "product_added": "Product added",
    "product_changed": "Product changed",
    "sale": "Sale",
    "sale_after_session_end": "Sale after its session ended",
    "approval_consumed": "Approval spent",
    "refund": "Refund",
    "cart_discarded": "Open sale discarded",
}

METHOD_LABELS = {"cash": "Cash", "card": "Card", "qr": "QR", "other": "Other"}
FLAG_LABELS = {"after_session_end": "After session end", "offline": "Offline"}
ACTION_LABELS = {"discount": "Discount", "void_line": "Void", "refund": "Refund",
                 "open_drawer": "Open drawer"}
MONEY_KEYS = ("total", "amount", "price")  # audit details' amounts, in minor units

REASON_WORDS: dict[str, str] = {
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


def items(count: int) -> str:
    """``3 items``, ``1 item``."""
    return f"{count} item{'s' if count != 1 else ''}"


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


def shop_clock(value: str | None, zone: str, *, day: bool = True) -> str:
    """A time as the shop lives it, in its own time zone whatever the server's: ``5 Jan
    2026 16:00``, or ``16:00`` without ``day`` (a list of one day's sales)."""
    at = parse_time(value)
    if at is None:
        return ""
    local = at.astimezone(ZoneInfo(zone))
    return f"{local.day} {local:%b %Y %H:%M}" if day else f"{local:%H:%M}"


def money(minor: Any, currency: dict[str, Any]) -> str:
    """``350`` → ``$3.50`` in the shop's currency (``{"code", "exponent"}``); anything
    that is not a whole amount is shown as it is."""
    if not isinstance(minor, int) or isinstance(minor, bool):
        return "" if minor is None else str(minor)
    return format_money(minor, currency["code"], currency["exponent"])


def typed(minor: int, currency: dict[str, Any]) -> str:
    """``350`` → ``3.50``: an amount as a person types it into a field."""
    return plain(minor, currency["exponent"])


def days(first: str, last: str) -> str:
    """A report's local days in words: ``Monday 5 January 2026`` or ``5 Jan – 6 Jan 2026``."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    if start == end:
        return f"{start:%A} {start.day} {start:%B %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def shop_day(value: str | None, zone: str) -> str:
    """The shop's local date of a time, as the sales page's filter takes it (2026-01-05)."""
    at = parse_time(value)
    return at.astimezone(ZoneInfo(zone)).date().isoformat() if at else ""


def discount_words(discount: Any, amount: Callable[[Any], str]) -> str:
    """``10 %`` or ``$0.50 off``, as the till rang the discount up."""
    if not isinstance(discount, dict):
        return ""
    if discount.get("kind") == "percent":
        return f"{discount.get('value')} %"
    return f"{amount(discount.get('value'))} off"


def minutes(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


def showable(value: Any) -> Any:
    """Text as a page can send it (Jinja's ``finalize``: every ``{{ … }}`` passes here).

    Stored rows come from older versions and other writers too; whatever they hold,
    the page still renders. Anything but text is left for Jinja to show as usual.
    """
    if not isinstance(value, str) or not UNSHOWABLE.search(value):
        return value
    cleaned = UNSHOWABLE.sub(REPLACEMENT, value)
    # Already-escaped markup stays markup: swapping a character for U+FFFD adds no tags.
    return Markup(cleaned) if isinstance(value, Markup) else cleaned


def shorten(text: str, limit: int = DETAIL_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def words(value: Any, depth: int = 0) -> str:
    """Any JSON value as short text: ``a, b`` for a list, ``key: value`` for an object."""
    if isinstance(value, dict | list) and depth >= DETAIL_DEPTH:
        return "…"  # a summary, and no nesting deep enough to exhaust the stack
    if isinstance(value, dict):
        text = ", ".join(f"{key}: {words(item, depth + 1)}" for key, item in value.items())
    elif isinstance(value, list):
        text = ", ".join(words(item, depth + 1) for item in value)
    else:
        text = str(value)
    return shorten(text)


def describe(event: dict[str, Any],
             amount: Callable[[int], str] | None = None) -> str:
    """The details of an audit event that its columns do not show; ``amount`` words the
    amounts of sales, refunds and prices (minor units) in the shop's currency.

    ``detail`` is whatever JSON was stored, by this version or another one: a value of an
    unexpected type is shown as text rather than refused.
    """
    detail = event.get("detail")
    if not isinstance(detail, dict):
        return words(detail) if detail not in (None, "", [], {}) else ""
    parts = []
    if subject := event.get("subject"):
        parts.append(words(subject.get("name", "")))
    number = detail.get("number", detail.get("sale_number"))
    if number is not None:
        parts.append(f"sale {words(number)}")
    if name := detail.get("name"):
        parts.append(words(name))
    for key in MONEY_KEYS:
        value = detail.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            parts.append(f"{key} {amount(value) if amount else value}")
    if reason := detail.get("reason"):
        known = REASON_WORDS.get(reason) if isinstance(reason, str) else None
        parts.append(known or words(reason))
    if why := detail.get("why"):
        parts.append(words(why).replace("_", " "))
    if elsewhere := detail.get("ended_elsewhere"):
        places = elsewhere if isinstance(elsewhere, list) else [elsewhere]
        parts.append("ended the session on " + words(places))
    seconds = detail.get("seconds")
    if event.get("kind") == "lockout" and isinstance(seconds, int) and seconds > 0:
        parts.append(f"for {minutes(seconds)}")
    if action := detail.get("action"):
        parts.append(words(action).replace("_", " "))
    if device := detail.get("device_name"):
        parts.append(f"device: {words(device)}")
    if detail.get("override"):
        parts.append("manager override")
    if approver := detail.get("approved_by"):
        parts.append(f"approved by {words(approver)}")
    return " · ".join(parts)

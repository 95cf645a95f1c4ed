"""How the back office words times, devices and audit events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from markupsafe import Markup

from nixpos.server.user_agent import device
from nixpos.server.web.present import ago, describe, showable

NOW = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(("seconds", "words"), [
    (10, "just now"), (50, "1 minute ago"), (125, "2 minutes ago"), (3600, "1 hour ago"),
    (3 * 3600 + 10, "3 hours ago"), (86400 * 2 + 5, "2 days ago"),
])
def test_ago_says_it_as_people_do(seconds: int, words: str) -> None:
    at = (NOW - timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")
    assert ago(at, NOW) == words


def test_ago_of_nothing_is_never() -> None:
    assert ago(None, NOW) == "never"


@pytest.mark.parametrize(("agent", "named"), [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0 Safari/537.36 Edg/126.0", ("Edge", "Windows")),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", ("Safari", "iOS")),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
     ("Firefox", "Linux")),
    ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
     ("Chrome", "Android")),
    ("curl/8.5", ("Browser", "Unknown OS")),
])
def test_devices_are_named_from_the_user_agent(agent: str, named: tuple[str, str]) -> None:
    assert device(agent) == named


def test_audit_details_are_words() -> None:
    event = {"kind": "session_ended", "subject": {"name": "Mealea Sok"},
             "detail": {"reason": "signed_in_elsewhere"}}
    assert describe(event) == "Mealea Sok · signed in on another device"
    lockout = {"kind": "lockout", "detail": {"seconds": 60, "attempt": 6}}
    assert describe(lockout) == "for 1 min"


DEEP: list[Any] = []
for _ in range(5000):  # deeper than the stack would allow a naive walk
    DEEP = [DEEP]


@pytest.mark.parametrize(("detail", "words"), [
    ({"reason": 42}, "Mealea Sok · 42"),
    ({"reason": ["signed_in_elsewhere", {"till": 2}]}, "Mealea Sok · signed_in_elsewhere, till: 2"),
    ({"reason": "made_up", "ended_elsewhere": 7}, "Mealea Sok · made_up · ended the session on 7"),
    ({"ended_elsewhere": ["Till 1", 2]}, "Mealea Sok · ended the session on Till 1, 2"),
    ({"why": {"not_assigned": [1, None, True]}}, "Mealea Sok · not assigned: 1, None, True"),
    ({"seconds": "thirty"}, "Mealea Sok"),
    ({"seconds": [30], "action": {"open_drawer": 1}}, "Mealea Sok · open drawer: 1"),
    ({"device_name": "z" * 1000}, "Mealea Sok · device: " + "z" * 199 + "…"),
    (["a", 1, {"b": None}], "a, 1, b: None"),
    ({"why": [[[["four deep"]]], "shallow"]}, "Mealea Sok · …, shallow"),
    ({"why": DEEP}, "Mealea Sok · …"),
    ("just text", "just text"),
    (12.5, "12.5"),
    (None, ""),
    ([], ""),
])
def test_audit_details_of_any_shape_are_shown_not_refused(detail: Any, words: str) -> None:
    event = {"kind": "lockout", "subject": {"name": "Mealea Sok"}, "detail": detail}
    assert describe(event) == words


@pytest.mark.parametrize(("stored", "shown"), [
    ("Sokha Lim", "Sokha Lim"),
    ("tab\tand\nnewline", "tab\tand\nnewline"),
    ("lone \udfff and \ud800", "lone \ufffd and \ufffd"),
    ("nul\x00 esc\x1b del\x7f", "nul\ufffd esc\ufffd del\ufffd"),
    ("emoji \U0001f600", "emoji \U0001f600"),
])
def test_any_stored_text_can_be_sent_as_utf8(stored: str, shown: str) -> None:
    assert showable(stored) == shown
    shown.encode()  # what failed the whole page before


def test_escaped_markup_stays_markup_and_other_values_are_untouched() -> None:
    cleaned = showable(Markup("&lt;b&gt;\x00"))
    assert isinstance(cleaned, Markup) and cleaned == "&lt;b&gt;\ufffd"
    assert showable(None) is None and showable(42) == 42

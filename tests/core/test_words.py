"""What the till says when it knows less than usual: unknown actions and missing names.

The banner for each reason with every detail known is in ``test_session``;
these are the sentences a person reads when the server left a detail out.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nixpos.core import words
from nixpos.core.answers import SessionEnd
from nixpos.core.reasons import EndReason

AT = datetime(2026, 1, 5, 14, 3, tzinfo=UTC)


def test_an_action_the_till_has_no_label_for_is_spelled_from_its_name() -> None:
    assert words.action_label("free_coffee") == "Free coffee"
    assert words.approval_title("free_coffee") == "Manager approval: Free coffee"
    assert words.action_label("open_drawer") == "Open drawer without a sale"


def test_the_approval_text_names_the_cashier_or_says_the_cashier() -> None:
    assert words.approval_text("Mealea Sok") == (
        "A manager or owner enters their PIN to approve this. Mealea Sok stays signed in.")
    assert words.approval_text(None) == (
        "A manager or owner enters their PIN to approve this. The cashier stays signed in.")


@pytest.mark.parametrize(("role", "override", "shown"), [
    ("cashier", False, "Cashier"),
    ("owner", True, "Owner · manager override"),
    ("auditor", False, "Auditor"),
])
def test_roles_are_words(role: str, override: bool, shown: str) -> None:
    assert words.role(role, override) == shown


@pytest.mark.parametrize(("end", "shown"), [
    (SessionEnd(EndReason.SIGNED_IN_ELSEWHERE, staff="Mealea Sok"),
     "Mealea Sok signed in on another device. This register was locked."),
    (SessionEnd(EndReason.SIGNED_IN_ELSEWHERE, staff="Mealea Sok", by="Sokha Lim", at=AT),
     "Sokha Lim signed in on another device at 14:03. This register was locked."),
    (SessionEnd(EndReason.FORCE_ENDED, staff="Mealea Sok"),
     "A manager ended Mealea Sok's session from the back office. This register was locked."),
    (SessionEnd(EndReason.PIN_RESET, by="Dara Chan", at=AT),
     "The cashier's PIN was reset by Dara Chan at 14:03. This register was locked."),
    (SessionEnd(None),
     "The cashier's session ended. This register was locked."),
])
def test_a_banner_with_details_missing_still_reads_well(end: SessionEnd, shown: str) -> None:
    assert words.banner(end, 900, UTC) == shown


@pytest.mark.parametrize(("code", "shown"), [
    ("invalid_token", words.SESSION_LOST),
    ("tenant_mismatch", words.NOT_ENROLLED),
    ("approval_invalid", "The approval has expired."),  # the server's own words
])
def test_refusals_use_the_tills_words_or_the_servers(code: str, shown: str) -> None:
    assert words.refusal(code, "The approval has expired.") == shown

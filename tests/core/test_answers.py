"""Reading the server's answers: tolerant where that is safe, strict where the till cannot act.

A value this till does not understand keeps what it knew; an answer without
what the till needs (an id, a token) is a ``BadAnswer`` that names what is
missing, which the till's log shows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from nixpos.core.answers import (
    BadAnswer,
    Person,
    Refused,
    SessionEnd,
    parse_approval,
    parse_person,
    parse_policy,
    parse_session,
    parse_status,
    parse_unlocked,
)
from nixpos.core.policy import Policy
from nixpos.core.reasons import EndReason

Json = dict[str, Any]
KNOWN = Policy(idle_timeout_s=120, warning_s=30, poll_interval_s=5, pin_length=4)
MEALEA = {"id": 3, "name": "Mealea Sok", "role": "cashier"}


def session(**fields: Any) -> Json:
    return {"id": 7, "state": "active", "staff": MEALEA, "override": False} | fields


# -- the policy ---------------------------------------------------------------------------


def test_a_whole_policy_replaces_what_the_till_knew() -> None:
    sent = {"idle_timeout_s": 1, "warning_s": 1, "poll_interval_s": 1, "pin_length": 6}
    assert parse_policy(sent, KNOWN) == Policy(1, 1, 1, 6)


@pytest.mark.parametrize("odd", [0, -5, True, "60", None, 2.5])
def test_an_odd_value_keeps_only_that_field(odd: object) -> None:
    sent = {"idle_timeout_s": 300, "warning_s": odd, "poll_interval_s": 2}
    assert parse_policy(sent, KNOWN) == Policy(idle_timeout_s=300, warning_s=30,
                                               poll_interval_s=2, pin_length=4)


@pytest.mark.parametrize("sent", [None, [], "policy", 42])
def test_no_policy_object_keeps_the_whole_policy(sent: object) -> None:
    assert parse_policy(sent, KNOWN) == KNOWN
    assert parse_policy(sent) == Policy()


def test_a_policy_that_breaks_the_rules_is_not_taken() -> None:
    assert parse_policy({"idle_timeout_s": 20, "warning_s": 60}, KNOWN) == KNOWN


# -- sessions and people -----------------------------------------------------------------------


def test_a_live_session_has_no_end() -> None:
    parsed = parse_session(session(override=True))
    assert (parsed.id, parsed.live, parsed.override, parsed.end) == (7, True, True, None)
    assert parsed.person == Person(3, "Mealea Sok", "cashier")


def test_an_ended_session_says_how() -> None:
    parsed = parse_session(session(
        state="ended", reason="force_ended", ended_at="2026-01-05T14:03:00.000Z",
        ended_by={"id": 2, "name": "Dara Chan", "role": "manager"},
        ended_on={"id": 2, "name": "Till 2"}))
    assert parsed.live is False and parsed.override is False
    assert parsed.end == SessionEnd(EndReason.FORCE_ENDED, staff="Mealea Sok", by="Dara Chan",
                                    on="Till 2", at=datetime(2026, 1, 5, 14, 3, tzinfo=UTC))


def test_an_end_with_odd_details_keeps_what_it_can() -> None:
    parsed = parse_session(session(state="ended", reason=17, ended_at="yesterday",
                                   ended_by="Dara", ended_on={"name": 2}))
    assert parsed.end == SessionEnd(None, staff="Mealea Sok")


def test_a_person_without_a_name_or_role_is_still_a_person() -> None:
    assert parse_person({"id": 4, "name": 5}) == Person(4, "?", "")


@pytest.mark.parametrize(("parse", "data", "missing"), [
    (parse_session, {"state": "active", "staff": MEALEA}, "a session without an id"),
    (parse_session, ["not", "an", "object"], "a session without an id"),
    (parse_session, session(staff={"name": "Mealea Sok"}), "a person without an id"),
    (parse_person, None, "a person without an id"),
    (parse_unlocked, {"token": "", "session": session()}, "an unlock without a token"),
    (parse_unlocked, {"token": 12, "session": session()}, "an unlock without a token"),
    (parse_approval, {"approval": {"id": "11"}}, "an approval without an id"),
])
def test_an_answer_without_what_the_till_needs_says_what_is_missing(
    parse: Any, data: object, missing: str
) -> None:
    with pytest.raises(BadAnswer) as raised:
        parse(data)
    assert str(raised.value) == missing


def test_an_unlock_gives_the_token_and_the_session() -> None:
    unlocked = parse_unlocked({"token": "t0k", "session": session()})
    assert unlocked.token == "t0k" and unlocked.session.id == 7


# -- the till's status and approvals ---------------------------------------------------------


def test_the_status_names_till_shop_policy_and_lockout() -> None:
    status = parse_status({"terminal": {"name": "Bar"}, "tenant": {"name": "Lumière Coffee"},
                           "policy": {"pin_length": 6}, "lockout": {"retry_after_s": 1}}, KNOWN)
    assert (status.till, status.shop, status.lockout_s) == ("Bar", "Lumière Coffee", 1)
    assert status.policy == Policy(120, 30, 5, 6)


@pytest.mark.parametrize("lockout", [None, {}, {"retry_after_s": "30"},
                                     {"retry_after_s": -3}, {"retry_after_s": 0}])
def test_a_status_without_a_usable_lockout_means_none(lockout: object) -> None:
    status = parse_status({"lockout": lockout}, KNOWN)
    assert (status.till, status.shop, status.policy, status.lockout_s) == (
        None, None, KNOWN, 0)


def test_an_approval_names_its_action_and_approver() -> None:
    approval = parse_approval({"approval": {"id": 11, "action": "refund",
                                            "approved_by": {"name": "Dara Chan"}}})
    assert (approval.id, approval.action, approval.approved_by) == (11, "refund", "Dara Chan")
    bare = parse_approval({"approval": {"id": 12}})
    assert (bare.action, bare.approved_by) == ("", "A manager")


@pytest.mark.parametrize(("extra", "seconds"), [({"retry_after_s": 30}, 30),
                                                ({"retry_after_s": "30"}, 0), ({}, 0),
                                                ({"retry_after_s": 0}, 0)])
def test_a_refusals_retry_after_is_whole_seconds_or_nothing(extra: Json, seconds: int) -> None:
    assert Refused(423, "terminal_locked", "locked", extra).retry_after_s == seconds

"""The whole till as a state machine: every event, every answer, what the screens show.

No Qt, no network, no sleeping: the server's answers are ``Outcome`` values
and time is a ``FakeTicker``.
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta, timezone
from typing import Any

import pytest

from nixpos.core import words
from nixpos.core.answers import Ok, Outcome, Refused, Unreachable
from nixpos.core.policy import Policy
from nixpos.core.reasons import EndReason
from nixpos.core.sale_state import FetchCatalog
from nixpos.core.session import Phase
from nixpos.core.ticker import FakeTicker
from nixpos.core.till_state import (
    IDLE_REFRESH_S,
    Approve,
    Command,
    EndSession,
    FetchStatus,
    Poll,
    Quit,
    TillState,
    Unlock,
    UseApproval,
)

Json = dict[str, Any]
POLICY = {"idle_timeout_s": 120, "warning_s": 60, "poll_interval_s": 3, "pin_length": 4}
MEALEA = {"id": 3, "name": "Mealea Sok", "role": "cashier"}
DARA = {"id": 2, "name": "Dara Chan", "role": "manager"}
TILL_2 = {"id": 2, "name": "Till 2"}


def session(state: str = "active", staff: Json = MEALEA, session_id: int = 7,
            **extra: Any) -> Json:
    return {"id": session_id, "state": state, "staff": staff,
            "terminal": {"id": 1, "name": "Till 1"}, "override": False, **extra}


def status(lockout_s: int = 0, **policy: int) -> Json:
    return {"terminal": {"id": 1, "name": "Till 1"},
            "tenant": {"code": "lumiere-coffee", "name": "Lumière Coffee"},
            "policy": POLICY | policy,
            "lockout": {"locked": lockout_s > 0, "retry_after_s": lockout_s}}


def refused(code: str, status: int = 401, **extra: Any) -> Refused:
    return Refused(status, code, f"server says {code}", extra)


OFFLINE = Unreachable("connection refused")


@pytest.fixture
def ticker() -> FakeTicker:
    return FakeTicker()


@pytest.fixture
def till(ticker: FakeTicker) -> TillState:
    state = TillState(ticker, till="Till 1", shop="Lumière Coffee")
    state.answered(FetchStatus(0), Ok(status()))  # learns the shop's policy, as on start
    return state


def answer(till: TillState, commands: list[Command], outcome: Outcome) -> list[Command]:
    """The server answers the one call ``commands`` holds."""
    assert len(commands) == 1, commands
    return till.answered(commands[0], outcome)


CATALOG = {"currency": {"code": "USD", "exponent": 2}, "tax_rate_bp": 1000,
           "categories": [{"id": 1, "name": "Coffee"}, {"id": 2, "name": "Bakery"}],
           "products": [{"id": 11, "sku": "LAT-01", "name": "Latte", "category_id": 1,
                         "price": 350, "active": True},
                        {"id": 12, "sku": "ESP-01", "name": "Espresso", "category_id": 1,
                         "price": 250, "active": True},
                        {"id": 21, "sku": "CRO-01", "name": "Croissant", "category_id": 2,
                         "price": 275, "active": True}]}


def unlocked(till: TillState, staff: Json = MEALEA, *, override: bool = False,
             session_id: int = 7) -> str:
    """Type a PIN, the server accepts it, the till gets the menu; returns the token."""
    commands = till.pin_entered("3918")
    token = f"token-{session_id}"
    follow = answer(till, commands, Ok({"token": token, "ended_elsewhere": [],
                                        "session": session(staff=staff, session_id=session_id,
                                                           override=override)}))
    assert till.session.is_live
    answer(till, follow, Ok(CATALOG, etag='"v1"'))  # the menu, asked for at once
    return token


def poll(till: TillState, outcome: Outcome) -> Poll:
    command = till.background_call()
    assert isinstance(command, Poll)
    till.answered(command, outcome)
    return command


# -- starting and unlocking ---------------------------------------------------------------


def test_a_new_till_shows_its_keypad_and_asks_its_status(ticker: FakeTicker) -> None:
    state = TillState(ticker, till="Till 1", shop="Lumière Coffee")
    view = state.view()
    assert view.active is None and view.till == "Till 1" and view.shop == "Lumière Coffee"
    assert view.lock.prompt == "Enter your PIN" and view.lock.error == ""
    assert view.lock.keypad_enabled and view.lock.override_enabled and not view.lock.offline
    assert view.lock.banner is None and view.warning is None and view.dialog is None
    assert state.background_call() == FetchStatus(0)
    assert state.next_delay_s() == 3.0  # a locked till hears the back office within a poll


def test_the_status_names_the_till_and_sets_the_policy(till: TillState) -> None:
    till.answered(FetchStatus(0), Ok(status(idle_timeout_s=300, pin_length=6)
                                     | {"terminal": {"id": 1, "name": "Bar"}}))
    assert till.policy == Policy(idle_timeout_s=300, warning_s=60, poll_interval_s=3,
                                 pin_length=6)
    assert till.view().till == "Bar" and till.view().lock.pin_length == 6


def test_unknown_fields_and_odd_policy_values_are_tolerated(till: TillState) -> None:
    odd = status() | {"new_field": [1, 2]}
    odd["policy"] = POLICY | {"idle_timeout_s": "soon", "warning_s": None, "grace_s": 5}
    till.answered(FetchStatus(0), Ok(odd))
    assert till.policy.idle_timeout_s == 120 and till.policy.warning_s == 60  # kept
    assert till.connection.online


def test_a_pin_unlocks_and_the_active_screen_shows_who(till: TillState) -> None:
    commands = till.pin_entered("3918")
    assert commands == [Unlock("3918", override=False)]
    assert till.view().lock.prompt == "Checking…" and not till.view().lock.keypad_enabled
    assert till.pin_entered("1111") == []  # one PIN at a time
    follow = answer(till, commands, Ok({"token": "t", "session": session(),
                                        "ended_elsewhere": []}))
    assert follow == [FetchCatalog(None)]  # the menu, beside the polls
    till.answered(follow[0], Ok(CATALOG, etag='"v1"'))
    view = till.view()
    assert view.active is not None
    assert (view.active.person, view.active.role) == ("Mealea Sok", "Cashier")
    assert view.active.countdown == "Locks in 2:00 if idle"
    assert view.active.connection == "Online"
    assert till.background_call() == Poll("t", 7, activity=False)


@pytest.mark.parametrize(("code", "shown"), [
    ("invalid_pin", "Invalid PIN"),
    ("not_assigned", "Not assigned to this terminal"),
    ("not_manager", words.NOT_A_MANAGER),
    ("invalid_request", words.BAD_PIN),
    ("something_new", "server says something_new"),
])
def test_a_refused_pin_says_why_and_the_keypad_opens_again(
    till: TillState, code: str, shown: str
) -> None:
    answer(till, till.pin_entered("3918"), refused(code))
    view = till.view()
    assert till.session.phase is Phase.LOCKED
    assert view.lock.error == shown and view.lock.keypad_enabled
    till.answered(FetchStatus(till.pin_epoch), Ok(status()))  # a routine refresh keeps it
    assert till.view().lock.error == shown


def test_the_next_pin_clears_the_last_error(till: TillState) -> None:
    answer(till, till.pin_entered("3918"), refused("invalid_pin"))
    till.pin_entered("3918")
    assert till.view().lock.error == ""


def test_a_keypad_lockout_counts_down_and_then_opens(
    till: TillState, ticker: FakeTicker
) -> None:
    answer(till, till.pin_entered("3918"), refused("terminal_locked", 423, retry_after_s=90))
    view = till.view()
    assert view.lock.error == "Terminal locked — try again in 1:30 or ask a manager"
    assert not view.lock.keypad_enabled and not view.lock.override_enabled
    assert till.pin_entered("3918") == [] and till.override_pressed() == []
    ticker.advance(31)
    assert till.view().lock.error == "Terminal locked — try again in 0:59 or ask a manager"
    ticker.advance(59)
    assert till.view().lock.error == "" and till.view().lock.keypad_enabled


def test_a_lockout_told_by_the_status_locks_and_a_cleared_one_opens(till: TillState) -> None:
    till.answered(FetchStatus(0), Ok(status(lockout_s=30)))
    assert not till.view().lock.keypad_enabled and "0:30" in till.view().lock.error
    till.answered(FetchStatus(0), Ok(status(lockout_s=0)))  # a manager cleared it
    assert till.view().lock.keypad_enabled and till.view().lock.error == ""


def test_a_status_sent_before_a_pin_answer_does_not_undo_its_lockout(till: TillState) -> None:
    sent = till.background_call()
    assert sent == FetchStatus(0)
    answer(till, till.pin_entered("3918"), refused("terminal_locked", 423, retry_after_s=30))
    till.answered(sent, Ok(status(lockout_s=0)))  # older news about the keypad
    assert not till.view().lock.keypad_enabled


def test_an_unreachable_server_on_unlock_says_so_until_it_answers_again(
    till: TillState
) -> None:
    answer(till, till.pin_entered("3918"), OFFLINE)
    view = till.view()
    assert view.lock.error == words.OFFLINE and view.lock.offline
    assert till.session.phase is Phase.LOCKED and view.lock.keypad_enabled
    till.answered(till.background_call(), Ok(status()))
    assert till.view().lock.error == "" and not till.view().lock.offline


def test_a_garbled_unlock_answer_is_not_a_crash(till: TillState) -> None:
    answer(till, till.pin_entered("3918"), Ok({"session": session()}))  # no token
    assert till.session.phase is Phase.LOCKED
    assert till.view().lock.error == words.NOT_UNDERSTOOD
    assert not till.connection.online


# -- while signed in ---------------------------------------------------------------------------


def test_activity_goes_with_exactly_one_poll(till: TillState) -> None:
    token = unlocked(till)
    till.activity()
    assert poll(till, Ok(session())) == Poll(token, 7, activity=True)
    assert till.background_call() == Poll(token, 7, activity=False)


def test_a_failed_poll_keeps_the_session_shows_offline_and_retries_soon(
    till: TillState
) -> None:
    token = unlocked(till)
    till.activity()
    poll(till, OFFLINE)
    view = till.view()
    assert till.session.is_live and view.active is not None
    assert view.active.connection == "Offline — reconnecting" and view.active.offline
    assert till.next_delay_s() == 3.0  # the first retry after one interval …
    poll(till, OFFLINE)
    assert till.next_delay_s() == 6.0  # … then every two: back within 2 × the interval
    poll(till, OFFLINE)
    assert till.next_delay_s() == 6.0
    assert poll(till, Ok(session())) == Poll(token, 7, activity=True)  # activity kept
    assert till.view().active.connection == "Online"
    assert till.next_delay_s() == 3.0


@pytest.mark.parametrize("reason", [r for r in EndReason if r is not EndReason.LOGOUT])
def test_every_end_from_elsewhere_locks_with_its_own_banner(
    till: TillState, reason: EndReason
) -> None:
    unlocked(till)
    ended = session("ended", reason=reason.value, ended_at="2026-01-05T14:03:00Z",
                    ended_by=DARA, ended_on=TILL_2)
    poll(till, Ok(ended))
    view = till.view(UTC)
    assert view.active is None and view.lock.banner is not None
    if reason is EndReason.IDLE_TIMEOUT:
        assert view.lock.banner == "Locked after 2 minutes without activity."
    else:
        assert "Dara Chan" in view.lock.banner and "14:03" in view.lock.banner
    till.banner_dismissed()
    assert till.view().lock.banner is None


def test_a_kick_names_who_and_where_and_says_another_device(till: TillState) -> None:
    unlocked(till)
    poll(till, Ok(session("ended", reason="signed_in_elsewhere", ended_by=MEALEA,
                          ended_on=TILL_2, ended_at="2026-01-05T14:03:00Z")))
    assert till.view(UTC).lock.banner == (
        "Mealea Sok signed in on another device (Till 2) at 14:03. This register was locked.")


def test_an_end_reason_the_till_does_not_know_still_locks_with_a_banner(
    till: TillState
) -> None:
    unlocked(till)
    poll(till, Ok(session("ended", reason="moved_to_the_moon", ended_by=DARA)))
    assert till.session.phase is Phase.LOCKED
    banner = till.view().lock.banner
    assert banner is not None and banner.endswith("This register was locked.")


def test_a_poll_answer_about_a_session_the_till_left_changes_nothing(till: TillState) -> None:
    unlocked(till)
    old = till.background_call()
    till.lock_pressed()
    unlocked(till, session_id=8)
    till.answered(old, Ok(session("ended", reason="force_ended", ended_by=DARA)))
    assert till.session.is_live and till.session.session_id == 8


def test_a_forgotten_session_locks_and_says_so(till: TillState) -> None:
    unlocked(till)
    poll(till, refused("invalid_token"))
    assert till.view().active is None
    assert till.view().lock.error == words.SESSION_LOST and till.view().lock.banner is None


@pytest.mark.parametrize("outcome", [
    Refused(404, "unknown", "not found"),  # a proxy's page: no answer about the session
    Refused(429, "too_many_attempts", "slow down"),
    Ok({"state": "active"}),  # no id: not understood
])
def test_an_answer_that_says_nothing_about_the_session_keeps_it(
    till: TillState, outcome: Outcome
) -> None:
    unlocked(till)
    poll(till, outcome)
    assert till.session.is_live and not till.connection.online
    poll(till, Ok(session("ended", reason="force_ended", ended_by=DARA)))
    assert till.session.phase is Phase.LOCKED  # and the next real answer still counts


def test_a_policy_in_the_poll_reply_takes_effect_at_once(till: TillState) -> None:
    unlocked(till)
    poll(till, Ok(session() | {"policy": POLICY | {"idle_timeout_s": 20, "warning_s": 10}}))
    assert till.policy.idle_timeout_s == 20
    assert till.view().active.countdown == "Locks in 0:20 if idle"


def test_the_warning_counts_down_and_the_till_locks_at_zero(
    till: TillState, ticker: FakeTicker
) -> None:
    unlocked(till)
    ticker.advance(59)
    till.tick()
    assert till.view().warning is None
    ticker.advance(1)
    till.tick()
    assert till.view().warning == "This register locks in 1:00"
    till.activity()  # "Stay signed in", or any touch
    assert till.view().warning is None
    ticker.advance(105)
    till.tick()
    assert till.view().warning == "This register locks in 0:15"
    ticker.advance(15)
    till.tick()
    view = till.view()
    assert view.active is None and view.warning is None
    assert view.lock.banner == "Locked after 2 minutes without activity."


def test_the_idle_banner_names_the_timeout_that_locked_even_after_a_policy_change(
    till: TillState, ticker: FakeTicker
) -> None:
    till.answered(FetchStatus(0), Ok(status(idle_timeout_s=20, warning_s=10)))
    unlocked(till)
    ticker.advance(20)
    till.tick()
    till.answered(FetchStatus(till.pin_epoch), Ok(status(idle_timeout_s=900)))
    assert till.view().lock.banner == "Locked after 20 seconds without activity."


# -- locking and closing: no ghost sessions ----------------------------------------------------


def test_lock_ends_the_session_on_the_server_and_retries_until_heard(till: TillState) -> None:
    token = unlocked(till)
    till.lock_pressed()
    view = till.view()
    assert view.active is None and view.lock.banner is None  # a manual lock: no banner
    command = till.background_call()
    assert command == EndSession(token) and till.next_delay_s() == 0.0
    till.answered(command, OFFLINE)
    assert till.background_call() == EndSession(token)  # still owed
    assert till.next_delay_s() == 3.0
    till.answered(command, Ok(session("ended", reason="logout")))
    assert till.background_call() == FetchStatus(till.pin_epoch)


def test_a_session_the_server_already_forgot_is_not_owed(till: TillState) -> None:
    token = unlocked(till)
    till.lock_pressed()
    till.answered(EndSession(token), refused("invalid_token"))
    assert till.pending_ends == []


def test_closing_the_program_ends_the_live_session_first(till: TillState) -> None:
    token = unlocked(till)
    assert till.shutdown() == [EndSession(token)]
    assert till.session.phase is Phase.LOCKED


def test_closing_a_locked_till_ends_what_is_still_owed(till: TillState) -> None:
    token = unlocked(till)
    till.lock_pressed()
    assert till.shutdown() == [EndSession(token)]


# -- the till itself refused ----------------------------------------------------------------


def test_a_deactivated_till_says_who_and_stays_locked_for_good(till: TillState) -> None:
    unlocked(till)
    ended = session("ended", reason="terminal_deactivated", ended_by=DARA,
                    ended_at="2026-01-05T14:03:00Z")
    poll(till, refused("terminal_deactivated", 403, session=ended))
    view = till.view(UTC)
    assert view.active is None and view.lock.error == words.DEACTIVATED
    assert view.lock.banner == "This terminal has been deactivated by Dara Chan at 14:03."
    assert not view.lock.keypad_enabled and not view.lock.override_enabled
    assert till.pin_entered("3918") == []
    assert till.next_delay_s() == IDLE_REFRESH_S


def test_a_deactivated_till_refusing_an_unlock_is_cut_off(till: TillState) -> None:
    answer(till, till.pin_entered("3918"), refused("terminal_deactivated", 403))
    assert till.view().lock.error == words.DEACTIVATED
    assert not till.view().lock.keypad_enabled


@pytest.mark.parametrize("code", ["invalid_terminal", "tenant_mismatch"])
def test_a_till_the_server_no_longer_knows_asks_for_it(till: TillState, code: str) -> None:
    till.answered(till.background_call(), refused(code))
    assert till.view().lock.error == words.NOT_ENROLLED
    assert not till.view().lock.keypad_enabled


# -- the manager's PIN dialog --------------------------------------------------------------


def test_override_unlock_refusals_keep_the_dialog_open_and_say_why(till: TillState) -> None:
    till.override_pressed()
    dialog = till.view().dialog
    assert dialog is not None and dialog.title == "Manager override" and dialog.keypad_enabled
    for code, shown in [("invalid_pin", "Invalid PIN"), ("not_manager", words.NOT_A_MANAGER)]:
        commands = till.dialog_pin("3918")
        assert commands == [Unlock("3918", override=True)]
        assert not till.view().dialog.keypad_enabled  # busy
        answer(till, commands, refused(code))
        dialog = till.view().dialog
        assert dialog is not None and dialog.error == shown and dialog.keypad_enabled
    assert till.view().lock.error == ""  # the lock screen behind it says nothing


def test_a_lockout_shows_its_countdown_in_the_dialog(till: TillState, ticker: FakeTicker) -> None:
    till.override_pressed()
    answer(till, till.dialog_pin("3918"), refused("terminal_locked", 423, retry_after_s=30))
    dialog = till.view().dialog
    assert dialog is not None and not dialog.keypad_enabled
    assert dialog.error == "Terminal locked — try again in 0:30 or ask a manager"
    assert till.dialog_pin("5193") == []
    ticker.advance(30)
    assert till.view().dialog.keypad_enabled


def test_override_unlock_signs_the_manager_in_and_closes_the_dialog(till: TillState) -> None:
    till.override_pressed()
    answer(till, till.dialog_pin("5193"),
           Ok({"token": "t", "session": session(staff=DARA, override=True)}))
    view = till.view()
    assert view.dialog is None and view.active is not None
    assert view.active.role == "Manager · manager override"


def test_no_override_while_the_keypad_is_locked_out(till: TillState) -> None:
    till.answered(FetchStatus(0), Ok(status(lockout_s=60)))
    till.override_pressed()
    assert till.view().dialog is None


def test_an_approval_is_asked_used_and_told(till: TillState) -> None:
    token = unlocked(till)
    till.approval_requested("open_drawer")
    dialog = till.view().dialog
    assert dialog is not None and dialog.title == "Manager approval: Open drawer without a sale"
    assert "Mealea Sok stays signed in" in dialog.text
    commands = till.dialog_pin("5193")
    assert commands == [Approve(token, "5193", "open_drawer", {})]
    follow = answer(till, commands, Ok({"approval": {
        "id": 11, "action": "open_drawer", "approved_by": DARA}}))
    assert follow == [UseApproval(token, 11, "open_drawer", "Dara Chan")]
    answer(till, follow, Ok({"approval": {"id": 11}}))
    view = till.view()
    assert view.dialog is None
    assert view.active.notice == "Open drawer without a sale — approved by Dara Chan."


def test_a_cashiers_pin_in_the_approval_dialog_is_refused_visibly(till: TillState) -> None:
    unlocked(till)
    till.approval_requested("open_drawer")
    answer(till, till.dialog_pin("3918"), refused("not_manager", 403))
    dialog = till.view().dialog
    assert dialog is not None and dialog.error == words.NOT_A_MANAGER
    assert till.session.is_live  # the cashier stays signed in


def test_a_kick_closes_the_approval_dialog(till: TillState) -> None:
    unlocked(till)
    till.approval_requested("open_drawer")
    poll(till, Ok(session("ended", reason="signed_in_elsewhere", ended_by=MEALEA)))
    assert till.view().dialog is None


def test_a_session_gone_during_approval_locks(till: TillState) -> None:
    unlocked(till)
    till.approval_requested("open_drawer")
    answer(till, till.dialog_pin("5193"), refused("invalid_token"))
    assert till.view().active is None and till.view().dialog is None
    assert till.view().lock.error == words.SESSION_LOST


def test_an_unreachable_server_in_the_dialog_says_so_until_it_answers(till: TillState) -> None:
    unlocked(till)
    till.approval_requested("open_drawer")
    answer(till, till.dialog_pin("5193"), OFFLINE)
    assert till.view().dialog.error == words.OFFLINE
    poll(till, Ok(session()))
    assert till.view().dialog.error == ""


def test_the_lock_screen_keypad_is_not_heard_while_a_dialog_is_open(till: TillState) -> None:
    till.override_pressed()
    assert till.pin_entered("3918") == []


def test_a_cancelled_dialog_closes_and_a_stale_cancel_is_ignored(till: TillState) -> None:
    till.override_pressed()
    first = till.view().dialog
    assert first is not None
    till.dialog_cancelled(first.id)
    assert till.view().dialog is None
    till.override_pressed()
    till.dialog_cancelled(first.id)  # the old dialog's late signal
    assert till.view().dialog is not None


def test_closing_a_locked_kiosk_asks_for_a_manager(till: TillState) -> None:
    assert till.close_requested() == []
    assert till.view().lock.error == words.CLOSE_NEEDS_MANAGER


def test_a_signed_in_manager_may_close_the_kiosk(till: TillState) -> None:
    unlocked(till, DARA)
    assert till.close_requested() == [Quit()]


def test_a_cashier_closes_the_kiosk_with_a_managers_approval(till: TillState) -> None:
    token = unlocked(till)
    assert till.close_requested() == []
    commands = till.dialog_pin("5193")
    follow = answer(till, commands, Ok({"approval": {"id": 12, "approved_by": DARA}}))
    assert follow == [UseApproval(token, 12, "close_kiosk", "Dara Chan")]
    assert answer(till, follow, Ok({"approval": {"id": 12}})) == [Quit()]


def test_a_role_the_till_does_not_know_approves_nothing(till: TillState) -> None:
    unlocked(till, {"id": 9, "name": "Visitor", "role": "auditor"})
    assert till.close_requested() == []  # asks for a manager instead
    assert till.view().dialog is not None
    assert till.view().active.role == "Auditor"


# -- details a person or IT would notice -------------------------------------------------------


def test_a_till_that_starts_with_the_server_down_retries_after_one_interval(
    ticker: FakeTicker
) -> None:
    state = TillState(ticker)
    state.answered(state.background_call(), OFFLINE)
    assert state.next_delay_s() == 3.0


def test_the_status_names_the_shop_and_a_status_without_names_keeps_them(
    till: TillState
) -> None:
    till.answered(FetchStatus(0), Ok(status() | {"tenant": {"name": "Lumière Riverside"}}))
    assert till.view().shop == "Lumière Riverside"
    till.answered(FetchStatus(0), Ok({"policy": POLICY}))
    assert (till.view().till, till.view().shop) == ("Till 1", "Lumière Riverside")


def test_a_partial_policy_keeps_what_the_till_knew(till: TillState) -> None:
    unlocked(till)
    poll(till, Ok(session() | {"policy": {"idle_timeout_s": 300}}))
    assert till.policy == Policy(idle_timeout_s=300, warning_s=60, poll_interval_s=3,
                                 pin_length=4)


def test_a_policy_in_the_unlock_answer_takes_effect(till: TillState) -> None:
    commands = till.pin_entered("3918")
    answer(till, commands, Ok({"token": "t", "session": session(),
                               "policy": POLICY | {"idle_timeout_s": 30, "warning_s": 10}}))
    assert till.view().active.countdown == "Locks in 0:30 if idle"


def test_the_lockout_shows_its_last_second_and_opens_after_it(
    till: TillState, ticker: FakeTicker
) -> None:
    answer(till, till.pin_entered("3918"), refused("invalid_pin"))
    till.answered(FetchStatus(till.pin_epoch), Ok(status(lockout_s=1)))  # one second left
    assert till.view().lock.error == "Terminal locked — try again in 0:01 or ask a manager"
    assert not till.view().lock.keypad_enabled
    ticker.advance(1)
    view = till.view()
    assert view.lock.keypad_enabled
    assert view.lock.error == ""  # the old "Invalid PIN" does not come back


def test_the_pin_length_reaches_the_dialog(till: TillState) -> None:
    till.override_pressed()
    dialog = till.view().dialog
    assert dialog is not None and dialog.pin_length == 4
    assert dialog.text == words.OVERRIDE_TEXT


def test_the_dialog_takes_one_pin_at_a_time_and_clears_its_last_error(till: TillState) -> None:
    assert till.dialog_pin("5193") == []  # no dialog: nothing to send
    till.override_pressed()
    answer(till, till.dialog_pin("3918"), refused("invalid_pin"))
    commands = till.dialog_pin("5193")
    assert till.view().dialog.error == ""
    assert till.dialog_pin("5193") == []  # the first one is still with the server
    answer(till, commands, refused("invalid_pin"))
    assert till.view().dialog.error == "Invalid PIN"


def test_an_unreachable_server_on_an_override_says_so_in_the_dialog(till: TillState) -> None:
    till.override_pressed()
    answer(till, till.dialog_pin("5193"), OFFLINE)
    view = till.view()
    assert view.dialog is not None and view.dialog.error == words.OFFLINE
    assert view.dialog.keypad_enabled and view.lock.error == ""


def test_an_override_unlock_clears_the_lock_screens_last_error(till: TillState) -> None:
    answer(till, till.pin_entered("3918"), refused("invalid_pin"))
    till.override_pressed()
    answer(till, till.dialog_pin("5193"), Ok({"token": "t", "session": session(staff=DARA)}))
    till.lock_pressed()
    assert till.view().lock.error == ""


@pytest.mark.parametrize("cause", ["wrong PIN", "closing the kiosk", "session lost"])
def test_reconnecting_clears_only_the_offline_message(till: TillState, cause: str) -> None:
    if cause == "wrong PIN":
        answer(till, till.pin_entered("3918"), refused("invalid_pin"))
    elif cause == "closing the kiosk":
        till.close_requested()
    else:
        unlocked(till)
        poll(till, refused("invalid_token"))
    shown = till.view().lock.error
    assert shown
    till.answered(till.background_call(), OFFLINE)
    till.answered(till.background_call(), Ok(status()))
    assert till.view().lock.error == shown


def test_every_pin_answer_is_counted_once(till: TillState) -> None:
    unlocked(till)
    assert till.pin_epoch == 1
    till.lock_pressed()
    answer(till, till.pin_entered("3918"), refused("invalid_pin"))
    assert till.pin_epoch == 2
    token = unlocked(till)
    assert till.pin_epoch == 3
    till.approval_requested("open_drawer")
    answer(till, till.dialog_pin("3918"), refused("not_manager", 403))
    assert till.pin_epoch == 4
    follow = answer(till, till.dialog_pin("5193"), Ok({"approval": {"id": 1}}))
    assert till.pin_epoch == 5
    assert follow == [UseApproval(token, 1, "open_drawer", "A manager")]
    till.lock_pressed()
    answer(till, till.pin_entered("3918"), OFFLINE)  # no answer: nothing to count
    assert till.pin_epoch == 5


def test_a_status_sent_before_an_approval_lockout_does_not_undo_it(till: TillState) -> None:
    unlocked(till)
    till.lock_pressed()
    till.answered(till.background_call(), Ok(session("ended", reason="logout")))
    sent = till.background_call()
    assert sent == FetchStatus(till.pin_epoch)
    unlocked(till, session_id=8)
    till.approval_requested("open_drawer")
    answer(till, till.dialog_pin("3918"), refused("terminal_locked", 423, retry_after_s=30))
    till.lock_pressed()
    till.answered(sent, Ok(status(lockout_s=0)))  # older news about the keypad
    assert not till.view().lock.keypad_enabled


def test_an_approval_carries_its_exact_detail(till: TillState) -> None:
    token = unlocked(till)
    till.approval_requested("void_line", {"product_id": 3, "quantity": 1})
    assert till.dialog_pin("5193") == [
        Approve(token, "5193", "void_line", {"product_id": 3, "quantity": 1})]


def test_using_an_approval_quits_only_for_closing_the_kiosk(till: TillState) -> None:
    token = unlocked(till)
    till.approval_requested("open_drawer")
    follow = answer(till, till.dialog_pin("5193"), Ok({"approval": {"id": 11}}))
    assert answer(till, follow, Ok({"approval": {"id": 11}})) == []
    assert till.session.is_live and till.view().dialog is None
    assert follow == [UseApproval(token, 11, "open_drawer", "A manager")]


@pytest.mark.parametrize(("outcome", "shown"), [
    (OFFLINE, words.OFFLINE),
    (Unreachable("bad json", garbled=True), words.NOT_UNDERSTOOD),
    (refused("approval_invalid", 409), "server says approval_invalid"),
])
def test_an_approval_that_cannot_be_used_keeps_the_dialog_and_says_why(
    till: TillState, outcome: Outcome, shown: str
) -> None:
    unlocked(till)
    till.approval_requested("open_drawer")
    follow = answer(till, till.dialog_pin("5193"), Ok({"approval": {"id": 11}}))
    assert answer(till, follow, outcome) == []
    dialog = till.view().dialog
    assert dialog is not None and dialog.error == shown and dialog.keypad_enabled
    assert till.session.is_live


def test_a_session_gone_while_using_an_approval_locks(till: TillState) -> None:
    unlocked(till)
    till.approval_requested("open_drawer")
    follow = answer(till, till.dialog_pin("5193"), Ok({"approval": {"id": 11}}))
    answer(till, follow, refused("invalid_token"))
    view = till.view()
    assert view.active is None and view.dialog is None
    assert view.lock.error == words.SESSION_LOST


@pytest.mark.parametrize(("outcome", "shown"), [
    (refused("approval_expired", 409), "server says approval_expired"),
    (Unreachable("bad json", garbled=True), words.NOT_UNDERSTOOD),
])
def test_a_refused_approval_opens_the_dialog_keypad_again(
    till: TillState, outcome: Outcome, shown: str
) -> None:
    unlocked(till)
    till.approval_requested("open_drawer")
    answer(till, till.dialog_pin("5193"), outcome)
    dialog = till.view().dialog
    assert dialog is not None and dialog.error == shown and dialog.keypad_enabled


def test_the_banner_time_is_the_tills_local_time(till: TillState) -> None:
    unlocked(till)
    poll(till, Ok(session("ended", reason="force_ended", ended_by=DARA,
                          ended_at="2026-01-05T14:03:00Z")))
    phnom_penh = timezone(timedelta(hours=7))
    assert till.view(phnom_penh).lock.banner == (
        "Dara Chan ended Mealea Sok's session from the back office at 21:03. "
        "This register was locked.")


def test_a_deactivation_without_details_still_says_so(till: TillState) -> None:
    unlocked(till)
    poll(till, refused("terminal_deactivated", 403))
    assert till.view().lock.banner == "This terminal has been deactivated by A manager."


def test_a_till_no_longer_enrolled_locks_without_a_banner(till: TillState) -> None:
    unlocked(till)
    poll(till, refused("invalid_terminal"))
    view = till.view()
    assert view.active is None and view.lock.banner is None
    assert view.lock.error == words.NOT_ENROLLED


def test_closing_the_program_leaves_no_banner(till: TillState) -> None:
    unlocked(till)
    till.shutdown()
    assert till.view().lock.banner is None


def test_polls_answered_are_counted_once_each(till: TillState) -> None:
    unlocked(till)
    poll(till, Ok(session()))
    poll(till, OFFLINE)
    poll(till, Ok(session()))
    assert till.polls == 2  # the idle benchmark counts polls with this


def test_the_log_tells_it_what_happened_to_the_connection(
    till: TillState, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nixpos.till")
    unlocked(till)
    poll(till, OFFLINE)
    poll(till, Ok(session() | {"policy": POLICY | {"idle_timeout_s": 300}}))
    poll(till, Refused(404, "unknown", "not found"))
    poll(till, Ok({"state": "active"}))
    assert [r.getMessage() for r in caplog.records if r.name == "nixpos.till"] == [
        "server unreachable: connection refused",
        "server reachable again",
        "policy now Policy(idle_timeout_s=300, warning_s=60, poll_interval_s=3, pin_length=4)",
        "server refused a background call: 404 unknown",
        "server unreachable: refused with unknown",
        "server reachable again",
        "not understood: a session without an id to Poll",
        "server unreachable: answer not understood (a session without an id)",
    ]

"""The till's session state machine: every transition, reason and timing edge."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from nixpos.core import words
from nixpos.core.answers import ServerSession, SessionEnd, parse_session
from nixpos.core.policy import Policy
from nixpos.core.reasons import EndReason
from nixpos.core.session import Phase, SessionStateError, TillSession
from nixpos.core.ticker import BootTicker, FakeTicker

POLICY = Policy(idle_timeout_s=900, warning_s=60)


def server_session(state: str = "active", **ended: Any) -> ServerSession:
    body: dict[str, Any] = {"id": 7, "state": state, "override": False,
                            "staff": {"id": 3, "name": "Mealea Sok", "role": "cashier"},
                            "terminal": {"id": 1, "name": "Till 1"}}
    return parse_session(body | ended)


def banner_text(end: SessionEnd, idle_timeout_s: int, tz: Any = None) -> str | None:
    return words.banner(end, idle_timeout_s, tz)


def active(ticker: FakeTicker, policy: Policy = POLICY) -> TillSession:
    session = TillSession(policy, ticker)
    session.begin_unlock()
    session.unlocked("tok", server_session())
    return session


def phase(session: TillSession) -> Phase:
    return session.phase  # read afresh: mypy would narrow session.phase across calls


@pytest.fixture
def ticker() -> FakeTicker:
    return FakeTicker()


def test_a_new_till_is_locked_with_no_banner(ticker: FakeTicker) -> None:
    session = TillSession(POLICY, ticker)
    assert phase(session) is Phase.LOCKED
    assert session.banner is None and session.token is None
    assert (session.session_id, session.person, session.override) == (None, None, False)
    assert session.remaining_s() == 0


def test_unlock_goes_through_unlocking_to_active(ticker: FakeTicker) -> None:
    session = TillSession(POLICY, ticker)
    seen: list[Phase] = []
    session.subscribe(seen.append)
    session.begin_unlock()
    session.unlocked("tok", server_session())
    assert seen == [Phase.UNLOCKING, Phase.ACTIVE]
    assert session.person is not None and session.person.name == "Mealea Sok"
    assert session.token == "tok" and session.session_id == 7


def test_a_failed_unlock_returns_to_locked(ticker: FakeTicker) -> None:
    session = TillSession(POLICY, ticker)
    session.begin_unlock()
    session.unlock_failed()
    assert phase(session) is Phase.LOCKED


@pytest.mark.parametrize("step", ["unlock_failed", "unlocked"])
def test_transitions_from_the_wrong_state_raise(ticker: FakeTicker, step: str) -> None:
    session = TillSession(POLICY, ticker)
    with pytest.raises(SessionStateError, match="locked, not unlocking"):
        if step == "unlocked":
            session.unlocked("tok", server_session())
        else:
            session.unlock_failed()


def test_begin_unlock_twice_raises(ticker: FakeTicker) -> None:
    session = TillSession(POLICY, ticker)
    session.begin_unlock()
    with pytest.raises(SessionStateError):
        session.begin_unlock()


def test_warning_starts_when_warning_s_remain(ticker: FakeTicker) -> None:
    session = active(ticker)
    ticker.advance(839.9)
    session.tick()
    assert phase(session) is Phase.ACTIVE
    ticker.advance(0.1)
    session.tick()
    assert phase(session) is Phase.WARNING
    assert session.countdown_s() == 60
    ticker.advance(0.5)
    assert session.countdown_s() == 60  # rounded up: 59.5 s shows as 60
    ticker.advance(0.5)
    assert session.countdown_s() == 59


def test_the_till_locks_at_zero_with_idle_timeout(ticker: FakeTicker) -> None:
    session = active(ticker)
    ticker.advance(899.99)
    session.tick()
    assert phase(session) is Phase.WARNING
    ticker.advance(0.01)
    session.tick()
    assert phase(session) is Phase.LOCKED
    assert session.banner is not None and session.banner.reason is EndReason.IDLE_TIMEOUT
    assert session.banner.staff == "Mealea Sok"
    assert session.banner.idle_timeout_s == 900  # the timeout that ran out, kept
    assert session.token is None


def test_activity_restarts_the_timer_and_clears_the_warning(ticker: FakeTicker) -> None:
    session = active(ticker)
    ticker.advance(870)
    session.tick()
    assert phase(session) is Phase.WARNING
    session.activity()
    assert phase(session) is Phase.ACTIVE
    assert session.remaining_s() == 900
    ticker.advance(899)
    session.tick()
    assert phase(session) is Phase.WARNING


def test_a_resume_past_the_deadline_locks_at_the_next_tick(ticker: FakeTicker) -> None:
    session = active(ticker)
    ticker.advance(3 * 3600)  # suspended for three hours: CLOCK_BOOTTIME kept counting
    session.tick()
    assert phase(session) is Phase.LOCKED
    assert session.last_end is not None and session.last_end.reason is EndReason.IDLE_TIMEOUT


def test_activity_is_carried_to_exactly_one_poll(ticker: FakeTicker) -> None:
    session = active(ticker)
    assert session.take_activity() is False
    session.activity()
    session.activity()
    assert session.take_activity() is True
    assert session.take_activity() is False
    session.restore_activity()  # the call failed: try again next poll
    assert session.take_activity() is True


def test_activity_while_locked_changes_nothing(ticker: FakeTicker) -> None:
    session = TillSession(POLICY, ticker)
    session.activity()
    assert phase(session) is Phase.LOCKED and session.take_activity() is False


def test_manual_lock_shows_no_banner(ticker: FakeTicker) -> None:
    session = active(ticker)
    session.lock(SessionEnd(EndReason.LOGOUT))
    assert phase(session) is Phase.LOCKED
    assert session.banner is None
    assert session.last_end is not None and session.last_end.reason is EndReason.LOGOUT


def test_a_lock_forgets_who_was_signed_in_and_their_activity(ticker: FakeTicker) -> None:
    session = TillSession(POLICY, ticker)
    session.begin_unlock()
    session.unlocked("tok", parse_session({
        "id": 8, "state": "active", "override": True,
        "staff": {"id": 2, "name": "Dara Chan", "role": "manager"}}))
    assert (session.session_id, session.override) == (8, True)
    session.activity()
    session.lock(SessionEnd(EndReason.FORCE_ENDED))
    assert (session.token, session.session_id, session.person, session.override) == (
        None, None, None, False)
    assert session.take_activity() is False  # nothing is owed for an ended session


def test_a_kick_from_the_server_locks_with_who_and_where(ticker: FakeTicker) -> None:
    session = active(ticker)
    session.apply_server(server_session(
        "ended", reason="signed_in_elsewhere", ended_at="2026-01-05T14:03:00.000Z",
        ended_by={"id": 3, "name": "Mealea Sok", "role": "cashier"},
        ended_on={"id": 2, "name": "Till 2"}))
    assert phase(session) is Phase.LOCKED
    assert session.banner == SessionEnd(EndReason.SIGNED_IN_ELSEWHERE, "Mealea Sok",
                                        "Mealea Sok", "Till 2",
                                        datetime(2026, 1, 5, 14, 3, tzinfo=UTC))


def test_answers_about_another_or_a_live_session_change_nothing(ticker: FakeTicker) -> None:
    session = active(ticker)
    session.apply_server(server_session("active"))
    session.apply_server(server_session("ended", id=99, reason="force_ended"))
    assert phase(session) is Phase.ACTIVE


def test_the_banner_is_shown_once(ticker: FakeTicker) -> None:
    session = active(ticker)
    session.lock(SessionEnd(EndReason.FORCE_ENDED, by="Dara Chan"))
    session.dismiss_banner()
    assert session.banner is None
    session.lock(SessionEnd(EndReason.FORCE_ENDED))  # already locked: nothing new
    assert session.banner is None


def test_the_next_unlock_clears_the_banner(ticker: FakeTicker) -> None:
    session = active(ticker)
    session.lock(SessionEnd(EndReason.PIN_RESET, by="Dara Chan"))
    session.begin_unlock()
    assert session.banner is not None  # still shown while the PIN is checked
    session.unlocked("tok2", server_session())
    assert session.banner is None


def test_the_boot_ticker_moves_forward() -> None:
    ticker = BootTicker()
    first = ticker.seconds()
    assert ticker.seconds() >= first


@pytest.mark.skipif(not hasattr(time, "CLOCK_BOOTTIME"), reason="Linux only")
def test_the_boot_ticker_counts_time_suspended(monkeypatch: pytest.MonkeyPatch) -> None:
    # CLOCK_BOOTTIME keeps counting while the till sleeps; CLOCK_MONOTONIC does not.
    readings = {time.CLOCK_BOOTTIME: 5000.0, time.CLOCK_MONOTONIC: 1000.0}
    monkeypatch.setattr(time, "clock_gettime", readings.__getitem__)
    monkeypatch.setattr(time, "monotonic", lambda: 1000.0)
    assert BootTicker().seconds() == 5000.0


def test_without_a_boot_clock_the_ticker_is_monotonic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(time, "CLOCK_BOOTTIME", raising=False)
    monkeypatch.setattr(time, "monotonic", lambda: 1234.5)
    assert BootTicker().seconds() == 1234.5


# -- banner copy -------------------------------------------------------------

AT = datetime(2026, 1, 5, 14, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (EndReason.SIGNED_IN_ELSEWHERE,
         "Sokha Lim signed in on another device (Till 2) at 14:03. This register was locked."),
        (EndReason.FORCE_ENDED,
         "Dara Chan ended Sokha Lim's session from the back office at 14:03. "
         "This register was locked."),
        (EndReason.PIN_RESET, "Sokha Lim's PIN was reset by Dara Chan at 14:03. "
                              "This register was locked."),
        (EndReason.STAFF_DEACTIVATED, "Sokha Lim was deactivated by Dara Chan at 14:03. "
                                      "This register was locked."),
        (EndReason.TERMINAL_DEACTIVATED, "This terminal has been deactivated by Dara Chan "
                                         "at 14:03."),
        (EndReason.SIGNED_OUT_EVERYWHERE, "Dara Chan signed out of all devices at 14:03. "
                                          "This register was locked."),
        (EndReason.REPLACED, "Dara Chan unlocked this register at 14:03, ending Sokha Lim's "
                             "session."),
        (EndReason.IDLE_TIMEOUT, "Locked after 15 minutes without activity."),
    ],
)
def test_every_reason_has_its_own_words(reason: EndReason, expected: str) -> None:
    by = "Sokha Lim" if reason is EndReason.SIGNED_IN_ELSEWHERE else "Dara Chan"
    end = SessionEnd(reason, staff="Sokha Lim", by=by, on="Till 2", at=AT)
    assert banner_text(end, 900, UTC) == expected


def test_elsewhere_copy_says_another_device_even_without_details() -> None:
    text = banner_text(SessionEnd(EndReason.SIGNED_IN_ELSEWHERE, staff="Mealea Sok"), 900)
    assert text is not None and "another device" in text and "Mealea Sok" in text


def test_banner_times_are_local() -> None:
    end = SessionEnd(EndReason.FORCE_ENDED, by="Dara", staff="Sok", at=AT)
    text = banner_text(end, 900, timezone(timedelta(hours=7)))
    assert text is not None and "21:03" in text


@pytest.mark.parametrize(("seconds", "words"), [(60, "1 minute"), (600, "10 minutes"),
                                                (5, "5 seconds"), (1, "1 second")])
def test_idle_copy_names_the_policy_duration(seconds: int, words: str) -> None:
    assert banner_text(SessionEnd(EndReason.IDLE_TIMEOUT), seconds) == (
        f"Locked after {words} without activity.")


def test_idle_copy_names_the_timeout_that_locked_even_after_a_policy_change() -> None:
    end = SessionEnd(EndReason.IDLE_TIMEOUT, idle_timeout_s=20)
    assert banner_text(end, 900) == "Locked after 20 seconds without activity."


def test_a_reason_the_till_does_not_know_still_says_the_register_was_locked() -> None:
    end = parse_session({"id": 7, "state": "ended", "reason": "quantum_flux",
                         "staff": {"id": 3, "name": "Mealea Sok", "role": "cashier"},
                         "ended_at": "2026-01-05T14:03:00Z"}).end
    assert end is not None and end.reason is None
    assert banner_text(end, 900, UTC) == (
        "Mealea Sok's session ended at 14:03. This register was locked.")


def test_a_manual_lock_has_no_banner_text() -> None:
    assert banner_text(SessionEnd(EndReason.LOGOUT), 900) is None

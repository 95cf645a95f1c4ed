"""The controller wires the core ``TillState`` to real widgets and HTTP (``httpx.MockTransport``).

The rules themselves are tested exhaustively in ``tests/core/test_till_state.py``;
here a scripted server and real widgets check that what the machine decides
reaches the screen, that taps and key presses reach the machine, that the
right HTTP calls go out, and that the till never goes quietly deaf. Time is a
``FakeTicker``. What a real server does is in ``test_till_e2e.py``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from nixpos.client.till import Till
from nixpos.core import words
from nixpos.core.answers import parse_session
from nixpos.core.reasons import EndReason
from nixpos.core.session import Phase
from nixpos.core.ticker import FakeTicker
from tests.client.scripted import (
    DARA,
    MEALEA,
    POLICY,
    TILL_2,
    Run,
    ScriptedServer,
    ended,
    session,
    type_keys,
    unlock,
)

# -- what the machine decides reaches the screen ---------------------------------------------


def test_the_till_learns_its_policy_shop_and_name(till: Till, server: ScriptedServer) -> None:
    assert till.session.policy.idle_timeout_s == 120
    assert till.window.lock_screen.keypad.dots.text() == "○○○○"  # the shop's PIN length
    assert till.window.lock_screen.shop.text() == "Lumière Coffee"
    assert server.calls[0][2]["X-Terminal-Key"] == "the-till-key"


def test_unlock_sends_the_pin_and_shows_who_is_signed_in(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    unlock(run, till)
    assert server.calls[-2][:2] == ("POST /api/v1/pos/unlock", {"pin": "3918", "override": False})
    assert server.routes()[-1] == "GET /api/v1/pos/catalog"  # the menu, at once
    assert till.state.sale.catalog is not None
    assert till.session.phase is Phase.ACTIVE
    assert not till.window.is_locked_view
    assert till.window.active_screen.person.text() == "Mealea Sok"
    assert till.window.active_screen.role.text() == "Cashier"
    assert till.window.active_screen.countdown.text() == "Locks in 2:00 if idle"


@pytest.mark.parametrize(("code", "status", "shown"), [
    ("invalid_pin", 401, "Invalid PIN"),
    ("not_assigned", 403, "Not assigned to this terminal"),
    ("terminal_deactivated", 403, "This terminal has been deactivated"),
])
def test_a_refused_unlock_says_why(till: Till, server: ScriptedServer, run: Run,
                                   code: str, status: int, shown: str) -> None:
    server.say("POST /api/v1/pos/unlock", status, {"error": code, "message": "…"})
    unlock(run, till)
    assert till.session.phase is Phase.LOCKED
    assert till.window.lock_screen.error.text() == shown
    run(till.controller.poll_once())  # the next status refresh keeps the message
    assert till.window.lock_screen.error.text() == shown


def test_a_keypad_lockout_counts_down_and_then_opens(
    till: Till, server: ScriptedServer, ticker: FakeTicker, run: Run
) -> None:
    server.say("POST /api/v1/pos/unlock", 423,
               {"error": "terminal_locked", "message": "…", "retry_after_s": 90})
    unlock(run, till)
    lock = till.window.lock_screen
    assert lock.error.text() == "Terminal locked — try again in 1:30 or ask a manager"
    assert not lock.keypad.isEnabled() and not lock.override_button.isEnabled()
    ticker.advance(31)
    till.controller.tick()
    assert lock.error.text() == "Terminal locked — try again in 0:59 or ask a manager"
    ticker.advance(59)
    till.controller.tick()
    assert lock.error.text() == ""
    assert lock.keypad.isEnabled() and lock.override_button.isEnabled()


def test_a_status_sent_before_a_lockout_does_not_undo_it(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    """The status refresh (no lockout yet) answers after the fifth wrong PIN's 423."""
    server.held["GET /api/v1/terminal"] = asyncio.Event()
    refresh = asyncio.ensure_future(till.controller.poll_once())
    server.say("POST /api/v1/pos/unlock", 423,
               {"error": "terminal_locked", "message": "…", "retry_after_s": 30})
    unlock(run, till)
    server.held["GET /api/v1/terminal"].set()
    run(refresh)
    assert "try again in 0:30" in till.window.lock_screen.error.text()
    assert not till.window.lock_screen.keypad.isEnabled()


def test_the_warning_counts_down_and_the_till_locks_at_zero(
    till: Till, ticker: FakeTicker, run: Run
) -> None:
    unlock(run, till)
    ticker.advance(59)
    till.controller.tick()
    assert not till.window.warning.isVisible()
    ticker.advance(1)
    till.controller.tick()
    assert till.window.warning.isVisible()
    assert till.window.warning.countdown.text() == "This register locks in 1:00"
    ticker.advance(45)
    till.controller.tick()
    assert till.window.warning.countdown.text() == "This register locks in 0:15"
    ticker.advance(15)
    till.controller.tick()
    assert till.window.is_locked_view and not till.window.warning.isVisible()
    assert till.window.lock_screen.banner.text.text() == "Locked after 2 minutes without activity."


def test_any_input_is_activity_and_goes_with_the_next_poll(
    till: Till, server: ScriptedServer, ticker: FakeTicker, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till)
    ticker.advance(100)
    till.controller.tick()
    assert till.window.warning.isVisible()
    qtbot.mouseClick(till.window.warning.stay_button, Qt.MouseButton.LeftButton)
    assert not till.window.warning.isVisible()
    assert till.session.remaining_s() == 120
    run(till.controller.poll_once())
    assert server.routes()[-1] == "POST /api/v1/pos/session/activity"
    run(till.controller.poll_once())  # nothing happened since: a plain status poll
    assert server.routes()[-1] == "GET /api/v1/pos/session"
    qtbot.mouseClick(till.window.active_screen.sale, Qt.MouseButton.LeftButton)  # a tap
    run(till.controller.poll_once())
    assert server.routes()[-1] == "POST /api/v1/pos/session/activity"


@pytest.mark.parametrize("reason", [r for r in EndReason if r is not EndReason.LOGOUT])
def test_every_end_from_elsewhere_shows_its_own_banner(
    till: Till, server: ScriptedServer, run: Run, reason: EndReason
) -> None:
    unlock(run, till)
    server.say("GET /api/v1/pos/session", 200, ended(reason.value))
    run(till.controller.poll_once())
    assert till.window.is_locked_view
    end = parse_session(ended(reason.value)).end
    assert end is not None
    assert till.window.lock_screen.banner.text.text() == words.banner(end, 120)
    assert not till.window.lock_screen.banner.isHidden()
    till.window.lock_screen.banner.dismiss_button.click()
    assert till.window.lock_screen.banner.isHidden()


def test_the_next_unlock_clears_the_banner(till: Till, server: ScriptedServer, run: Run) -> None:
    unlock(run, till)
    server.say("GET /api/v1/pos/session", 200, session(
        "ended", reason="signed_in_elsewhere", ended_by=MEALEA, ended_on=TILL_2))
    run(till.controller.poll_once())
    assert "another device (Till 2)" in till.window.lock_screen.banner.text.text()
    unlock(run, till)
    till.window.active_screen.lock_button.click()  # back on the lock screen: no old news
    run(till.controller.settle())
    assert till.window.is_locked_view and till.window.lock_screen.banner.isHidden()


def test_the_lock_button_ends_the_session_on_the_server_without_a_banner(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    unlock(run, till)
    till.window.active_screen.lock_button.click()
    assert till.window.is_locked_view and till.window.lock_screen.banner.isHidden()
    run(till.controller.poll_once())
    assert server.calls[-1][0] == "POST /api/v1/pos/session/lock"
    assert server.calls[-1][2]["Authorization"] == "Bearer t0k3n"


def test_a_lock_while_offline_is_told_to_the_server_once_it_answers(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    unlock(run, till)
    server.offline = True
    till.window.active_screen.lock_button.click()
    run(till.controller.poll_once())
    assert till.window.is_locked_view and not till.window.lock_screen.offline.isHidden()
    server.offline = False
    run(till.controller.poll_once())
    locks = [headers["Authorization"] for route, _, headers in server.calls
             if route == "POST /api/v1/pos/session/lock"]
    assert locks == ["Bearer t0k3n", "Bearer t0k3n"]  # tried offline, then heard
    assert till.window.lock_screen.offline.isHidden()
    run(till.controller.poll_once())
    assert server.routes()[-1] == "GET /api/v1/terminal"  # nothing owed any more


def test_closing_the_till_program_ends_the_session_first(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    unlock(run, till)
    run(till.close())
    assert server.routes()[-1] == "POST /api/v1/pos/session/lock"


def test_a_network_failure_shows_offline_keeps_the_session_and_recovers(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    unlock(run, till)
    till.session.activity()
    server.offline = True
    run(till.controller.poll_once())
    assert till.session.is_live
    assert till.window.active_screen.connection.text() == "Offline — reconnecting"
    server.offline = False
    run(till.controller.poll_once())
    assert server.routes()[-1] == "POST /api/v1/pos/session/activity"  # the activity was kept
    assert till.window.active_screen.connection.text() == "Online"


def test_an_unreachable_server_on_unlock_says_so_until_it_answers(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    server.offline = True
    unlock(run, till)
    assert till.session.phase is Phase.LOCKED
    assert till.window.lock_screen.error.text() == words.OFFLINE
    assert not till.window.lock_screen.offline.isHidden()
    server.offline = False
    run(till.controller.poll_once())
    assert till.window.lock_screen.error.text() == ""
    assert till.window.lock_screen.offline.isHidden()


# -- the till never goes quietly deaf -------------------------------------------------------


def kick_is_heard(till: Till, server: ScriptedServer, run: Run) -> None:
    server.say("GET /api/v1/pos/session", 200, session(
        "ended", reason="signed_in_elsewhere", ended_by=MEALEA, ended_on=TILL_2))
    run(until_locked(till))
    assert "another device (Till 2)" in till.window.lock_screen.banner.text.text()


async def until_locked(till: Till) -> None:
    while till.session.is_live:
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("odd_answer", [
    session("ended", reason="abducted_by_aliens", ended_by=DARA),  # a reason it does not know
    session() | {"policy": POLICY | {"brand_new_setting": 5}, "loyalty": {"points": 3}},
    {"state": "active"},  # no id at all
    ["not", "an", "object"],
])
def test_odd_answers_never_silence_the_poll_and_a_kick_still_arrives(
    till: Till, server: ScriptedServer, run: Run, odd_answer: Any
) -> None:
    server.say("POST /api/v1/pos/unlock", 200, {"token": "t0k3n", "session": session(id=8)})
    unlock(run, till)
    server.say("GET /api/v1/pos/session", 200, odd_answer)
    till.controller.start()
    run(until_polled(server, 2))
    if till.session.is_live:
        kick = session("ended", id=8, reason="signed_in_elsewhere", ended_by=MEALEA,
                       ended_on=TILL_2)
        server.say("GET /api/v1/pos/session", 200, kick)
        run(until_locked(till))
        assert "another device (Till 2)" in till.window.lock_screen.banner.text.text()
    else:  # the unknown reason: a generic banner, still saying the register was locked
        assert till.window.lock_screen.banner.text.text().endswith("This register was locked.")


async def until_polled(server: ScriptedServer, times: int) -> None:
    while server.routes().count("GET /api/v1/pos/session") < times:
        await asyncio.sleep(0.01)


def test_online_means_the_last_poll_succeeded(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    unlock(run, till)
    server.say("GET /api/v1/pos/session", 200, {"state": "active"})  # not understood
    run(till.controller.poll_once())
    assert till.window.active_screen.connection.text() == "Offline — reconnecting"
    server.say("GET /api/v1/pos/session", 200, session())
    run(till.controller.poll_once())
    assert till.window.active_screen.connection.text() == "Online"


def test_a_poll_loop_that_crashes_is_logged_restarted_and_hears_the_kick(
    till: Till, server: ScriptedServer, run: Run, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    unlock(run, till)
    real = till.state.background_call
    crashes = iter([RuntimeError("a bug in the till")])

    def flaky() -> Any:
        for error in crashes:
            raise error
        return real()

    monkeypatch.setattr(till.state, "background_call", flaky)
    monkeypatch.setattr("nixpos.client.controller.RESTART_DELAY_S", 0.05)
    till.controller.start()
    run(until_restarted(till))
    assert "poll loop stopped; restarting it" in caplog.text
    kick_is_heard(till, server, run)


async def until_restarted(till: Till) -> None:
    while not till.controller.restarts:
        await asyncio.sleep(0.01)


# -- the physical keyboard always types the PIN ---------------------------------------------


def test_typing_works_after_a_wrong_pin(till: Till, server: ScriptedServer, run: Run) -> None:
    server.say("POST /api/v1/pos/unlock", 401, {"error": "invalid_pin", "message": "…"})
    type_keys("1111")
    run(till.controller.settle())
    assert till.window.lock_screen.error.text() == "Invalid PIN"
    server.say("POST /api/v1/pos/unlock", 200, {"token": "t0k3n", "session": session()})
    type_keys("3918")
    run(till.controller.settle())
    assert server.last_unlock() == {"pin": "3918", "override": False}
    assert till.session.is_live


@pytest.mark.parametrize("how", ["kick", "idle", "lock button"])
def test_typing_works_after_the_session_ends(
    till: Till, server: ScriptedServer, ticker: FakeTicker, run: Run, how: str
) -> None:
    type_keys("3918")
    run(till.controller.settle())
    assert till.session.is_live
    if how == "kick":
        server.say("GET /api/v1/pos/session", 200, ended("signed_in_elsewhere"))
        run(till.controller.poll_once())
    elif how == "idle":
        ticker.advance(120)
        till.controller.tick()
    else:
        till.window.active_screen.lock_button.click()
    assert till.window.is_locked_view
    server.say("GET /api/v1/pos/session", 200, session())
    type_keys("3918")
    run(till.controller.settle())
    assert till.session.is_live, how


def test_typing_works_after_the_override_dialog_closes(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    till.window.lock_screen.override_button.click()
    dialog = till.controller.dialog
    assert dialog is not None
    dialog.cancel_button.click()
    assert till.controller.dialog is None
    type_keys("3918")
    run(till.controller.settle())
    assert server.last_unlock() == {"pin": "3918", "override": False}


def test_typing_reaches_the_dialog_keypad_after_a_refusal(
    till: Till, server: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    till.window.lock_screen.override_button.click()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is till.controller.dialog)
    server.say("POST /api/v1/pos/unlock", 401, {"error": "invalid_pin", "message": "…"})
    type_keys("1111")
    run(till.controller.settle())
    dialog = till.controller.dialog
    assert dialog is not None and dialog.error.text() == "Invalid PIN"
    assert dialog.keypad.entered == ""  # cleared for the next try
    type_keys("5193")
    run(till.controller.settle())
    assert server.last_unlock() == {"pin": "5193", "override": True}


# -- the manager's PIN dialog ------------------------------------------------------------------


def enter_in_dialog(till: Till, pin: str) -> None:
    dialog = till.controller.dialog
    assert dialog is not None
    for digit in pin:
        dialog.keypad.press(digit)
    dialog.keypad.press("Enter")


@pytest.mark.parametrize("opened_by", ["override", "approval"])
def test_refusals_keep_the_dialog_open_and_say_why(
    till: Till, server: ScriptedServer, run: Run, opened_by: str
) -> None:
    route = "POST /api/v1/pos/unlock"
    if opened_by == "approval":
        unlock(run, till)
        till.window.active_screen.drawer_button.click()
        route = "POST /api/v1/pos/override"
    else:
        till.window.lock_screen.override_button.click()
    dialog = till.controller.dialog
    assert dialog is not None and dialog.isModal() and dialog.isVisible()
    for code, status, shown in [("not_manager", 403, words.NOT_A_MANAGER),
                                ("invalid_pin", 401, "Invalid PIN")]:
        server.say(route, status, {"error": code, "message": "…"})
        enter_in_dialog(till, "3918")
        run(till.controller.settle())
        assert till.controller.dialog is dialog and dialog.isVisible()
        assert dialog.error.text() == shown and dialog.keypad.isEnabled()
    server.say(route, 423, {"error": "terminal_locked", "message": "…", "retry_after_s": 30})
    enter_in_dialog(till, "3918")
    run(till.controller.settle())
    assert dialog.error.text() == "Terminal locked — try again in 0:30 or ask a manager"
    assert not dialog.keypad.isEnabled() and dialog.isVisible()


def test_an_approval_is_asked_for_and_used_for_its_action(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    unlock(run, till)
    server.say("POST /api/v1/pos/override", 201, {"approval": {
        "id": 11, "action": "open_drawer", "approved_by": DARA,
        "expires_at": "2026-01-05T09:01:00Z"}})
    server.say("POST /api/v1/pos/approvals/11/use", 200, {"approval": {"id": 11}})
    till.window.active_screen.drawer_button.click()
    enter_in_dialog(till, "5193")
    run(till.controller.settle())
    asked = [body for route, body, _ in server.calls if route == "POST /api/v1/pos/override"]
    assert asked == [{"pin": "5193", "action": "open_drawer", "detail": {}}]
    assert server.routes()[-1] == "POST /api/v1/pos/approvals/11/use"
    assert till.controller.dialog is None
    assert till.window.active_screen.notice.text() == (
        "Open drawer without a sale — approved by Dara Chan.")


def test_override_unlock_asks_for_a_manager_and_marks_the_session(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    server.say("POST /api/v1/pos/unlock", 200, {
        "token": "t", "session": session(staff=DARA, override=True), "ended_elsewhere": []})
    till.window.lock_screen.override_button.click()
    enter_in_dialog(till, "5193")
    run(till.controller.settle())
    assert server.last_unlock() == {"pin": "5193", "override": True}
    assert till.controller.dialog is None
    assert till.window.active_screen.role.text() == "Manager · manager override"


def test_closing_the_kiosk_needs_a_manager(till: Till, server: ScriptedServer, run: Run) -> None:
    till.window.may_close = False
    till.window.close()
    assert till.window.isVisible()
    assert till.window.lock_screen.error.text() == words.CLOSE_NEEDS_MANAGER
    unlock(run, till)  # a cashier: closing asks for a manager's approval
    till.window.active_screen.close_button.click()
    dialog = till.controller.dialog
    assert dialog is not None and "Close the till program" in dialog.windowTitle()
    dialog.reject()
    assert till.controller.dialog is None and not till.window.may_close


def test_a_manager_closing_the_kiosk_ends_the_session_then_closes(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    server.say("POST /api/v1/pos/unlock", 200, {"token": "t0k3n", "session": session(staff=DARA)})
    till.window.may_close = False
    unlock(run, till)
    till.window.close()  # the kiosk's close asks; a manager is signed in
    run(till.controller.settle())
    assert server.routes()[-1] == "POST /api/v1/pos/session/lock"
    assert till.window.may_close and not till.window.isVisible()

"""The till's screens and controller against a scripted server (``httpx.MockTransport``).

Time is a ``FakeTicker``: the idle warning and the lockout countdown are
checked second by second without sleeping. What a real server does is
covered in ``test_till_e2e.py``; here the server says exactly what a test
needs, including answers that are hard to provoke for real (every end
reason, a network failure in the middle of a call).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from nixpos.client.config import TillConfig
from nixpos.client.enrollment import Enrolled
from nixpos.client.till import Till, build_till
from nixpos.core.banner import banner_text
from nixpos.core.reasons import EndReason
from nixpos.core.session import Phase, SessionEnd
from nixpos.core.ticker import FakeTicker

Run = Callable[[Awaitable[Any]], Any]
Json = dict[str, Any]

POLICY = {"idle_timeout_s": 120, "warning_s": 60, "poll_interval_s": 3, "pin_length": 4}
MEALEA = {"id": 3, "name": "Mealea Sok", "role": "cashier"}
DARA = {"id": 2, "name": "Dara Chan", "role": "manager"}
TILL_1 = {"id": 1, "name": "Till 1"}
TILL_2 = {"id": 2, "name": "Till 2"}


def session(state: str = "active", staff: Json = MEALEA, **extra: Any) -> Json:
    return {"id": 7, "state": state, "staff": staff, "terminal": TILL_1,
            "started_at": "2026-01-05T09:00:00Z", "last_activity_at": "2026-01-05T09:00:00Z",
            "expires_at": "2026-01-05T09:02:00Z", "override": False, **extra}


class ScriptedServer:
    """Answers by route; a test sets what each route says next and reads what was asked."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, Json]] = {
            "GET /api/v1/terminal": (200, {
                "terminal": TILL_1, "tenant": {"code": "lumiere-coffee", "name": "Lumière Coffee"},
                "policy": POLICY, "lockout": {"locked": False, "retry_after_s": 0}}),
            "POST /api/v1/pos/unlock": (200, {"token": "t0k3n", "session": session(),
                                              "ended_elsewhere": []}),
            "GET /api/v1/pos/session": (200, session()),
            "POST /api/v1/pos/session/activity": (200, session()),
            "POST /api/v1/pos/session/lock": (200, session("ended", reason="logout")),
        }
        self.offline = False
        self.held: dict[str, asyncio.Event] = {}  # routes whose answers wait for a test
        self.calls: list[tuple[str, Json | None, httpx.Headers]] = []

    def say(self, route: str, status: int, body: Json) -> None:
        self.answers[route] = (status, body)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        route = f"{request.method} {request.url.path}"
        body = json.loads(request.content) if request.content else None
        self.calls.append((route, body, request.headers))
        if self.offline:
            raise httpx.ConnectError("connection refused", request=request)
        status, answer = self.answers.get(route, (404, {"error": "not_found", "message": "?"}))
        if route in self.held:
            await self.held[route].wait()
        return httpx.Response(status, json=answer)

    def routes(self) -> list[str]:
        return [route for route, _, _ in self.calls]


@pytest.fixture
def server() -> ScriptedServer:
    return ScriptedServer()


@pytest.fixture
def ticker() -> FakeTicker:
    return FakeTicker()


@pytest.fixture
def till(server: ScriptedServer, ticker: FakeTicker, qapp: QApplication, run: Run
         ) -> Iterator[Till]:
    config = TillConfig("http://till.test", "Till 1", "lumiere-coffee", "Lumière Coffee")
    built = build_till(Enrolled(config, "the-till-key"), kiosk=False, ticker=ticker,
                       transport=httpx.MockTransport(server.handle))
    built.window.show()
    run(built.controller.refresh_terminal())  # learns the policy, as on start
    yield built
    run(built.close())
    built.window.close()


def unlock(run: Run, till: Till, pin: str = "3918") -> None:
    for digit in pin:
        till.window.lock_screen.keypad.press(digit)
    till.window.lock_screen.keypad.press("Enter")
    run(till.controller.settle())


def test_the_till_learns_its_policy_shop_and_name(till: Till, server: ScriptedServer) -> None:
    assert till.session.policy.idle_timeout_s == 120
    assert till.window.lock_screen.keypad.dots.text() == "○○○○"  # the shop's PIN length
    assert till.window.lock_screen.shop.text() == "Lumière Coffee"
    assert server.calls[0][2]["X-Terminal-Key"] == "the-till-key"


def test_unlock_sends_the_pin_and_shows_who_is_signed_in(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    unlock(run, till)
    assert server.calls[-1][:2] == ("POST /api/v1/pos/unlock", {"pin": "3918", "override": False})
    assert till.session.phase is Phase.ACTIVE
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
    run(till.controller.refresh_terminal())  # the next status refresh keeps the message
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
    refresh = asyncio.ensure_future(till.controller.refresh_terminal())
    server.say("POST /api/v1/pos/unlock", 423,
               {"error": "terminal_locked", "message": "…", "retry_after_s": 30})
    unlock(run, till)
    server.held["GET /api/v1/terminal"].set()
    run(refresh)
    assert "try again in 0:30" in till.window.lock_screen.error.text()
    assert not till.window.lock_screen.keypad.isEnabled()


def test_a_lockout_told_by_the_status_refresh_locks_the_keypad(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    status, body = server.answers["GET /api/v1/terminal"]
    server.say("GET /api/v1/terminal", status,
               {**body, "lockout": {"locked": True, "retry_after_s": 30}})
    run(till.controller.refresh_terminal())
    assert not till.window.lock_screen.keypad.isEnabled()
    assert "0:30" in till.window.lock_screen.error.text()


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
    qtbot.mouseClick(till.window.active_screen.sale, Qt.MouseButton.LeftButton)  # a tap
    till.controller.tick()
    assert not till.window.warning.isVisible()
    assert till.session.remaining_s() == 120
    run(till.controller.poll_once())
    assert server.routes()[-1] == "POST /api/v1/pos/session/activity"
    run(till.controller.poll_once())  # nothing happened since: a plain status poll
    assert server.routes()[-1] == "GET /api/v1/pos/session"


@pytest.mark.parametrize("reason", [r for r in EndReason if r is not EndReason.LOGOUT])
def test_every_end_from_elsewhere_shows_its_own_banner(
    till: Till, server: ScriptedServer, run: Run, reason: EndReason
) -> None:
    unlock(run, till)
    ended = session("ended", reason=reason.value, ended_at="2026-01-05T14:03:00Z",
                    ended_by=DARA, ended_on=TILL_2)
    server.say("GET /api/v1/pos/session", 200, ended)
    run(till.controller.poll_once())
    assert till.window.is_locked_view
    shown = till.window.lock_screen.banner.text.text()
    assert shown == banner_text(SessionEnd.from_server(ended), 120)
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


def test_the_lock_button_ends_the_session_without_a_banner(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    unlock(run, till)
    till.window.active_screen.lock_button.click()
    run(till.controller.settle())
    assert server.routes()[-1] == "POST /api/v1/pos/session/lock"
    assert till.window.is_locked_view and till.window.lock_screen.banner.isHidden()


def test_a_network_failure_shows_offline_keeps_the_session_and_recovers(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    unlock(run, till)
    till.session.activity()
    server.offline = True
    run(till.controller.poll_once())
    assert till.session.is_live
    assert till.window.active_screen.connection.text() == "Offline — reconnecting"
    assert till.controller.next_delay_s() == 6.0  # backs off: 3 s, then 6, 12 … up to 30
    run(till.controller.poll_once())
    assert till.controller.next_delay_s() == 12.0
    server.offline = False
    run(till.controller.poll_once())
    assert server.routes()[-1] == "POST /api/v1/pos/session/activity"  # the activity was kept
    assert till.window.active_screen.connection.text() == "Online"
    assert till.controller.next_delay_s() == 3.0


def test_an_unknown_token_locks_and_says_so(till: Till, server: ScriptedServer, run: Run) -> None:
    unlock(run, till)
    server.say("GET /api/v1/pos/session", 401, {"error": "invalid_token", "message": "…"})
    run(till.controller.poll_once())
    assert till.window.is_locked_view
    assert till.window.lock_screen.error.text() == "The server no longer knows this session. " \
        "Unlock again."


def test_an_unreachable_server_on_unlock_says_so(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    server.offline = True
    unlock(run, till)
    assert till.session.phase is Phase.LOCKED
    assert "Cannot reach the server" in till.window.lock_screen.error.text()
    assert not till.window.lock_screen.offline.isHidden()


def enter_in_dialog(till: Till, pin: str) -> None:
    dialog = till.controller._dialog
    assert dialog is not None
    for digit in pin:
        dialog.keypad.press(digit)
    dialog.keypad.press("Enter")


def test_approval_refusals_are_shown_in_the_dialog(
    till: Till, server: ScriptedServer, run: Run
) -> None:
    unlock(run, till)
    till.window.active_screen.drawer_button.click()
    dialog = till.controller._dialog
    assert dialog is not None and dialog.isModal() and dialog.isVisible()
    for code, status, shown in [
        ("not_manager", 403, "That is not a manager's PIN. Ask a manager or the owner."),
        ("invalid_pin", 401, "Invalid PIN"),
    ]:
        server.say("POST /api/v1/pos/override", status, {"error": code, "message": "…"})
        enter_in_dialog(till, "3918")
        run(till.controller.settle())
        assert dialog.error.text() == shown
        assert till.session.is_live  # the cashier stays signed in
    server.say("POST /api/v1/pos/override", 423,
               {"error": "terminal_locked", "message": "…", "retry_after_s": 30})
    enter_in_dialog(till, "3918")
    run(till.controller.settle())
    assert dialog.error.text() == "Terminal locked — try again in 0:30 or ask a manager"
    assert not dialog.keypad.isEnabled()


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
    assert till.controller._dialog is None
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
    assert server.calls[-1][1] == {"pin": "5193", "override": True}
    assert till.window.active_screen.role.text() == "Manager · manager override"


def test_closing_the_kiosk_needs_a_manager(till: Till, server: ScriptedServer, run: Run) -> None:
    till.window.may_close = False
    till.window.close()
    assert till.window.isVisible()
    assert "manager" in till.window.lock_screen.error.text()
    unlock(run, till)  # a cashier: closing asks for a manager's approval
    till.window.active_screen.close_button.click()
    dialog = till.controller._dialog
    assert dialog is not None and "Close the till program" in dialog.windowTitle()
    dialog.reject()
    assert not till.window.may_close

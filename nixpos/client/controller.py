"""``TillController``: connects the ``TillSession`` rules, the server and the screens.

One background loop talks to the server. While a session is live it polls
every ``poll_interval_s`` — as the activity call when the user was active
since the last poll (SPEC rule 8) — and backs off gently while the network
is down, never signing anyone out for it. While locked it refreshes the
till's status (policy, keypad lockout, deactivation). A change of phase
wakes the loop at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from nixpos.client import messages
from nixpos.client.api import ApiError, LockedOut, Offline, Refused, SessionGone, TillApi
from nixpos.client.views.main_window import MainWindow
from nixpos.client.views.override_dialog import OverrideDialog
from nixpos.client.window import name_window
from nixpos.core.actions import APPROVAL_ACTIONS
from nixpos.core.banner import banner_text
from nixpos.core.policy import Policy
from nixpos.core.reasons import EndReason, Role
from nixpos.core.session import Phase, SessionEnd, TillSession
from nixpos.core.ticker import Ticker

log = logging.getLogger("nixpos.client")

MAX_BACKOFF_S = 30.0
LOCKED_REFRESH_S = 30.0
TICK_MS = 500


class TillController(QObject):
    quit_allowed = Signal()  # a manager allowed closing the till program

    def __init__(self, window: MainWindow, api: TillApi, session: TillSession, ticker: Ticker,
                 *, tz: tzinfo | None = None) -> None:
        super().__init__()
        self.window = window
        self.api = api
        self.session = session
        self._ticker = ticker
        self._tz = tz
        self.online = True
        self.deactivated = False
        self._failures = 0
        self._keypad_open_at = 0.0
        self._pin_answers = 0  # PIN answers heard so far: dates the lockout we know of
        self.polls = 0  # session polls the server answered (for the log and benchmarks)
        self._dialog: OverrideDialog | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._loop_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

        lock = window.lock_screen
        lock.pin_entered.connect(lambda pin: self._spawn(self.unlock(pin)))
        lock.override_requested.connect(self.open_override_unlock)
        lock.banner.dismissed.connect(self.dismiss_banner)
        active = window.active_screen
        active.lock_requested.connect(lambda: self._spawn(self.lock()))
        active.open_drawer_requested.connect(lambda: self.ask_approval("open_drawer"))
        active.close_requested.connect(self.request_close)
        window.warning.stay.connect(session.activity)
        window.close_attempted.connect(self.request_close)
        session.subscribe(self._on_phase)

        self._ticks = QTimer(self)
        self._ticks.setInterval(TICK_MS)
        self._ticks.timeout.connect(self.tick)
        self._ticks.start()
        self._on_phase(session.phase)

    # -- the background loop --------------------------------------------------

    def start(self) -> None:
        self._loop_task = asyncio.ensure_future(self._run())

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run a signal's coroutine on the loop, keeping it alive and its errors logged."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("till action failed", exc_info=task.exception())

    async def settle(self) -> None:
        """Wait for every action the screens started (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def stop(self) -> None:
        """Let the loop finish the call it is making (bounded by the HTTP timeouts) and end.

        Not ``Task.cancel``: cancelling an httpx request midway under qasync trips
        anyio's loop detection while it closes the connection.
        """
        self._ticks.stop()
        self._stopping = True
        self._wake.set()
        if self._loop_task is not None:
            await self._loop_task

    async def _run(self) -> None:
        while not self._stopping:
            # Cleared before the work, so a change of phase during it still wakes us.
            self._wake.clear()
            if self.session.is_live:
                await self.poll_once()
            else:
                await self.refresh_terminal()
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.next_delay_s())

    def next_delay_s(self) -> float:
        base = float(self.session.policy.poll_interval_s)
        if not self.online:
            return min(MAX_BACKOFF_S, base * 2.0 ** min(self._failures, 5))
        return base if self.session.is_live else LOCKED_REFRESH_S

    async def poll_once(self) -> None:
        token = self.session.token
        if token is None:
            return
        with_activity = self.session.take_activity()
        try:
            data = await (self.api.activity(token) if with_activity else self.api.session(token))
        except Offline:
            if with_activity:
                self.session.restore_activity()
            self._set_online(False)
        except Refused as error:
            self._set_online(True)
            self._lost(error)
        else:
            self.polls += 1
            self._set_online(True)
            self.session.apply_server(data)

    async def refresh_terminal(self) -> None:
        answers_before = self._pin_answers
        try:
            data = await self.api.terminal()
        except Offline:
            self._set_online(False)
            return
        except Refused as error:
            self._set_online(True)
            self._lost(error)
            return
        self._set_online(True)
        # A PIN answer that arrived while this status was on its way is newer news
        # about the keypad lockout than the status itself.
        self.apply_terminal(data, lockout=answers_before == self._pin_answers)

    def apply_terminal(self, data: dict[str, Any], *, lockout: bool = True) -> None:
        """The till's identity, policy and lockout as ``GET /terminal`` tells them."""
        policy = Policy(**data["policy"])
        if policy != self.session.policy:
            self.session.policy = policy
            self.window.lock_screen.keypad.set_pin_length(policy.pin_length)
        name_window(self.window, data["terminal"]["name"], data["tenant"]["name"])
        if lockout:
            self._lock_keypad_for(int(data["lockout"]["retry_after_s"]))

    def _lost(self, error: Refused) -> None:
        """The server refused the till or its session: lock, and say why."""
        if error.code == "terminal_deactivated":
            self._mark_deactivated()
            ended = error.extra.get("session")
            end = (SessionEnd.from_server(ended) if ended and ended.get("state") == "ended"
                   else SessionEnd(EndReason.TERMINAL_DEACTIVATED))
            self.session.lock(end)
        else:
            self.session.lock(SessionEnd(EndReason.LOGOUT))
        self.window.lock_screen.show_error(messages.refusal(error))

    def _mark_deactivated(self) -> None:
        """For good: no keypad until IT enrolls this till again."""
        self.deactivated = True
        self.window.lock_screen.set_keypad_locked(True)

    def _set_online(self, online: bool) -> None:
        self._failures = 0 if online else self._failures + 1
        if online != self.online:
            log.info("server %s", "reachable again" if online else "unreachable")
        self.online = online
        self.window.lock_screen.offline.setVisible(not online)
        self.window.active_screen.show_online(online)

    # -- time -------------------------------------------------------------------

    def tick(self) -> None:
        self.session.tick()
        self.window.lock_screen.clock.setText(datetime.now(self._tz).strftime("%H:%M"))
        if self.session.is_live:
            self.window.active_screen.show_remaining(self.session.countdown_s())
            self.window.warning.show_countdown(self.session.countdown_s())
        if self._keypad_open_at:
            wait = self._lockout_left_s()
            if wait > 0:
                self._show_lockout(wait)
            else:
                self._lock_keypad_for(0)  # the lockout is over

    def _lockout_left_s(self) -> int:
        return math.ceil(self._keypad_open_at - self._ticker.seconds())

    def _lock_keypad_for(self, seconds: int) -> None:
        was_locked = bool(self._keypad_open_at)
        self._keypad_open_at = self._ticker.seconds() + seconds if seconds > 0 else 0.0
        # Only a lockout starting or ending touches the error line: a routine status
        # refresh must not wipe "Invalid PIN" before the cashier has read it.
        if seconds > 0 or was_locked:
            self._show_lockout(seconds)

    def _show_lockout(self, seconds: int) -> None:
        if self.deactivated:
            return
        locked = seconds > 0
        self.window.lock_screen.set_keypad_locked(locked)
        self.window.lock_screen.show_error(messages.lockout(seconds) if locked else "")
        if self._dialog is not None:
            self._dialog.keypad.setEnabled(not locked)
            self._dialog.show_error(messages.lockout(seconds) if locked else "")

    # -- what the screens show ----------------------------------------------------

    def _on_phase(self, phase: Phase) -> None:
        window = self.window
        if phase is Phase.LOCKED:
            self._close_dialog()
            window.show_locked()
            window.lock_screen.prompt.setText("Enter your PIN")
            window.lock_screen.keypad.setEnabled(not self.deactivated and not self._keypad_open_at)
            self._show_banner()
        elif phase is Phase.UNLOCKING:
            window.lock_screen.prompt.setText("Checking…")
            window.lock_screen.keypad.setEnabled(False)
        else:
            person = self.session.person
            assert person is not None
            window.active_screen.show_person(person.name, person.role, self.session.override)
            window.active_screen.show_remaining(self.session.countdown_s())
            window.show_active()
            window.show_warning(phase is Phase.WARNING)
            window.warning.show_countdown(self.session.countdown_s())
        self._wake.set()

    def _show_banner(self) -> None:
        end = self.session.banner
        text = banner_text(end, self.session.policy.idle_timeout_s, self._tz) if end else None
        self.window.lock_screen.banner.show_text(text)

    def dismiss_banner(self) -> None:
        self.session.dismiss_banner()
        self._show_banner()

    # -- unlocking ----------------------------------------------------------------

    async def _pin_call(self, call: Awaitable[dict[str, Any]]) -> dict[str, Any]:
        """A call that checks a PIN; counted, so older status answers cannot undo its lockout."""
        try:
            return await call
        finally:
            self._pin_answers += 1

    async def unlock(self, pin: str, *, override: bool = False,
                     show_error: Callable[[str], None] | None = None) -> bool:
        """Ask the server to unlock with ``pin``; errors go to ``show_error`` (the lock screen)."""
        show = show_error or self.window.lock_screen.show_error
        if self.session.phase is not Phase.LOCKED:
            return False
        self.session.begin_unlock()
        show("")
        try:
            data = await self._pin_call(self.api.unlock(pin, override))
        except LockedOut as error:
            self.session.unlock_failed()
            self._lock_keypad_for(error.retry_after_s)
            return False
        except ApiError as error:
            self.session.unlock_failed()
            if isinstance(error, Offline):
                self._set_online(False)
                show(messages.OFFLINE)
            else:
                assert isinstance(error, Refused)
                if error.code == "terminal_deactivated":
                    self._mark_deactivated()
                show(messages.refusal(error))
            return False
        self._set_online(True)
        self.session.unlocked(data["token"], data["session"])
        return True

    def open_override_unlock(self) -> None:
        dialog = self._open_dialog(
            "Manager override",
            "A manager or owner PIN unlocks this till as that manager, even where they "
            "are not assigned.")

        async def entered(pin: str) -> None:
            if await self.unlock(pin, override=True, show_error=dialog.show_error):
                dialog.accept()

        dialog.pin_entered.connect(lambda pin: self._spawn(entered(pin)))

    # -- while signed in ------------------------------------------------------------

    async def lock(self) -> None:
        token = self.session.token
        self.session.lock(SessionEnd(EndReason.LOGOUT))
        if token is not None:
            with contextlib.suppress(ApiError):  # the server ends it anyway when idle
                await self.api.lock(token)

    def ask_approval(self, action: str,
                     approved: Callable[[dict[str, Any]], Awaitable[None]] | None = None) -> None:
        """A manager's PIN in a modal approves ``action``; the cashier's session carries on."""
        label = APPROVAL_ACTIONS[action]
        person = self.session.person
        dialog = self._open_dialog(
            f"Manager approval: {label}",
            f"A manager or owner enters their PIN to approve this. "
            f"{person.name if person else 'The cashier'} stays signed in.")

        async def entered(pin: str) -> None:
            token = self.session.token
            if token is None:
                dialog.reject()
                return
            try:
                approval = (await self._pin_call(self.api.approve(token, pin, action)))["approval"]
                await self.api.use_approval(token, approval["id"], action)
            except LockedOut as error:
                self._lock_keypad_for(error.retry_after_s)
                return
            except SessionGone as error:
                self._lost(error)
                return
            except Offline:
                self._set_online(False)
                dialog.show_error(messages.OFFLINE)
                return
            except Refused as error:
                dialog.show_error(messages.refusal(error))
                return
            dialog.accept()
            who = approval["approved_by"]["name"]
            self.window.active_screen.notice.setText(f"{label} — approved by {who}.")
            if approved is not None:
                await approved(approval)

        dialog.pin_entered.connect(lambda pin: self._spawn(entered(pin)))

    def request_close(self) -> None:
        """Closing the kiosk needs a manager: one signed in, or one who approves."""
        person = self.session.person
        if person is None:
            self.window.lock_screen.show_error(messages.CLOSE_NEEDS_MANAGER)
        elif Role(person.role).can_approve:
            self._allow_quit()
        else:
            async def approved(_approval: dict[str, Any]) -> None:
                self._allow_quit()

            self.ask_approval("close_kiosk", approved)

    def _allow_quit(self) -> None:
        self.window.may_close = True
        self.quit_allowed.emit()

    # -- dialogs ------------------------------------------------------------------

    def _open_dialog(self, title: str, text: str) -> OverrideDialog:
        self._close_dialog()
        dialog = OverrideDialog(title, text, self.session.policy.pin_length, self.window)
        self._dialog = dialog
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        dialog.open()
        dialog.keypad.setFocus()
        if self._keypad_open_at:
            self._show_lockout(self._lockout_left_s())
        return dialog

    def _forget_dialog(self, dialog: OverrideDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.reject()
            self._dialog = None

"""``TillController``: the thin adapter between ``core.till_state.TillState``, Qt and HTTP.

It forwards what a person does to the state machine, makes the server calls
the machine asks for (``TillApi.perform``) and feeds their outcomes back, and
paints ``TillState.view()`` on the window after every event. It decides
nothing itself.

One background task polls: it asks the machine for its next call and waits
``next_delay_s`` between calls. Background work is supervised: a task that
fails is logged and, for the poll loop, restarted, so a till never goes
quietly deaf.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable, Coroutine
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from nixpos.client.api import TillApi
from nixpos.client.local_store import LocalStore
from nixpos.client.printing import ReceiptPrinter
from nixpos.client.sale_wiring import wire_sale
from nixpos.client.views.main_window import MainWindow
from nixpos.client.views.override_dialog import OverrideDialog
from nixpos.core.till_state import Command, DialogView, Quit, TillState

log = logging.getLogger("nixpos.client")

TICK_MS = 500
RESTART_DELAY_S = 1.0  # after a background failure: soon, but never a hot loop


class TillController(QObject):
    quit_allowed = Signal()  # a manager allowed closing the till program

    def __init__(self, window: MainWindow, api: TillApi, state: TillState,
                 *, tz: tzinfo | None = None, printer: ReceiptPrinter | None = None,
                 store: LocalStore | None = None) -> None:
        super().__init__()
        self.window = window
        self.api = api
        self.state = state
        self.store = store or LocalStore(":memory:")
        self._tz = tz
        state.sale.timezone = tz  # receipts and recent sales in the shop's local time
        self.printer = printer or ReceiptPrinter()
        self._dialog: OverrideDialog | None = None
        self._dialog_id = 0
        self._wake = asyncio.Event()
        self._stopping = False
        self._loop_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.restarts = 0  # background loop restarts after a failure (for tests and logs)

        lock = window.lock_screen
        lock.pin_entered.connect(lambda pin: self.act(state.pin_entered, pin))
        lock.override_requested.connect(lambda: self.act(state.override_pressed))
        lock.banner.dismissed.connect(lambda: self.act(state.banner_dismissed))
        active = window.active_screen
        active.lock_requested.connect(self.lock)
        active.open_drawer_requested.connect(
            lambda: self.act(state.approval_requested, "open_drawer"))
        active.close_requested.connect(self.request_close)
        wire_sale(active.sale, state, self.act, self.print_receipt)
        window.warning.stay.connect(self.activity)
        window.prompt.answered.connect(
            lambda question, yes: self.act(state.question_answered, question, yes))
        window.close_attempted.connect(self.request_close)

        self._ticks = QTimer(self)
        self._ticks.setInterval(TICK_MS)
        self._ticks.timeout.connect(self.tick)
        self._ticks.start()
        self.render()

    # -- events in ------------------------------------------------------------------

    def act(self, event: Callable[..., list[Command] | None], *args: Any) -> None:
        """A person did something: tell the machine, show the result, make its calls
        (an event that makes none may return None)."""
        commands = event(*args) or []
        self.render()
        self.perform([*commands, *self.state.cart_calls()])
        if self.state.sale.sending_call_ready():
            self._wake.set()  # a sale waits behind older ones: the loop sends it now

    def print_receipt(self) -> None:
        """The receipt on screen, on paper; if the printer cannot, the till says why."""
        sale = self.state.view(self._tz).sale
        if sale is None or not sale.can_print:
            return
        problem = self.printer.print_lines(sale.receipt)
        if problem is not None:
            self.act(self.state.sale.print_failed, problem)

    def activity(self) -> None:
        self.state.activity()
        self.render()

    def tick(self) -> None:
        self.state.tick()
        self.render()

    def lock(self) -> None:
        self.act(self.state.lock_pressed)
        self._wake.set()  # tell the server now, not at the next poll

    def request_close(self) -> None:
        self.act(self.state.close_requested)

    # -- calls out ------------------------------------------------------------------

    def perform(self, commands: list[Command]) -> None:
        for command in commands:
            if isinstance(command, Quit):
                self._spawn(self._quit())
            else:
                self._spawn(self._call(command))

    async def _call(self, command: Command) -> None:
        outcome = await self.api.perform(command)
        follow = self.state.answered(command, outcome)
        self.render()
        self.perform([*follow, *self.state.cart_calls()])

    async def _quit(self) -> None:
        await self.shutdown()
        self.window.may_close = True
        self.quit_allowed.emit()

    async def shutdown(self) -> None:
        """End the live session on the server before the program closes (one try each)."""
        for command in self.state.shutdown():
            self.state.answered(command, await self.api.perform(command))
        self.render()

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` on the loop, keeping it alive and its failure logged."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("till action failed", exc_info=task.exception())

    async def settle(self) -> None:
        """Wait for every call the screens started (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- the background loop ----------------------------------------------------------

    def start(self) -> None:
        self._stopping = False
        self._loop_task = asyncio.ensure_future(self._run())
        self._loop_task.add_done_callback(self._loop_ended)

    def _loop_ended(self, task: asyncio.Task[None]) -> None:
        """The poll loop must never die quietly: log why and start it again."""
        if self._stopping or task.cancelled():
            return
        log.error("the till's poll loop stopped; restarting it", exc_info=task.exception())
        self.restarts += 1
        asyncio.get_running_loop().call_later(RESTART_DELAY_S, self._restart)

    def _restart(self) -> None:
        if not self._stopping:
            self.start()

    async def stop(self) -> None:
        """Let the loop finish the call it is making (bounded by the HTTP timeouts) and end.

        Not ``Task.cancel``: cancelling an httpx request midway under qasync trips
        anyio's loop detection while it closes the connection.
        """
        self._ticks.stop()
        self._stopping = True
        self._wake.set()
        if self._loop_task is not None:
            await asyncio.gather(self._loop_task, return_exceptions=True)

    async def _run(self) -> None:
        while not self._stopping:
            # Cleared before the work, so an event during it still wakes us.
            self._wake.clear()
            await self.poll_once()
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.state.next_delay_s())

    async def poll_once(self) -> None:
        """One background call: end a session, poll the live one, or ask the till's status."""
        await self._call(self.state.background_call())

    # -- painting -------------------------------------------------------------------

    def render(self) -> None:
        """Write down what must be on disk, then show the state (never the other way)."""
        self.write_down()
        view = self.state.view(self._tz)
        self.window.show_view(view)
        self.window.lock_screen.clock.setText(datetime.now(self._tz).strftime("%H:%M"))
        self._show_dialog(view.dialog)

    def write_down(self) -> None:
        """Paid sales, their fate and open carts into the till's file (``LocalStore``)."""
        for op in self.state.store_writes():
            try:
                self.store.perform(op)
            except sqlite3.Error as error:
                self.state.store_failed(str(error))

    def _show_dialog(self, view: DialogView | None) -> None:
        if view is None or view.id != self._dialog_id:
            self._close_dialog()
        if view is None:
            return
        if self._dialog is None:
            dialog = OverrideDialog(view.title, view.text, view.pin_length, self.window)
            dialog_id = view.id
            dialog.pin_entered.connect(lambda pin: self.act(self.state.dialog_pin, pin))
            dialog.rejected.connect(lambda: self.act(self.state.dialog_cancelled, dialog_id))
            self._dialog, self._dialog_id = dialog, dialog_id
            dialog.open()
            dialog.activateWindow()
            dialog.keypad.setFocus()
        self._dialog.show_view(view)

    def _close_dialog(self) -> None:
        dialog, self._dialog, self._dialog_id = self._dialog, None, 0
        if dialog is not None:
            dialog.rejected.disconnect()  # the machine closed it; nothing to tell it
            dialog.reject()
            dialog.deleteLater()

    @property
    def dialog(self) -> OverrideDialog | None:
        """The manager's PIN dialog while it is open."""
        return self._dialog

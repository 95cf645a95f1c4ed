"""Putting a till together (``build_till``) and running it on the Qt event loop via qasync.

``gui.run_gui`` imports this module only once the lock screen is painted: it
holds everything heavy (keyring, httpx, qasync, the controller).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import dataclass

import httpx
from PySide6.QtWidgets import QApplication

from nixpos.client import secrets
from nixpos.client.activity import ActivityFilter
from nixpos.client.api import TillApi
from nixpos.client.config import ConfigError, TillConfig
from nixpos.client.controller import TillController
from nixpos.client.enrollment import Enrolled, StartupError, device_name, enroll
from nixpos.client.local_store import LocalStore, StoreError
from nixpos.client.views.enroll_dialog import EnrollDialog
from nixpos.client.views.fatal_screen import FatalScreen
from nixpos.client.views.main_window import MainWindow
from nixpos.client.window import name_window, prepare_window, show_fatal_screen, show_window
from nixpos.core import words
from nixpos.core.clock import Clock
from nixpos.core.session import TillSession
from nixpos.core.ticker import BootTicker, Ticker
from nixpos.core.till_state import TillState

log = logging.getLogger("nixpos.client")


@dataclass
class Till:
    window: MainWindow
    api: TillApi
    state: TillState
    controller: TillController
    activity: ActivityFilter

    @property
    def session(self) -> TillSession:
        return self.state.session

    async def close(self) -> None:
        """Stop polling, end the live session on the server, and let go of the network."""
        await self.controller.stop()
        await self.controller.settle()
        await self.controller.shutdown()
        await self.api.aclose()
        self.controller.store.close()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.activity.shutdown(app)


def build_till(enrolled: Enrolled, *, kiosk: bool, ticker: Ticker | None = None,
               transport: httpx.AsyncBaseTransport | None = None,
               window: MainWindow | None = None, clock: Clock | None = None,
               store: LocalStore | None = None) -> Till:
    """The whole till for one enrolled profile, in ``window`` if it is already on screen;
    the caller shows it (if need be) and starts it. ``store``: the till's file, whose
    waiting sales and open carts it takes back (None: one in memory, kept nowhere)."""
    config = enrolled.config
    api = TillApi(config.server_url, enrolled.key, transport=transport)
    state = TillState(ticker or BootTicker(), till=config.terminal_name,
                      shop=config.tenant_name, clock=clock)
    store = store or LocalStore(":memory:")
    state.restore(store.load())
    window = window or prepare_window(config, kiosk=kiosk)
    controller = TillController(window, api, state, store=store)
    activity = ActivityFilter(controller.activity)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        activity.install(app)
    controller.quit_allowed.connect(window.close)
    return Till(window, api, state, controller, activity)


async def ensure_enrolled(args: argparse.Namespace) -> Enrolled | None:
    """This profile's settings and key, enrolling first if needed; None if IT cancelled."""
    config = TillConfig.load(args.profile)
    key = secrets.load_key(args.profile)
    if args.enroll:
        server = args.server or (config.server_url if config else None)
        if not server:
            raise StartupError(words.FIRST_ENROLL_NEEDS_SERVER)
        return await enroll(args.profile, server, args.enroll, device_name(args.profile))
    if config is not None and key:
        if args.server and args.server != config.server_url:
            config.server_url = args.server
            config.save(args.profile)
        return Enrolled(config, key)
    return await enroll_interactively(args)


async def enroll_interactively(args: argparse.Namespace) -> Enrolled | None:
    dialog = EnrollDialog(args.server or "", device_name(args.profile))
    result: asyncio.Future[Enrolled | None] = asyncio.get_running_loop().create_future()

    async def attempt(server: str, code: str, device: str) -> None:
        dialog.enroll_button.setEnabled(False)
        try:
            enrolled = await enroll(args.profile, server, code, device)
        except (StartupError, ConfigError) as error:
            dialog.show_error(str(error))
        else:
            if not result.done():
                result.set_result(enrolled)
        finally:
            dialog.enroll_button.setEnabled(True)

    pending: set[asyncio.Task[None]] = set()

    def submitted(server: str, code: str, device: str) -> None:
        task = asyncio.ensure_future(attempt(server, code, device))
        pending.add(task)
        task.add_done_callback(pending.discard)

    def cancelled() -> None:
        if not result.done():
            result.set_result(None)

    dialog.submitted.connect(submitted)
    dialog.rejected.connect(cancelled)
    dialog.show()
    try:
        return await result
    finally:
        dialog.hide()
        dialog.deleteLater()


def show_fatal(message: str, *, on_screen: bool, profile: str) -> FatalScreen | None:
    """Say why the till cannot start: on stderr and in the log, and for a kiosk (which
    has no console) full screen, on top; the caller waits for that screen to close."""
    from nixpos.client.app import log_path

    print(f"nixpos: {message}", file=sys.stderr)
    log.error("cannot start: %s", message)
    return show_fatal_screen(message, log_path(profile)) if on_screen else None


async def run(app: QApplication, args: argparse.Namespace,
              window: MainWindow | None = None) -> int:
    """The till until its window closes; ``window`` is the lock screen already shown, if any."""
    try:
        enrolled = await ensure_enrolled(args)
        store = LocalStore.for_profile(args.profile) if enrolled is not None else None
    except (StartupError, ConfigError, secrets.KeyringUnavailable, StoreError) as error:
        # Whoever passed --enroll or --windowed is at a console; a kiosk needs it on screen.
        screen = show_fatal(str(error), on_screen=not (args.enroll or args.windowed),
                            profile=args.profile)
        if screen is not None:
            if window is not None:
                window.hide()  # a lock screen that cannot work must not hide the reason
            closed = asyncio.Event()
            screen.closed.connect(closed.set)
            await closed.wait()
        return 2
    if enrolled is None:
        return 1
    if window is not None:
        # Enrolling again may have renamed the till.
        name_window(window, enrolled.config.terminal_name, enrolled.config.tenant_name)
    till = build_till(enrolled, kiosk=not args.windowed, window=window, store=store)
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    if window is None:
        show_window(till.window, args)
    till.controller.start()
    await closed.wait()
    await till.close()
    return 0

"""Client fixtures: a qasync loop, an in-memory keyring, a live server and tills on it, and
a till on a scripted server (``scripted.ScriptedServer``) with a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import keyring
import keyring.backend
import pytest
import qasync
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from nixpos.client.config import TillConfig
from nixpos.client.enrollment import Enrolled
from nixpos.client.till import Till, build_till
from nixpos.core.clock import FakeClock, SystemClock
from nixpos.core.ticker import FakeTicker
from nixpos.server.app import create_app
from nixpos.server.db import Database
from nixpos.server.services.context import ServerContext
from tests.client.scripted import ScriptedServer
from tests.conftest import PIN_SECRET
from tests.helpers import Shop
from tests.live_server import LiveServer


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NIXPOS_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


@pytest.fixture(scope="package")
def loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """One asyncio loop on Qt's, for the client tests (see ``pytest_pyfunc_call``)."""
    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    asyncio.set_event_loop(None)
    event_loop.close()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run a test that uses the loop *inside* it, so asyncio counts as running while
    the test's taps and ``qtbot`` waits let Qt run (and with it the till's tasks).

    The loop starts and stops through qasync's own ``run_until_complete``; nothing
    marks it running by hand.
    """
    if "loop" not in pyfuncitem.fixturenames:
        return None
    event_loop: qasync.QEventLoop = pyfuncitem.funcargs["loop"]
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    done: asyncio.Future[None] = event_loop.create_future()

    def body() -> None:
        try:
            pyfuncitem.obj(**args)
        except BaseException as failure:
            done.set_exception(failure)
        else:
            done.set_result(None)

    event_loop.call_soon(body)
    event_loop.run_until_complete(done)
    return True


@pytest.fixture
def run(loop: qasync.QEventLoop, qtbot: QtBot) -> Callable[[Awaitable[Any]], Any]:
    """Drive a coroutine to its end: inside a test the loop runs and Qt is let run until
    it is done; in a fixture's set-up or tear-down the loop runs just for it."""

    def drive(work: Awaitable[Any], timeout_s: float = 15.0) -> Any:
        if not loop.is_running():
            return loop.run_until_complete(asyncio.wait_for(work, timeout_s))
        task = asyncio.ensure_future(work)
        qtbot.waitUntil(task.done, timeout=int(timeout_s * 1000))
        return task.result()

    return drive


@pytest.fixture
def live_ctx(database_url: str) -> Iterator[ServerContext]:
    db = Database(database_url)
    yield ServerContext(db=db, pin_secret=PIN_SECRET, clock=SystemClock())
    db.dispose()


@pytest.fixture
def live_server(live_ctx: ServerContext) -> Iterator[LiveServer]:
    server = LiveServer(create_app(database=live_ctx.db, pin_secret=PIN_SECRET,
                                   clock=live_ctx.clock))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_shop(live_ctx: ServerContext, live_server: LiveServer) -> Shop:
    return Shop.create(live_ctx, live_server.app.test_client())


@pytest.fixture
def make_till(live_shop: Shop, live_server: LiveServer, qapp: QApplication,
              run: Callable[[Awaitable[Any]], Any]) -> Iterator[Callable[[str], Till]]:
    tills: list[Till] = []

    def make(name: str) -> Till:
        config = TillConfig(live_server.url, name, "lumiere-coffee", "Lumière Coffee")
        till = build_till(Enrolled(config, live_shop.keys[name]), kiosk=False)
        till.window.resize(1100, 760)
        till.window.show()
        till.controller.start()
        tills.append(till)
        return till

    yield make
    for till in tills:
        run(till.close())
        till.window.may_close = True
        till.window.close()


@pytest.fixture
def server() -> ScriptedServer:
    return ScriptedServer()


@pytest.fixture
def ticker() -> FakeTicker:
    return FakeTicker()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 25, 12, 30, tzinfo=UTC))


@pytest.fixture
def till(server: ScriptedServer, ticker: FakeTicker, clock: FakeClock, qapp: QApplication,
         run: Callable[[Awaitable[Any]], Any]) -> Iterator[Till]:
    """A till on the scripted server, started as a till starts (it learns its policy)."""
    config = TillConfig("http://till.test", "Till 1", "lumiere-coffee", "Lumière Coffee")
    built = build_till(Enrolled(config, "the-till-key"), kiosk=False, ticker=ticker,
                       transport=httpx.MockTransport(server.handle), clock=clock)
    built.window.show()
    run(built.controller.poll_once())  # learns the policy, as on start
    built.window.activateWindow()
    yield built
    run(built.close())
    built.window.close()

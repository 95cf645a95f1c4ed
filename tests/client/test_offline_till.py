"""The till on its own disk (SPEC §7.4), through the real widgets, controller and a real
SQLite file, against the scripted server: an offline sale is written down before the
receipt shows, with the offline badge and a provisional receipt; it goes up when the
server is back and shows its real number; after a restart the queue goes up with proofs
(no token) and a refused sale stays, shown; an open cart survives a crash."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from nixpos.client.config import TillConfig
from nixpos.client.enrollment import Enrolled
from nixpos.client.local_store import LocalStore
from nixpos.client.till import Till, build_till
from nixpos.core import words
from nixpos.core.clock import FakeClock
from nixpos.core.sale_state import SaleMode
from nixpos.core.store_ops import StoreSale
from nixpos.core.ticker import FakeTicker
from tests.client import sale_states
from tests.client.scripted import MEALEA, Run, SaleBook, ScriptedServer, unlock
from tests.client.test_selling import SALES, cart, pay, ring_up, screen, tap

TOKEN = "t0k3n"  # the scripted unlock's token, for session 7


@pytest.fixture
def book(server: ScriptedServer) -> SaleBook:
    """The café's menu, and sales recorded as the server records them."""
    server.say("GET /api/v1/pos/catalog", 200, sale_states.catalog())
    sales = SaleBook({TOKEN: 7}, lambda body, n: sale_states.sale_body(body, n, staff=MEALEA))
    server.request_handlers[SALES] = sales
    return sales


@pytest.fixture
def start(server: ScriptedServer, ticker: FakeTicker, clock: FakeClock, qapp: QApplication,
          run: Run, tmp_path: Path) -> Iterator[Callable[[], Till]]:
    """Start a till on the same file each time (a restart, or a crash and a restart)."""
    tills: list[Till] = []
    config = TillConfig("http://till.test", "Till 1", "lumiere-coffee", "Lumière Coffee")

    def started() -> Till:
        till = build_till(Enrolled(config, "the-till-key"), kiosk=False, ticker=ticker,
                          transport=httpx.MockTransport(server.handle), clock=clock,
                          store=LocalStore(tmp_path / "till-default.sqlite3"))
        till.window.resize(1100, 760)
        till.window.show()
        run(till.controller.poll_once())  # as on start: the queue first, else the status
        till.window.activateWindow()
        tills.append(till)
        return till

    yield started
    for till in tills:
        if till not in switched_off:
            run(till.close())
        till.window.may_close = True
        till.window.close()
    switched_off.clear()


switched_off: list[Till] = []


def switch_off(till: Till, run: Run) -> None:
    """The till program is closed (its token, in memory only, is gone with it)."""
    run(till.close())
    switched_off.append(till)


def status_bar(till: Till) -> str:
    return till.window.active_screen.connection.text()


def sell_latte(till: Till, qtbot: QtBot) -> None:
    ring_up(till, qtbot, "Latte")
    pay(till, qtbot)
    tap(qtbot, screen(till).tender.quick_buttons[0])  # exact cash


def test_an_offline_sale_is_on_disk_before_its_provisional_receipt_shows(
    start: Callable[[], Till], book: SaleBook, server: ScriptedServer, run: Run,
    qtbot: QtBot
) -> None:
    till = start()
    unlock(run, till)
    server.offline = True
    run(till.controller.poll_once())
    assert status_bar(till) == words.OFFLINE_BADGE
    seen_when_written: list[SaleMode | None] = []
    store = till.controller.store
    enqueue = store.enqueue

    def watched(sale: StoreSale) -> None:
        seen_when_written.append(screen(till).mode)
        enqueue(sale)

    store.enqueue = watched  # type: ignore[method-assign]
    sell_latte(till, qtbot)
    run(till.controller.settle())
    assert seen_when_written == [SaleMode.TENDER]  # written while the tender still showed
    page = screen(till).receipt
    assert screen(till).mode is SaleMode.RECEIPT
    assert "Offline 0001 — Till 1 · Mealea Sok" in page.text.text()
    assert " ".join(page.text.text().split()).endswith(words.GETS_NUMBER_LATER)
    assert page.print_button.isEnabled()  # a provisional receipt can be printed
    assert status_bar(till) == "Offline — 1 sale waiting"
    assert till.window.active_screen.connection.property("offline") is True
    [kept] = store.load().sales
    assert store.sale_state(kept.client_id) == ("waiting", "", None)

    server.offline = False  # the server is back: the next background call sends it
    run(till.controller.poll_once())
    [(_, sent, headers)] = [c for c in server.calls if c[0] == SALES]
    assert headers["authorization"] == f"Bearer {TOKEN}"  # its session is live here
    assert sent is not None and "proof" not in sent
    assert status_bar(till) == words.ONLINE
    assert "Sale 1 · Till 1 · Mealea Sok" in page.text.text()  # the real number now
    assert store.sale_state(kept.client_id) == ("uploaded", "", 1)
    server.say("GET /api/v1/pos/sales", 200, {"sales": list(book.sales.values())})
    tap(qtbot, page.recent_button)
    run(till.controller.settle())
    assert screen(till).recent.rows[0].summary.text().startswith("No. 1 ·")


def test_after_a_restart_sales_go_up_with_proofs_and_a_refused_one_stays_shown(
    start: Callable[[], Till], book: SaleBook, server: ScriptedServer, run: Run,
    qtbot: QtBot
) -> None:
    till = start()
    unlock(run, till)
    server.offline = True
    run(till.controller.poll_once())
    sell_latte(till, qtbot)
    tap(qtbot, screen(till).receipt.new_sale_button)
    sell_latte(till, qtbot)
    run(till.controller.settle())
    assert status_bar(till) == "Offline — 2 sales waiting"
    switch_off(till, run)

    server.offline = False
    server.calls.clear()
    book.refuse = (401, {"error": "invalid_proof", "message": "The proof does not match."})
    again = start()  # its first background call sends the oldest sale
    run(again.controller.poll_once())
    uploads = [(body, headers) for route, body, headers in server.calls if route == SALES]
    assert len(uploads) == 2
    assert all("authorization" not in headers for _, headers in uploads)  # no token
    assert all(body is not None and body["session_id"] == 7 for body, _ in uploads)
    first, second = (body["client_id"] for body, _ in uploads if body is not None)
    assert book.proofs == [first, second] and list(book.sales) == [second]
    store = again.controller.store
    assert store.sale_state(first) == ("refused", "The proof does not match.", None)
    assert store.sale_state(second) == ("uploaded", "", 1)
    run(again.controller.poll_once())
    assert [r for r, _, _ in server.calls].count(SALES) == 2  # the refused one waits

    server.say("POST /api/v1/pos/unlock", 200, {"token": "n3w", "session": {
        "id": 8, "state": "active", "staff": MEALEA, "terminal": {"id": 1, "name": "Till 1"},
        "override": False}})
    unlock(run, again)
    note = screen(again).sending
    assert note.isVisible() and note.text() == "1 sale could not be sent — ask a manager"
    assert note.property("refused") is True


def test_an_open_cart_survives_a_crash(start: Callable[[], Till], book: SaleBook, run: Run,
                                       qtbot: QtBot) -> None:
    till = start()
    unlock(run, till)
    ring_up(till, qtbot, "Latte", "Latte", "Croissant")
    assert cart(till) == [("Latte", "2", "$7.00"), ("Croissant", "1", "$2.75")]
    # The till process dies here (nothing closed); a new one starts on the same file.
    again = start()
    assert again.window.active_screen.isHidden() or not again.session.is_live
    unlock(run, again)
    assert cart(again) == [("Latte", "2", "$7.00"), ("Croissant", "1", "$2.75")]

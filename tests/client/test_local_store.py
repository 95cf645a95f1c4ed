"""The till's own SQLite file (``client.local_store``), on real files: what it keeps, how it
flushes, what it refuses, and that a sale is on the disk once ``enqueue`` returns — even
when the till process is killed (``kill -9``) right after."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nixpos.client.local_store import SCHEMA, LocalStore, StoreError, store_path
from nixpos.core.store_ops import (
    ForgetSale,
    SaleRefused,
    SaleStatus,
    SaleUploaded,
    SaveCart,
    StoreSale,
)

WHEN = "2026-11-25T09:30:00Z"
TOKEN = "the-session-token-3f9a"


def sale(client_id: str, number: int) -> StoreSale:
    body = {"client_id": client_id, "lines": [{"product_id": 11, "quantity": 1,
                                               "unit_price": 350, "discount": None}],
            "discount": None, "voided": [], "payments": [{"method": "cash", "amount": 350,
                                                          "tendered": 500}],
            "completed_at": WHEN}
    return StoreSale(client_id, body, 7, "ab" * 32, number, WHEN)


def cart(client_id: str) -> dict[str, object]:
    return {"client_id": client_id, "lines": [{"product_id": 11, "quantity": 2,
                                               "unit_price": 350, "discount": None}],
            "names": ["Latte"], "payments": []}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "till-default.sqlite3"


def test_the_file_is_wal_and_flushes_every_sale(path: Path) -> None:
    store = LocalStore(path)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    store.save_cart(SaveCart(3, cart("c1"), WHEN))  # carts flush less: back to FULL after
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA
    store.close()
    other = sqlite3.connect(path)  # WAL is the file's, not one connection's
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


def test_sales_come_back_oldest_first_until_uploaded(path: Path) -> None:
    store = LocalStore(path)
    for client_id, number in (("b", 2), ("a", 1), ("c", 3)):
        store.enqueue(sale(client_id, number))
    store.perform(SaleUploaded("b", 1042))
    store.perform(SaleRefused("c", "The proof does not match."))
    store.close()
    kept = LocalStore(path).load()
    assert [(s.client_id, s.number, s.status) for s in kept.sales] == [
        ("a", 1, SaleStatus.WAITING), ("c", 3, SaleStatus.REFUSED)]
    assert kept.sales[1].error == "The proof does not match."
    assert kept.sales[0].body == sale("a", 1).body and kept.sales[0].proof == "ab" * 32
    assert kept.next_number == 4  # provisional numbers go on, never reused


def test_the_provisional_counter_outlives_uploaded_sales(path: Path) -> None:
    store = LocalStore(path)
    store.enqueue(sale("a", 1))
    store.perform(SaleUploaded("a", 5))
    assert store.load().sales == () and store.load().next_number == 2
    assert store.sale_state("a") == ("uploaded", "", 5)


def test_a_sale_sent_back_to_the_cart_leaves_the_queue(path: Path) -> None:
    store = LocalStore(path)
    store.enqueue(sale("a", 1))
    store.perform(ForgetSale("a"))
    assert store.load().sales == ()
    store.enqueue(sale("a", 2))  # put right and paid again: queued again
    assert [s.number for s in store.load().sales] == [2]


def test_open_carts_by_person_and_a_sold_cart_goes_with_its_sale(path: Path) -> None:
    store = LocalStore(path)
    store.perform(SaveCart(3, cart("c3"), WHEN.replace("Z", "+00:00")))
    store.perform(SaveCart(2, cart("c2"), WHEN.replace("Z", "+00:00")))
    store.perform(SaveCart(2, None, WHEN.replace("Z", "+00:00")))  # emptied
    kept = store.load()
    assert [(c.person_id, c.cart["client_id"]) for c in kept.carts] == [(3, "c3")]
    assert kept.carts[0].updated_at == datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    store.enqueue(sale("c3", 1))  # sold: its cart must never come back
    assert store.load().carts == ()


def test_a_file_from_a_newer_nixpos_is_refused_and_left_alone(path: Path) -> None:
    LocalStore(path).close()
    newer = sqlite3.connect(path)
    newer.execute(f"PRAGMA user_version={SCHEMA + 1}")
    newer.close()
    with pytest.raises(StoreError, match=r"newer nixpos.*do not delete the file"):
        LocalStore(path)
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA + 1
    check.close()


def test_a_damaged_file_is_refused_with_what_to_do(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="copy it aside"):
        LocalStore(path)


def test_the_file_is_in_the_data_directory_per_profile(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIXPOS_DATA_DIR", str(tmp_path))
    assert store_path("till-2") == tmp_path / "till-till-2.sqlite3"
    monkeypatch.delenv("NIXPOS_DATA_DIR")
    assert store_path("default").name == "till-default.sqlite3"
    assert "nixpos" in store_path("default").parts


CHILD = """
import os, sys, time
from nixpos.client.local_store import LocalStore
from tests.client.test_local_store import sale
store = LocalStore(sys.argv[1])
store.enqueue(sale("killed-right-after", 1))
os.write(1, b"enqueued\\n")
time.sleep(60)
"""


def test_a_sale_is_on_the_disk_when_enqueue_returns_even_if_the_till_is_killed(
    path: Path
) -> None:
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    with subprocess.Popen([sys.executable, "-c", CHILD, str(path)], env=env,
                          stdout=subprocess.PIPE) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == b"enqueued\n"
        finally:
            child.send_signal(signal.SIGKILL)  # no close, no checkpoint, no atexit
            child.wait(10)
    assert child.returncode == -signal.SIGKILL
    kept = LocalStore(path).load()
    assert [s.client_id for s in kept.sales] == ["killed-right-after"]


def test_the_session_token_is_never_in_the_file(path: Path) -> None:
    """What the core writes down for a sale has no token; the file has none either."""
    from nixpos.core.proof import sale_proof

    store = LocalStore(path)
    written = sale("a", 1)
    store.enqueue(StoreSale(written.client_id, written.body, 7, sale_proof(TOKEN, "a"), 1,
                            WHEN))
    store.close()
    for file in path.parent.iterdir():
        assert TOKEN.encode() not in file.read_bytes(), file.name

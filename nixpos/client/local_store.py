"""``LocalStore``: the till's own SQLite file — paid sales not yet recorded, and open carts.

SPEC §7.4: a sale is on this till's disk before the till shows it as done, so
neither a server that is down nor a till that crashes loses it. The file
lives in the user data directory (``NIXPOS_DATA_DIR`` overrides it), one per
profile. It holds no secret: never the session token (a sale that outlives
its token goes up with its proof, ``core.proof``), never the till key.

WAL with ``synchronous=FULL``: a sale's commit has reached the disk when
``enqueue`` returns. Open carts change at every tap, so they are written with
``synchronous=NORMAL`` — still safe when the till program crashes (the WAL is
in the OS's hands), only a power cut may lose the last taps; a full flush at
every tap would cost a frame (about 6 ms here).

The schema is versioned (``PRAGMA user_version``); a file from a newer nixpos
is refused with a ``StoreError`` that says what to do, never overwritten.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs

from nixpos.core.store_ops import (
    ForgetSale,
    Kept,
    KeptCart,
    KeptSale,
    SaleRefused,
    SaleStatus,
    SaleUploaded,
    SaveCart,
    StoreOp,
    StoreSale,
)

SCHEMA = 1
KEEP_UPLOADED = timedelta(days=7)  # uploaded sales stay a week, to look into, then go

_TABLES = """
CREATE TABLE sales (
    client_id TEXT PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,      -- provisional, per till: the queue's order
    body TEXT NOT NULL,                  -- POST /pos/sales body, exactly as paid
    session_id INTEGER NOT NULL,
    proof TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'uploaded', 'refused')),
    error TEXT NOT NULL DEFAULT '',
    server_number INTEGER,
    uploaded_at TEXT
);
CREATE TABLE carts (
    person_id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL,
    body TEXT NOT NULL,                  -- Cart.to_json
    updated_at TEXT NOT NULL
);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class StoreError(Exception):
    """The till's file cannot be used; the message says what to do."""


def store_path(profile: str) -> Path:
    """``<data dir>/till-<profile>.sqlite3``; ``NIXPOS_DATA_DIR`` overrides the directory."""
    base = os.environ.get("NIXPOS_DATA_DIR") or platformdirs.user_data_dir(
        "nixpos", appauthor=False)
    return Path(base) / f"till-{profile}.sqlite3"


class LocalStore:
    def __init__(self, path: Path | str) -> None:
        """Open (or create) the file at ``path``; ``":memory:"`` keeps nothing."""
        self.path = str(path)
        if self.path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self._prepare()
        except sqlite3.DatabaseError as error:
            raise StoreError(
                f"The till's sales file {self.path} cannot be read ({error}). It may hold "
                "sales not yet sent: ask IT to copy it aside before anything else.") from error

    @classmethod
    def for_profile(cls, profile: str) -> LocalStore:
        return cls(store_path(profile))

    def _prepare(self) -> None:
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA:
            self.db.close()
            raise StoreError(
                f"The till's sales file {self.path} was written by a newer nixpos (version "
                f"{version}; this one knows {SCHEMA}). Install that newer nixpos on this "
                "till again; do not delete the file, it may hold sales not yet sent.")
        if version == 0:  # a new file: tables and version in one commit
            self.db.executescript(f"BEGIN IMMEDIATE; {_TABLES} PRAGMA user_version={SCHEMA}; "
                                  "COMMIT;")
        cutoff = (datetime.now(UTC) - KEEP_UPLOADED).isoformat()
        with self._transaction():
            self.db.execute("DELETE FROM sales WHERE state = 'uploaded' AND uploaded_at < ?",
                            (cutoff,))

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def close(self) -> None:
        self.db.close()

    # -- writing ------------------------------------------------------------------------

    def perform(self, op: StoreOp) -> None:
        match op:
            case StoreSale():
                self.enqueue(op)
            case SaleUploaded(client_id=client_id, number=number):
                with self._transaction():
                    self.db.execute(
                        "UPDATE sales SET state = 'uploaded', error = '', server_number = ?, "
                        "uploaded_at = ? WHERE client_id = ?",
                        (number, datetime.now(UTC).isoformat(), client_id))
            case SaleRefused(client_id=client_id, error=error):
                with self._transaction():
                    self.db.execute("UPDATE sales SET state = 'refused', error = ? "
                                    "WHERE client_id = ? AND state != 'uploaded'",
                                    (error, client_id))
            case ForgetSale(client_id=client_id):
                with self._transaction():
                    self.db.execute("DELETE FROM sales WHERE client_id = ? "
                                    "AND state != 'uploaded'", (client_id,))
            case SaveCart():
                self.save_cart(op)

    def enqueue(self, sale: StoreSale) -> None:
        """A paid sale joins the queue; its open cart goes in the same commit. On the
        disk when this returns."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO sales (client_id, number, body, session_id, proof, completed_at,"
                " state) VALUES (?, ?, ?, ?, ?, ?, 'waiting') ON CONFLICT (client_id) DO "
                "UPDATE SET body = excluded.body, session_id = excluded.session_id, "
                "proof = excluded.proof, completed_at = excluded.completed_at, "
                "state = 'waiting', error = '' WHERE state != 'uploaded'",
                (sale.client_id, sale.number, json.dumps(sale.body), sale.session_id,
                 sale.proof, sale.completed_at))
            self.db.execute("DELETE FROM carts WHERE client_id = ?", (sale.client_id,))
            self.db.execute(
                "INSERT INTO counters VALUES ('next_number', ?) ON CONFLICT (name) DO "
                "UPDATE SET value = max(value, excluded.value)", (sale.number + 1,))

    def save_cart(self, op: SaveCart) -> None:
        self.db.execute("PRAGMA synchronous=NORMAL")  # see the module's docstring
        try:
            with self._transaction():
                if op.cart is None:
                    self.db.execute("DELETE FROM carts WHERE person_id = ?", (op.person_id,))
                else:
                    self.db.execute(
                        "INSERT INTO carts VALUES (?, ?, ?, ?) ON CONFLICT (person_id) DO "
                        "UPDATE SET client_id = excluded.client_id, body = excluded.body, "
                        "updated_at = excluded.updated_at",
                        (op.person_id, str(op.cart["client_id"]), json.dumps(op.cart),
                         op.updated_at))
        finally:
            self.db.execute("PRAGMA synchronous=FULL")

    # -- reading -------------------------------------------------------------------------

    def load(self) -> Kept:
        """What a starting till takes back: sales not yet uploaded (oldest first), open
        carts, and the next provisional number."""
        sales = tuple(
            KeptSale(client_id, json.loads(body), session_id, proof, number,
                     SaleStatus(state), error)
            for client_id, body, session_id, proof, number, state, error in self.db.execute(
                "SELECT client_id, body, session_id, proof, number, state, error FROM sales "
                "WHERE state != 'uploaded' ORDER BY number"))
        carts = tuple(
            KeptCart(person_id, json.loads(body), datetime.fromisoformat(updated_at))
            for person_id, body, updated_at in self.db.execute(
                "SELECT person_id, body, updated_at FROM carts ORDER BY person_id"))
        counted = self.db.execute(
            "SELECT max((SELECT coalesce(max(value), 1) FROM counters "
            "WHERE name = 'next_number'), (SELECT coalesce(max(number), 0) + 1 FROM sales))"
        ).fetchone()[0]
        return Kept(sales, carts, int(counted))

    def sale_state(self, client_id: str) -> tuple[str, str, int | None] | None:
        """(state, error, server number) of one sale, for IT and tests."""
        row = self.db.execute("SELECT state, error, server_number FROM sales "
                              "WHERE client_id = ?", (client_id,)).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), row[2])


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on an error): one write, all or nothing."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")

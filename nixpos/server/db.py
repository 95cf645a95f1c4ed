"""The database handle: engine set-up per backend, and read/write transactions.

``Database.write()`` is the only way rules change data, and it commits all or
nothing: on any error the transaction rolls back whole, and only what a
refusal explicitly carries (``NixposError.after_rollback``: count a failed
PIN, audit a refusal) is then written, in a transaction of its own. On SQLite it opens
the transaction with ``BEGIN IMMEDIATE`` so two writers never interleave (the
single-session rule needs that); on PostgreSQL the services take row locks
(``SELECT … FOR UPDATE``) on the till and the person instead. Reads use a
plain deferred transaction so polls never queue behind each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from nixpos.server.errors import NixposError

APP_NAME = "nixpos"
_WRITE = "nixpos_write"
_SINGLE_STATEMENT = "nixpos_single_statement"
_CHANGED = "nixpos_changed"
# How services lock rows they are about to change: with_for_update(key_share=True)
# on queries, with_for_update=ROW_LOCK on Session.get.
# PostgreSQL: FOR NO KEY UPDATE still serialises two unlocks of one person, but
# unlike FOR UPDATE it does not block the key-share locks that inserting rows
# which reference the locked row take (audit entries naming another till), so
# two racing unlocks cannot deadlock. SQLite ignores it (BEGIN IMMEDIATE instead).
ROW_LOCK: dict[str, bool] = {"key_share": True}
# Marks a change that may concern every session (a till's key or state changed).
EVERYTHING = "*"


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite:///{data_dir / 'nixpos.db'}"


class DatabaseUrlError(ValueError):
    """The database URL cannot be used; the message says what to do."""


def _make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:  # SQLAlchemy raises ArgumentError with a terse message
        raise DatabaseUrlError(
            f"Cannot read the database URL {url!r}. Use sqlite:///PATH or "
            "postgresql+psycopg://USER:PASSWORD@HOST/DBNAME."
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_size=10, max_overflow=20, pool_pre_ping=True)
    raise DatabaseUrlError(
        f"Unsupported database {parsed.get_backend_name()!r}: nixpos runs on SQLite "
        "(sqlite:///PATH) or PostgreSQL (postgresql+psycopg://…)."
    )


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Take transaction control away from the sqlite3 module so "begin" below decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, far cheaper commits
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    options = conn.get_execution_options()
    if options.get(_SINGLE_STATEMENT):
        return  # one SELECT is atomic by itself; BEGIN/ROLLBACK would double its cost
    conn.exec_driver_sql(f"BEGIN {'IMMEDIATE' if options.get(_WRITE) else 'DEFERRED'}")


def mark_changed(session: Session, key: str) -> None:
    """Say that this transaction changes what ``key`` names (a POS session's token hash).

    Once the transaction commits, ``Database.commit_listeners`` hear every key
    marked in it; nothing is heard of a transaction that rolled back.
    """
    session.info.setdefault(_CHANGED, set()).add(key)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.commit_listeners: list[Callable[[set[str]], None]] = []

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that may change data; committed on success, rolled back on error."""
        with self._sessions() as session:
            session.connection(execution_options={_WRITE: True})
            with self._commit_or_rollback(session):
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session, self._commit_or_rollback(session):
            yield session

    @contextmanager
    def single_statement(self) -> Iterator[Connection]:
        """A connection for one read-only statement, with no transaction around it on SQLite."""
        with self.engine.connect() as connection:
            yield connection.execution_options(**{_SINGLE_STATEMENT: True})

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _commit_or_rollback(self, session: Session) -> Iterator[None]:
        try:
            yield
        except NixposError as refusal:
            # A refusal commits nothing of the request's work; what it must leave behind
            # (a failed PIN counted, an audit row) it names itself, written on its own.
            session.rollback()
            if refusal.after_rollback is None:
                raise
            with self.write() as aftermath:
                answer = refusal.after_rollback(aftermath)
            raise (answer or refusal) from None
        except BaseException:
            session.rollback()
            raise
        self._commit(session)

    def _commit(self, session: Session) -> None:
        session.commit()
        if changed := session.info.pop(_CHANGED, None):
            for listener in self.commit_listeners:
                listener(changed)

"""Shared fixtures: a migrated database per test, a fake clock, and the demo-like shop."""

from __future__ import annotations

import os

# Before any QApplication exists: the tests have no screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from nixpos.core.clock import FakeClock
from nixpos.server import schema, security
from nixpos.server.app import create_app
from nixpos.server.db import Database
from nixpos.server.services.context import ServerContext
from tests.helpers import Shop

PIN_SECRET = b"s" * 32


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id, at the lowest cost, so tests do not spend seconds hashing."""
    monkeypatch.setattr(
        security, "_password_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


# Set to a PostgreSQL server (e.g. postgresql+psycopg://postgres@127.0.0.1:55432/postgres)
# to run the whole suite on PostgreSQL instead of SQLite; .ci/run does both.
POSTGRES_URL = os.environ.get("NIXPOS_TEST_POSTGRES_URL")
TEMPLATE_DB = "nixpos_test_template"


def _postgres_admin() -> Engine:
    assert POSTGRES_URL
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


def _postgres_url(database: str) -> str:
    assert POSTGRES_URL
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database that each test copies: a SQLite file, or a PostgreSQL template."""
    if POSTGRES_URL:
        admin = _postgres_admin()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)")
            conn.exec_driver_sql(f"CREATE DATABASE {TEMPLATE_DB}")
        admin.dispose()
        url = _postgres_url(TEMPLATE_DB)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'nixpos.db'}"
    db = Database(url)
    schema.upgrade(db)
    db.dispose()
    return url


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    if not POSTGRES_URL:
        path = tmp_path / "nixpos.db"
        shutil.copy(make_url(migrated_template).database or "", path)
        yield f"sqlite:///{path}"
        return
    name = f"nixpos_test_{uuid.uuid4().hex[:12]}"
    admin = _postgres_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")
    yield _postgres_url(name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def ctx(db: Database, clock: FakeClock) -> ServerContext:
    return ServerContext(db=db, pin_secret=PIN_SECRET, clock=clock)


@pytest.fixture
def app(ctx: ServerContext) -> Flask:
    return create_app(database=ctx.db, clock=ctx.clock, pin_secret=ctx.pin_secret)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def shop(ctx: ServerContext, client: FlaskClient) -> Shop:
    return Shop.create(ctx, client)

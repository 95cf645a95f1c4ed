"""Shared fixtures: a migrated database per test, a fake clock, and the demo-like shop."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

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


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "nixpos.db"
    db = Database(f"sqlite:///{path}")
    schema.upgrade(db)
    db.dispose()
    return path


@pytest.fixture
def database_url(migrated_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "nixpos.db"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


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

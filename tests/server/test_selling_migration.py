"""Migration 0002 (selling): a database made by the previous release upgrades in place.

It is created at revision 0001 with a shop, people, a till, a session and an
approval in it, then upgraded to head: everything is still there, shops get
USD, no tax, UTC and a sale counter at 0, and the upgraded shop can sell.
Runs on SQLite, and on PostgreSQL when NIXPOS_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from nixpos.server import schema, security
from nixpos.server.app import create_app
from nixpos.server.db import Database
from nixpos.server.services import catalog
from nixpos.server.services.catalog import ProductFields
from tests.conftest import PIN_SECRET, POSTGRES_URL, _postgres_admin, _postgres_url

NOW = "2026-01-05 09:00:00"


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"nixpos_migrate_{uuid.uuid4().hex[:12]}"
    admin = _postgres_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    yield _postgres_url(name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def upgrade_to(db: Database, revision: str) -> None:
    config = schema._alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def upgrade_from(db: Database, revision: str, rows: list[str]) -> None:
    """A database made at ``revision`` holding ``rows``, upgraded as the server does."""
    upgrade_to(db, revision)
    with db.engine.begin() as conn:
        for statement in rows:
            conn.execute(text(statement))
    assert not schema.is_current(db)
    schema.upgrade(db)
    assert schema.is_current(db)


OLD_ROWS = [
    "INSERT INTO tenants (id, code, name, idle_timeout_s, warning_s, poll_interval_s, "
    "pin_length, pos_single_session, web_single_session, created_at) VALUES "
    f"(1, 'old-shop', 'Old Shop', 900, 60, 3, 8, true, false, '{NOW}')",
    "INSERT INTO staff (id, tenant_id, name, role, active, pin_index, all_terminals, "
    f"created_at) VALUES (1, 1, 'Ana', 'owner', true, 'index-1', true, '{NOW}')",
    "INSERT INTO terminals (id, tenant_id, name, key_hash, active, failed_attempts, "
    f"created_at) VALUES (1, 1, 'Till 1', 'key-hash', true, 0, '{NOW}')",
    "INSERT INTO pos_sessions (id, tenant_id, staff_id, terminal_id, token_hash, started_at, "
    "last_activity_at, expires_at, override) VALUES "
    f"(1, 1, 1, 1, 'token-hash', '{NOW}', '{NOW}', '{NOW}', false)",
    "INSERT INTO approvals (id, tenant_id, terminal_id, session_id, action, detail, "
    "approved_by_id, created_at, expires_at) VALUES "
    f"(1, 1, 1, 1, 'open_drawer', '{{}}', 1, '{NOW}', '{NOW}')",
]


def test_an_old_database_upgrades_with_its_data_and_can_sell(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        upgrade_from(db, "0001", OLD_ROWS)
        with db.engine.connect() as conn:
            shop = conn.execute(text(
                "SELECT code, name, currency, tax_rate_bp, timezone, catalog_version "
                "FROM tenants")).one()
            assert tuple(shop) == ("old-shop", "Old Shop", "USD", 0, "UTC", 1)
            assert conn.execute(text("SELECT name FROM staff")).scalar_one() == "Ana"
            assert conn.execute(text("SELECT token_hash FROM pos_sessions")).scalar_one() \
                == "token-hash"
            approval = conn.execute(text("SELECT action, consumed_at FROM approvals")).one()
            assert tuple(approval) == ("open_drawer", None)
            counter = conn.execute(text("SELECT tenant_id, last_number FROM sale_counters"))
            assert [tuple(row) for row in counter] == [(1, 0)]

        # The upgraded shop sells: a product, a till key, a session, a sale numbered 1.
        app = create_app(database=db, pin_secret=PIN_SECRET)
        ctx = app.extensions["nixpos"]
        latte = catalog.add_product(ctx, "old-shop", ProductFields(name="Latte", price=350))
        key, token = security.new_token(), security.new_token()
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE terminals SET key_hash = :k"),
                         {"k": security.token_hash(key)})
            conn.execute(text("UPDATE pos_sessions SET token_hash = :t, expires_at = :e"),
                         {"t": security.token_hash(token), "e": "2999-01-01 00:00:00"})
        now = ctx.now().isoformat()
        sale = app.test_client().post("/api/v1/pos/sales", headers={
            "X-Terminal-Key": key, "Authorization": f"Bearer {token}"}, json={
            "client_id": "first-sale", "completed_at": now,
            "lines": [{"product_id": latte["id"], "quantity": 1, "unit_price": 350}],
            "payments": [{"method": "cash", "amount": 350}]})
        assert sale.status_code == 201, sale.json
        assert sale.json["number"] == 1
    finally:
        db.dispose()

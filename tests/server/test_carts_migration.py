"""Migration 0003 (open carts): a database made by the selling release upgrades in place.

It is created at revision 0002 with a shop, a person, a till, a live session and a sale,
then upgraded to head: everything is still there, the shop asks before a takeover (the
default), the old session parked nothing, and the upgraded till can mirror a cart.
Runs on SQLite, and on PostgreSQL when NIXPOS_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

from sqlalchemy import text

from nixpos.server import security
from nixpos.server.app import create_app
from nixpos.server.db import Database
from tests.conftest import PIN_SECRET
from tests.server.test_selling_migration import NOW, OLD_ROWS, empty_url, upgrade_from

__all__ = ["empty_url"]  # the fixture, shared with the 0002 test

SELLING_ROWS = [
    *OLD_ROWS,
    "INSERT INTO sale_counters (tenant_id, last_number) VALUES (1, 1)",
    "INSERT INTO products (id, tenant_id, name, price, active, position, created_at, "
    f"updated_at) VALUES (1, 1, 'Latte', 350, true, 0, '{NOW}', '{NOW}')",
    "INSERT INTO sales (id, tenant_id, number, client_id, body_digest, session_id, staff_id, "
    "terminal_id, gross, subtotal, discount_amount, discount_total, total, tax_included, "
    "change, refunded, after_session_end, offline, completed_at, received_at) VALUES "
    "(1, 1, 1, 'old-sale', 'digest', 1, 1, 1, 350, 350, 0, 0, 350, 0, 0, 0, false, false, "
    f"'{NOW}', '{NOW}')",
]


def test_a_selling_database_upgrades_with_its_data_and_can_hold_carts(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        upgrade_from(db, "0002", SELLING_ROWS)
        with db.engine.connect() as conn:
            assert conn.execute(text(
                "SELECT code, ask_before_takeover FROM tenants")).one() == ("old-shop", True)
            assert conn.execute(text(
                "SELECT token_hash, parked_client_id, parked_items, parked_total "
                "FROM pos_sessions")).one() == ("token-hash", None, None, None)
            assert conn.execute(text("SELECT number, client_id, total FROM sales")).one() \
                == (1, "old-sale", 350)
            assert conn.execute(text("SELECT count(*) FROM carts")).scalar_one() == 0

        app = create_app(database=db, pin_secret=PIN_SECRET)
        key, token = security.new_token(), security.new_token()
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE terminals SET key_hash = :k"),
                         {"k": security.token_hash(key)})
            conn.execute(text("UPDATE pos_sessions SET token_hash = :t, expires_at = :e"),
                         {"t": security.token_hash(token), "e": "2999-01-01 00:00:00"})
        headers = {"X-Terminal-Key": key, "Authorization": f"Bearer {token}"}
        client = app.test_client()
        cart = client.put("/api/v1/pos/cart", headers=headers, json={
            "client_id": "first-cart",
            "lines": [{"product_id": 1, "quantity": 2, "unit_price": 350}]})
        assert cart.status_code == 200, cart.json
        assert (cart.json["cart"]["items"], cart.json["cart"]["total"]) == (2, 700)
        ended = client.post("/api/v1/pos/session/lock", headers=headers, json={}).json
        assert ended["parked_cart"] == {"client_id": "first-cart", "items": 2, "total": 700}
        assert ended["policy"]["ask_before_takeover"] is True
    finally:
        db.dispose()

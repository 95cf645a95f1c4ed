"""The till's session calls (poll, activity, lock): the tenant header, and "last seen".

SPEC rule 12: a request that names another shop in ``X-Nix-Tenant`` is
refused, whether the answer would come from the poll cache or the database.
The back office shows when each till was last heard from, which tells a
manager that a till is switched off or cut from the network.
"""

from __future__ import annotations

import pytest
from werkzeug.test import TestResponse

from nixpos.core.clock import FakeClock
from nixpos.server.services.represent import iso
from tests.helpers import OTHER_TENANT, TENANT, Shop

CALLS = [("GET", "session"), ("POST", "session/activity"), ("POST", "session/lock")]


def call(shop: Shop, method: str, path: str, token: str, tenant: str) -> TestResponse:
    return shop.client.open(f"/api/v1/pos/{path}", method=method, headers={
        "X-Terminal-Key": shop.keys["Till 1"], "Authorization": f"Bearer {token}",
        "X-Nix-Tenant": tenant}, json={} if method == "POST" else None)


@pytest.mark.parametrize(("method", "path"), CALLS)
@pytest.mark.parametrize("cached", [False, True])
def test_another_shops_tenant_header_is_refused(
    shop: Shop, method: str, path: str, cached: bool
) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    if cached:
        shop.poll("Till 1", body["token"])  # the next poll could come from memory
    response = call(shop, method, path, body["token"], OTHER_TENANT)
    assert response.status_code == 401
    assert response.json["error"] == "tenant_mismatch"
    assert shop.poll("Till 1", body["token"])["state"] == "active"  # nothing happened
    assert call(shop, method, path, body["token"], TENANT).status_code == 200


def last_seen(shop: Shop) -> str:
    token = shop.login("sokha@lumiere.example")
    [till] = [t for t in shop.admin("GET", "terminals", token).json["terminals"]
              if t["name"] == "Till 1"]
    return str(till["last_seen_at"])


def test_a_poll_after_a_while_updates_last_seen(shop: Shop, clock: FakeClock) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    unlocked_at = body["session"]["started_at"]
    clock.advance(30)
    shop.poll("Till 1", body["token"])
    assert last_seen(shop) == unlocked_at  # seen a moment ago: not worth a write
    clock.advance(31)
    shop.poll("Till 1", body["token"])
    assert last_seen(shop) == iso(clock.now())


def test_activity_and_a_poll_past_the_deadline_update_last_seen(
    shop: Shop, clock: FakeClock
) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    clock.advance(600)
    active = shop.pos("POST", "session/activity", "Till 1", body["token"], json={}).json
    assert last_seen(shop) == active["last_activity_at"]
    clock.advance(900)
    ended = shop.poll("Till 1", body["token"])
    assert ended["reason"] == "idle_timeout"
    assert last_seen(shop) == iso(clock.now())


def test_activity_after_a_lock_changes_nothing(shop: Shop, clock: FakeClock) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    locked = shop.pos("POST", "session/lock", "Till 1", body["token"], json={}).json
    clock.advance(60)
    late = shop.pos("POST", "session/activity", "Till 1", body["token"], json={})
    assert late.status_code == 200 and late.json == locked


@pytest.mark.parametrize("whose", ["another till's", "an unknown"])
def test_a_deactivated_till_learns_only_its_own_sessions_end(shop: Shop, whose: str) -> None:
    other = shop.unlock_ok("Till 2", "Sokha Lim")
    token = other["token"] if whose == "another till's" else "no-such-token"
    manager = shop.login("dara@lumiere.example")
    shop.admin("POST", f"terminals/{shop.till_ids['Till 1']}/deactivate", manager)
    response = shop.pos("GET", "session", "Till 1", token)
    assert response.status_code == 403
    assert response.json["error"] == "terminal_deactivated"
    assert "session" not in (response.json or {})  # Till 2's session is none of Till 1's business

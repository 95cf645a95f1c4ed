"""SPEC rule 6 server side: the idle deadline, activity, and the periodic sweep."""

from __future__ import annotations

from nixpos.core.clock import FakeClock
from nixpos.server.services import pos, tenants
from tests.helpers import TENANT, Shop


def test_a_session_ends_idle_at_its_deadline(shop: Shop, clock: FakeClock) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    clock.advance(899)
    assert shop.poll("Till 1", body["token"])["state"] == "active"
    clock.advance(1)
    ended = shop.poll("Till 1", body["token"])
    assert ended["state"] == "ended"
    assert ended["reason"] == "idle_timeout"
    assert ended["ended_at"] == ended["expires_at"]
    assert ended["ended_by"] is None


def test_activity_moves_the_deadline(shop: Shop, clock: FakeClock) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    clock.advance(600)
    active = shop.pos("POST", "session/activity", "Till 1", body["token"], json={})
    assert active.status_code == 200
    assert active.json["last_activity_at"] != body["session"]["last_activity_at"]
    clock.advance(600)  # 1200 s after unlock, 600 s after the activity
    assert shop.poll("Till 1", body["token"])["state"] == "active"
    clock.advance(300)
    assert shop.poll("Till 1", body["token"])["reason"] == "idle_timeout"


def test_polling_alone_is_not_activity(shop: Shop, clock: FakeClock) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    for _ in range(300):
        clock.advance(3)
        shop.poll("Till 1", body["token"])
    assert shop.poll("Till 1", body["token"])["reason"] == "idle_timeout"


def test_activity_after_the_deadline_cannot_revive_the_session(
    shop: Shop, clock: FakeClock
) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    clock.advance(901)
    late = shop.pos("POST", "session/activity", "Till 1", body["token"], json={})
    assert late.status_code == 200
    assert late.json["state"] == "ended"
    assert late.json["reason"] == "idle_timeout"


def test_the_tenant_policy_sets_the_deadline(shop: Shop, clock: FakeClock) -> None:
    tenants.set_policy(shop.ctx, TENANT, idle_timeout_s=5, warning_s=2)
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    clock.advance(5)
    assert shop.poll("Till 1", body["token"])["reason"] == "idle_timeout"


def test_the_sweep_ends_sessions_nobody_polls(shop: Shop, clock: FakeClock) -> None:
    idle = shop.unlock_ok("Till 1", "Mealea Sok")
    clock.advance(600)
    fresh = shop.unlock_ok("Till 2", "Sokha Lim")
    clock.advance(300)
    assert pos.sweep_expired(shop.ctx) == 1
    assert pos.sweep_expired(shop.ctx) == 0
    token = shop.login("sokha@lumiere.example")
    live = shop.admin("GET", "sessions", token).json["pos"]
    assert [s["id"] for s in live] == [fresh["session"]["id"]]
    assert shop.poll("Till 1", idle["token"])["reason"] == "idle_timeout"


def test_a_session_that_had_run_out_is_reported_idle_not_kicked(
    shop: Shop, clock: FakeClock
) -> None:
    first = shop.unlock_ok("Till 1", "Sokha Lim")
    clock.advance(1000)
    second = shop.unlock_ok("Till 2", "Sokha Lim")
    assert second["ended_elsewhere"] == []
    assert shop.poll("Till 1", first["token"])["reason"] == "idle_timeout"

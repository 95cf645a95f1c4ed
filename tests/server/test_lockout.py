"""SPEC rule 11 through HTTP: failures per till, escalation, reset, clearing."""

from __future__ import annotations

from nixpos.core.clock import FakeClock
from tests.helpers import Shop

WRONG = "13572460"


def fail(shop: Shop, till: str = "Till 1", times: int = 1, override: bool = False) -> int:
    status = 0
    for _ in range(times):
        status = shop.unlock(till, WRONG, override=override).status_code
    return status


def test_four_failures_cost_nothing_the_fifth_locks_for_30s(shop: Shop, clock: FakeClock) -> None:
    assert fail(shop, times=4) == 401
    response = shop.unlock("Till 1", WRONG)
    assert response.status_code == 423
    assert response.json["error"] == "terminal_locked"
    assert response.json["retry_after_s"] == 30
    assert response.headers["Retry-After"] == "30"
    assert response.json["message"] == "Terminal locked — try again in 0:30 or ask a manager"


def test_while_locked_even_the_right_pin_is_refused(shop: Shop, clock: FakeClock) -> None:
    fail(shop, times=5)
    clock.advance(10)
    response = shop.unlock("Till 1", shop.pins["Mealea Sok"])
    assert response.status_code == 423
    assert response.json["retry_after_s"] == 20
    clock.advance(20)
    assert shop.unlock("Till 1", shop.pins["Mealea Sok"]).status_code == 200


def test_the_lock_escalates_then_caps_at_30_minutes(shop: Shop, clock: FakeClock) -> None:
    fail(shop, times=4)
    seen = []
    for _ in range(7):
        response = shop.unlock("Till 1", WRONG)
        seen.append(response.json["retry_after_s"])
        clock.advance(response.json["retry_after_s"])
    assert seen == [30, 60, 120, 240, 480, 1800, 1800]


def test_success_resets_the_count(shop: Shop, clock: FakeClock) -> None:
    fail(shop, times=4)
    shop.unlock_ok("Till 1", "Mealea Sok")
    assert fail(shop, times=4) == 401


def test_failures_are_counted_per_till(shop: Shop) -> None:
    fail(shop, "Till 1", times=5)
    assert shop.unlock("Till 2", WRONG).status_code == 401
    assert shop.unlock("Till 2", shop.pins["Mealea Sok"]).status_code == 200


def test_override_attempts_count_too(shop: Shop) -> None:
    fail(shop, times=4, override=True)
    assert shop.unlock("Till 1", WRONG).status_code == 423


def test_the_till_status_shows_the_lockout(shop: Shop, clock: FakeClock) -> None:
    fail(shop, times=5)
    clock.advance(5)
    status = shop.client.get("/api/v1/terminal", headers={"X-Terminal-Key": shop.keys["Till 1"]})
    assert status.json["lockout"] == {"locked": True, "retry_after_s": 25}


def test_a_manager_clears_the_lockout_from_the_back_office(shop: Shop) -> None:
    fail(shop, times=5)
    token = shop.login("dara@lumiere.example")
    cleared = shop.admin("POST", f"terminals/{shop.till_ids['Till 1']}/clear-lockout", token)
    assert cleared.status_code == 200
    assert shop.unlock("Till 1", shop.pins["Mealea Sok"]).status_code == 200

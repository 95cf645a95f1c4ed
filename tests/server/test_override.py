"""SPEC rule 10b: manager approval of a cashier's action."""

from __future__ import annotations

from typing import Any

from nixpos.core.clock import FakeClock
from tests.helpers import Shop


def approve(shop: Shop, token: str, pin: str, action: str = "open_drawer") -> Any:
    return shop.pos("POST", "override", "Till 1", token,
                    json={"pin": pin, "action": action, "detail": {"reason": "change"}})


def test_a_manager_pin_gives_a_single_use_approval(shop: Shop) -> None:
    cashier = shop.unlock_ok("Till 1", "Mealea Sok")
    response = approve(shop, cashier["token"], shop.pins["Dara Chan"])
    assert response.status_code == 201
    approval = response.json["approval"]
    assert approval["action"] == "open_drawer"
    assert approval["approved_by"]["name"] == "Dara Chan"
    # The cashier's session carries on, and the manager got no session.
    assert shop.poll("Till 1", cashier["token"])["state"] == "active"
    use = {"action": "open_drawer"}
    path = f"approvals/{approval['id']}/use"
    assert shop.pos("POST", path, "Till 1", cashier["token"], json=use).status_code == 200
    again = shop.pos("POST", path, "Till 1", cashier["token"], json=use)
    assert again.status_code == 409
    assert again.json["error"] == "approval_invalid"


def test_an_approval_is_bound_to_its_action(shop: Shop) -> None:
    cashier = shop.unlock_ok("Till 1", "Mealea Sok")
    approval = approve(shop, cashier["token"], shop.pins["Dara Chan"]).json["approval"]
    wrong = shop.pos("POST", f"approvals/{approval['id']}/use", "Till 1", cashier["token"],
                     json={"action": "refund"})
    assert wrong.status_code == 409


def test_an_approval_lasts_sixty_seconds(shop: Shop, clock: FakeClock) -> None:
    cashier = shop.unlock_ok("Till 1", "Mealea Sok")
    approval = approve(shop, cashier["token"], shop.pins["Sokha Lim"]).json["approval"]
    clock.advance(60)
    late = shop.pos("POST", f"approvals/{approval['id']}/use", "Till 1", cashier["token"],
                    json={"action": "open_drawer"})
    assert late.status_code == 409


def test_a_cashier_pin_is_not_a_manager_pin(shop: Shop) -> None:
    cashier = shop.unlock_ok("Till 1", "Mealea Sok")
    response = approve(shop, cashier["token"], shop.pins["Vannak Kim"])
    assert response.status_code == 403
    assert response.json["error"] == "not_manager"


def test_wrong_manager_pins_count_towards_the_lockout(shop: Shop) -> None:
    cashier = shop.unlock_ok("Till 1", "Mealea Sok")
    statuses = [approve(shop, cashier["token"], "13572460").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 423]


def test_unknown_actions_are_refused(shop: Shop) -> None:
    cashier = shop.unlock_ok("Till 1", "Mealea Sok")
    response = approve(shop, cashier["token"], shop.pins["Dara Chan"], action="free_coffee")
    assert response.status_code == 400
    assert "open_drawer" in response.json["message"]


def test_an_ended_session_cannot_ask_for_approval(shop: Shop) -> None:
    cashier = shop.unlock_ok("Till 1", "Mealea Sok")
    shop.pos("POST", "session/lock", "Till 1", cashier["token"], json={})
    response = approve(shop, cashier["token"], shop.pins["Dara Chan"])
    assert response.status_code == 409
    assert response.json["error"] == "session_ended"


def test_approvals_are_audited_with_approver_and_till(shop: Shop) -> None:
    cashier = shop.unlock_ok("Till 1", "Mealea Sok")
    approve(shop, cashier["token"], shop.pins["Dara Chan"])
    token = shop.login("sokha@lumiere.example")
    events = shop.admin("GET", "audit", token).json["events"]
    approved = next(e for e in events if e["kind"] == "override_approved")
    assert approved["actor"]["name"] == "Dara Chan"
    assert approved["subject"]["name"] == "Mealea Sok"
    assert approved["terminal"]["name"] == "Till 1"
    assert approved["detail"]["action"] == "open_drawer"

"""Unlock, single session per person and per till, assignment and override unlock."""

from __future__ import annotations

import pytest

from nixpos.server.services import tenants
from tests.helpers import TENANT, Shop


def test_unlock_starts_an_active_session_for_the_pin_owner(shop: Shop) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    session = body["session"]
    assert session["state"] == "active"
    assert session["staff"] == {"id": shop.ids["Mealea Sok"], "name": "Mealea Sok",
                                "role": "cashier"}
    assert session["terminal"]["name"] == "Till 1"
    assert session["override"] is False
    assert body["ended_elsewhere"] == []
    assert shop.poll("Till 1", body["token"])["state"] == "active"


def test_wrong_pin_is_refused(shop: Shop) -> None:
    response = shop.unlock("Till 1", "11223344")
    assert response.status_code == 401
    assert response.json == {"error": "invalid_pin", "message": "Invalid PIN"}


def test_unlocking_another_till_ends_the_first_with_who_and_where(shop: Shop) -> None:
    first = shop.unlock_ok("Till 1", "Sokha Lim")
    second = shop.unlock_ok("Till 2", "Sokha Lim")

    [kicked] = second["ended_elsewhere"]
    assert kicked["id"] == first["session"]["id"]
    ended = shop.poll("Till 1", first["token"])
    assert ended["state"] == "ended"
    assert ended["reason"] == "signed_in_elsewhere"
    assert ended["ended_by"]["name"] == "Sokha Lim"
    assert ended["ended_on"]["name"] == "Till 2"
    assert shop.poll("Till 2", second["token"])["state"] == "active"


def test_other_peoples_sessions_are_untouched(shop: Shop) -> None:
    mealea = shop.unlock_ok("Till 1", "Mealea Sok")
    shop.unlock_ok("Till 2", "Sokha Lim")
    assert shop.poll("Till 1", mealea["token"])["state"] == "active"


def test_a_new_unlock_on_a_till_replaces_whoever_was_there(shop: Shop) -> None:
    mealea = shop.unlock_ok("Till 1", "Mealea Sok")
    vannak = shop.unlock_ok("Till 1", "Vannak Kim")
    assert vannak["ended_elsewhere"] == []
    ended = shop.poll("Till 1", mealea["token"])
    assert ended["reason"] == "replaced"
    assert ended["ended_by"]["name"] == "Vannak Kim"


def test_with_single_session_off_a_person_may_hold_two_tills(shop: Shop) -> None:
    tenants.set_policy(shop.ctx, TENANT, pos_single_session=False)
    first = shop.unlock_ok("Till 1", "Mealea Sok")
    second = shop.unlock_ok("Till 2", "Mealea Sok")
    assert second["ended_elsewhere"] == []
    assert shop.poll("Till 1", first["token"])["state"] == "active"


def test_a_cashier_not_assigned_to_the_till_is_refused(shop: Shop) -> None:
    response = shop.unlock("Till 2", shop.pins["Vannak Kim"])
    assert response.status_code == 403
    assert response.json["error"] == "not_assigned"
    assert response.json["message"] == "Not assigned to this terminal"


def test_manager_override_unlocks_a_till_the_manager_is_not_assigned_to(shop: Shop) -> None:
    assert shop.unlock("Till 2", shop.pins["Dara Chan"]).json["error"] == "not_assigned"
    body = shop.unlock_ok("Till 2", "Dara Chan", override=True)
    assert body["session"]["override"] is True
    assert body["session"]["staff"]["role"] == "manager"


def test_override_unlock_also_ends_the_managers_session_elsewhere(shop: Shop) -> None:
    at_till_1 = shop.unlock_ok("Till 1", "Dara Chan")
    at_till_2 = shop.unlock_ok("Till 2", "Dara Chan", override=True)
    assert [s["id"] for s in at_till_2["ended_elsewhere"]] == [at_till_1["session"]["id"]]
    assert shop.poll("Till 1", at_till_1["token"])["reason"] == "signed_in_elsewhere"


def test_a_cashier_pin_cannot_override(shop: Shop) -> None:
    response = shop.unlock("Till 2", shop.pins["Mealea Sok"], override=True)
    assert response.status_code == 403
    assert response.json["error"] == "not_manager"


@pytest.mark.parametrize(
    ("pin", "why"),
    [
        ("١٢٣٤٥٦٧٨", "Arabic-Indic digits"),
        ("３９１８４７２６", "full-width digits"),
        ("3918472", "too short"),
        ("391847261", "too long"),
        ("3918 726", "a space"),
        ("", "empty"),
    ],
)
def test_malformed_pins_get_a_clear_400(shop: Shop, pin: str, why: str) -> None:
    response = shop.unlock("Till 1", pin)
    assert response.status_code == 400, why
    assert response.json["error"] == "invalid_request"
    assert "8 digits" in response.json["message"]


@pytest.mark.parametrize("pin", [39184726, None, ["39184726"], {"pin": "1"}])
def test_a_pin_that_is_not_a_string_is_refused(shop: Shop, pin: object) -> None:
    response = shop.client.post("/api/v1/pos/unlock", json={"pin": pin},
                                headers={"X-Terminal-Key": shop.keys["Till 1"]})
    assert response.status_code == 400
    assert response.json["error"] == "invalid_request"


def test_unknown_key_is_refused(shop: Shop) -> None:
    response = shop.client.post("/api/v1/pos/unlock", json={"pin": "39184726"},
                                headers={"X-Terminal-Key": "not-a-key"})
    assert response.status_code == 401
    assert response.json["error"] == "invalid_terminal"


def test_manual_lock_ends_the_session_with_logout(shop: Shop) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    locked = shop.pos("POST", "session/lock", "Till 1", body["token"], json={})
    assert locked.status_code == 200
    assert locked.json["reason"] == "logout"
    assert shop.poll("Till 1", body["token"])["state"] == "ended"


def test_a_token_only_works_on_its_own_till(shop: Shop) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    response = shop.pos("GET", "session", "Till 2", body["token"])
    assert response.status_code == 401
    assert response.json["error"] == "invalid_token"

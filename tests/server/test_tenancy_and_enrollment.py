"""Tenant scope (SPEC rule 12) and enrolling tills with one-time codes."""

from __future__ import annotations

from nixpos.core.clock import FakeClock
from nixpos.server.services import tenants, terminals
from tests.helpers import OTHER_TENANT, TENANT, Shop


def test_a_pin_of_another_shop_does_not_unlock(shop: Shop) -> None:
    assert shop.unlock("Till 1", shop.pins["Other Cashier"]).json["error"] == "invalid_pin"


def test_a_token_of_another_shop_is_unknown_here(shop: Shop) -> None:
    other = shop.unlock_ok("Other Till", "Other Cashier")
    response = shop.pos("GET", "session", "Till 1", other["token"])
    assert response.status_code == 401
    assert response.json["error"] == "invalid_token"


def test_the_tenant_header_must_match(shop: Shop) -> None:
    key = {"X-Terminal-Key": shop.keys["Till 1"]}
    ok = shop.client.get("/api/v1/terminal", headers=key | {"X-Nix-Tenant": TENANT})
    assert ok.status_code == 200
    for wrong in (OTHER_TENANT, "nope", ""):
        response = shop.client.get("/api/v1/terminal", headers=key | {"X-Nix-Tenant": wrong})
        assert response.status_code == 401
        assert response.json["error"] == "tenant_mismatch"


def test_the_tenant_header_guards_admin_calls_too(shop: Shop) -> None:
    token = shop.login("sokha@lumiere.example")
    response = shop.client.get("/api/v1/admin/sessions", headers={
        "Authorization": f"Bearer {token}", "X-Nix-Tenant": OTHER_TENANT})
    assert response.status_code == 401


def test_unlock_with_the_wrong_tenant_header_is_refused_before_the_pin(shop: Shop) -> None:
    response = shop.client.post(
        "/api/v1/pos/unlock", json={"pin": shop.pins["Mealea Sok"]},
        headers={"X-Terminal-Key": shop.keys["Till 1"], "X-Nix-Tenant": OTHER_TENANT})
    assert response.status_code == 401


def test_enrollment_returns_the_till_shop_and_policy(shop: Shop) -> None:
    code = terminals.issue_enrollment_code(shop.ctx, TENANT, "Till 9")["code"]
    response = shop.client.post("/api/v1/terminals/enroll", json={
        "code": code.lower().replace("-", " "), "device_name": "Front PC", "os": "Windows 11"})
    assert response.status_code == 201
    body = response.json
    assert body["terminal"]["name"] == "Till 9"
    assert body["tenant"] == {"code": TENANT, "name": "Lumière Coffee"}
    assert body["policy"]["pin_length"] == 8
    assert len(body["terminal_key"]) >= 43


def test_a_code_works_once(shop: Shop) -> None:
    code = terminals.issue_enrollment_code(shop.ctx, TENANT, "Till 9")["code"]
    body = {"code": code, "device_name": "PC", "os": "Linux"}
    assert shop.client.post("/api/v1/terminals/enroll", json=body).status_code == 201
    again = shop.client.post("/api/v1/terminals/enroll", json=body)
    assert again.status_code == 401
    assert again.json["error"] == "invalid_code"


def test_a_code_expires_after_ten_minutes(shop: Shop, clock: FakeClock) -> None:
    code = terminals.issue_enrollment_code(shop.ctx, TENANT, "Till 9")["code"]
    clock.advance(600)
    response = shop.client.post("/api/v1/terminals/enroll",
                                json={"code": code, "device_name": "PC", "os": "Linux"})
    assert response.json["error"] == "invalid_code"


def test_re_enrolling_replaces_the_key(shop: Shop) -> None:
    old_key = shop.keys["Till 1"]
    session = shop.unlock_ok("Till 1", "Mealea Sok")
    shop.enroll(TENANT, "Till 1")
    old = shop.client.get("/api/v1/terminal", headers={"X-Terminal-Key": old_key})
    assert old.status_code == 401
    assert shop.poll("Till 1", session["token"])["reason"] == "replaced"
    assert shop.client.get("/api/v1/terminal",
                           headers={"X-Terminal-Key": shop.keys["Till 1"]}).status_code == 200


def test_enrollment_needs_every_field(shop: Shop) -> None:
    response = shop.client.post("/api/v1/terminals/enroll", json={"code": "X"})
    assert response.status_code == 400
    assert "device_name" in response.json["message"]


def test_a_tills_status_names_its_shops_currency(shop: Shop) -> None:
    """So a till shows amounts in the shop's money before its first menu."""
    tenants.set_money(shop.ctx, TENANT, currency_code="JPY")
    status = shop.client.get("/api/v1/terminal", headers={"X-Terminal-Key": shop.keys["Till 1"]})
    assert status.json["currency"] == {"code": "JPY", "exponent": 0}

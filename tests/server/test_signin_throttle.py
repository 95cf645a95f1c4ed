"""Repeated failed back-office sign-ins are slowed down, per (e-mail, client) and per client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from nixpos.core.clock import FakeClock
from nixpos.server.services.throttle import Throttle
from tests.helpers import PASSWORD, Shop

EMAIL = "dara@lumiere.example"
OWNER = "sokha@lumiere.example"


def sign_in(client: FlaskClient, password: str, email: str = EMAIL,
            address: str = "10.0.0.7") -> tuple[int, dict[str, object]]:
    response = client.post("/api/v1/admin/login", json={
        "email": email, "password": password, "device_name": "Laptop"},
        environ_base={"REMOTE_ADDR": address})
    return response.status_code, response.json or {}


def test_four_wrong_passwords_are_free_the_fifth_shuts_the_door_for_30_s(
    shop: Shop, client: FlaskClient, clock: FakeClock
) -> None:
    for _ in range(5):
        assert sign_in(client, "wrong password")[0] == 401
    status, answer = sign_in(client, PASSWORD)  # even the right password waits now
    assert status == 429 and answer["error"] == "too_many_attempts"
    assert answer["retry_after_s"] == 30
    assert "Try again in 0:30" in str(answer["message"])
    clock.advance(30)
    assert sign_in(client, PASSWORD)[0] == 200


def test_the_wait_doubles_and_a_success_clears_it(
    shop: Shop, client: FlaskClient, clock: FakeClock
) -> None:
    for _ in range(5):
        sign_in(client, "wrong password")
    clock.advance(30)
    assert sign_in(client, "wrong password")[0] == 401
    assert sign_in(client, PASSWORD)[1]["retry_after_s"] == 60
    clock.advance(60)
    assert sign_in(client, PASSWORD)[0] == 200
    assert sign_in(client, "wrong password")[0] == 401  # counting starts again


def test_one_address_guessing_many_accounts_is_slowed_too(
    shop: Shop, client: FlaskClient
) -> None:
    for n in range(5):
        sign_in(client, "guess", email=f"person{n}@lumiere.example")
    assert sign_in(client, PASSWORD)[0] == 429
    assert sign_in(client, PASSWORD, address="10.0.0.8")[0] == 200  # another device is fine


def test_a_stranger_hammering_an_e_mail_does_not_lock_its_owner_out(
    shop: Shop, client: FlaskClient
) -> None:
    for _ in range(20):
        assert sign_in(client, "guess", email=OWNER, address="198.51.100.66")[0] in (401, 429)
    assert sign_in(client, "guess", email=OWNER, address="198.51.100.66")[0] == 429
    assert sign_in(client, PASSWORD, email=OWNER, address="10.0.0.20")[0] == 200


def test_the_number_of_remembered_keys_is_bounded() -> None:
    throttle = Throttle(max_keys=100)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(1000):
        throttle.failed([f"email:guess{n}@example client:1.2.3.4"], now + timedelta(seconds=n))
    assert len(throttle._failures) <= 100

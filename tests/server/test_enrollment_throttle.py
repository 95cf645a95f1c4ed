"""Guessing enrollment codes is slowed down per client address, like sign-ins."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from nixpos.core.clock import FakeClock
from nixpos.server.services import terminals
from tests.helpers import TENANT, Shop


def enroll(client: FlaskClient, code: str, address: str = "10.0.0.7") -> TestResponse:
    return client.post("/api/v1/terminals/enroll",
                       json={"code": code, "device_name": "Front PC", "os": "Linux"},
                       environ_base={"REMOTE_ADDR": address})


def test_the_fifth_wrong_code_shuts_the_door_for_30_s(
    shop: Shop, client: FlaskClient, clock: FakeClock
) -> None:
    for n in range(5):
        assert enroll(client, f"AAAA-BBBB-CCC{n}").status_code == 401
    code = terminals.issue_enrollment_code(shop.ctx, TENANT, "Till 9")["code"]
    refused = enroll(client, code)  # even the right code waits now
    assert refused.status_code == 429
    assert refused.json["error"] == "too_many_attempts"
    assert refused.json["retry_after_s"] == 30 and refused.headers["Retry-After"] == "30"
    assert "Try again in 0:30" in refused.json["message"]
    assert enroll(client, code, address="10.0.0.8").status_code == 201  # another device


def test_after_the_wait_a_right_code_works(
    shop: Shop, client: FlaskClient, clock: FakeClock
) -> None:
    for n in range(5):
        enroll(client, f"AAAA-BBBB-CCC{n}")
    clock.advance(30)
    code = terminals.issue_enrollment_code(shop.ctx, TENANT, "Till 9")["code"]
    assert enroll(client, code).status_code == 201

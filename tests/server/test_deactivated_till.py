"""A deactivated till is refused one way on every call: 403 ``terminal_deactivated``,
carrying the till's ended session when the call names one, so it can say who did it."""

from __future__ import annotations

import pytest

from tests.helpers import Shop


@pytest.mark.parametrize(("method", "call"), [
    ("GET", "session"), ("POST", "session/activity"), ("POST", "session/lock"),
])
def test_session_calls_of_a_deactivated_till_carry_its_ended_session(
    shop: Shop, method: str, call: str
) -> None:
    token = shop.unlock_ok("Till 1", "Mealea Sok")["token"]
    shop.poll("Till 1", token)  # cached by the fast path
    admin = shop.login("dara@lumiere.example")
    shop.admin("POST", f"terminals/{shop.till_ids['Till 1']}/deactivate", admin)
    refused = shop.pos(method, call, "Till 1", token, json={} if method == "POST" else None)
    assert refused.status_code == 403
    assert refused.json["error"] == "terminal_deactivated"
    ended = refused.json["session"]
    assert (ended["state"], ended["reason"]) == ("ended", "terminal_deactivated")
    assert ended["ended_by"]["name"] == "Dara Chan"


def test_calls_without_a_session_are_refused_the_same_way(shop: Shop) -> None:
    admin = shop.login("dara@lumiere.example")
    shop.admin("POST", f"terminals/{shop.till_ids['Till 1']}/deactivate", admin)
    key = {"X-Terminal-Key": shop.keys["Till 1"]}
    for answer in (shop.client.get("/api/v1/terminal", headers=key),
                   shop.unlock("Till 1", shop.pins["Mealea Sok"]),
                   shop.pos("GET", "session", "Till 1", "not-a-token")):
        assert answer.status_code == 403
        assert answer.json["error"] == "terminal_deactivated"
        assert "session" not in (answer.json or {})

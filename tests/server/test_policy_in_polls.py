"""A till hears the back office within one poll (issue 9, point 8, the server's half).

The poll, activity and lock answers carry the shop's policy, and a policy
change drops every cached poll answer; the till's status (``GET /terminal``),
which a locked till polls, is never cached, so a cleared lockout shows at once.
"""

from __future__ import annotations

from nixpos.server.services import tenants
from tests.helpers import TENANT, Shop

WRONG = "13572460"


def test_the_very_next_poll_carries_a_changed_policy(shop: Shop) -> None:
    token = shop.unlock_ok("Till 1", "Mealea Sok")["token"]
    first = shop.poll("Till 1", token)
    assert first["policy"] == {"idle_timeout_s": 900, "warning_s": 60, "poll_interval_s": 3,
                               "pin_length": 8, "ask_before_takeover": True}
    assert shop.poll("Till 1", token) == first  # answered from the poll cache now
    tenants.set_policy(shop.ctx, TENANT, idle_timeout_s=120, warning_s=20, poll_interval_s=5,
                       ask_before_takeover=False)
    assert shop.poll("Till 1", token)["policy"] == {
        "idle_timeout_s": 120, "warning_s": 20, "poll_interval_s": 5, "pin_length": 8,
        "ask_before_takeover": False}


def test_activity_and_lock_answers_carry_the_policy_too(shop: Shop) -> None:
    token = shop.unlock_ok("Till 1", "Mealea Sok")["token"]
    tenants.set_policy(shop.ctx, TENANT, poll_interval_s=7)
    for call in ("session/activity", "session/lock"):
        answer = shop.pos("POST", call, "Till 1", token, json={})
        assert answer.status_code == 200
        assert answer.json["policy"]["poll_interval_s"] == 7


def test_an_ended_session_still_hears_the_policy(shop: Shop) -> None:
    token = shop.unlock_ok("Till 1", "Sokha Lim")["token"]
    shop.unlock_ok("Till 2", "Sokha Lim")  # kicked from Till 1
    assert shop.poll("Till 1", token)["state"] == "ended"
    tenants.set_policy(shop.ctx, TENANT, warning_s=30)
    assert shop.poll("Till 1", token)["policy"]["warning_s"] == 30


def test_a_cleared_lockout_shows_in_the_very_next_till_status(shop: Shop) -> None:
    def lockout() -> dict[str, object]:
        status = shop.client.get("/api/v1/terminal",
                                 headers={"X-Terminal-Key": shop.keys["Till 1"]})
        return dict(status.json["lockout"])

    for _ in range(5):
        shop.unlock("Till 1", WRONG)
    assert lockout() == {"locked": True, "retry_after_s": 30}
    token = shop.login("dara@lumiere.example")
    shop.admin("POST", f"terminals/{shop.till_ids['Till 1']}/clear-lockout", token)
    assert lockout() == {"locked": False, "retry_after_s": 0}

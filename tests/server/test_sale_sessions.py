"""A paid sale is never lost (SPEC §6): a session that ended during payment still records it,
flagged for a manager; a late sale is flagged offline; a refund needs a live session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from nixpos.core.clock import FakeClock
from nixpos.server.models import AuditEvent
from nixpos.server.services import tenants
from tests.helpers import TENANT, Shop
from tests.server.selling import Counter, cash, line, stock


@pytest.fixture
def menu(shop: Shop) -> dict[str, int]:
    return stock(shop)


def flagged_events(shop: Shop) -> list[tuple[dict[str, object], int | None]]:
    """The audit log's flagged sales: (detail, till id)."""
    with shop.ctx.db.read() as s:
        return [(e.detail, e.terminal_id) for e in s.scalars(select(AuditEvent).where(
            AuditEvent.kind == "sale_after_session_end"))]


def test_a_sale_after_a_kick_is_recorded_under_the_ended_session(
    shop: Shop, menu: dict[str, int], clock: FakeClock
) -> None:
    till_1 = Counter(shop, "Till 1", "Mealea Sok")
    clock.advance(20)
    shop.unlock_ok("Till 2", "Mealea Sok")  # she signs in elsewhere: Till 1 is kicked
    clock.advance(10)
    sale = till_1.sold([line(menu["Latte"], 1, 350)], [cash(350, 500)],
                       completed_at=clock.now() - timedelta(seconds=5))
    assert sale["session_id"] == till_1.session_id
    assert sale["staff"]["name"] == "Mealea Sok" and sale["terminal"]["name"] == "Till 1"
    assert sale["flags"] == ["after_session_end"]
    ((detail, till_id),) = flagged_events(shop)
    assert detail["number"] == sale["number"]
    assert detail["session_reason"] == "signed_in_elsewhere"
    assert till_id == shop.till_ids["Till 1"]


def test_a_sale_completed_before_the_kick_is_not_flagged(
    shop: Shop, menu: dict[str, int], clock: FakeClock
) -> None:
    till_1 = Counter(shop, "Till 1", "Mealea Sok")
    completed = clock.now()
    clock.advance(20)
    shop.unlock_ok("Till 2", "Mealea Sok")
    sale = till_1.sold([line(menu["Latte"], 1, 350)], [cash(350)], completed_at=completed)
    assert sale["flags"] == []
    assert flagged_events(shop) == []


def test_an_idle_lock_during_payment_still_records_the_sale(
    shop: Shop, menu: dict[str, int], clock: FakeClock
) -> None:
    tenants.set_policy(shop.ctx, TENANT, idle_timeout_s=60, warning_s=10)
    till = Counter(shop, "Till 1", "Mealea Sok")
    clock.advance(90)  # the deadline passed 30 s ago while the customer paid
    sale = till.sold([line(menu["Latte"], 1, 350)], [cash(350)])
    assert sale["flags"] == ["after_session_end"]
    session = shop.poll("Till 1", till.token)
    assert (session["state"], session["reason"]) == ("ended", "idle_timeout")


def test_a_sale_received_over_a_minute_late_is_flagged_offline(
    shop: Shop, menu: dict[str, int], clock: FakeClock
) -> None:
    till = Counter(shop, "Till 1", "Sokha Lim")
    on_time = till.sold([line(menu["Latte"], 1, 350)], [cash(350)],
                        completed_at=clock.now() - timedelta(seconds=60))
    late = till.sold([line(menu["Latte"], 1, 350)], [cash(350)],
                     completed_at=clock.now() - timedelta(seconds=61))
    assert on_time["flags"] == [] and late["flags"] == ["offline"]
    assert late["received_at"] == "2026-01-05T09:00:00.000Z"
    assert late["completed_at"] == "2026-01-05T08:58:59.000Z"


def test_a_refund_needs_a_live_session(shop: Shop, menu: dict[str, int]) -> None:
    till = Counter(shop, "Till 1", "Sokha Lim")
    sale = till.sold([line(menu["Latte"], 1, 350)], [cash(350)])
    shop.pos("POST", "session/lock", "Till 1", till.token, json={})
    refused = till.refund(sale["id"], [{"line_id": sale["lines"][0]["id"], "quantity": 1}])
    assert refused.status_code == 409
    assert refused.json["error"] == "session_ended"
    assert "Unlock" in refused.json["message"]
    # The ended session can still read the sale it made (to reprint the receipt).
    assert shop.pos("GET", f"sales/{sale['id']}", "Till 1", till.token).json["refunded"] == 0

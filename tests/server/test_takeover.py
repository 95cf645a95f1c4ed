"""Ask before taking over an open sale (SPEC §7.3, policy ``ask_before_takeover``).

The question comes only after the PIN was verified (a wrong PIN is ``invalid_pin`` and
counts towards the lockout), changes nothing, and is skipped for an empty cart, with the
policy off, and when the unlock says ``take_over`` — which kicks, parks and offers the
cart in one step. Manager-override unlocks are asked the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from nixpos.server.models import AuditEvent, PosSession, Terminal
from nixpos.server.services import tenants
from tests.helpers import TENANT, Shop
from tests.server.carts import cart_body, mirrored, unlock_reply
from tests.server.selling import Counter, stock

WRONG_PIN = "13572460"


@pytest.fixture
def menu(shop: Shop) -> dict[str, int]:
    return stock(shop)


@pytest.fixture
def selling(shop: Shop, menu: dict[str, int]) -> Counter:
    """Dara (a manager, assigned to Till 1 only) with 3 items open on Till 1."""
    till = Counter(shop, "Till 1", "Dara Chan")
    mirrored(till, cart_body(menu))
    return till


def live_sessions(shop: Shop) -> list[tuple[str, int]]:
    with shop.ctx.db.read() as s:
        return [(till, staff) for till, staff in s.execute(
            select(Terminal.name, PosSession.staff_id)
            .join(Terminal, Terminal.id == PosSession.terminal_id)
            .where(PosSession.ended_at.is_(None)).order_by(Terminal.name))]


def test_the_till_is_asked_after_the_pin_and_nothing_changes(shop: Shop, selling: Counter
                                                             ) -> None:
    before = live_sessions(shop)
    asked = unlock_reply(shop, "Till 2", "Dara Chan", override=True)
    assert asked.status_code == 409
    assert asked.json == {
        "error": "open_sale_elsewhere",
        "message": 'Dara Chan has an open sale on Till 1 (3 items). Unlock again with '
                   '"take_over": true to sign in here and bring it along.',
        "terminal": {"id": shop.till_ids["Till 1"], "name": "Till 1"},
        "items": 3, "total": 975,
        "staff": {"id": shop.ids["Dara Chan"], "name": "Dara Chan", "role": "manager"}}
    assert live_sessions(shop) == before
    assert shop.poll("Till 1", selling.token)["state"] == "active"
    with shop.ctx.db.read() as s:
        refused = s.scalars(select(AuditEvent).where(AuditEvent.kind == "unlock_refused"))
        assert [e.detail["why"] for e in refused] == ["open_sale_elsewhere"]


def test_a_wrong_pin_is_not_asked_and_counts_towards_the_lockout(
    shop: Shop, selling: Counter
) -> None:
    for attempt in range(1, 5):
        refused = shop.unlock("Till 2", WRONG_PIN)
        assert (refused.status_code, refused.json["error"]) == (401, "invalid_pin")
        assert set(refused.json or {}) == {"error", "message"}
        with shop.ctx.db.read() as s:
            assert s.get_one(Terminal, shop.till_ids["Till 2"]).failed_attempts == attempt
    assert shop.unlock("Till 2", WRONG_PIN).json["error"] == "terminal_locked"


def test_an_empty_cart_never_asks(shop: Shop, menu: dict[str, int]) -> None:
    till = Counter(shop, "Till 1", "Mealea Sok")
    mirrored(till, cart_body(menu, lines=[]))
    reply = unlock_reply(shop, "Till 2", "Mealea Sok")
    assert reply.status_code == 200
    assert reply.json["parked_carts"] == []
    assert reply.json["ended_elsewhere"][0]["parked_cart"] is None


def test_no_question_with_the_policy_off(shop: Shop, selling: Counter) -> None:
    tenants.set_policy(shop.ctx, TENANT, ask_before_takeover=False)
    reply = unlock_reply(shop, "Till 2", "Dara Chan", override=True)
    assert reply.status_code == 200
    assert [c["client_id"] for c in reply.json["parked_carts"]] == ["cart-1"]


def test_another_persons_cart_elsewhere_does_not_ask(shop: Shop, selling: Counter) -> None:
    assert unlock_reply(shop, "Till 2", "Mealea Sok").status_code == 200


def test_unlocking_the_same_till_again_does_not_ask(shop: Shop, selling: Counter) -> None:
    reply = unlock_reply(shop, "Till 1", "Dara Chan")  # "replaced" by herself: parks, no question
    assert reply.status_code == 200
    assert [c["reason"] for c in reply.json["parked_carts"]] == ["replaced"]


@pytest.mark.parametrize("override", [False, True])
def test_take_over_kicks_parks_and_offers_the_cart(shop: Shop, menu: dict[str, int],
                                                   override: bool) -> None:
    till = Counter(shop, "Till 1", "Sokha Lim")
    mirrored(till, cart_body(menu))
    reply = unlock_reply(shop, "Till 2", "Sokha Lim", override=override, take_over=True)
    assert reply.status_code == 200
    body: dict[str, Any] = dict(reply.json or {})
    assert body["session"]["override"] is override
    (kicked,) = body["ended_elsewhere"]
    assert (kicked["reason"], kicked["parked_cart"]) == (
        "signed_in_elsewhere", {"client_id": "cart-1", "items": 3, "total": 975})
    (offered,) = body["parked_carts"]
    assert (offered["client_id"], offered["parked_on"]["name"]) == ("cart-1", "Till 1")
    resumed = shop.pos("POST", "carts/cart-1/resume", "Till 2", body["token"], json={})
    assert resumed.status_code == 200
    with shop.ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(PosSession).where(
            PosSession.ended_at.is_(None))) == 1


def test_an_override_without_take_over_is_asked_too(shop: Shop, menu: dict[str, int]) -> None:
    till = Counter(shop, "Till 2", "Sokha Lim")
    mirrored(till, cart_body(menu))
    asked = unlock_reply(shop, "Till 1", "Sokha Lim", override=True)
    assert (asked.status_code, asked.json["error"]) == (409, "open_sale_elsewhere")
    assert asked.json["terminal"]["name"] == "Till 2"


def test_take_over_must_be_a_boolean(shop: Shop, selling: Counter) -> None:
    refused = unlock_reply(shop, "Till 2", "Dara Chan", override=True, take_over="yes")
    assert (refused.status_code, refused.json["error"]) == (400, "invalid_request")

"""Offline sales upload (SPEC §7.4): a sale queued while the server was away, sent after
the till restarted (its token gone), with the till's key, ``session_id`` and ``proof``.

The proof is made as the till makes it (``core.proof.sale_proof`` with the token it had),
so these tests hold the server to the till's side of the contract.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.test import TestResponse

from nixpos.core.clock import FakeClock
from nixpos.core.proof import sale_proof
from nixpos.server.models import AuditEvent
from nixpos.server.services import catalog
from nixpos.server.services.catalog import ProductFields
from tests.helpers import TENANT, Shop
from tests.server.carts import cart_body, mirrored, unlock_reply
from tests.server.selling import Counter, cash, line, stock


@pytest.fixture
def menu(shop: Shop) -> dict[str, int]:
    return stock(shop)


@pytest.fixture
def till(shop: Shop) -> Counter:
    return Counter(shop, "Till 1", "Mealea Sok")


def upload(shop: Shop, till_name: str, body: dict[str, Any]) -> TestResponse:
    """What a restarted till sends: its key, no bearer."""
    return shop.client.post("/api/v1/pos/sales", json=body,
                            headers={"X-Terminal-Key": shop.keys[till_name]})


def queued(till: Counter, menu: dict[str, int], minutes_ago: float, **extra: Any
           ) -> dict[str, Any]:
    body = till.body([line(menu["Latte"], 1, 350)], [cash(350)],
                     completed_at=till.shop.ctx.now() - timedelta(minutes=minutes_ago))
    return body | {"session_id": till.session_id,
                   "proof": sale_proof(till.token, body["client_id"])} | extra


def test_a_proven_sale_is_recorded_under_its_session_flagged_offline(
    shop: Shop, menu: dict[str, int], till: Counter, clock: FakeClock
) -> None:
    body = queued(till, menu, minutes_ago=0)
    clock.advance(30 * 60)  # the server was away half an hour
    answer = upload(shop, "Till 1", body)
    assert answer.status_code == 201, answer.json
    assert answer.json["session_id"] == till.session_id
    assert answer.json["staff"]["name"] == "Mealea Sok"
    assert answer.json["flags"] == ["offline"]
    again = upload(shop, "Till 1", body)  # the till did not hear the answer: same sale
    assert (again.status_code, again.json["id"]) == (200, answer.json["id"])
    with shop.ctx.db.read() as s:
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.kind == "sale"))
        assert event.detail["uploaded_with_proof"] is True and event.detail["offline"]


def test_a_sale_after_its_session_ended_is_flagged_and_audited(
    shop: Shop, menu: dict[str, int], till: Counter, clock: FakeClock
) -> None:
    clock.advance(10)
    shop.pos("POST", "session/lock", "Till 1", till.token, json={})
    clock.advance(5)
    body = queued(till, menu, minutes_ago=0)  # paid locally after the lock reached the server
    clock.advance(120)
    answer = upload(shop, "Till 1", body)
    assert answer.status_code == 201, answer.json
    assert answer.json["flags"] == ["after_session_end", "offline"]
    with shop.ctx.db.read() as s:
        (late,) = s.scalars(select(AuditEvent).where(
            AuditEvent.kind == "sale_after_session_end"))
        assert (late.detail["session_reason"], late.terminal_id) == (
            "logout", shop.till_ids["Till 1"])


@pytest.mark.parametrize("proof", ["0" * 64, "not hex", "", None, "ab" * 33])
def test_a_wrong_or_missing_proof_is_refused(shop: Shop, menu: dict[str, int], till: Counter,
                                             proof: str | None) -> None:
    body = queued(till, menu, minutes_ago=1) | {"proof": proof}
    refused = upload(shop, "Till 1", body)
    assert (refused.status_code, refused.json["error"]) == (401, "invalid_proof")
    assert "queued" in refused.json["message"]
    assert till.shop.pos("GET", "sales", "Till 1", till.token).json["sales"] == []


def test_a_proof_for_another_client_id_is_refused(shop: Shop, menu: dict[str, int],
                                                  till: Counter) -> None:
    body = queued(till, menu, minutes_ago=1)
    refused = upload(shop, "Till 1", body | {"client_id": "another-sale"})
    assert (refused.status_code, refused.json["error"]) == (401, "invalid_proof")


def test_another_tills_session_is_invalid_token(shop: Shop, menu: dict[str, int],
                                                till: Counter) -> None:
    body = queued(till, menu, minutes_ago=1)
    refused = upload(shop, "Till 2", body)
    assert (refused.status_code, refused.json["error"]) == (401, "invalid_token")
    unknown = upload(shop, "Till 1", body | {"session_id": 999_999})
    assert (unknown.status_code, unknown.json["error"]) == (401, "invalid_token")
    other_shop = shop.client.post("/api/v1/pos/sales", json=body,
                                  headers={"X-Terminal-Key": shop.keys["Other Till"]})
    assert (other_shop.status_code, other_shop.json["error"]) == (401, "invalid_token")


def test_neither_bearer_nor_session_is_invalid_token(shop: Shop, menu: dict[str, int],
                                                     till: Counter) -> None:
    body = {k: v for k, v in queued(till, menu, minutes_ago=1).items()
            if k not in ("session_id", "proof")}
    refused = upload(shop, "Till 1", body)
    assert (refused.status_code, refused.json["error"]) == (401, "invalid_token")
    assert "proof" in refused.json["message"]


def test_within_72_hours_is_accepted_and_older_is_too_late(
    shop: Shop, menu: dict[str, int], till: Counter
) -> None:
    assert upload(shop, "Till 1", queued(till, menu, minutes_ago=72 * 60)).status_code == 201
    late = upload(shop, "Till 1", queued(till, menu, minutes_ago=72 * 60 + 0.1))
    assert (late.status_code, late.json["error"]) == (422, "too_late")
    assert "manager must enter it by hand" in late.json["message"]
    bearer = till.post(till.body([line(menu["Latte"], 1, 350)], [cash(350)],
                                 completed_at=shop.ctx.now() - timedelta(hours=73)))
    assert (bearer.status_code, bearer.json["error"]) == (422, "too_late")


def test_a_sale_from_the_future_is_still_400(shop: Shop, menu: dict[str, int],
                                             till: Counter) -> None:
    refused = upload(shop, "Till 1", queued(till, menu, minutes_ago=-6))
    assert (refused.status_code, refused.json["error"]) == (400, "invalid_request")


def test_an_uploaded_sale_removes_its_parked_cart(shop: Shop, menu: dict[str, int],
                                                  till: Counter) -> None:
    mirrored(till, cart_body(menu, client_id="queued-1", lines=[line(menu["Latte"], 1, 350)]))
    body = queued(till, menu, minutes_ago=0, client_id="queued-1")
    body["proof"] = sale_proof(till.token, "queued-1")
    shop.pos("POST", "session/lock", "Till 1", till.token, json={})  # the cart is parked
    assert upload(shop, "Till 1", body).status_code == 201
    assert unlock_reply(shop, "Till 2", "Mealea Sok").json["parked_carts"] == []


def test_an_offline_sale_is_recorded_at_the_prices_it_was_paid(
    shop: Shop, menu: dict[str, int], till: Counter, clock: FakeClock
) -> None:
    """Paid while the till was offline, at the till's prices: a price changed or a
    product taken off the menu since must not keep the sale from the books."""
    body = till.body([line(menu["Latte"], 2, 350), line(menu["Croissant"], 1, 275)],
                     [cash(975)], completed_at=shop.ctx.now())
    clock.advance(10 * 60)
    catalog.update_product(shop.ctx, TENANT, menu["Latte"], ProductFields(price=375))
    catalog.update_product(shop.ctx, TENANT, menu["Croissant"], ProductFields(active=False))
    answer = till.post(body)
    assert answer.status_code == 201, answer.json
    assert (answer.json["total"], answer.json["flags"]) == (975, ["offline"])
    with shop.ctx.db.read() as s:
        detail = s.scalars(select(AuditEvent.detail).where(AuditEvent.kind == "sale")).one()
    assert detail["prices_differed"] == [menu["Latte"]]


def test_a_sale_in_front_of_its_customer_still_gets_price_changed(
    shop: Shop, menu: dict[str, int], till: Counter, clock: FakeClock
) -> None:
    body = till.body([line(menu["Latte"], 1, 350)], [cash(350)], completed_at=shop.ctx.now())
    clock.advance(30)  # a slow answer, not an outage
    catalog.update_product(shop.ctx, TENANT, menu["Latte"], ProductFields(price=375))
    refused = till.post(body)
    assert (refused.status_code, refused.json["error"]) == (409, "price_changed")

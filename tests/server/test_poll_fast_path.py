"""The poll's one-query fast path answers exactly what the full path answers."""

from __future__ import annotations

from nixpos.server.services import poll, pos
from nixpos.server.services.represent import session_json
from tests.helpers import Shop


def full_answer(shop: Shop, till: str, token: str) -> dict[str, object]:
    with shop.ctx.db.read() as s:
        return session_json(pos.find_session(s, shop.keys[till], token, None))


def test_fast_path_matches_the_full_path_for_active_and_kicked_sessions(shop: Shop) -> None:
    first = shop.unlock_ok("Till 1", "Sokha Lim")
    fast = poll.quick_poll(shop.ctx, shop.keys["Till 1"], first["token"], None)
    assert fast is not None and fast == full_answer(shop, "Till 1", first["token"])
    shop.unlock_ok("Till 2", "Sokha Lim")
    kicked = poll.quick_poll(shop.ctx, shop.keys["Till 1"], first["token"], None)
    assert kicked is not None and kicked["reason"] == "signed_in_elsewhere"
    assert kicked == full_answer(shop, "Till 1", first["token"])


def test_fast_path_steps_aside_when_something_needs_deciding(shop: Shop) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    key, token = shop.keys["Till 1"], body["token"]
    assert poll.quick_poll(shop.ctx, key, "wrong", None) is None
    assert poll.quick_poll(shop.ctx, shop.keys["Till 2"], token, None) is None
    assert poll.quick_poll(shop.ctx, key, token, "other-shop") is None
    shop.ctx.clock.advance(900)  # type: ignore[attr-defined]
    assert poll.quick_poll(shop.ctx, key, token, None) is None
    assert shop.poll("Till 1", token)["reason"] == "idle_timeout"

"""The poll's one-query fast path answers exactly what the full path answers."""

from __future__ import annotations

from nixpos.server.services import poll, pos
from nixpos.server.services.poll_cache import PollAnswer, PollCache
from tests.helpers import Shop


def full_answer(shop: Shop, till: str, token: str) -> dict[str, object]:
    with shop.ctx.db.read() as s:
        return pos.polled_json(pos.find_session(s, shop.keys[till], token, None))


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


def test_a_cached_answer_is_dropped_the_moment_its_session_ends(shop: Shop) -> None:
    first = shop.unlock_ok("Till 1", "Sokha Lim")
    assert shop.poll("Till 1", first["token"])["state"] == "active"  # now cached
    shop.unlock_ok("Till 2", "Sokha Lim")
    assert shop.poll("Till 1", first["token"])["reason"] == "signed_in_elsewhere"


def test_a_cached_answer_follows_activity(shop: Shop) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    before = shop.poll("Till 1", body["token"])
    shop.ctx.clock.advance(30)  # type: ignore[attr-defined]
    shop.pos("POST", "session/activity", "Till 1", body["token"], json={})
    after = shop.poll("Till 1", body["token"])
    assert after["expires_at"] > before["expires_at"]


def test_a_cached_answer_never_outlives_the_till_key(shop: Shop) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    shop.pos("POST", "session/lock", "Till 1", body["token"], json={})
    assert shop.poll("Till 1", body["token"])["state"] == "ended"  # cached, ended
    token = shop.login("dara@lumiere.example")
    shop.admin("POST", f"terminals/{shop.till_ids['Till 1']}/deactivate", token)
    response = shop.pos("GET", "session", "Till 1", body["token"])
    assert response.status_code == 403


def test_a_cached_answer_still_ends_at_the_idle_deadline(shop: Shop) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    shop.poll("Till 1", body["token"])
    shop.ctx.clock.advance(900)  # type: ignore[attr-defined]
    assert shop.poll("Till 1", body["token"])["reason"] == "idle_timeout"


def test_a_read_that_overlapped_a_change_is_not_kept() -> None:
    cache = PollCache()
    answer = PollAnswer({"id": 1}, "k", "shop", True, None, None)
    generation = cache.generation
    cache.invalidate({"other"})  # a commit lands while the answer is being read
    cache.put("t", answer, generation)
    assert cache.get("t") is None
    cache.put("t", answer, cache.generation)
    assert cache.get("t") == answer


def test_answers_age_out_so_other_processes_changes_are_seen() -> None:
    now = [100.0]
    cache = PollCache(max_age_s=1.0, monotonic=lambda: now[0])
    answer = PollAnswer({"id": 1}, "k", "shop", True, None, None)
    cache.put("t", answer, cache.generation)
    now[0] += 0.9
    assert cache.get("t") == answer
    now[0] += 0.1
    assert cache.get("t") is None

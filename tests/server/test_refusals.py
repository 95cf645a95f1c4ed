"""A refused request commits nothing but what its refusal names (issue 9, point 3).

The whole transaction rolls back; a wrong PIN still counts towards the lockout
and an audited refusal still leaves its audit row — written on their own, so
nothing else of the request (last seen, a reset count, ended sessions) stays.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from flask import Flask
from sqlalchemy import select

from nixpos.core.clock import FakeClock
from nixpos.server import errors
from nixpos.server.models import AuditEvent, PosSession, Terminal
from tests.helpers import Shop
from tests.live_server import LiveServer

WRONG = "13572460"


def till_state(shop: Shop, till: str) -> tuple[datetime | None, int]:
    with shop.ctx.db.read() as s:
        terminal = s.get_one(Terminal, shop.till_ids[till])
        return terminal.last_seen_at, terminal.failed_attempts


def audit_kinds(shop: Shop) -> list[str]:
    with shop.ctx.db.read() as s:
        return list(s.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)))


def live_sessions(shop: Shop) -> set[int]:
    with shop.ctx.db.read() as s:
        return set(s.scalars(select(PosSession.id).where(PosSession.ended_at.is_(None))))


@pytest.mark.parametrize(("who", "override", "code"), [
    ("Vannak Kim", False, "not_assigned"),  # a cashier of Till 1 only
    ("Mealea Sok", True, "not_manager"),  # a cashier's PIN in the override
])
def test_a_refused_unlock_leaves_only_its_audit_row(
    shop: Shop, clock: FakeClock, who: str, override: bool, code: str
) -> None:
    shop.unlock_ok("Till 2", "Sokha Lim")  # someone is signed in on Till 2
    shop.unlock_ok("Till 1", who)  # and the refused person on Till 1
    for _ in range(3):
        assert shop.unlock("Till 2", WRONG).status_code == 401
    clock.advance(600)  # long enough that an unlock would write "last seen" again
    before, sessions, kinds = till_state(shop, "Till 2"), live_sessions(shop), audit_kinds(shop)

    refused = shop.unlock("Till 2", shop.pins[who], override=override)

    assert refused.status_code == 403 and refused.json["error"] == code
    assert till_state(shop, "Till 2") == before  # last seen and the failure count untouched
    assert live_sessions(shop) == sessions  # nobody replaced, nobody kicked
    assert audit_kinds(shop) == [*kinds, "unlock_refused"]


def test_a_right_pin_refused_does_not_wipe_the_failure_count(shop: Shop) -> None:
    for _ in range(3):
        shop.unlock("Till 2", WRONG)
    assert shop.unlock("Till 2", shop.pins["Vannak Kim"]).json["error"] == "not_assigned"
    assert shop.unlock("Till 2", WRONG).status_code == 401
    locked = shop.unlock("Till 2", WRONG)
    assert locked.status_code == 423 and locked.json["retry_after_s"] == 30


def test_a_wrong_pin_writes_its_count_and_audit_row_and_nothing_else(
    shop: Shop, clock: FakeClock
) -> None:
    clock.advance(600)
    last_seen, _ = till_state(shop, "Till 1")
    kinds = audit_kinds(shop)
    assert shop.unlock("Till 1", WRONG).status_code == 401
    assert till_state(shop, "Till 1") == (last_seen, 1)
    assert audit_kinds(shop) == [*kinds, "unlock_failed"]


def test_a_refused_override_approval_leaves_only_its_audit_row(shop: Shop) -> None:
    token = shop.unlock_ok("Till 1", "Mealea Sok")["token"]
    kinds = audit_kinds(shop)
    refused = shop.pos("POST", "override", "Till 1", token,
                       json={"pin": shop.pins["Vannak Kim"], "action": "refund"})
    assert refused.status_code == 403 and refused.json["error"] == "not_manager"
    assert audit_kinds(shop) == [*kinds, "override_refused"]


@pytest.fixture
def server_url(app: Flask) -> Iterator[str]:
    server = LiveServer(app, threads=10)
    server.start()
    yield server.url
    server.stop()


def test_racing_wrong_pins_on_two_tills_all_count(shop: Shop, server_url: str) -> None:
    tries = [("Till 1", n) for n in range(5)] + [("Till 2", n) for n in range(5)]
    barrier = threading.Barrier(len(tries))
    statuses: Counter[tuple[str, int]] = Counter()
    lock = threading.Lock()

    def guess(till: str) -> None:
        with httpx.Client(base_url=server_url, timeout=30) as http:
            barrier.wait()
            status = http.post("/api/v1/pos/unlock", json={"pin": WRONG},
                               headers={"X-Terminal-Key": shop.keys[till]}).status_code
        with lock:
            statuses[(till, status)] += 1

    threads = [threading.Thread(target=guess, args=(till,)) for till, _ in tries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for till in ("Till 1", "Till 2"):
        # Five failures each, all counted: the fifth locks the keypad, whichever it was.
        assert (statuses[(till, 401)], statuses[(till, 423)]) == (4, 1), statuses
        assert till_state(shop, till)[1] == 5


def test_each_error_code_has_one_status() -> None:
    statuses: dict[str, set[int]] = {}
    pending: list[type[errors.NixposError]] = [errors.NixposError]
    while pending:
        cls = pending.pop()
        statuses.setdefault(cls.code, set()).add(cls.status)
        pending += cls.__subclasses__()
    assert {code: s for code, s in statuses.items() if len(s) > 1} == {}
    assert statuses["terminal_locked"] == {423} and statuses["too_many_attempts"] == {429}

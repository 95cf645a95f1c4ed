"""Who did what on which till: the audit entries and session ends of the POS calls (SPEC rule 14).

Managers read the audit log to learn who unlocked a till, who was refused
and why, and who ended whose session where. Each test drives the HTTP API
and then reads the new audit entries back through ``GET /admin/audit``,
comparing actor, subject, till and detail exactly, and the ``Session`` JSON
the till and the back office see (``reason``, ``ended_by``, ``ended_on``).
"""

from __future__ import annotations

from typing import Any

import pytest

from nixpos.core.clock import FakeClock
from nixpos.server.services import pos, tenants
from tests.helpers import TENANT, Shop

Json = dict[str, Any]
OWNER = "sokha@lumiere.example"
ROLES = {"Sokha Lim": "owner", "Dara Chan": "manager", "Mealea Sok": "cashier",
         "Vannak Kim": "cashier"}


class AuditLog:
    """The shop's audit log as the owner reads it, from a mark onwards."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.token = shop.login(OWNER)
        self.mark = self._newest_id()

    def _all(self) -> list[Json]:
        response = self.shop.admin("GET", "audit?limit=500", self.token)
        assert response.status_code == 200, response.json
        return list(response.json["events"])

    def _newest_id(self) -> int:
        return max((e["id"] for e in self._all()), default=0)

    def new(self) -> list[Json]:
        """Entries written since the last call (or since sign-in), oldest first."""
        fresh = [e for e in reversed(self._all()) if e["id"] > self.mark]
        self.mark = self._newest_id()
        return fresh


def person(shop: Shop, name: str) -> Json:
    return {"id": shop.ids[name], "name": name, "role": ROLES[name]}


def till(shop: Shop, name: str) -> Json:
    return {"id": shop.till_ids[name], "name": name}


def entry(kind: str, *, actor: Json | None, terminal: Json | None, subject: Json | None = None,
          **detail: Any) -> Json:
    return {"kind": kind, "actor": actor, "terminal": terminal, "subject": subject,
            "detail": detail}


def without_time(events: list[Json]) -> list[Json]:
    return [{k: e[k] for k in ("kind", "actor", "terminal", "subject", "detail")}
            for e in events]


@pytest.fixture
def log(shop: Shop) -> AuditLog:
    return AuditLog(shop)


# -- unlocks --------------------------------------------------------------------------------


def test_an_unlock_names_who_on_which_till_and_the_session(shop: Shop, log: AuditLog) -> None:
    body = shop.unlock_ok("Till 2", "Mealea Sok")
    session = body["session"]
    events = log.new()
    assert without_time(events) == [
        entry("unlock", actor=person(shop, "Mealea Sok"), terminal=till(shop, "Till 2"),
              override=False, session_id=session["id"], ended_elsewhere=[]),
    ]
    assert events[0]["at"] == session["started_at"]


def test_an_override_unlock_is_recorded_as_one(shop: Shop, log: AuditLog) -> None:
    body = shop.unlock_ok("Till 2", "Dara Chan", override=True)
    assert body["session"]["override"] is True
    assert without_time(log.new()) == [
        entry("unlock", actor=person(shop, "Dara Chan"), terminal=till(shop, "Till 2"),
              override=True, session_id=body["session"]["id"], ended_elsewhere=[]),
    ]


def test_an_unlock_elsewhere_names_the_till_it_ended(shop: Shop, log: AuditLog) -> None:
    first = shop.unlock_ok("Till 1", "Mealea Sok")
    log.new()
    second = shop.unlock_ok("Till 2", "Mealea Sok")
    mealea = person(shop, "Mealea Sok")
    assert without_time(log.new()) == [
        entry("session_ended", actor=mealea, terminal=till(shop, "Till 1"), subject=mealea,
              reason="signed_in_elsewhere", session_id=first["session"]["id"],
              ended_on="Till 2"),
        entry("unlock", actor=mealea, terminal=till(shop, "Till 2"), override=False,
              session_id=second["session"]["id"], ended_elsewhere=["Till 1"]),
    ]
    ended = shop.poll("Till 1", first["token"])
    assert (ended["state"], ended["reason"]) == ("ended", "signed_in_elsewhere")
    assert ended["ended_by"] == mealea
    assert ended["ended_on"] == till(shop, "Till 2")
    assert ended["ended_at"] == second["session"]["started_at"]
    # The unlock's answer tells the same Session (a poll adds the policy and catalog tag).
    session = {k: v for k, v in ended.items() if k not in ("policy", "catalog_etag")}
    assert second["ended_elsewhere"] == [session]


def test_an_override_unlock_elsewhere_ends_the_managers_other_session(
    shop: Shop, log: AuditLog
) -> None:
    first = shop.unlock_ok("Till 1", "Dara Chan")
    log.new()
    second = shop.unlock_ok("Till 2", "Dara Chan", override=True)
    dara = person(shop, "Dara Chan")
    assert without_time(log.new()) == [
        entry("session_ended", actor=dara, terminal=till(shop, "Till 1"), subject=dara,
              reason="signed_in_elsewhere", session_id=first["session"]["id"],
              ended_on="Till 2"),
        entry("unlock", actor=dara, terminal=till(shop, "Till 2"), override=True,
              session_id=second["session"]["id"], ended_elsewhere=["Till 1"]),
    ]


def test_an_unlock_names_every_till_it_ended_in_order(shop: Shop, log: AuditLog) -> None:
    tenants.set_policy(shop.ctx, TENANT, pos_single_session=False)
    at_1 = shop.unlock_ok("Till 1", "Mealea Sok")
    at_3 = shop.unlock_ok("Till 3", "Mealea Sok")
    tenants.set_policy(shop.ctx, TENANT, pos_single_session=True)
    log.new()
    at_2 = shop.unlock_ok("Till 2", "Mealea Sok")
    assert [s["id"] for s in at_2["ended_elsewhere"]] == [at_1["session"]["id"],
                                                          at_3["session"]["id"]]
    [*ends, unlock] = log.new()
    assert [(e["terminal"]["name"], e["detail"]["ended_on"]) for e in ends] == [
        ("Till 1", "Till 2"), ("Till 3", "Till 2")]
    assert unlock["detail"]["ended_elsewhere"] == ["Till 1", "Till 3"]


def test_an_unlock_after_the_old_session_ran_out_blames_nobody(
    shop: Shop, log: AuditLog, clock: FakeClock
) -> None:
    first = shop.unlock_ok("Till 1", "Mealea Sok")
    log.new()
    clock.advance(1000)  # past the 900 s idle deadline, and nobody polled
    second = shop.unlock_ok("Till 2", "Mealea Sok")
    mealea = person(shop, "Mealea Sok")
    events = log.new()
    assert without_time(events) == [
        entry("session_ended", actor=None, terminal=till(shop, "Till 1"), subject=mealea,
              reason="idle_timeout", session_id=first["session"]["id"], ended_on=None),
        entry("unlock", actor=mealea, terminal=till(shop, "Till 2"), override=False,
              session_id=second["session"]["id"], ended_elsewhere=[]),
    ]
    assert events[0]["at"] == first["session"]["expires_at"]
    assert second["ended_elsewhere"] == []


# -- refusals -----------------------------------------------------------------------------


def test_a_pin_not_assigned_to_the_till_is_refused_and_says_why(
    shop: Shop, log: AuditLog
) -> None:
    assert shop.unlock("Till 2", shop.pins["Vannak Kim"]).status_code == 403
    assert without_time(log.new()) == [
        entry("unlock_refused", actor=person(shop, "Vannak Kim"),
              terminal=till(shop, "Till 2"), why="not_assigned"),
    ]


def test_a_cashier_pin_for_an_override_is_refused_and_says_why(
    shop: Shop, log: AuditLog
) -> None:
    assert shop.unlock("Till 2", shop.pins["Mealea Sok"], override=True).status_code == 403
    assert without_time(log.new()) == [
        entry("unlock_refused", actor=person(shop, "Mealea Sok"),
              terminal=till(shop, "Till 2"), why="not_manager"),
    ]


@pytest.mark.parametrize(("override", "purpose"), [(False, "unlock"), (True, "override")])
def test_a_wrong_pin_is_recorded_as_what_it_tried(
    shop: Shop, log: AuditLog, override: bool, purpose: str
) -> None:
    assert shop.unlock("Till 3", "11223344", override=override).status_code == 401
    assert without_time(log.new()) == [
        entry("unlock_failed", actor=None, terminal=till(shop, "Till 3"), attempt=1,
              purpose=purpose),
    ]


def test_a_refused_unlock_ends_nothing(shop: Shop, log: AuditLog) -> None:
    live = shop.unlock_ok("Till 1", "Mealea Sok")
    log.new()
    shop.unlock("Till 1", shop.pins["Mealea Sok"], override=True)
    assert [e["kind"] for e in log.new()] == ["unlock_refused"]
    assert shop.poll("Till 1", live["token"])["state"] == "active"


# -- session ends ------------------------------------------------------------------------------


def test_a_logout_is_ended_by_the_person_who_locked_on_their_till(
    shop: Shop, log: AuditLog, clock: FakeClock
) -> None:
    body = shop.unlock_ok("Till 2", "Mealea Sok")
    log.new()
    clock.advance(42)
    locked = shop.pos("POST", "session/lock", "Till 2", body["token"], json={})
    assert locked.status_code == 200
    mealea, till_2 = person(shop, "Mealea Sok"), till(shop, "Till 2")
    assert (locked.json["state"], locked.json["reason"]) == ("ended", "logout")
    assert locked.json["ended_by"] == mealea
    assert locked.json["ended_on"] == till_2
    assert locked.json["ended_at"] > body["session"]["started_at"]
    events = log.new()
    assert without_time(events) == [
        entry("session_ended", actor=mealea, terminal=till_2, subject=mealea, reason="logout",
              session_id=body["session"]["id"], ended_on="Till 2"),
    ]
    assert events[0]["at"] == locked.json["ended_at"]
    assert shop.poll("Till 2", body["token"]) == locked.json  # the till reads the same


def test_a_manager_who_locks_an_override_session_is_named(shop: Shop, log: AuditLog) -> None:
    body = shop.unlock_ok("Till 2", "Dara Chan", override=True)
    log.new()
    locked = shop.pos("POST", "session/lock", "Till 2", body["token"], json={}).json
    dara = person(shop, "Dara Chan")
    assert (locked["reason"], locked["ended_by"], locked["override"]) == ("logout", dara, True)
    assert [(e["actor"], e["subject"]) for e in log.new()] == [(dara, dara)]


def test_locking_twice_ends_once(shop: Shop, log: AuditLog, clock: FakeClock) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    first = shop.pos("POST", "session/lock", "Till 1", body["token"], json={}).json
    clock.advance(5)
    again = shop.pos("POST", "session/lock", "Till 1", body["token"], json={})
    assert again.status_code == 200 and again.json == first
    assert [e["kind"] for e in log.new()] == ["unlock", "session_ended"]


def test_a_lock_after_the_deadline_is_an_idle_end_by_nobody(
    shop: Shop, log: AuditLog, clock: FakeClock
) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    log.new()
    clock.advance(901)
    locked = shop.pos("POST", "session/lock", "Till 1", body["token"], json={}).json
    assert (locked["reason"], locked["ended_by"], locked["ended_on"]) == (
        "idle_timeout", None, None)
    assert locked["ended_at"] == body["session"]["expires_at"]
    [ended] = log.new()
    assert (ended["actor"], ended["detail"]["reason"]) == (None, "idle_timeout")


@pytest.mark.parametrize("noticed_by", ["poll", "activity", "sweep"])
def test_an_idle_end_names_no_actor(
    shop: Shop, log: AuditLog, clock: FakeClock, noticed_by: str
) -> None:
    body = shop.unlock_ok("Till 1", "Mealea Sok")
    log.new()
    clock.advance(900)
    seen: Json
    if noticed_by == "poll":
        seen = shop.poll("Till 1", body["token"])
    elif noticed_by == "activity":
        seen = dict(shop.pos("POST", "session/activity", "Till 1", body["token"],
                             json={}).json or {})
    else:
        assert pos.sweep_expired(shop.ctx) == 1
        seen = shop.poll("Till 1", body["token"])
    assert (seen["state"], seen["reason"]) == ("ended", "idle_timeout")
    assert (seen["ended_by"], seen["ended_on"]) == (None, None)
    assert seen["ended_at"] == body["session"]["expires_at"]
    events = log.new()
    assert without_time(events) == [
        entry("session_ended", actor=None, terminal=till(shop, "Till 1"),
              subject=person(shop, "Mealea Sok"), reason="idle_timeout",
              session_id=body["session"]["id"], ended_on=None),
    ]
    assert events[0]["at"] == body["session"]["expires_at"]


def test_a_replaced_session_names_who_took_the_till(shop: Shop, log: AuditLog) -> None:
    mealea_s = shop.unlock_ok("Till 1", "Mealea Sok")
    log.new()
    vannak_s = shop.unlock_ok("Till 1", "Vannak Kim")
    mealea, vannak, till_1 = (person(shop, "Mealea Sok"), person(shop, "Vannak Kim"),
                              till(shop, "Till 1"))
    assert without_time(log.new()) == [
        entry("session_ended", actor=vannak, terminal=till_1, subject=mealea,
              reason="replaced", session_id=mealea_s["session"]["id"], ended_on="Till 1"),
        entry("unlock", actor=vannak, terminal=till_1, override=False,
              session_id=vannak_s["session"]["id"], ended_elsewhere=[]),
    ]
    ended = shop.poll("Till 1", mealea_s["token"])
    assert (ended["reason"], ended["ended_by"], ended["ended_on"]) == (
        "replaced", vannak, till_1)
    assert vannak_s["ended_elsewhere"] == []  # replacing is not a kick from elsewhere


def test_unlocking_again_on_the_same_till_replaces_and_kicks_nothing(
    shop: Shop, log: AuditLog
) -> None:
    first = shop.unlock_ok("Till 1", "Mealea Sok")
    log.new()
    second = shop.unlock_ok("Till 1", "Mealea Sok")
    assert second["ended_elsewhere"] == []
    [ended, unlock] = log.new()
    assert (ended["detail"]["reason"], ended["detail"]["session_id"]) == (
        "replaced", first["session"]["id"])
    assert unlock["detail"]["ended_elsewhere"] == []

"""What the server answered, as the till's rules read it: outcomes and tolerant parsing.

An HTTP call ends in one of three ``Outcome``\\s: ``Ok`` (a JSON object),
``Refused`` (a 4xx with its SPEC error code) or ``Unreachable`` (no usable
answer: network, timeout, 5xx). The client's HTTP layer makes them; the
till's state machine (``core.till_state``) consumes them, so the rules are
tested without a network.

Parsing is tolerant where tolerance is safe: fields this till does not know
are ignored, an end reason it does not know becomes ``None`` (a generic
banner), a policy value that is missing or odd keeps its default. What the
till cannot act without (a session's id, a token) raises ``BadAnswer``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from nixpos.core.money import Currency
from nixpos.core.policy import Policy
from nixpos.core.reasons import EndReason, Role

Json = dict[str, Any]


@dataclass(frozen=True)
class Ok:
    body: Json
    etag: str | None = None  # the answer's ETag, where it has one
    not_modified: bool = False  # a 304 to If-None-Match: keep what you have


@dataclass(frozen=True)
class Refused:
    status: int
    code: str
    message: str
    extra: Json = field(default_factory=dict)

    @property
    def retry_after_s(self) -> int:
        value = self.extra.get("retry_after_s")
        return value if isinstance(value, int) and value > 0 else 0


@dataclass(frozen=True)
class Unreachable:
    why: str
    garbled: bool = False  # an answer came, but not one the till could read


Outcome = Ok | Refused | Unreachable


class BadAnswer(ValueError):
    """The server's answer lacks something the till cannot do without."""


def _text(data: Json, name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) else None


def _object(data: Json, name: str) -> Json:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_policy(data: object, fallback: Policy | None = None) -> Policy:
    """A ``Policy`` from its JSON; a missing or unusable value keeps ``fallback``'s."""
    base = fallback or Policy()
    source = data if isinstance(data, dict) else {}
    values: dict[str, int] = {}
    for item in fields(Policy):
        value = source.get(item.name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            values[item.name] = value
        else:
            values[item.name] = getattr(base, item.name)
    policy = Policy(**values)
    return policy if not policy.problems() else base


def parse_reason(value: object) -> EndReason | None:
    """The end reason, or None for one this till does not know."""
    if not isinstance(value, str):
        return None
    try:
        return EndReason(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str

    @property
    def can_approve(self) -> bool:
        """Managers and owners; a role this till does not know approves nothing."""
        return self.role in (Role.MANAGER, Role.OWNER)


def parse_person(data: object) -> Person:
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise BadAnswer("a person without an id")
    return Person(data["id"], _text(data, "name") or "?", _text(data, "role") or "")


@dataclass(frozen=True)
class SessionEnd:
    """How a session ended: what the kick banner tells."""

    reason: EndReason | None
    staff: str | None = None  # whose session it was
    by: str | None = None  # who caused it
    on: str | None = None  # on which till (for signed_in_elsewhere)
    at: datetime | None = None
    idle_timeout_s: int | None = None  # the timeout that locked it (idle_timeout)
    parked_items: int | None = None  # its open sale moved with its person (SPEC §7.2)
    parked_client_id: str | None = None  # … which sale that was


@dataclass(frozen=True)
class ServerSession:
    """A ``Session`` of SPEC §3, as far as the till needs it."""

    id: int
    live: bool
    person: Person
    override: bool
    end: SessionEnd | None


def _parked_items(data: object) -> int | None:
    """The units of the cart a session's end parked; None when it parked none."""
    if not isinstance(data, dict):
        return None
    items = data.get("items")
    return items if isinstance(items, int) and not isinstance(items, bool) else 0


def parse_session(data: object) -> ServerSession:
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise BadAnswer("a session without an id")
    person = parse_person(data.get("staff"))
    live = data.get("state") != "ended"
    end = None
    if not live:
        end = SessionEnd(
            reason=parse_reason(data.get("reason")),
            staff=person.name,
            by=_text(_object(data, "ended_by"), "name"),
            on=_text(_object(data, "ended_on"), "name"),
            at=_time(data.get("ended_at")),
            parked_items=_parked_items(data.get("parked_cart")),
            parked_client_id=_text(_object(data, "parked_cart"), "client_id"),
        )
    return ServerSession(data["id"], live, person, data.get("override") is True, end)


@dataclass(frozen=True)
class Unlocked:
    token: str
    session: ServerSession


def parse_unlocked(data: Json) -> Unlocked:
    token = data.get("token")
    if not isinstance(token, str) or not token:
        raise BadAnswer("an unlock without a token")
    return Unlocked(token, parse_session(data.get("session")))


@dataclass(frozen=True)
class TerminalStatus:
    """``GET /api/v1/terminal``: who this till is, its shop's policy and keypad lockout."""

    till: str | None
    shop: str | None
    policy: Policy
    lockout_s: int
    currency: Currency | None = None  # the shop's money, before any menu arrives


def parse_status(data: Json, fallback: Policy) -> TerminalStatus:
    lockout = _object(data, "lockout").get("retry_after_s")
    return TerminalStatus(
        till=_text(_object(data, "terminal"), "name"),
        shop=_text(_object(data, "tenant"), "name"),
        policy=parse_policy(data.get("policy"), fallback),
        lockout_s=lockout if isinstance(lockout, int) and lockout > 0 else 0,
        currency=_currency(data.get("currency")),
    )


def _currency(data: object) -> Currency | None:
    if not isinstance(data, dict):
        return None
    code, exponent = data.get("code"), data.get("exponent")
    if not isinstance(code, str) or not isinstance(exponent, int) or not 0 <= exponent <= 4:
        return None
    return Currency(code, exponent)


@dataclass(frozen=True)
class Approval:
    id: int
    action: str
    approved_by: str


def parse_approval(data: Json) -> Approval:
    approval = _object(data, "approval")
    if not isinstance(approval.get("id"), int):
        raise BadAnswer("an approval without an id")
    return Approval(approval["id"], _text(approval, "action") or "",
                    _text(_object(approval, "approved_by"), "name") or "A manager")

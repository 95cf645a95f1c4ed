"""The open sale follows the person (SPEC §7.1–7.3): the till's side, Qt-free.

Three jobs, each a small part ``core.till_state.TillState`` asks:

- ``CartMirror`` keeps the server's copy of the open cart up to date
  (``PutCart`` / ``DeleteCart``): one call in flight, the latest cart wins, a
  burst of taps is one call more, never one call each.
- Parsing what the server says about parked carts: the unlock reply's
  ``parked_carts`` (``ParkedCart``), the 409 ``open_sale_elsewhere``
  (``Takeover``).
- ``Question``: what the till asks the person — "Continue the sale from
  Till 1?" for a cart parked elsewhere, "… Sign in here and bring it along?"
  before taking over an open sale.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from typing import Any

from nixpos.core.answers import Ok, Outcome, Unreachable

log = logging.getLogger("nixpos.till")

Json = dict[str, Any]


# -- what the till asks of the server ----------------------------------------------------


@dataclass(frozen=True)
class PutCart:
    """``PUT /api/v1/pos/cart``: the open cart (the sale body less payments)."""

    token: str
    body: Json = field(hash=False)


@dataclass(frozen=True)
class DeleteCart:
    """``DELETE /api/v1/pos/cart``: the cart was emptied (or sold)."""

    token: str


@dataclass(frozen=True)
class ResumeCart:
    token: str
    client_id: str


@dataclass(frozen=True)
class DiscardCart:
    token: str
    client_id: str


CartCommand = PutCart | DeleteCart | ResumeCart | DiscardCart


# -- what the server says about parked carts -----------------------------------------------


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class ParkedCart:
    """A cart a session's end parked under its person, as the unlock reply lists it."""

    client_id: str
    items: int
    total: int
    till_id: int | None  # where it was parked
    till: str
    body: Json = field(hash=False, compare=False)  # the Cart: lines, discount, voided


def parse_parked_carts(data: Json) -> list[ParkedCart] | None:
    """The unlock reply's ``parked_carts``, newest first; None from a server without them.

    A cart the till cannot read is left out (it stays parked, for a newer till)."""
    raw = data.get("parked_carts")
    if not isinstance(raw, list):
        return None
    carts = []
    for cart in raw:
        if not isinstance(cart, dict) or not isinstance(cart.get("client_id"), str):
            continue
        lines = cart.get("lines")
        if not isinstance(lines, list) or not all(
                isinstance(line, dict) and _int(line.get("product_id")) is not None
                and _int(line.get("quantity")) is not None
                and _int(line.get("unit_price")) is not None for line in lines):
            continue
        where = cart.get("parked_on")
        where = where if isinstance(where, dict) else {}
        name = where.get("name")
        carts.append(ParkedCart(
            client_id=cart["client_id"],
            items=_int(cart.get("items")) or sum(int(line["quantity"]) for line in lines),
            total=_int(cart.get("total")) or 0,
            till_id=_int(where.get("id")),
            till=name if isinstance(name, str) else "",
            body=cart,
        ))
    return carts


def this_till_id(data: Json) -> int | None:
    """The till an unlock reply's session is on (this till)."""
    session = data.get("session")
    terminal = session.get("terminal") if isinstance(session, dict) else None
    return _int(terminal.get("id")) if isinstance(terminal, dict) else None


@dataclass(frozen=True)
class Takeover:
    """The 409 ``open_sale_elsewhere``: whose open sale, on which till, how big."""

    person: str
    till_id: int | None
    till: str
    items: int
    total: int


def parse_takeover(extra: Json) -> Takeover:
    terminal = extra.get("terminal")
    terminal = terminal if isinstance(terminal, dict) else {}
    staff = extra.get("staff")
    person = staff.get("name") if isinstance(staff, dict) else None
    till = terminal.get("name")
    return Takeover(
        person=person if isinstance(person, str) else "",
        till_id=_int(terminal.get("id")),
        till=till if isinstance(till, str) else "",
        items=_int(extra.get("items")) or 0,
        total=_int(extra.get("total")) or 0,
    )


# -- keeping the server's copy up to date --------------------------------------------------------


class CartMirror:
    """The server's copy of one session's open cart: what it holds, what it should hold.

    ``want`` says what the cart is now (None: empty); it makes a call only when none
    is in flight. When a call's answer comes, the latest cart goes next if it changed
    meanwhile — so 10 taps during one call make one call more, with the last cart.
    Unreachable: ``owed`` until ``retry`` (the till retries when the server answers
    again). A refusal (an older server without carts, a cart sold meanwhile) is not
    sent again; the next change is.
    """

    def __init__(self) -> None:
        self.token: str | None = None
        self.held: Json | None = None  # what the server holds for the session
        self.wanted: Json | None = None
        self.in_flight: PutCart | DeleteCart | None = None
        self.owed = False  # a call failed for the network: send again once it answers

    def reset(self, token: str | None, held: Json | None = None) -> None:
        """A new session (``token``) whose server copy is ``held``; or none (None)."""
        self.token, self.held, self.wanted = token, held, held
        self.in_flight, self.owed = None, False

    def want(self, body: Json | None) -> list[PutCart | DeleteCart]:
        self.wanted = body
        return self.flush()

    def adopt(self, body: Json | None) -> None:
        """The server holds ``body`` now (a cart resumed): only changes from it are sent."""
        self.held = body

    def last(self, body: Json | None) -> None:
        """The session ended (a lock) with this cart: ``flush`` sends it before the end."""
        self.wanted = body

    @property
    def dirty(self) -> bool:
        return self.wanted != self.held

    def busy_with(self, token: str) -> bool:
        return self.in_flight is not None and self.in_flight.token == token

    def flush(self) -> list[PutCart | DeleteCart]:
        """The call that brings the server to ``wanted``, unless one is on its way."""
        if self.token is None or self.in_flight is not None or self.owed:
            return []
        if not self.dirty:
            return []
        call: PutCart | DeleteCart = (PutCart(self.token, self.wanted) if self.wanted is not None
                                      else DeleteCart(self.token))
        self.in_flight = call
        return [call]

    def retry(self) -> list[PutCart | DeleteCart]:
        """The server answers again: what failed goes now, with the latest cart."""
        self.owed = False
        return self.flush()

    def answered(self, call: PutCart | DeleteCart, outcome: Outcome
                 ) -> list[PutCart | DeleteCart]:
        if call != self.in_flight:
            return []  # a session this till has left
        self.in_flight = None
        if isinstance(outcome, Unreachable):
            self.owed = True
            return []
        if not isinstance(outcome, Ok):
            log.warning("the server did not take the open cart: %s %s", outcome.status,
                        outcome.code)
        # Held, or refused for good: either way, not sent again until it changes.
        self.held = call.body if isinstance(call, PutCart) else None
        return self.flush()


# -- what the till asks the person -------------------------------------------------------------


class QuestionKind(enum.Enum):
    CONTINUE = "continue"  # a cart parked elsewhere: Continue / Discard
    TAKE_OVER = "take_over"  # an open sale on another till: Yes / No


@dataclass
class Question:
    id: int
    kind: QuestionKind
    parked: ParkedCart | None = None  # CONTINUE
    takeover: Takeover | None = None  # TAKE_OVER
    pin: str = field(default="", repr=False)  # TAKE_OVER: in memory for the one retry
    override: bool = False  # TAKE_OVER: the unlock was a manager override
    error: str = ""
    busy: bool = False  # the answer is with the server
    asked_at: float = 0.0  # TAKE_OVER: ticker seconds, for its time limit


@dataclass(frozen=True)
class QuestionView:
    id: int
    kind: QuestionKind
    text: str
    yes: str
    no: str
    error: str
    enabled: bool

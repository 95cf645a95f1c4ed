"""Open carts as rows (SPEC §7): parked at a session's end, offered to their person, sold.

These are the steps other services take inside their own transactions: ``ending``
parks a session's live cart, ``pos.unlock`` asks whether the person has an open
sale on another till and lists their parked carts, ``sales`` marks a sold cart.
What a till calls (PUT/DELETE the cart, resume, discard) is ``services.carts``.

Locks: a cart is always changed under its session's row lock (taken first by
whoever ends, unlocks or sells), and resume and discard lock the cart row itself,
so two tills can never both take one cart.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from nixpos.server.models import Cart, CartState, PosSession, Staff, Terminal
from nixpos.server.services.represent import Json, iso, staff_json, terminal_json


def live_cart(s: Session, session: PosSession) -> Cart | None:
    """The session's open cart, row-locked."""
    return s.scalar(select(Cart).where(Cart.session_id == session.id,
                                       Cart.state == CartState.LIVE.value)
                    .with_for_update(key_share=True))


def park(s: Session, session: PosSession, reason: str, now: datetime) -> None:
    """The ending ``session``'s live cart goes under its person, if it holds anything;
    the session keeps what it parked, for the till it was taken from."""
    cart = live_cart(s, session)
    if cart is None:
        return
    if cart.items == 0:
        s.delete(cart)  # an empty cart is no sale to continue
        return
    cart.state = CartState.PARKED.value
    cart.parked_at = now
    cart.reason = reason
    session.parked_client_id = cart.client_id
    session.parked_items = cart.items
    session.parked_total = cart.total


def open_sale_elsewhere(s: Session, staff: Staff, terminal: Terminal, now: datetime
                        ) -> Cart | None:
    """The person's non-empty cart live on another till (the newest), if any. A session
    whose idle deadline passed is not asked about: it ends (and parks) anyway."""
    return s.scalar(
        select(Cart).join(PosSession, PosSession.id == Cart.session_id)
        .where(PosSession.staff_id == staff.id, PosSession.ended_at.is_(None),
               PosSession.terminal_id != terminal.id, PosSession.expires_at > now,
               Cart.state == CartState.LIVE.value, Cart.items > 0)
        .options(joinedload(Cart.terminal))
        .order_by(Cart.updated_at.desc(), Cart.id.desc()).limit(1))


def parked_carts(s: Session, staff_id: int) -> list[Cart]:
    """The person's parked carts, newest first."""
    return list(s.scalars(
        select(Cart).where(Cart.staff_id == staff_id, Cart.state == CartState.PARKED.value)
        .options(joinedload(Cart.terminal))
        .order_by(Cart.parked_at.desc(), Cart.id.desc())))


def live_carts_of(s: Session, session_ids: list[int]) -> dict[int, Cart]:
    """The live carts of these sessions, by session id (the back office's live list)."""
    if not session_ids:
        return {}
    return {cart.session_id: cart for cart in s.scalars(
        select(Cart).where(Cart.session_id.in_(session_ids),
                           Cart.state == CartState.LIVE.value))}


def shop_parked_carts(s: Session, tenant_id: int) -> list[Cart]:
    """Every parked cart of the shop, by person's name, each person's newest first."""
    return list(s.scalars(
        select(Cart).join(Staff, Staff.id == Cart.staff_id)
        .where(Cart.tenant_id == tenant_id, Cart.state == CartState.PARKED.value)
        .options(joinedload(Cart.terminal), joinedload(Cart.staff))
        .order_by(Staff.name, Staff.id, Cart.parked_at.desc(), Cart.id.desc())))


def sold(s: Session, tenant_id: int, client_id: str) -> None:
    """A sale with this ``client_id`` was recorded: its cart is never offered again."""
    s.execute(update(Cart).where(Cart.tenant_id == tenant_id, Cart.client_id == client_id,
                                 Cart.state.in_([CartState.LIVE.value, CartState.PARKED.value]))
              .values(state=CartState.SOLD.value))


def cart_json(cart: Cart) -> Json:
    """``Cart``: the body as the till sent it, with ``items``, ``total`` and ``updated_at``."""
    return dict(cart.body) | {"items": cart.items, "total": cart.total,
                              "updated_at": iso(cart.updated_at)}


def open_cart_json(cart: Cart) -> Json:
    """A live cart as the back office shows it beside its session."""
    return {"client_id": cart.client_id, "items": cart.items, "total": cart.total,
            "updated_at": iso(cart.updated_at)}


def shop_parked_json(cart: Cart) -> Json:
    """A parked cart as the back office lists it: whose, where, when and why."""
    return open_cart_json(cart) | {
        "staff": staff_json(cart.staff), "parked_at": iso(cart.parked_at),
        "parked_on": terminal_json(cart.terminal), "reason": cart.reason,
        "lines": cart.body.get("lines", [])}


def parked_cart_json(cart: Cart) -> Json:
    return cart_json(cart) | {"parked_at": iso(cart.parked_at),
                              "parked_on": terminal_json(cart.terminal),
                              "reason": cart.reason}

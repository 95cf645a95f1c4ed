"""The till's calls about open carts (SPEC §7.1–7.2): mirror, clear, resume and discard.

Every call needs a live session of the till (``invalid_token`` otherwise: an ended
session's cart was parked by its end). The server prices a cart with
``core.pricing`` from the cart's own unit prices — the sale will be checked against
the catalog when it is paid — and never trusts a till's sums.

- ``PUT``: the body becomes this session's one live cart (another ``client_id``
  replaces the previous one). A ``client_id`` that is another cart's (someone
  else's, parked, discarded) or already sold is ``cart_taken``.
- ``resume``: one of the person's parked carts becomes this session's live cart;
  the cart row is locked, so of two racing resumes exactly one wins, the other is
  told ``cart_taken``. ``discard`` likewise, audited.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from nixpos.server.errors import CartTaken, InvalidToken, NotFound
from nixpos.server.models import Cart, CartState, PosSession, Sale
from nixpos.server.services import audit, parking
from nixpos.server.services.context import ServerContext
from nixpos.server.services.parking import cart_json
from nixpos.server.services.pos import find_session
from nixpos.server.services.represent import Json
from nixpos.server.services.sale_request import CartRequest
from nixpos.server.services.sales import known_products, priced


def _live_session(s: Session, ctx: ServerContext, key: str | None, token: str | None,
                  tenant_header: str | None, now: datetime) -> PosSession:
    """The bearer's session, row-locked, if it is live (and its deadline not passed)."""
    session = find_session(s, key, token, tenant_header, for_update=True)
    if not session.is_live or session.expires_at <= now:
        raise InvalidToken("This session has ended; its open sale moved with its person. "
                           "Unlock again to continue it.")
    return session


def put_cart(ctx: ServerContext, key: str | None, token: str | None,
             tenant_header: str | None, request: CartRequest) -> Json:
    now = ctx.now()
    with ctx.db.write() as s:
        session = _live_session(s, ctx, key, token, tenant_header, now)
        known_products(s, session.tenant_id, request)
        totals = priced(request, session.terminal.tenant.tax_rate_bp)
        cart = s.scalar(select(Cart).where(Cart.tenant_id == session.tenant_id,
                                           Cart.client_id == request.client_id)
                        .with_for_update(key_share=True))
        if cart is not None and not (cart.session_id == session.id
                                     and cart.state == CartState.LIVE.value):
            raise CartTaken("Another open sale already has this client_id (someone else's, "
                            "parked or discarded). Make a new client_id for a new cart.")
        if cart is None and s.scalar(select(Sale.id).where(
                Sale.tenant_id == session.tenant_id,
                Sale.client_id == request.client_id)) is not None:
            raise CartTaken("This cart was already sold. Start a new sale.")
        previous = parking.live_cart(s, session)
        if previous is not None and previous is not cart:
            s.delete(previous)  # one live cart per session: the newest replaces it
            s.flush()
        if cart is None:
            cart = Cart(tenant_id=session.tenant_id, client_id=request.client_id,
                        staff_id=session.staff_id, session_id=session.id,
                        terminal_id=session.terminal_id, state=CartState.LIVE.value)
            s.add(cart)
        cart.body = request.content()
        cart.items = request.items
        cart.total = totals.total
        cart.updated_at = now
        s.flush()
        return {"cart": cart_json(cart)}


def delete_cart(ctx: ServerContext, key: str | None, token: str | None,
                tenant_header: str | None) -> None:
    """The till's cart was emptied or sold: this session has no open cart any more."""
    now = ctx.now()
    with ctx.db.write() as s:
        session = _live_session(s, ctx, key, token, tenant_header, now)
        if (cart := parking.live_cart(s, session)) is not None:
            s.delete(cart)


def _parked(s: Session, session: PosSession, client_id: str) -> Cart:
    """The person's cart with this ``client_id``, row-locked, if it is still parked."""
    cart: Cart | None = s.scalar(
        select(Cart).where(Cart.tenant_id == session.tenant_id, Cart.client_id == client_id)
        # Only the cart's row is locked (PostgreSQL locks no outer-joined till).
        .options(joinedload(Cart.terminal)).with_for_update(key_share=True, of=Cart))
    if cart is None or cart.staff_id != session.staff_id:
        raise NotFound("No open sale of yours with that client_id.")
    if cart.state != CartState.PARKED.value:
        raise CartTaken()
    return cart


def resume(ctx: ServerContext, key: str | None, token: str | None, tenant_header: str | None,
           client_id: str) -> Json:
    """The parked cart becomes this session's live cart (replacing any it had)."""
    now = ctx.now()
    with ctx.db.write() as s:
        session = _live_session(s, ctx, key, token, tenant_header, now)
        cart = _parked(s, session, client_id)
        previous = parking.live_cart(s, session)
        if previous is not None:
            s.delete(previous)
        cart.state = CartState.LIVE.value
        cart.session_id = session.id
        cart.terminal_id = session.terminal_id
        cart.parked_at = None
        cart.reason = None
        cart.updated_at = now
        s.flush()
        return {"cart": cart_json(cart)}


def discard(ctx: ServerContext, key: str | None, token: str | None, tenant_header: str | None,
            client_id: str) -> Json:
    """The person does not want the parked sale: it is never offered again (audited)."""
    now = ctx.now()
    with ctx.db.write() as s:
        session = _live_session(s, ctx, key, token, tenant_header, now)
        cart = _parked(s, session, client_id)
        answer = cart_json(cart)
        audit.record(s, tenant_id=session.tenant_id, at=now,
                     kind=audit.AuditKind.CART_DISCARDED, actor=session.staff,
                     terminal=session.terminal, client_id=cart.client_id, items=cart.items,
                     total=cart.total, parked_on=cart.terminal.name,
                     parked_at=cart.parked_at.isoformat() if cart.parked_at else None)
        cart.state = CartState.DISCARDED.value
        cart.updated_at = now
        return {"cart": answer}

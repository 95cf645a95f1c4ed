"""Recording a sale a till sends (SPEC §6, ``POST /pos/sales``) and reading sales back.

The server never trusts a till's sums: it looks up every product, recomputes
the sale with ``core.pricing`` (the functions the till used) and settles the
payments against its own total. The checks run in this order, so the answer
names the first thing wrong:

1. the till's key and the bearer — of a session that may have ended meanwhile
   (a kick or an idle lock during payment never loses a paid sale) — or, for a
   sale queued offline whose token is gone, the ``session_id`` and its ``proof``
   (SPEC §7.4: ``invalid_token`` if that session is not this till's,
   ``invalid_proof`` if the proof does not match);
2. ``client_id`` already recorded: the same body is a retry (200, the same
   sale, whatever changed since), another body ``duplicate_client_id``;
3. ``completed_at`` within 72 hours back (``too_late``) and 5 minutes ahead;
4. every product this shop's and still sold (``unknown_product``), at the price
   the till used (``price_changed``, with the current products);
5. the discounts (``invalid_request`` if one takes off more than its base),
   the payments (``payment_mismatch``);
6. a cashier's approvals for each discount and void (``approval_required``,
   ``approval_invalid``), spent at once;
7. the next sale number, taken from the shop's counter row under a row lock
   in the same transaction (``BEGIN IMMEDIATE`` on SQLite, ``FOR UPDATE`` on
   PostgreSQL): a refused sale rolls back and consumes no number.

A recorded sale removes the open cart with its ``client_id`` (live or parked), so a
sold cart is never offered again.

Two requests with one ``client_id`` racing each other: the second waits for
the counter, then finds the first one's sale; should both still reach the
insert, the unique constraint refuses one, which is then answered with the
other's sale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from nixpos.core.pricing import PricingError, SaleTotals, line_nets, sale_totals, settle
from nixpos.core.proof import proof_matches
from nixpos.server.db import ROW_LOCK
from nixpos.server.errors import (
    DuplicateClientId,
    InvalidProof,
    InvalidRequest,
    InvalidToken,
    NotFound,
    PriceChanged,
    TooLate,
    UnknownProduct,
    for_code,
)
from nixpos.server.models import (
    MAX_ID,
    Approval,
    PosSession,
    Product,
    Sale,
    SaleCounter,
    SaleLine,
    SalePayment,
    SaleVoid,
)
from nixpos.server.services import audit, parking
from nixpos.server.services.approval_check import audit_spent, spend
from nixpos.server.services.catalog import product_json
from nixpos.server.services.context import ServerContext
from nixpos.server.services.ending import expire_if_idle
from nixpos.server.services.pos import find_session
from nixpos.server.services.represent import Json
from nixpos.server.services.sale_json import load_sales, new_sale_json
from nixpos.server.services.sale_request import CartRequest, SaleRequest
from nixpos.server.services.tenants import get_tenant
from nixpos.server.services.terminals import authenticate

MAX_AGE = timedelta(hours=72)  # SPEC §7: nothing is refused for being late within 72 hours
MAX_AHEAD = timedelta(minutes=5)  # a till's clock may be a little fast, not more
OFFLINE_AFTER = timedelta(seconds=60)
RECENT_MAX = 100


@dataclass(frozen=True)
class Proof:
    """An offline upload's credentials instead of a bearer (SPEC §7.4); ``proof`` is None
    when what the till sent cannot be one (not 64 hex digits)."""

    session_id: int
    proof: str | None


def record_sale(ctx: ServerContext, key: str | None, auth: str | Proof,
                tenant_header: str | None, request: SaleRequest) -> tuple[Json, bool]:
    """The sale, and True if this request created it (False: a retry found it).
    ``auth``: the session's bearer token, or an offline upload's ``Proof``."""
    digest = request.digest()
    try:
        return _record(ctx, key, auth, tenant_header, request, digest)
    except IntegrityError:
        # The same client_id won a race to the insert on another connection: this
        # round finds its sale (and a real fault would fail the same way again).
        return _record(ctx, key, auth, tenant_header, request, digest)


def _proven_session(s: Session, key: str | None, tenant_header: str | None, proof: Proof,
                    client_id: str) -> PosSession:
    """The session an offline upload names: this till's (live or ended), and the proof
    made with its token over this ``client_id``."""
    terminal = authenticate(s, key, tenant_header, for_update=True)
    session = s.get(PosSession, proof.session_id, with_for_update=ROW_LOCK)
    if session is None or session.terminal_id != terminal.id:
        raise InvalidToken("No session with that session_id on this till. Send the sale "
                           "from the till it was made on.")
    if proof.proof is None or not proof_matches(bytes.fromhex(session.token_hash), client_id,
                                                proof.proof):
        raise InvalidProof()
    set_committed_value(session, "terminal", terminal)
    return session


def _record(ctx: ServerContext, key: str | None, auth: str | Proof, tenant_header: str | None,
            request: SaleRequest, digest: str) -> tuple[Json, bool]:
    now = ctx.now()
    with ctx.db.write() as s:
        session = find_session(s, key, auth, tenant_header, for_update=True) \
            if isinstance(auth, str) else \
            _proven_session(s, key, tenant_header, auth, request.client_id)
        if (found := _already(s, session.tenant_id, request.client_id, digest)) is not None:
            return found, False
        _check_time(request.completed_at, now)
        offline = now - request.completed_at > OFFLINE_AFTER
        products, repriced = _products(s, session.tenant_id, request, paid_offline=offline)
        totals = priced(request, session.terminal.tenant.tax_rate_bp)
        try:
            payments = settle(totals.total, request.payments)
        except PricingError as refusal:
            raise for_code(refusal.code, str(refusal)) from None
        approvals = _spend_approvals(s, session, request, products, now)
        expire_if_idle(s, session, now)  # an idle lock during payment ends it now

        # The number last, once nothing can refuse the sale any more.
        counter = _locked_counter(s, session.tenant_id)
        # A racing request with this client_id may have got there first. (On SQLite the
        # whole transaction is one writer at a time, so the first look already was.)
        if not ctx.db.is_sqlite and (found := _already(
                s, session.tenant_id, request.client_id, digest)) is not None:
            return found, False
        counter.last_number += 1
        sale = Sale(
            tenant_id=session.tenant_id, number=counter.last_number,
            client_id=request.client_id,
            body_digest=digest, session_id=session.id, staff_id=session.staff_id,
            terminal_id=session.terminal_id, gross=totals.gross, subtotal=totals.subtotal,
            discount_amount=totals.sale_discount, discount_total=totals.discount_total,
            total=totals.total, tax_included=totals.tax_included,
            change=sum(p.change for p in payments), refunded=0,
            after_session_end=session.ended_at is not None
            and request.completed_at > session.ended_at,
            offline=offline, completed_at=request.completed_at, received_at=now,
        )
        if request.discount is not None:
            sale.discount_kind = request.discount.kind.value
            sale.discount_value = request.discount.value
            sale.discount_approval_id = approvals.sale_discount
        s.add(sale)
        s.flush()
        # Lines, voids and payments as plain rows, one INSERT each: the ORM's bookkeeping
        # of an object per line would cost more than the SQL.
        lines = _lines(sale, request, totals, products, approvals.lines)
        voids = [{"sale_id": sale.id, "position": n, "product_id": void.product_id,
                  "name": products[void.product_id].name, "quantity": void.quantity,
                  "approval_id": approval_id}
                 for n, (void, approval_id) in enumerate(zip(request.voided, approvals.voids,
                                                             strict=True))]
        paid = [{"sale_id": sale.id, "position": n, "method": p.method.value,
                 "amount": p.amount, "tendered": p.tendered, "change": p.change}
                for n, p in enumerate(payments)]
        for model, rows in ((SaleLine, lines), (SaleVoid, voids), (SalePayment, paid)):
            if rows:
                s.execute(insert(model), rows)
        for row, line_id in zip(lines, s.scalars(select(SaleLine.id).where(
                SaleLine.sale_id == sale.id).order_by(SaleLine.position)), strict=True):
            row["id"] = line_id
        parking.sold(s, sale.tenant_id, sale.client_id)
        _audit(s, session, sale, now, proof=not isinstance(auth, str), repriced=repriced)
        audit_spent(s, approvals.spent, session, now, sale_id=sale.id, sale_number=sale.number)
        s.flush()
        return new_sale_json(sale, lines, voids, paid, session.staff, session.terminal), True


def _already(s: Session, tenant_id: int, client_id: str, digest: str) -> Json | None:
    """The sale this ``client_id`` already made, if the body is the same; refuses
    a different body under the same id."""
    existing = s.execute(select(Sale.id, Sale.body_digest).where(
        Sale.tenant_id == tenant_id, Sale.client_id == client_id)).one_or_none()
    if existing is None:
        return None
    if existing.body_digest != digest:
        raise DuplicateClientId()
    return load_sales(s, Sale.id == existing.id)[0]


def _check_time(completed_at: datetime, now: datetime) -> None:
    if completed_at > now + MAX_AHEAD:
        raise InvalidRequest("completed_at is more than 5 minutes in the future: check the "
                             "till's clock.")
    if completed_at < now - MAX_AGE:
        raise TooLate()


def _products(s: Session, tenant_id: int, request: SaleRequest, *, paid_offline: bool
              ) -> tuple[dict[int, Product], list[int]]:
    """The products the sale names, all this shop's, and those whose price is not the
    one the till used. A sale still in front of its customer must be at today's prices
    (``price_changed``: the cashier agrees the new total) of products still sold. One
    paid while the till was offline was paid as the till priced it: it is recorded so
    (its audit entry names the prices that differ), never refused for it."""
    found = known_products(s, tenant_id, request, sellable=not paid_offline)
    moved = sorted({x.product_id for x in request.lines
                    if x.unit_price != found[x.product_id].price})
    if moved and not paid_offline:
        raise PriceChanged(products=[product_json(found[pid]) for pid in moved])
    return found, moved


def known_products(s: Session, tenant_id: int, request: CartRequest, *, sellable: bool = True
                   ) -> dict[int, Product]:
    """The products a sale or a cart names, all this shop's and (``sellable``) sold
    lines' still sellable (``unknown_product`` otherwise)."""
    wanted = {x.product_id for x in request.lines} | {v.product_id for v in request.voided}
    found = {p.id: p for p in s.scalars(
        select(Product).where(Product.id.in_(wanted), Product.tenant_id == tenant_id)
        .options(joinedload(Product.category)))}
    sold = {x.product_id for x in request.lines} if sellable else set()
    unknown = sorted(pid for pid in wanted
                     if pid not in found or (pid in sold and not found[pid].sellable))
    if unknown:
        raise UnknownProduct(f"Product {', '.join(map(str, unknown))} is not sold here (any "
                             "more). Refresh the catalog and take it off the sale.",
                             product_ids=unknown)
    return found


def priced(request: CartRequest, tax_rate_bp: int) -> SaleTotals:
    """The sum of a sale or a cart, by ``core.pricing`` (the till's own functions)."""
    try:
        return sale_totals([x.line() for x in request.lines],
                           request.discount.discount if request.discount else None, tax_rate_bp)
    except PricingError as refusal:
        raise for_code(refusal.code, str(refusal)) from None


def _words(detail: Json) -> str:
    return f"{detail['value']} %" if detail["kind"] == "percent" else f"{detail['value']} off"


@dataclass
class Approved:
    """The approvals a sale spent: on its discount, on each line, on each void."""

    sale_discount: int | None = None
    lines: list[int | None] = field(default_factory=list)
    voids: list[int | None] = field(default_factory=list)
    spent: list[Approval] = field(default_factory=list)

    def keep(self, approval: Approval | None) -> int | None:
        if approval is None:
            return None
        self.spent.append(approval)
        return approval.id


def _spend_approvals(s: Session, session: PosSession, request: SaleRequest,
                     products: dict[int, Product], now: datetime) -> Approved:
    approved = Approved()
    if (discount := request.discount) is not None:
        approved.sale_discount = approved.keep(spend(
            s, discount.approval_id, session=session, action="discount",
            detail=discount.detail, now=now,
            what=f"the sale discount ({_words(discount.detail)})"))
    for wanted in request.lines:
        approved.lines.append(None if wanted.discount is None else approved.keep(spend(
            s, wanted.discount.approval_id, session=session, action="discount",
            detail=wanted.discount.detail, now=now,
            what=f"the discount on {products[wanted.product_id].name} "
                 f"({_words(wanted.discount.detail)})")))
    for void in request.voided:
        approved.voids.append(approved.keep(spend(
            s, void.approval_id, session=session, action="void_line", detail=void.detail,
            now=now, what=f"voiding {void.quantity} × {products[void.product_id].name}")))
    return approved


def _locked_counter(s: Session, tenant_id: int) -> SaleCounter:
    """The shop's sale counter, row-locked until the sale commits or rolls back."""
    counter = s.get(SaleCounter, tenant_id, with_for_update=True)
    if counter is None:  # a shop whose row went missing: carry on from its last sale
        last = s.scalar(select(func.max(Sale.number)).where(Sale.tenant_id == tenant_id))
        counter = SaleCounter(tenant_id=tenant_id, last_number=last or 0)
        s.add(counter)
    return counter


def _lines(sale: Sale, request: SaleRequest, totals: SaleTotals,
           products: dict[int, Product], approval_ids: list[int | None]) -> list[Json]:
    """The sale's lines as ``sale_lines`` rows: name and price as sold, each line's net
    after its share of the sale discount."""
    nets = line_nets([t.total for t in totals.lines], totals.sale_discount)
    rows = []
    for n, (wanted, total, net, approval_id) in enumerate(
            zip(request.lines, totals.lines, nets, approval_ids, strict=True)):
        product = products[wanted.product_id]
        discount = wanted.discount
        rows.append({
            "sale_id": sale.id, "position": n, "product_id": product.id, "name": product.name,
            "sku": product.sku, "quantity": wanted.quantity, "unit_price": wanted.unit_price,
            "discount_kind": discount.kind.value if discount else None,
            "discount_value": discount.value if discount else None,
            "discount_amount": total.discount, "discount_approval_id": approval_id,
            "total": total.total, "net": net, "refunded_quantity": 0, "refunded_amount": 0})
    return rows


def _audit(s: Session, session: PosSession, sale: Sale, now: datetime, *, proof: bool,
           repriced: list[int]) -> None:
    # An upload with a proof (its till had restarted) says so, and an offline sale at
    # prices changed since names those products; others keep their old detail.
    extra: dict[str, Any] = {"uploaded_with_proof": True} if proof else {}
    if repriced:
        extra["prices_differed"] = repriced
    audit.record(s, tenant_id=sale.tenant_id, at=now, kind=audit.AuditKind.SALE,
                 actor=session.staff, terminal=session.terminal, sale_id=sale.id,
                 number=sale.number, total=sale.total, session_id=session.id,
                 offline=sale.offline, **extra)
    if sale.after_session_end:
        audit.record(s, tenant_id=sale.tenant_id, at=now,
                     kind=audit.AuditKind.SALE_AFTER_SESSION_END, actor=session.staff,
                     terminal=session.terminal, sale_id=sale.id, number=sale.number,
                     session_id=session.id, session_reason=session.reason,
                     session_ended_at=session.ended_at.isoformat() if session.ended_at else None,
                     completed_at=sale.completed_at.isoformat())


# -- reading ------------------------------------------------------------------------------


def recent_sales(ctx: ServerContext, key: str | None, token: str | None,
                 tenant_header: str | None, limit: int) -> Json:
    """This till's newest sales first (the till's recent-sales list, for reprints and
    refunds)."""
    with ctx.db.read() as s:
        session = find_session(s, key, token, tenant_header)
        return {"sales": load_sales(s, Sale.terminal_id == session.terminal_id,
                                    limit=min(limit, RECENT_MAX))}


def get_sale(ctx: ServerContext, key: str | None, token: str | None,
             tenant_header: str | None, sale_id: int) -> Json:
    """One of this shop's sales, from any of its tills."""
    with ctx.db.read() as s:
        session = find_session(s, key, token, tenant_header)
        found = load_sales(s, Sale.id == sale_id, Sale.tenant_id == session.tenant_id) \
            if 0 < sale_id <= MAX_ID else []
        if not found:
            raise NotFound(f"No sale with id {sale_id} in this shop.")
        return found[0]


def office_sale(ctx: ServerContext, tenant_code: str, sale_id: int) -> Json:
    """One sale for the back office: the ``Sale`` plus ``approvals`` (who approved what)."""
    with ctx.db.read() as s:
        tenant = get_tenant(s, tenant_code)
        found = load_sales(s, Sale.id == sale_id, Sale.tenant_id == tenant.id,
                           approvals=True) if 0 < sale_id <= MAX_ID else []
        if not found:
            raise NotFound(f"No sale with id {sale_id} in this shop.")
        return found[0]

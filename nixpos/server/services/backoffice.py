"""What managers and owners do from the back office, over a signed-in web session.

Roles (SPEC §1, issue 4): managers manage cashiers and tills; only owners
manage managers and owners. Every action here is audited with who did it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from nixpos.core.reasons import EndReason, Role
from nixpos.server.db import EVERYTHING, ROW_LOCK, mark_changed
from nixpos.server.errors import Forbidden, InvalidRequest, NotFound
from nixpos.server.models import MAX_ID, PosSession, Staff, Terminal, WebSession
from nixpos.server.services import (
    audit,
    catalog,
    parking,
    reports,
    sales,
    tenants,
    web_sessions,
)
from nixpos.server.services import staff as staff_service
from nixpos.server.services import terminals as terminals_service
from nixpos.server.services.catalog import KEEP, Keep, ProductFields
from nixpos.server.services.context import ServerContext
from nixpos.server.services.ending import end_live_sessions_of, end_live_sessions_on, end_session
from nixpos.server.services.pos import sweep_expired
from nixpos.server.services.reports import ReportQuery
from nixpos.server.services.represent import (
    Json,
    admin_session_json,
    admin_staff_json,
    admin_terminal_json,
    audit_json,
    session_json,
    staff_json,
    tenant_policy_json,
    terminal_json,
    web_session_json,
)

T = TypeVar("T")


class Admin:
    """One back-office request: the context plus the signed-in person's bearer token."""

    def __init__(self, ctx: ServerContext, token: str | None, tenant_header: str | None) -> None:
        self.ctx = ctx
        self.token = token
        self.tenant_header = tenant_header

    def _run(self, action: Callable[[Session, WebSession, Staff], T]) -> T:
        with self.ctx.db.write() as s:
            web = web_sessions.authenticate(s, self.ctx, self.token, self.tenant_header)
            return action(s, web, web.staff)

    def authenticate(self) -> None:
        """Refuse now (``unauthorized``) unless the token names a live back-office session."""
        self._run(lambda s, web, me: None)

    # -- reading -------------------------------------------------------------

    def sessions(self) -> Json:
        sweep_expired(self.ctx)

        def read(s: Session, web: WebSession, me: Staff) -> Json:
            live = list(s.scalars(
                select(PosSession)
                .where(PosSession.tenant_id == me.tenant_id, PosSession.ended_at.is_(None))
                .order_by(PosSession.started_at.desc())
            ))
            carts = parking.live_carts_of(s, [x.id for x in live])
            return {
                "pos": [admin_session_json(x) | {
                    "cart": parking.open_cart_json(carts[x.id]) if x.id in carts else None}
                    for x in live],
                "parked_carts": [parking.shop_parked_json(cart)
                                 for cart in parking.shop_parked_carts(s, me.tenant_id)],
                "web": [
                    web_session_json(w, web.id)
                    for w in web_sessions.live_web_sessions(s, self.ctx, me)
                ],
            }

        return self._run(read)

    def me(self) -> Json:
        return self._run(lambda s, web, me: staff_json(me) | {"tenant": me.tenant.code})

    def whoami(self) -> Json:
        """``me`` with the shop's name (for the pages' header), its currency and time zone
        (for the amounts and times every page shows)."""
        return self._run(lambda s, web, me: staff_json(me) | {
            "tenant": me.tenant.code, "shop": me.tenant.name, "web_session_id": web.id,
            "currency": catalog.currency_json(me.tenant), "timezone": me.tenant.timezone})

    def staff_list(self) -> Json:
        def read(s: Session, web: WebSession, me: Staff) -> Json:
            people = s.scalars(
                select(Staff).where(Staff.tenant_id == me.tenant_id).order_by(Staff.name)
            )
            return {"staff": [admin_staff_json(p) for p in people]}

        return self._run(read)

    def terminals(self) -> Json:
        now = self.ctx.now()

        def read(s: Session, web: WebSession, me: Staff) -> Json:
            tills = s.scalars(
                select(Terminal).where(Terminal.tenant_id == me.tenant_id).order_by(Terminal.name)
            )
            return {"terminals": [admin_terminal_json(t, now) for t in tills]}

        return self._run(read)

    def audit_log(self, limit: int, before_id: int | None, *, staff_id: int | None = None,
                  terminal_id: int | None = None, kind: str | None = None) -> Json:
        def read(s: Session, web: WebSession, me: Staff) -> Json:
            rows = audit.events(s, me.tenant_id, limit=limit, before_id=before_id,
                                staff_id=staff_id, terminal_id=terminal_id, kind=kind)
            return {"events": [audit_json(e) for e in rows]}

        return self._run(read)

    def policy(self) -> Json:
        def read(s: Session, web: WebSession, me: Staff) -> Json:
            tenant = me.tenant
            return tenant_policy_json(tenant) | {
                "pos_single_session": tenant.pos_single_session,
                "web_single_session": tenant.web_single_session,
            }

        return self._run(read)

    # -- acting through the shared services ----------------------------------

    def _me(self) -> tuple[Staff, str]:
        """The signed-in person (detached) and their shop's code."""
        return self._run(lambda s, web, me: (me, me.tenant.code))

    def add_staff(self, name: str, role: str, terminals: list[str] | None, email: str | None,
                  password: str | None) -> Json:
        """``terminals``: the names of the tills they may unlock; None for every till."""
        me, shop = self._me()
        if Role(me.role) is not Role.OWNER and staff_service.parse_role(role) is not Role.CASHIER:
            raise Forbidden("Only an owner can add managers and owners.")
        return staff_service.add_staff(self.ctx, shop, name, role, email=email,
                                       password=password, terminals=terminals, actor=me)

    def issue_enrollment_code(self, terminal_name: str) -> Json:
        me, shop = self._me()
        return terminals_service.issue_enrollment_code(self.ctx, shop, terminal_name, actor=me)

    def set_policy(self, **changes: Any) -> Json:
        me, shop = self._me()
        if Role(me.role) is not Role.OWNER:
            raise Forbidden("Only an owner can change the shop's policy.")
        return tenants.set_policy(self.ctx, shop, actor=me, **changes)

    # -- selling: the catalog and the sales report (SPEC §6) -------------------

    def _seller(self) -> tuple[Staff, str]:
        """The signed-in manager or owner (detached) and their shop's code."""
        me, shop = self._me()
        if not Role(me.role).can_approve:
            raise Forbidden("Only managers and owners work with products and sales.")
        return me, shop

    def products(self) -> Json:
        """Every product and category (sellable or not) in the till's order."""
        return catalog.list_products(self.ctx, self._seller()[1])

    def parse_price(self, typed: str) -> int:
        """A price typed in the shop's currency ("3.50") in minor units; refuses "3.505"."""
        return catalog.parse_price(self.ctx, self._seller()[1], typed)

    def add_product(self, fields: ProductFields, *, position: int | None = None) -> Json:
        me, shop = self._seller()
        return catalog.add_product(self.ctx, shop, fields, position=position, actor=me)

    def update_product(self, product_id: int, fields: ProductFields, *,
                       position: int | None = None) -> Json:
        me, shop = self._seller()
        return catalog.update_product(self.ctx, shop, product_id, fields, position=position,
                                      actor=me)

    def move_product(self, product_id: int, position: int) -> Json:
        me, shop = self._seller()
        return catalog.move_product(self.ctx, shop, product_id, position, actor=me)

    def add_category(self, name: str) -> Json:
        me, shop = self._seller()
        return catalog.add_category(self.ctx, shop, name, actor=me)

    def update_category(self, category_id: int, *, name: str | Keep = KEEP,
                        active: bool | Keep = KEEP, position: int | None = None) -> Json:
        me, shop = self._seller()
        return catalog.update_category(self.ctx, shop, category_id, name=name, active=active,
                                       position=position, actor=me)

    def move_category(self, category_id: int, position: int) -> Json:
        me, shop = self._seller()
        return catalog.move_category(self.ctx, shop, category_id, position, actor=me)

    def sales_report(self, query: ReportQuery, *, offset: int = 0,
                     limit: int = reports.PAGE_DEFAULT, include_sales: bool = True) -> Json:
        """Totals (per method, person and till) of the range, and a page of its sales."""
        return reports.sales_report(self.ctx, self._seller()[1], query, offset=offset,
                                    limit=limit, include_sales=include_sales)

    def sales_csv(self, query: ReportQuery) -> tuple[str, str]:
        """Every sale of the range as CSV, and a file name for it."""
        return reports.sales_csv(self.ctx, self._seller()[1], query)

    def sale(self, sale_id: int) -> Json:
        """One sale with who approved what in it (its discounts, voids and refunds)."""
        return sales.office_sale(self.ctx, self._seller()[1], sale_id)

    def sale_audit(self, sale_id: int) -> Json:
        """The audit log's entries about one sale (see ``audit.about_sale``)."""
        self._seller()

        def read(s: Session, web: WebSession, me: Staff) -> Json:
            return {"events": [audit_json(e)
                               for e in audit.about_sale(s, me.tenant_id, sale_id)]}

        return self._run(read)

    # -- acting --------------------------------------------------------------

    def end_pos_session(self, session_id: int) -> Json:
        def act(s: Session, web: WebSession, me: Staff) -> Json:
            session = _owned(s, PosSession, session_id, me)
            end_session(s, session, EndReason.FORCE_ENDED, self.ctx.now(), ended_by=me)
            return session_json(session)

        return self._run(act)

    def reset_pin(self, staff_id: int) -> Json:
        def act(s: Session, web: WebSession, me: Staff) -> Json:
            target = _manageable(s, me, staff_id)
            return {"pin": staff_service.reset_pin(s, self.ctx, target, me)}

        return self._run(act)

    def set_staff_active(self, staff_id: int, active: bool) -> Json:
        def act(s: Session, web: WebSession, me: Staff) -> Json:
            target = _manageable(s, me, staff_id)
            if target.id == me.id:
                raise InvalidRequest("You cannot deactivate yourself. Ask another owner.")
            staff_service.set_active(s, self.ctx, target, active, me)
            return staff_json(target)

        return self._run(act)

    def deactivate_terminal(self, terminal_id: int) -> Json:
        def act(s: Session, web: WebSession, me: Staff) -> Json:
            terminal = _owned(s, Terminal, terminal_id, me)
            now = self.ctx.now()
            if terminal.active:
                mark_changed(s, EVERYTHING)  # its key stops working for every token
                terminal.active = False
                end_live_sessions_on(s, terminal, EndReason.TERMINAL_DEACTIVATED, now, ended_by=me)
                audit.record(
                    s, tenant_id=me.tenant_id, at=now, kind=audit.AuditKind.TERMINAL_DEACTIVATED,
                    actor=me, terminal=terminal,
                )
            return terminal_json(terminal)

        return self._run(act)

    def clear_lockout(self, terminal_id: int) -> Json:
        def act(s: Session, web: WebSession, me: Staff) -> Json:
            terminal = _owned(s, Terminal, terminal_id, me)
            terminal.failed_attempts = 0
            terminal.locked_until = None
            audit.record(
                s, tenant_id=me.tenant_id, at=self.ctx.now(),
                kind=audit.AuditKind.LOCKOUT_CLEARED, actor=me, terminal=terminal,
            )
            return admin_terminal_json(terminal, self.ctx.now())

        return self._run(act)

    def sign_out_everywhere(self) -> Json:
        def act(s: Session, web: WebSession, me: Staff) -> Json:
            now = self.ctx.now()
            reason = EndReason.SIGNED_OUT_EVERYWHERE
            pos = end_live_sessions_of(s, me, reason, now, ended_by=me)
            webs = web_sessions.end_web_sessions_of(s, me, reason, now)
            audit.record(
                s, tenant_id=me.tenant_id, at=now, kind=audit.AuditKind.SIGNED_OUT_EVERYWHERE,
                actor=me, pos_sessions=len(pos), web_sessions=webs,
            )
            return {"ended": len(pos) + webs}

        return self._run(act)

    def end_web_session(self, web_id: int) -> Json:
        """End one of this person's other back-office sessions (not the one asking)."""
        def act(s: Session, web: WebSession, me: Staff) -> Json:
            other = _owned(s, WebSession, web_id, me)
            if other.staff_id != me.id:
                raise NotFound()
            if other.id == web.id:
                raise InvalidRequest("This is the device you are using: sign out instead.")
            if other.ended_at is None:
                other.ended_at = self.ctx.now()
                other.reason = EndReason.FORCE_ENDED.value
                audit.record(s, tenant_id=me.tenant_id, at=other.ended_at,
                             kind=audit.AuditKind.WEB_SIGNOUT, actor=me,
                             device_name=other.device_name)
            return {"ended": 1}

        return self._run(act)

    def sign_out(self) -> Json:
        def act(s: Session, web: WebSession, me: Staff) -> Json:
            web.ended_at = self.ctx.now()
            web.reason = EndReason.LOGOUT.value
            audit.record(
                s, tenant_id=me.tenant_id, at=web.ended_at, kind=audit.AuditKind.WEB_SIGNOUT,
                actor=me,
            )
            return {"ended": 1}

        return self._run(act)


def _owned(s: Session, model: type[Any], row_id: int, me: Staff) -> Any:
    row = s.get(model, row_id, with_for_update=ROW_LOCK) if 0 < row_id <= MAX_ID else None
    if row is None or row.tenant_id != me.tenant_id:
        raise NotFound()
    return row


def _manageable(s: Session, me: Staff, staff_id: int) -> Staff:
    target: Staff = _owned(s, Staff, staff_id, me)
    if Role(me.role) is not Role.OWNER and Role(target.role) is not Role.CASHIER:
        raise Forbidden("Only an owner can change managers and owners.")
    return target

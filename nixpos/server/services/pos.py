"""POS sessions at the till: unlock, poll, activity and lock (SPEC rules 2, 3, 6–8, 10a).

Unlock is one write transaction: it locks the till and the person, ends
whatever was live on this till (``replaced``) and, under
``pos_single_session``, the person's session on any other till
(``signed_in_elsewhere``), then starts the new session. Two unlocks of one
person racing on two tills therefore always leave exactly one live session.

An open sale follows its person (SPEC §7): ending a session parks its cart
(``ending``), so the unlock reply lists the person's ``parked_carts``, those
its own ends just parked included. Under ``ask_before_takeover`` an unlock
whose person has a non-empty cart live on another till is refused with
``open_sale_elsewhere`` — only after the PIN was verified — unless it says
``take_over``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from nixpos.core.reasons import EndReason, Role
from nixpos.server import security
from nixpos.server.db import mark_changed
from nixpos.server.errors import InvalidToken, NotAssigned, NotManager, OpenSaleElsewhere
from nixpos.server.models import PosSession, Staff, Terminal
from nixpos.server.services import audit, parking
from nixpos.server.services.context import ServerContext
from nixpos.server.services.ending import (
    end_live_sessions_of,
    end_live_sessions_on,
    end_session,
    expire_if_idle,
    live_sessions,
)
from nixpos.server.services.pin_check import check_pin
from nixpos.server.services.poll import quick_poll
from nixpos.server.services.represent import (
    Json,
    catalog_etag,
    session_json,
    staff_json,
    tenant_policy_json,
    terminal_json,
)
from nixpos.server.services.terminals import authenticate, seen_long_ago, touch


def unlock(
    ctx: ServerContext, key: str | None, pin: str, override: bool, tenant_header: str | None,
    *, take_over: bool = False,
) -> Json:
    now = ctx.now()
    with ctx.db.write() as s:
        terminal = authenticate(s, key, tenant_header, for_update=True)
        terminal.last_seen_at = now
        staff = check_pin(s, ctx, terminal, pin, purpose="override" if override else "unlock")
        if override and not Role(staff.role).can_approve:
            raise NotManager(after_rollback=_refusal(ctx, terminal, staff, "not_manager"))
        if not override and not staff.may_use(terminal):
            raise NotAssigned(after_rollback=_refusal(ctx, terminal, staff, "not_assigned"))
        tenant = terminal.tenant
        if not take_over and tenant.ask_before_takeover and tenant.pos_single_session and (
                open_sale := parking.open_sale_elsewhere(s, staff, terminal, now)):
            raise OpenSaleElsewhere(
                f"{staff.name} has an open sale on {open_sale.terminal.name} "
                f"({open_sale.items} item{'s' if open_sale.items != 1 else ''}). Unlock again "
                "with \"take_over\": true to sign in here and bring it along.",
                terminal=terminal_json(open_sale.terminal), items=open_sale.items,
                total=open_sale.total, staff=staff_json(staff),
                after_rollback=_refusal(ctx, terminal, staff, "open_sale_elsewhere"))

        end_live_sessions_on(s, terminal, EndReason.REPLACED, now, ended_by=staff)
        kicked: list[PosSession] = []
        if terminal.tenant.pos_single_session:
            ended = end_live_sessions_of(
                s, staff, EndReason.SIGNED_IN_ELSEWHERE, now, ended_by=staff, ended_on=terminal
            )
            kicked = [x for x in ended if x.reason == EndReason.SIGNED_IN_ELSEWHERE]
        s.flush()  # the ends must reach the database before the new live row

        token = security.new_token()
        idle = timedelta(seconds=terminal.tenant.idle_timeout_s)
        session = PosSession(
            tenant_id=terminal.tenant_id,
            staff=staff,
            terminal=terminal,
            token_hash=security.token_hash(token),
            started_at=now,
            last_activity_at=now,
            expires_at=now + idle,
            override=override,
        )
        s.add(session)
        s.flush()
        audit.record(
            s, tenant_id=terminal.tenant_id, at=now, kind=audit.AuditKind.UNLOCK,
            actor=staff, terminal=terminal, override=override, session_id=session.id,
            ended_elsewhere=[x.terminal.name for x in kicked],
        )
        return {
            "token": token,
            "session": session_json(session),
            "ended_elsewhere": [session_json(x) for x in kicked],
            "parked_carts": [parking.parked_cart_json(cart)
                             for cart in parking.parked_carts(s, staff.id)],
        }


def _refusal(ctx: ServerContext, terminal: Terminal, staff: Staff, why: str
             ) -> Callable[[Session], None]:
    """A right PIN refused on this till: only the audit row stays."""
    return audit.after_rollback(
        tenant_id=terminal.tenant_id, at=ctx.now(), kind=audit.AuditKind.UNLOCK_REFUSED,
        actor_id=staff.id, terminal_id=terminal.id, why=why,
    )


def find_session(
    s: Session, key: str | None, token: str | None, tenant_header: str | None, *,
    for_update: bool = False,
) -> PosSession:
    """The session named by the bearer token, which must belong to the till named by the key.

    (The till's own checks, a deactivated till included, are ``terminals.authenticate``'s.)
    """
    terminal = authenticate(s, key, tenant_header, for_update=for_update, token=token)
    session = _by_token(s, token, for_update)
    if session is None or session.terminal_id != terminal.id:
        raise InvalidToken()
    # The session keeps the till (and its shop) it was checked against: the ORM's identity
    # map holds rows weakly, and reading session.terminal later would query it again.
    set_committed_value(session, "terminal", terminal)
    return session


def _by_token(s: Session, token: str | None, for_update: bool) -> PosSession | None:
    if not token:
        return None
    query = select(PosSession).where(PosSession.token_hash == security.token_hash(token))
    return s.scalar(query.with_for_update(key_share=True) if for_update else query)


def polled_json(session: PosSession) -> Json:
    """What the till's poll, activity and lock calls answer: the Session, the policy and
    the catalog's ETag, so a till hears a policy or price change within one poll."""
    tenant = session.terminal.tenant
    return session_json(session) | {"policy": tenant_policy_json(tenant),
                                    "catalog_etag": catalog_etag(tenant.id,
                                                                 tenant.catalog_version)}


def current(ctx: ServerContext, key: str | None, token: str | None, tenant: str | None) -> Json:
    """``GET /pos/session``: the poll. Read-only unless the deadline has just passed."""
    if (body := quick_poll(ctx, key, token, tenant)) is not None:
        return body
    now = ctx.now()
    with ctx.db.read() as s:
        session = find_session(s, key, token, tenant)
        run_out = session.is_live and session.expires_at <= now
        body = polled_json(session)
        terminal_id = session.terminal_id
        stale = seen_long_ago(session.terminal.last_seen_at, now)
    if not run_out:
        if stale:
            touch(ctx, terminal_id)
        return body
    with ctx.db.write() as s:
        session = find_session(s, key, token, tenant, for_update=True)
        expire_if_idle(s, session, now)
        session.terminal.last_seen_at = now
        return polled_json(session)


def activity(ctx: ServerContext, key: str | None, token: str | None, tenant: str | None) -> Json:
    """The user was active: move the deadline (unless the session already ended)."""
    now = ctx.now()
    with ctx.db.write() as s:
        session = find_session(s, key, token, tenant, for_update=True)
        session.terminal.last_seen_at = now
        if not expire_if_idle(s, session, now) and session.is_live:
            mark_changed(s, session.token_hash)
            session.last_activity_at = now
            session.expires_at = now + timedelta(seconds=session.terminal.tenant.idle_timeout_s)
        return polled_json(session)


def lock(ctx: ServerContext, key: str | None, token: str | None, tenant: str | None) -> Json:
    now = ctx.now()
    with ctx.db.write() as s:
        session = find_session(s, key, token, tenant, for_update=True)
        end_session(s, session, EndReason.LOGOUT, now, ended_by=session.staff,
                    ended_on=session.terminal)
        return polled_json(session)


def sweep_expired(ctx: ServerContext) -> int:
    """End every session whose idle deadline has passed; returns how many."""
    now = ctx.now()
    with ctx.db.write() as s:
        expired = live_sessions(s, PosSession.expires_at <= now)
        for session in expired:
            expire_if_idle(s, session, now)
        return len(expired)

"""Ending POS sessions: the one place a session's end is written, with its reason.

Every end (logout, idle, kick, forced) goes through ``end_session`` so the
row, the reason, who did it, where, and the audit entry always agree — and so
every end parks the session's open cart under its person (SPEC §7.2).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nixpos.core.reasons import EndReason
from nixpos.server.db import mark_changed
from nixpos.server.models import PosSession, Staff, Terminal
from nixpos.server.services import audit, parking


def end_session(
    s: Session,
    session: PosSession,
    reason: EndReason,
    now: datetime,
    *,
    ended_by: Staff | None,
    ended_on: Terminal | None = None,
) -> None:
    if not session.is_live:
        return
    if reason is not EndReason.IDLE_TIMEOUT and session.expires_at <= now:
        # It had already run out: say so rather than blame whoever came next.
        reason, ended_by, ended_on, now = EndReason.IDLE_TIMEOUT, None, None, session.expires_at
    mark_changed(s, session.token_hash)
    session.ended_at = now
    session.reason = reason.value
    session.ended_by = ended_by
    session.ended_on = ended_on
    parking.park(s, session, reason.value, now)
    audit.record(
        s,
        tenant_id=session.tenant_id,
        at=now,
        kind=audit.AuditKind.SESSION_ENDED,
        actor=ended_by,
        terminal=session.terminal,
        subject=session.staff,
        reason=reason.value,
        session_id=session.id,
        ended_on=ended_on.name if ended_on else None,
        **({"parked_cart": session.parked_client_id, "parked_items": session.parked_items}
           if session.parked_client_id else {}),
    )


def expire_if_idle(s: Session, session: PosSession, now: datetime) -> bool:
    """End ``session`` with ``idle_timeout`` if its deadline passed; True if it did."""
    if session.is_live and session.expires_at <= now:
        end_session(s, session, EndReason.IDLE_TIMEOUT, session.expires_at, ended_by=None)
        return True
    return False


def live_sessions(s: Session, *conditions: object) -> list[PosSession]:
    query = select(PosSession).where(PosSession.ended_at.is_(None), *conditions)  # type: ignore[arg-type]
    return list(s.scalars(query.order_by(PosSession.id).with_for_update(key_share=True)))


def end_live_sessions_on(
    s: Session, terminal: Terminal, reason: EndReason, now: datetime, *, ended_by: Staff | None
) -> list[PosSession]:
    ended = live_sessions(s, PosSession.terminal_id == terminal.id)
    for session in ended:
        end_session(s, session, reason, now, ended_by=ended_by, ended_on=terminal)
    return ended


def end_live_sessions_of(
    s: Session,
    staff: Staff,
    reason: EndReason,
    now: datetime,
    *,
    ended_by: Staff | None,
    ended_on: Terminal | None = None,
) -> list[PosSession]:
    ended = live_sessions(s, PosSession.staff_id == staff.id)
    for session in ended:
        end_session(s, session, reason, now, ended_by=ended_by, ended_on=ended_on)
    return ended

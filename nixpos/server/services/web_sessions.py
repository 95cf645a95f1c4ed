"""Back-office sign-in sessions: many devices at once by default (SPEC rule 4)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nixpos.core.reasons import EndReason, Role
from nixpos.server import security
from nixpos.server.errors import (
    InvalidCredentials,
    TenantMismatch,
    TooManyAttempts,
    Unauthorized,
)
from nixpos.server.models import Staff, WebSession
from nixpos.server.services import audit
from nixpos.server.services.context import ServerContext, check_tenant
from nixpos.server.services.represent import Json, staff_json
from nixpos.server.text import is_storable

WEB_IDLE_TIMEOUT = timedelta(hours=12)
LAST_ACTIVE_RESOLUTION = timedelta(seconds=30)


def sign_in(
    ctx: ServerContext, email: str, password: str, device_name: str, os_name: str,
    tenant_header: str | None, client: str | None = None,
) -> Json:
    """A new back-office session. Failures are throttled per (e-mail, ``client``) — the
    caller's address — and per ``client``, never per e-mail alone: a stranger guessing
    a manager's password elsewhere does not lock that manager out."""
    now = ctx.now()
    email = email.strip().lower()
    keys = [f"email:{email} client:{client}", f"client:{client}"]
    if wait := ctx.signin_throttle.retry_after_s(keys, now):
        raise TooManyAttempts(wait, ", or ask the owner to reset your password")
    with ctx.db.write() as s:
        # NUL and surrogates can be neither stored nor looked up: no such account.
        staff = (None if not is_storable(email)
                 else s.scalar(select(Staff).where(Staff.email == email)))
        password_ok = security.verify_password(staff.password_hash if staff else None, password)
        if staff is None or not password_ok or not staff.active or not Role(staff.role).can_approve:
            ctx.signin_throttle.failed(keys, now)
            raise InvalidCredentials(after_rollback=None if staff is None else audit.after_rollback(
                tenant_id=staff.tenant_id, at=now, kind=audit.AuditKind.WEB_SIGNIN_FAILED,
                subject_id=staff.id, device_name=device_name))
        check_tenant(staff.tenant, tenant_header)
        ctx.signin_throttle.succeeded(keys[0])
        if staff.tenant.web_single_session:
            end_web_sessions_of(s, staff, EndReason.SIGNED_IN_ELSEWHERE, now)
        token = security.new_token()
        s.add(
            WebSession(
                tenant_id=staff.tenant_id, staff_id=staff.id, token_hash=security.token_hash(token),
                device_name=device_name, os=os_name, created_at=now, last_active_at=now,
            )
        )
        audit.record(
            s, tenant_id=staff.tenant_id, at=now, kind=audit.AuditKind.WEB_SIGNIN, actor=staff,
            device_name=device_name, os=os_name,
        )
        return {"token": token, "staff": staff_json(staff)}


def authenticate(s: Session, ctx: ServerContext, token: str | None, tenant_header: str | None
                 ) -> WebSession:
    """The live back-office session named by the bearer token, for a manager or owner."""
    if not token:
        raise Unauthorized()
    web = s.scalar(select(WebSession).where(WebSession.token_hash == security.token_hash(token)))
    now = ctx.now()
    if web is None or web.ended_at is not None:
        raise Unauthorized("Your back-office session has ended. Sign in again.")
    if now - web.last_active_at >= WEB_IDLE_TIMEOUT or not web.staff.active:
        raise Unauthorized("Your back-office session has ended. Sign in again.")
    try:
        check_tenant(web.staff.tenant, tenant_header)
    except TenantMismatch:
        raise Unauthorized(TenantMismatch.message) from None
    if now - web.last_active_at >= LAST_ACTIVE_RESOLUTION:
        web.last_active_at = now
    return web


def live_web_sessions(s: Session, ctx: ServerContext, staff: Staff) -> list[WebSession]:
    cutoff = ctx.now() - WEB_IDLE_TIMEOUT
    return list(
        s.scalars(
            select(WebSession)
            .where(
                WebSession.staff_id == staff.id,
                WebSession.ended_at.is_(None),
                WebSession.last_active_at > cutoff,
            )
            .order_by(WebSession.last_active_at.desc())
        )
    )


def end_web_sessions_of(s: Session, staff: Staff, reason: EndReason, now: datetime) -> int:
    live = s.scalars(
        select(WebSession).where(WebSession.staff_id == staff.id, WebSession.ended_at.is_(None))
    ).all()
    for web in live:
        web.ended_at = now
        web.reason = reason.value
    return len(live)

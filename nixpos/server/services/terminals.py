"""Tills: enrollment with a one-time code, authentication by key, status and lockout."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nixpos.core.lockout import retry_after_s
from nixpos.core.money import currency
from nixpos.core.reasons import EndReason
from nixpos.server import security
from nixpos.server.db import EVERYTHING, mark_changed
from nixpos.server.errors import (
    InvalidCode,
    InvalidTerminal,
    TerminalDeactivated,
    TooManyAttempts,
)
from nixpos.server.models import EnrollmentCode, PosSession, Staff, Tenant, Terminal
from nixpos.server.services import audit
from nixpos.server.services.context import ServerContext, check_tenant
from nixpos.server.services.ending import end_live_sessions_on
from nixpos.server.services.represent import (
    Json,
    iso,
    session_json,
    tenant_json,
    tenant_policy_json,
    terminal_json,
)
from nixpos.server.services.tenants import get_tenant, validated_name

ENROLLMENT_CODE_TTL = timedelta(minutes=10)
# A poll need not write "last seen" every few seconds; once a minute is plenty.
LAST_SEEN_RESOLUTION = timedelta(seconds=60)


def authenticate(
    s: Session, key: str | None, tenant_header: str | None, *, for_update: bool = False,
    token: str | None = None,
) -> Terminal:
    """The active till named by ``X-Terminal-Key``; ``for_update`` row-locks it (PostgreSQL).

    This is the one place a deactivated till is refused (``terminal_deactivated``).
    When the request names one of that till's sessions (``token``), the refusal
    carries that session, ended, so the till can say who deactivated it.
    """
    if not key:
        raise InvalidTerminal("Send the till's X-Terminal-Key header.")
    query = select(Terminal).where(Terminal.key_hash == security.token_hash(key))
    terminal = s.scalar(query.with_for_update(key_share=True) if for_update else query)
    if terminal is None:
        raise InvalidTerminal()
    check_tenant(terminal.tenant, tenant_header)
    if not terminal.active:
        session = token and s.scalar(select(PosSession).where(
            PosSession.token_hash == security.token_hash(token),
            PosSession.terminal_id == terminal.id))
        refusal = TerminalDeactivated()
        if session:
            refusal.extra["session"] = session_json(session)
        raise refusal
    return terminal


def seen_long_ago(last_seen_at: datetime | None, now: datetime) -> bool:
    """True when a till's "last seen" is worth writing again."""
    return last_seen_at is None or now - last_seen_at >= LAST_SEEN_RESOLUTION


def lockout_json(terminal: Terminal, now: datetime) -> Json:
    wait = retry_after_s(terminal.locked_until, now)
    return {"locked": wait > 0, "retry_after_s": wait}


def status(ctx: ServerContext, key: str | None, tenant_header: str | None) -> Json:
    """``GET /api/v1/terminal``: who this till is and whether its keypad is locked."""
    now = ctx.now()
    with ctx.db.read() as s:
        terminal = authenticate(s, key, tenant_header)
        stale = seen_long_ago(terminal.last_seen_at, now)
        body = {
            "terminal": terminal_json(terminal),
            "tenant": tenant_json(terminal.tenant),
            "policy": tenant_policy_json(terminal.tenant),
            "lockout": lockout_json(terminal, now),
            # Amounts a till shows before its first menu (an open sale it asks about).
            "currency": currency(terminal.tenant.currency).to_json(),
        }
    if stale:
        touch(ctx, terminal.id)
    return body


def touch(ctx: ServerContext, terminal_id: int) -> None:
    """Record that a till was seen, in its own short write (polls are read-only)."""
    with ctx.db.write() as s:
        terminal = s.get(Terminal, terminal_id)
        if terminal is not None:
            terminal.last_seen_at = ctx.now()


def issue_enrollment_code(ctx: ServerContext, tenant_code: str, terminal_name: str,
                          actor: Staff | None = None) -> Json:
    """Create the till if new and a one-time code for it, valid ten minutes."""
    name = validated_name(terminal_name, "Till name", 100)
    now = ctx.now()
    with ctx.db.write() as s:
        tenant = get_tenant(s, tenant_code)
        terminal = s.scalar(
            select(Terminal).where(Terminal.tenant_id == tenant.id, Terminal.name == name)
        )
        created = terminal is None
        if terminal is None:
            terminal = Terminal(tenant_id=tenant.id, name=name, created_at=now)
            s.add(terminal)
            s.flush()
        code = security.new_enrollment_code()
        expires = now + ENROLLMENT_CODE_TTL
        s.add(
            EnrollmentCode(
                tenant_id=tenant.id,
                terminal_id=terminal.id,
                code_hash=security.enrollment_code_hash(code),
                expires_at=expires,
                created_at=now,
            )
        )
        audit.record(
            s, tenant_id=tenant.id, at=now, kind=audit.AuditKind.ENROLLMENT_CODE_ISSUED,
            actor=actor, terminal=terminal, created_terminal=created,
        )
        return {"code": code, "expires_at": iso(expires), "terminal": terminal_json(terminal),
                "created": created}


def enroll(
    ctx: ServerContext, code: str, device_name: str, os_name: str, tenant_header: str | None,
    client: str | None = None,
) -> Json:
    """Swap a one-time code for a till key; re-enrolling replaces (and revokes) the old key.

    Wrong codes are throttled per ``client`` (the caller's address) like sign-ins,
    so codes cannot be guessed at the speed of the server.
    """
    now = ctx.now()
    keys = [f"client:{client}"]
    if wait := ctx.enrollment_throttle.retry_after_s(keys, now):
        raise TooManyAttempts(wait, ", or check the code with whoever made it")
    with ctx.db.write() as s:
        row = s.scalar(
            select(EnrollmentCode)
            .where(EnrollmentCode.code_hash == security.enrollment_code_hash(code))
            .with_for_update(key_share=True)
        )
        if row is None or row.used_at is not None or row.expires_at <= now:
            ctx.enrollment_throttle.failed(keys, now)
            raise InvalidCode()
        tenant = s.get_one(Tenant, row.tenant_id)
        check_tenant(tenant, tenant_header)
        row.used_at = now
        terminal = row.terminal
        key = security.new_token()
        end_live_sessions_on(s, terminal, EndReason.REPLACED, now, ended_by=None)
        mark_changed(s, EVERYTHING)  # the old key stops working for every token
        terminal.key_hash = security.token_hash(key)
        terminal.device_name = device_name
        terminal.os = os_name
        terminal.active = True  # issuing a code for a till is IT's explicit wish to use it
        terminal.failed_attempts = 0
        terminal.locked_until = None
        terminal.last_seen_at = now
        audit.record(
            s, tenant_id=tenant.id, at=now, kind=audit.AuditKind.TERMINAL_ENROLLED,
            terminal=terminal, device_name=device_name, os=os_name,
        )
        return {
            "terminal": terminal_json(terminal),
            "tenant": tenant_json(tenant),
            "terminal_key": key,
            "policy": tenant_policy_json(tenant),
        }

"""Checking a PIN typed at a till, with the per-till lockout of SPEC rule 11.

Unlocks and manager approvals share this, so override attempts count
towards the same lockout as ordinary ones.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nixpos.core import pins
from nixpos.core.lockout import format_wait, locked_until_after, retry_after_s
from nixpos.server.errors import InvalidPin, InvalidRequest, TerminalLocked
from nixpos.server.models import Staff, Terminal
from nixpos.server.services import audit
from nixpos.server.services.context import ServerContext


def locked_error(wait_s: int) -> TerminalLocked:
    return TerminalLocked(
        f"Terminal locked — try again in {format_wait(wait_s)} or ask a manager",
        retry_after_s=wait_s,
    )


def check_pin(
    s: Session, ctx: ServerContext, terminal: Terminal, pin: str, *, purpose: str
) -> Staff:
    """The active person whose PIN this is, row-locked; counts and punishes failures."""
    now = ctx.now()
    if wait := retry_after_s(terminal.locked_until, now):
        raise locked_error(wait)
    tenant = terminal.tenant
    if problem := pins.format_problem(pin, tenant.pin_length):
        raise InvalidRequest(problem)
    staff = s.scalar(
        select(Staff)
        .where(Staff.tenant_id == tenant.id, Staff.pin_index == ctx.pin_index(tenant.id, pin))
        .with_for_update(key_share=True)
    )
    if staff is None or not staff.active:
        _count_failure(s, terminal, now, purpose)
    terminal.failed_attempts = 0
    terminal.locked_until = None
    assert staff is not None
    return staff


def _count_failure(s: Session, terminal: Terminal, now: datetime, purpose: str) -> None:
    terminal.failed_attempts += 1
    audit.record(
        s, tenant_id=terminal.tenant_id, at=now, kind=audit.AuditKind.UNLOCK_FAILED,
        terminal=terminal, attempt=terminal.failed_attempts, purpose=purpose,
    )
    until = locked_until_after(terminal.failed_attempts, now)
    if until is None:
        raise InvalidPin()
    terminal.locked_until = until
    wait = retry_after_s(until, now)
    audit.record(
        s, tenant_id=terminal.tenant_id, at=now, kind=audit.AuditKind.LOCKOUT,
        terminal=terminal, attempt=terminal.failed_attempts, seconds=wait,
    )
    raise locked_error(wait)

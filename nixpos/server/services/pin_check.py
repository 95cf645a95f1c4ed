"""Checking a PIN typed at a till, with the per-till lockout of SPEC rule 11.

Unlocks and manager approvals share this, so override attempts count
towards the same lockout as ordinary ones. A wrong PIN refuses the whole
request (nothing of it is kept); the refusal carries the one thing that must
still be written: the failure counted on the till, audited, and the keypad
locked when that was one failure too many (``errors.NixposError.after_rollback``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nixpos.core import pins
from nixpos.core.lockout import locked_until_after, retry_after_s
from nixpos.server.db import ROW_LOCK
from nixpos.server.errors import InvalidPin, InvalidRequest, NixposError, TerminalLocked
from nixpos.server.models import Staff, Terminal
from nixpos.server.services import audit
from nixpos.server.services.context import ServerContext


def check_pin(
    s: Session, ctx: ServerContext, terminal: Terminal, pin: str, *, purpose: str
) -> Staff:
    """The active person whose PIN this is, row-locked; a wrong PIN counts as a failure."""
    now = ctx.now()
    if wait := retry_after_s(terminal.locked_until, now):
        raise TerminalLocked(wait)
    tenant = terminal.tenant
    if problem := pins.format_problem(pin, tenant.pin_length):
        raise InvalidRequest(problem)
    staff = s.scalar(
        select(Staff)
        .where(Staff.tenant_id == tenant.id, Staff.pin_index == ctx.pin_index(tenant.id, pin))
        .with_for_update(key_share=True)
    )
    if staff is None or not staff.active:
        raise InvalidPin(after_rollback=count_failure(terminal.id, now, purpose))
    # Kept only if the whole request succeeds: a refused unlock leaves the count alone.
    terminal.failed_attempts = 0
    terminal.locked_until = None
    return staff


def count_failure(
    terminal_id: int, now: datetime, purpose: str
) -> Callable[[Session], NixposError]:
    """Count one failed PIN on the till (row-locked, so racing failures all count)."""
    def count(s: Session) -> NixposError:
        terminal = s.get_one(Terminal, terminal_id, with_for_update=ROW_LOCK)
        terminal.failed_attempts += 1
        audit.record(
            s, tenant_id=terminal.tenant_id, at=now, kind=audit.AuditKind.UNLOCK_FAILED,
            terminal=terminal, attempt=terminal.failed_attempts, purpose=purpose,
        )
        until = locked_until_after(terminal.failed_attempts, now)
        if until is None:
            return InvalidPin()
        terminal.locked_until = until
        wait = retry_after_s(until, now)
        audit.record(
            s, tenant_id=terminal.tenant_id, at=now, kind=audit.AuditKind.LOCKOUT,
            terminal=terminal, attempt=terminal.failed_attempts, seconds=wait,
        )
        return TerminalLocked(wait)

    return count

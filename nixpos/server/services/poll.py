"""The status poll's fast path (SPEC §5): idle tills are answered from memory.

Every till asks every few seconds, so ``GET /pos/session`` must cost about
what a bare JSON endpoint costs. (A till whose user was active sends the
activity call instead, which is a write.) Two layers:

- ``PollCache`` keeps the last answer per session token until that session
  changes: every write that changes a session marks its token
  (``db.mark_changed``) and the cache drops it once the write commits. A
  read that overlapped such a drop is not stored (the generation check).
  Entries also age out after ``max_age_s``, which bounds how late a change
  made by another process (the CLI, a second server) is seen.
- On a miss, one Core query finds the session by token *and* the till by key
  (so it authenticates too), with the person, the shop (and its policy, which
  every answer carries) and who ended it. A policy change marks every answer
  changed (``db.EVERYTHING``).

The idle deadline is checked against the clock on every answer. Any case
that needs a decision — no row, a deactivated till, a tenant header that
does not match, a deadline just passed, a till not seen for a while —
returns None and the caller takes the full path in ``services.pos``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, select

from nixpos.core.policy import Policy
from nixpos.server import security
from nixpos.server.models import PosSession, Staff, Tenant, Terminal
from nixpos.server.services.poll_cache import PollAnswer
from nixpos.server.services.represent import (
    Json,
    catalog_etag,
    iso,
    parked_summary,
    policy_json,
)
from nixpos.server.services.terminals import seen_long_ago

if TYPE_CHECKING:
    from nixpos.server.services.context import ServerContext

# Plain tables (not ORM entities) and bind parameters: the statement is built
# and compiled once, so each poll only binds two hashes and runs it.
_sessions: Table = PosSession.__table__  # type: ignore[assignment]
_tills: Table = Terminal.__table__  # type: ignore[assignment]
_tenants: Table = Tenant.__table__  # type: ignore[assignment]
_staff = Staff.__table__.alias("person")
_ended_by = Staff.__table__.alias("ended_by")
_ended_on = Terminal.__table__.alias("ended_on")

_QUERY = (
    select(
        _sessions.c.id, _sessions.c.started_at, _sessions.c.last_activity_at,
        _sessions.c.expires_at, _sessions.c.override, _sessions.c.ended_at, _sessions.c.reason,
        _sessions.c.parked_client_id, _sessions.c.parked_items, _sessions.c.parked_total,
        _staff.c.id, _staff.c.name, _staff.c.role,
        _tills.c.id, _tills.c.name, _tills.c.active, _tills.c.last_seen_at,
        _tenants.c.code, _tenants.c.idle_timeout_s, _tenants.c.warning_s,
        _tenants.c.poll_interval_s, _tenants.c.pin_length, _tenants.c.id,
        _tenants.c.catalog_version, _tenants.c.ask_before_takeover,
        _ended_by.c.id, _ended_by.c.name, _ended_by.c.role,
        _ended_on.c.id, _ended_on.c.name,
    )
    .select_from(
        _sessions.join(_tills, _tills.c.id == _sessions.c.terminal_id)
        .join(_tenants, _tenants.c.id == _tills.c.tenant_id)
        .join(_staff, _staff.c.id == _sessions.c.staff_id)
        .outerjoin(_ended_by, _ended_by.c.id == _sessions.c.ended_by_id)
        .outerjoin(_ended_on, _ended_on.c.id == _sessions.c.ended_on_id)
    )
    .where(
        _sessions.c.token_hash == bindparam("token_hash"),
        _tills.c.key_hash == bindparam("key_hash"),
    )
)


def _lookup(ctx: ServerContext, token_hash: str, key_hash: str) -> tuple[Any, ...] | None:
    params = {"token_hash": token_hash, "key_hash": key_hash}
    with ctx.db.single_statement() as connection:
        row = connection.execute(_QUERY, params).first()
    return None if row is None else tuple(row)


def quick_poll(
    ctx: ServerContext, key: str | None, token: str | None, tenant_header: str | None
) -> Json | None:
    """The session JSON when nothing needs deciding, else None."""
    if not key or not token:
        return None
    token_hash, key_hash = security.token_hash(token), security.token_hash(key)
    answer = ctx.poll_cache.get(token_hash)
    if answer is None or answer.key_hash != key_hash:
        generation = ctx.poll_cache.generation
        row = _lookup(ctx, token_hash, key_hash)
        if row is None:
            return None
        answer = _answer(row, key_hash)
        ctx.poll_cache.put(token_hash, answer, generation)
    now = ctx.now()
    if (
        not answer.till_active
        or (tenant_header is not None and tenant_header != answer.tenant_code)
        or (answer.live_until is not None and answer.live_until <= now)
        or seen_long_ago(answer.last_seen, now)
    ):
        ctx.poll_cache.invalidate({token_hash})  # the full path will change things
        return None
    return answer.body


def _answer(row: tuple[Any, ...], key_hash: str) -> PollAnswer:
    (session_id, started, last_activity, expires, override, ended_at, reason,
     parked_client_id, parked_items, parked_total,
     staff_id, staff_name, staff_role, till_id, till_name, till_active, last_seen,
     tenant_code, idle_timeout_s, warning_s, poll_interval_s, pin_length, tenant_id,
     catalog_version, ask_before_takeover, by_id, by_name, by_role, on_id, on_name) = row
    body: Json = {
        "id": session_id,
        "state": "active" if ended_at is None else "ended",
        "staff": {"id": staff_id, "name": staff_name, "role": staff_role},
        "terminal": {"id": till_id, "name": till_name},
        "started_at": iso(started),
        "last_activity_at": iso(last_activity),
        "expires_at": iso(expires),
        "override": override,
    }
    if ended_at is not None:
        body.update(
            reason=reason,
            ended_at=iso(ended_at),
            ended_by={"id": by_id, "name": by_name, "role": by_role} if by_id else None,
            ended_on={"id": on_id, "name": on_name} if on_id else None,
            parked_cart=parked_summary(parked_client_id, parked_items, parked_total),
        )
    body["policy"] = policy_json(Policy(idle_timeout_s, warning_s, poll_interval_s, pin_length),
                                 ask_before_takeover)
    body["catalog_etag"] = catalog_etag(tenant_id, catalog_version)
    return PollAnswer(body, key_hash, tenant_code, till_active,
                      expires if ended_at is None else None, last_seen)


"""The JSON shapes of SPEC §3 (``Staff``, ``Terminal``, ``Session`` …) built from rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from nixpos.core.lockout import retry_after_s
from nixpos.core.policy import Policy
from nixpos.server.models import AuditEvent, PosSession, Staff, Tenant, Terminal, WebSession

Json = dict[str, Any]


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def catalog_tag(tenant_id: int, catalog_version: int) -> str:
    """The catalog's entity tag, unquoted (HTTP quotes it in the ETag header)."""
    return f"{tenant_id}.{catalog_version}"


def catalog_etag(tenant_id: int, catalog_version: int) -> str:
    """The ETag header's value, as polls carry it so a till knows when to refetch."""
    return f'"{catalog_tag(tenant_id, catalog_version)}"'


def staff_json(staff: Staff) -> Json:
    return {"id": staff.id, "name": staff.name, "role": staff.role}


def terminal_json(terminal: Terminal) -> Json:
    return {"id": terminal.id, "name": terminal.name}


def tenant_json(tenant: Tenant) -> Json:
    return {"code": tenant.code, "name": tenant.name}


def session_json(session: PosSession) -> Json:
    body: Json = {
        "id": session.id,
        "state": "active" if session.is_live else "ended",
        "staff": staff_json(session.staff),
        "terminal": terminal_json(session.terminal),
        "started_at": iso(session.started_at),
        "last_activity_at": iso(session.last_activity_at),
        "expires_at": iso(session.expires_at),
        "override": session.override,
    }
    if not session.is_live:
        body.update(
            reason=session.reason,
            ended_at=iso(session.ended_at),
            ended_by=staff_json(session.ended_by) if session.ended_by else None,
            ended_on=terminal_json(session.ended_on) if session.ended_on else None,
            parked_cart=parked_summary(session.parked_client_id, session.parked_items,
                                       session.parked_total),
        )
    return body


def parked_summary(client_id: str | None, items: int | None, total: int | None
                   ) -> Json | None:
    """An ended session's ``parked_cart``: the open sale its end moved to the person."""
    return None if client_id is None else {"client_id": client_id, "items": items,
                                           "total": total}


def policy_json(policy: Policy, ask_before_takeover: bool) -> Json:
    """SPEC ``Policy`` plus the shop's ``ask_before_takeover`` (SPEC §7.3)."""
    return policy.to_json() | {"ask_before_takeover": ask_before_takeover}


def tenant_policy_json(tenant: Tenant) -> Json:
    return policy_json(tenant.policy, tenant.ask_before_takeover)


def admin_session_json(session: PosSession) -> Json:
    terminal = session.terminal
    return session_json(session) | {"device": {"name": terminal.device_name, "os": terminal.os}}


def web_session_json(web: WebSession, current_id: int) -> Json:
    return {
        "id": web.id,
        "device_name": web.device_name,
        "os": web.os,
        "last_active_at": iso(web.last_active_at),
        "current": web.id == current_id,
    }


def admin_terminal_json(terminal: Terminal, now: datetime) -> Json:
    wait = retry_after_s(terminal.locked_until, now)
    return terminal_json(terminal) | {
        "active": terminal.active,
        "enrolled": terminal.key_hash is not None,
        "device_name": terminal.device_name,
        "os": terminal.os,
        "last_seen_at": iso(terminal.last_seen_at),
        "failed_attempts": terminal.failed_attempts,
        "lockout": {"locked": wait > 0, "retry_after_s": wait},
    }


def admin_staff_json(staff: Staff) -> Json:
    return staff_json(staff) | {
        "active": staff.active,
        "email": staff.email,
        "terminals": "all" if staff.all_terminals else [t.name for t in staff.terminals],
    }


def audit_json(event: AuditEvent) -> Json:
    return {
        "id": event.id,
        "at": iso(event.at),
        "kind": event.kind,
        "actor": staff_json(event.actor) if event.actor else None,
        "terminal": terminal_json(event.terminal) if event.terminal else None,
        "subject": staff_json(event.subject) if event.subject else None,
        "detail": event.detail,
    }

"""Shops (tenants) and their policy."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from nixpos.core.policy import Policy
from nixpos.server.db import EVERYTHING, mark_changed
from nixpos.server.errors import Conflict, InvalidRequest, NotFound
from nixpos.server.models import Staff, Tenant
from nixpos.server.services import audit
from nixpos.server.services.context import ServerContext
from nixpos.server.services.represent import Json, tenant_json

TENANT_CODE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def validated_name(value: str, what: str, max_length: int) -> str:
    name = " ".join(value.split())
    if not name:
        raise InvalidRequest(f"{what} cannot be empty.")
    if len(name) > max_length:
        raise InvalidRequest(f"{what} can be at most {max_length} characters.")
    return name


def get_tenant(s: Session, code: str) -> Tenant:
    tenant = s.scalar(select(Tenant).where(Tenant.code == code))
    if tenant is None:
        raise NotFound(f"No shop with code {code!r}. Create it with `nixpos-server add-tenant`.")
    return tenant


def add_tenant(ctx: ServerContext, code: str, name: str) -> Json:
    if not TENANT_CODE.match(code):
        raise InvalidRequest(
            "A shop code is lower-case letters, digits and dashes (e.g. lumiere-coffee)."
        )
    name = validated_name(name, "Shop name", 200)
    with ctx.db.write() as s:
        if s.scalar(select(Tenant).where(Tenant.code == code)) is not None:
            raise Conflict(f"A shop with code {code!r} already exists.")
        tenant = Tenant(code=code, name=name, created_at=ctx.now())
        s.add(tenant)
        s.flush()
        return tenant_json(tenant)


def set_policy(
    ctx: ServerContext,
    code: str,
    *,
    idle_timeout_s: int | None = None,
    warning_s: int | None = None,
    poll_interval_s: int | None = None,
    pin_length: int | None = None,
    pos_single_session: bool | None = None,
    web_single_session: bool | None = None,
    actor: Staff | None = None,
) -> Json:
    with ctx.db.write() as s:
        tenant = get_tenant(s, code)
        current = tenant.policy
        policy = Policy(
            idle_timeout_s=current.idle_timeout_s if idle_timeout_s is None else idle_timeout_s,
            warning_s=current.warning_s if warning_s is None else warning_s,
            poll_interval_s=current.poll_interval_s if poll_interval_s is None else poll_interval_s,
            pin_length=current.pin_length if pin_length is None else pin_length,
        )
        if problems := policy.problems():
            raise InvalidRequest(" ".join(problems))
        if policy.pin_length != current.pin_length and _has_staff(s, tenant):
            raise InvalidRequest(
                "The PIN length cannot change while the shop has staff: their PINs "
                "would stop working. Set it before adding staff."
            )
        mark_changed(s, EVERYTHING)  # every till's poll answer carries the policy
        tenant.idle_timeout_s = policy.idle_timeout_s
        tenant.warning_s = policy.warning_s
        tenant.poll_interval_s = policy.poll_interval_s
        tenant.pin_length = policy.pin_length
        if pos_single_session is not None:
            tenant.pos_single_session = pos_single_session
        if web_single_session is not None:
            tenant.web_single_session = web_single_session
        result: dict[str, object] = {**policy.to_json(),
            "pos_single_session": tenant.pos_single_session,
            "web_single_session": tenant.web_single_session,
        }
        audit.record(
            s, tenant_id=tenant.id, at=ctx.now(), kind=audit.AuditKind.POLICY_CHANGED,
            actor=actor, policy=result,
        )
        return result


def _has_staff(s: Session, tenant: Tenant) -> bool:
    return s.scalar(select(Staff.id).where(Staff.tenant_id == tenant.id).limit(1)) is not None

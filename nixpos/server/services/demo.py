"""The demo shop ``lumiere-coffee`` (Lumière Coffee): people, tills, PINs and codes.

Running it again keeps the shop and hands out fresh PINs and codes, because
PINs are stored only as keyed hashes and cannot be shown twice.
"""

from __future__ import annotations

import contextlib
import secrets

from sqlalchemy import select

from nixpos.server import security
from nixpos.server.errors import Conflict
from nixpos.server.models import Staff, Tenant
from nixpos.server.services import staff as staff_service
from nixpos.server.services import tenants, terminals
from nixpos.server.services.context import ServerContext
from nixpos.server.services.represent import Json, admin_staff_json

TENANT_CODE = "lumiere-coffee"
TENANT_NAME = "Lumière Coffee"
TILLS = ("Till 1", "Till 2")
PEOPLE = (
    ("Sokha Lim", "owner", "sokha@lumiere.example"),
    ("Dara Chan", "manager", "dara@lumiere.example"),
    ("Mealea Sok", "cashier", None),
    ("Vannak Kim", "cashier", None),
)


def create_demo(ctx: ServerContext) -> Json:
    with contextlib.suppress(Conflict):
        tenants.add_tenant(ctx, TENANT_CODE, TENANT_NAME)
    codes = [terminals.issue_enrollment_code(ctx, TENANT_CODE, till) for till in TILLS]
    people = []
    for name, role, email in PEOPLE:
        password = secrets.token_urlsafe(9) if email else None
        existing = _find(ctx, name)
        if existing is None:
            person = staff_service.add_staff(
                ctx, TENANT_CODE, name, role, email=email, password=password
            )
        else:
            person = _refresh(ctx, existing, password)
        people.append(person | {"password": password})
    return {
        "tenant": {"code": TENANT_CODE, "name": TENANT_NAME},
        "staff": people,
        "enrollment_codes": [
            {"terminal": c["terminal"]["name"], "code": c["code"], "expires_at": c["expires_at"]}
            for c in codes
        ],
    }


def _find(ctx: ServerContext, name: str) -> int | None:
    with ctx.db.read() as s:
        return s.scalar(
            select(Staff.id).join(Tenant).where(Tenant.code == TENANT_CODE, Staff.name == name)
        )


def _refresh(ctx: ServerContext, staff_id: int, password: str | None) -> Json:
    with ctx.db.write() as s:
        person = s.get_one(Staff, staff_id)
        pin = staff_service.reset_pin(s, ctx, person, actor=None)
        person.active = True
        if password:
            person.password_hash = security.hash_password(password)
        return admin_staff_json(person) | {"pin": pin}

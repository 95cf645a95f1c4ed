"""Set-up shared by the benchmarks: a migrated SQLite shop with N staff and one till."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from nixpos.core.pins import generate_pin
from nixpos.server import schema, security
from nixpos.server.app import create_app
from nixpos.server.db import Database
from nixpos.server.models import Staff
from nixpos.server.services import tenants, terminals
from nixpos.server.services.context import ServerContext

TENANT = "bench-shop"


@dataclass
class BenchShop:
    ctx: ServerContext
    app: Flask
    key: str
    pins: list[str]
    secret_file: Path


def build(directory: Path, staff_count: int) -> BenchShop:
    directory.mkdir(parents=True, exist_ok=True)
    db = Database(f"sqlite:///{directory / 'bench.db'}")
    schema.upgrade(db)
    secret_file = directory / "bench.db.secret"
    security.create_secret_file(secret_file)
    ctx = ServerContext(db=db, pin_secret=security.read_secret_file(secret_file))
    tenant = tenants.add_tenant(ctx, TENANT, "Bench Shop")
    del tenant
    pins = _add_staff(ctx, staff_count)
    app = create_app(database=db, pin_secret=ctx.pin_secret)
    code = terminals.issue_enrollment_code(ctx, TENANT, "Till 1")["code"]
    enrolled = app.test_client().post(
        "/api/v1/terminals/enroll", json={"code": code, "device_name": "bench", "os": "Linux"})
    return BenchShop(ctx, app, enrolled.json["terminal_key"], pins, secret_file)


def _add_staff(ctx: ServerContext, count: int) -> list[str]:
    """Insert ``count`` cashiers in one transaction (the CLI would take minutes)."""
    now = datetime.now(UTC)
    pins: set[str] = set()
    while len(pins) < count:
        pins.add(generate_pin(8))
    with ctx.db.write() as s:
        tenant_id = tenants.get_tenant(s, TENANT).id
        s.add_all(
            Staff(tenant_id=tenant_id, name=f"Cashier {n}", role="cashier", active=True,
                  pin_index=ctx.pin_index(tenant_id, pin), all_terminals=True, created_at=now)
            for n, pin in enumerate(sorted(pins, key=lambda _p: secrets.randbelow(10**9)))
        )
    return sorted(pins)

"""Set-up shared by the selling benchmarks: the bench shop with a menu, a signed-in till,
and any number of past sales written straight into the tables (the API would take minutes).

Past sales look like the benchmark's own: 5 lines, a cash payment, numbers 1…n
continuing in the shop's counter, spread over the days asked for.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench.shopfloor import TENANT, BenchShop, build
from nixpos.server.models import PosSession, Sale, SaleCounter, SaleLine, SalePayment, Staff
from nixpos.server.services import catalog, staff, tenants
from nixpos.server.services.catalog import ProductFields

MENU = (("Latte", 350), ("Espresso", 250), ("Green Tea", 300), ("Croissant", 275),
        ("Muffin", 400))
OWNER_EMAIL, OWNER_PASSWORD = "owner@bench.example", "bench owner password"


@dataclass
class SellingShop:
    shop: BenchShop
    products: list[tuple[int, int]]  # (id, price)
    token: str  # a live POS session on the shop's till

    def headers(self) -> dict[str, str]:
        return {"X-Terminal-Key": self.shop.key, "Authorization": f"Bearer {self.token}"}

    def sale_body(self, now: datetime) -> dict[str, Any]:
        """A 5-line sale (one to five of each product), paid in cash with change."""
        lines: list[dict[str, Any]] = [
            {"product_id": pid, "quantity": n + 1, "unit_price": price, "discount": None}
            for n, (pid, price) in enumerate(self.products)]
        total = sum((n + 1) * price for n, (_, price) in enumerate(self.products))
        return {"client_id": uuid.uuid4().hex, "lines": lines, "discount": None, "voided": [],
                "payments": [{"method": "cash", "amount": total, "tendered": total + 100}],
                "completed_at": now.isoformat()}

    def office_token(self) -> str:
        answer = self.shop.app.test_client().post("/api/v1/admin/login", json={
            "email": OWNER_EMAIL, "password": OWNER_PASSWORD, "device_name": "bench"})
        assert answer.status_code == 200, answer.json
        return str(answer.json["token"])


def build_selling(directory: Path) -> SellingShop:
    shop = build(directory, 5)
    ctx = shop.ctx
    tenants.set_policy(ctx, TENANT, idle_timeout_s=24 * 3600)  # no idle lock mid-run
    products = [(catalog.add_product(ctx, TENANT, ProductFields(
        name=name, price=price, category="Menu", sku=f"B-{n}"))["id"], price)
        for n, (name, price) in enumerate(MENU)]
    staff.add_staff(ctx, TENANT, "Bench Owner", "owner", email=OWNER_EMAIL,
                    password=OWNER_PASSWORD)
    unlocked = shop.app.test_client().post("/api/v1/pos/unlock", json={"pin": shop.pins[0]},
                                           headers={"X-Terminal-Key": shop.key})
    assert unlocked.status_code == 200, unlocked.json
    return SellingShop(shop, products, unlocked.json["token"])


def preload(selling: SellingShop, count: int, first: datetime, spacing: timedelta) -> None:
    """Write ``count`` past sales, the first completed at ``first``, then every ``spacing``."""
    ctx = selling.shop.ctx
    with ctx.db.write() as s:
        tenant_id = tenants.get_tenant(s, TENANT).id
        session = s.scalars(select(PosSession).where(PosSession.tenant_id == tenant_id)).one()
        counter = s.get_one(SaleCounter, tenant_id)
        start_id = (s.scalar(select(Sale.id).order_by(Sale.id.desc()).limit(1)) or 0) + 1
        start_line = (s.scalar(select(SaleLine.id).order_by(SaleLine.id.desc()).limit(1))
                      or 0) + 1
        owner = s.scalars(select(Staff).where(Staff.email == OWNER_EMAIL)).one()
        sales, lines, payments = [], [], []
        for n in range(count):
            sale_id = start_id + n
            moment = first + spacing * n
            total = 0
            for position, (product_id, price) in enumerate(selling.products):
                quantity = 1 + (n + position) % 3
                total += quantity * price
                lines.append({
                    "id": start_line + 5 * n + position, "sale_id": sale_id,
                    "position": position, "product_id": product_id, "name": MENU[position][0],
                    "sku": f"B-{position}", "quantity": quantity, "unit_price": price,
                    "discount_amount": 0, "total": quantity * price, "net": quantity * price,
                    "refunded_quantity": 0, "refunded_amount": 0})
            sales.append({
                "id": sale_id, "tenant_id": tenant_id, "number": counter.last_number + n + 1,
                "client_id": f"past-{sale_id}", "body_digest": "0" * 64,
                "session_id": session.id,
                "staff_id": owner.id if n % 2 else session.staff_id,
                "terminal_id": session.terminal_id, "gross": total, "subtotal": total,
                "discount_amount": 0, "discount_total": 0, "total": total,
                "tax_included": 0, "change": 0, "refunded": 0, "after_session_end": False,
                "offline": False, "completed_at": moment, "received_at": moment})
            payments.append({"sale_id": sale_id, "position": 0, "method": "cash" if n % 3
                             else "card", "amount": total, "tendered": None, "change": 0})
        for table, rows in ((Sale, sales), (SaleLine, lines), (SalePayment, payments)):
            for chunk in range(0, len(rows), 5000):
                s.execute(insert(table), rows[chunk:chunk + 5000])
        counter.last_number += count

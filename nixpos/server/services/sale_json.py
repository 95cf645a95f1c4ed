"""SPEC §6's ``Sale`` and ``Refund`` as JSON, read in bulk.

One sale, a till's recent list and a day's report of 10,000 sales all come
through ``load_sales``: a fixed handful of queries whatever the number of
sales (sales, lines, voids, payments, refunds, refund lines), plain rows rather
than ORM objects, so a report stays fast (SPEC §5: a day of 10,000 sales in
under 500 ms).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, inspect, select
from sqlalchemy.orm import Session, aliased

from nixpos.server.models import (
    Approval,
    Refund,
    RefundLine,
    Sale,
    SaleLine,
    SalePayment,
    SaleVoid,
    Staff,
    Terminal,
)
from nixpos.server.services.represent import Json, iso

AFTER_SESSION_END = "after_session_end"
OFFLINE = "offline"
FLAGS = (AFTER_SESSION_END, OFFLINE)

Row = Any  # a result row's mapping


def load_sales(s: Session, *where: ColumnElement[bool],
               order_by: Sequence[Any] = (), limit: int | None = None, offset: int = 0,
               approvals: bool = False) -> list[Json]:
    """The sales matching ``where`` as ``Sale`` JSON, in ``order_by`` order (newest first
    by default), ``limit`` of them from ``offset``. ``approvals`` adds who approved what
    (the back office's detail)."""
    order = list(order_by) or [Sale.id.desc()]
    s.flush()  # what this transaction wrote is read back too
    db = s.connection()  # plain rows: the ORM's result machinery would double the time
    query = (select(Sale.__table__, Staff.name.label("staff_name"),
                    Staff.role.label("staff_role"), Terminal.name.label("terminal_name"))
             .join(Staff, Staff.id == Sale.staff_id)
             .join(Terminal, Terminal.id == Sale.terminal_id)
             .where(*where).order_by(*order).limit(limit).offset(offset or None))
    sales = db.execute(query).mappings().all()
    if not sales:
        return []
    # The children of exactly those sales: the same conditions as a subquery, so
    # thousands of ids never become thousands of bound parameters.
    ids: Select[Any] = select(Sale.id).where(*where)
    if limit is not None or offset:
        ids = ids.order_by(*order).limit(limit).offset(offset or None)
    lines = _by_sale(db.execute(select(SaleLine.__table__).where(SaleLine.sale_id.in_(ids))
                               .order_by(SaleLine.sale_id, SaleLine.position)).mappings())
    voids = _by_sale(db.execute(select(SaleVoid.__table__).where(SaleVoid.sale_id.in_(ids))
                               .order_by(SaleVoid.sale_id, SaleVoid.position)).mappings())
    payments = _by_sale(db.execute(select(SalePayment.__table__)
                                  .where(SalePayment.sale_id.in_(ids))
                                  .order_by(SalePayment.sale_id, SalePayment.position))
                        .mappings())
    refunds = _refunds(db, Refund.sale_id.in_(ids))
    result = [_sale_json(row, lines.get(row["id"], []), voids.get(row["id"], []),
                         payments.get(row["id"], []), refunds.get(row["id"], []))
              for row in sales]
    if approvals:
        for sale in result:
            sale["approvals"] = _approvals_of(s, sale)
    return result


def new_sale_json(sale: Sale, lines: list[Row], voids: list[Row], payments: list[Row],
                  staff: Staff, terminal: Terminal) -> Json:
    """A sale just written (and flushed) with its rows, as ``load_sales`` would read it
    back — without reading it back, which would double the cost of taking a sale."""
    row = _row(sale) | {"staff_name": staff.name, "staff_role": staff.role,
                        "terminal_name": terminal.name}
    return _sale_json(row, lines, voids, payments, [])


def _row(instance: Any) -> dict[str, Any]:
    """An ORM object's columns, as a query's row mapping has them."""
    return {attr.key: getattr(instance, attr.key)
            for attr in inspect(instance).mapper.column_attrs}


def load_refund(s: Session, refund_id: int) -> Json:
    """One ``Refund`` (it must exist)."""
    s.flush()
    (refunds,) = _refunds(s.connection(), Refund.id == refund_id).values()
    return refunds[0]


def _by_sale(rows: Iterable[Row]) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["sale_id"]].append(row)
    return grouped


def _discount(kind: str | None, value: int | None, approval_id: int | None) -> Json | None:
    return None if kind is None else {"kind": kind, "value": value, "approval_id": approval_id}


def _sale_json(sale: Row, lines: list[Row], voids: list[Row], payments: list[Row],
               refunds: list[Json]) -> Json:
    sale_discount = _discount(sale["discount_kind"], sale["discount_value"],
                              sale["discount_approval_id"])
    if sale_discount is not None:
        sale_discount["amount"] = sale["discount_amount"]
    return {
        "id": sale["id"],
        "number": sale["number"],
        "client_id": sale["client_id"],
        "session_id": sale["session_id"],
        "staff": {"id": sale["staff_id"], "name": sale["staff_name"],
                  "role": sale["staff_role"]},
        "terminal": {"id": sale["terminal_id"], "name": sale["terminal_name"]},
        "lines": [{
            "id": line["id"], "product_id": line["product_id"], "sku": line["sku"],
            "name": line["name"], "quantity": line["quantity"],
            "unit_price": line["unit_price"],
            "discount": _discount(line["discount_kind"], line["discount_value"],
                                  line["discount_approval_id"]),
            "discount_amount": line["discount_amount"], "total": line["total"],
            "net": line["net"], "refunded_quantity": line["refunded_quantity"],
            "refunded_amount": line["refunded_amount"],
        } for line in lines],
        "voided": [{"product_id": v["product_id"], "name": v["name"],
                    "quantity": v["quantity"], "approval_id": v["approval_id"]}
                   for v in voids],
        "gross": sale["gross"],
        "subtotal": sale["subtotal"],
        "discount": sale_discount,
        "discount_total": sale["discount_total"],
        "total": sale["total"],
        "tax_included": sale["tax_included"],
        "payments": [{"method": p["method"], "amount": p["amount"], "tendered": p["tendered"],
                      "change": p["change"]} for p in payments],
        "change": sale["change"],
        "refunded": sale["refunded"],
        "refunds": refunds,
        "completed_at": iso(sale["completed_at"]),
        "received_at": iso(sale["received_at"]),
        "flags": [flag for flag, on in ((AFTER_SESSION_END, sale["after_session_end"]),
                                        (OFFLINE, sale["offline"])) if on],
    }


def _refunds(db: Connection, where: ColumnElement[bool]) -> dict[int, list[Json]]:
    """``Refund`` JSON by sale id, oldest first."""
    approver = aliased(Staff)
    rows = db.execute(
        select(Refund.__table__, Staff.name.label("staff_name"),
               Staff.role.label("staff_role"), approver.name.label("approver_name"),
               approver.role.label("approver_role"))
        .join(Staff, Staff.id == Refund.staff_id)
        .outerjoin(approver, approver.id == Refund.approved_by_id)
        .where(where).order_by(Refund.id)).mappings().all()
    if not rows:
        return {}
    lines: dict[int, list[Json]] = defaultdict(list)
    for line in db.execute(select(RefundLine.__table__)
                          .where(RefundLine.refund_id.in_(select(Refund.id).where(where)))
                          .order_by(RefundLine.id)).mappings():
        lines[line["refund_id"]].append({"line_id": line["sale_line_id"],
                                         "quantity": line["quantity"],
                                         "amount": line["amount"]})
    grouped: dict[int, list[Json]] = defaultdict(list)
    for row in rows:
        grouped[row["sale_id"]].append({
            "id": row["id"], "sale_id": row["sale_id"], "client_id": row["client_id"],
            "lines": lines.get(row["id"], []), "amount": row["amount"],
            "method": row["method"], "reason": row["reason"],
            "staff": {"id": row["staff_id"], "name": row["staff_name"],
                      "role": row["staff_role"]},
            "approved_by": None if row["approved_by_id"] is None else {
                "id": row["approved_by_id"], "name": row["approver_name"],
                "role": row["approver_role"]},
            "approval_id": row["approval_id"],
            "created_at": iso(row["created_at"]),
        })
    return grouped


def _approvals_of(s: Session, sale: Json) -> list[Json]:
    """Who approved what in this sale: its discounts, voids and refunds."""
    discounts = [sale["discount"], *(line["discount"] for line in sale["lines"])]
    ids = {d["approval_id"] for d in discounts if d} | {
        v["approval_id"] for v in sale["voided"]} | {r["approval_id"] for r in sale["refunds"]}
    ids.discard(None)
    if not ids:
        return []
    rows = s.execute(select(Approval, Staff).join(Staff, Staff.id == Approval.approved_by_id)
                     .where(Approval.id.in_(ids)).order_by(Approval.id)).all()
    return [{"id": approval.id, "action": approval.action, "detail": approval.detail,
             "approved_by": {"id": staff.id, "name": staff.name, "role": staff.role},
             "approved_at": iso(approval.created_at), "used_at": iso(approval.consumed_at)}
            for approval, staff in rows]

"""The sales report (SPEC §6): a range of the shop's local days, filtered, with totals.

Days are the shop's own (its IANA ``timezone``): a sale completed at 23:30 UTC
is the next day in Phnom Penh. A range ``first``–``last`` (inclusive) is the
UTC interval from ``first`` 00:00 to the day after ``last`` 00:00 there, so a
day of a clock change is 23 or 25 hours long, as the shop lived it.

Totals add up from the very sales listed: ``gross`` (before discounts),
``discounts``, ``refunds``, ``net`` = gross − discounts − refunds, and
``by_method`` = payments less refunds per method (which add up to ``net``);
the same per person and per till. The JSON API, the CSV, the back-office page
and ``nixpos-server sales-report`` all read this one report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, partial
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session, aliased

from nixpos.core.money import currency, plain
from nixpos.core.pricing import PaymentMethod
from nixpos.server.errors import InvalidRequest
from nixpos.server.models import (
    MAX_ID,
    Refund,
    Sale,
    SaleLine,
    SalePayment,
    Staff,
    Tenant,
    Terminal,
)
from nixpos.server.services.context import ServerContext
from nixpos.server.services.represent import Json
from nixpos.server.services.sale_json import AFTER_SESSION_END, FLAGS, OFFLINE, load_sales
from nixpos.server.services.tenants import get_tenant

MAX_DAYS = 366
PAGE_DEFAULT, PAGE_MAX = 200, 1000  # sales per answer; the totals cover them all
METHODS = tuple(m.value for m in PaymentMethod)
CSV_COLUMNS = ("number", "date", "time", "till", "staff", "items", "gross", "discounts",
               "total", "tax_included", "refunded", "net", *METHODS, "flags", "sale_id")


@dataclass(frozen=True)
class ReportQuery:
    """Which sales: local days ``first``–``last`` (None: today), and optional filters."""

    first: date | None = None
    last: date | None = None
    terminal_id: int | None = None
    staff_id: int | None = None
    method: str | None = None
    flag: str | None = None  # only sales flagged so (``offline``, ``after_session_end``)


def query_from_args(args: Mapping[str, str]) -> ReportQuery:
    """The report's query string (``from``, ``to``, ``terminal_id``, ``staff_id``,
    ``method``, ``flag``) checked; an empty value means "all", as a form with nothing
    chosen sends."""
    def day(name: str) -> date | None:
        raw = args.get(name) or None
        if raw is None:
            return None
        try:
            if len(raw) != 10:
                raise ValueError
            return date.fromisoformat(raw)
        except ValueError:
            raise InvalidRequest(f"Query parameter {name!r} must be a date like 2026-01-05."
                                 ) from None

    def row_id(name: str) -> int | None:
        raw = args.get(name) or None
        if raw is None:
            return None
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
            raise InvalidRequest(f"Query parameter {name!r} must be an id (a whole number).")
        return int(raw)

    method = args.get("method") or None
    if method is not None and method not in METHODS:
        raise InvalidRequest(f"Query parameter 'method' must be one of: {', '.join(METHODS)}.")
    flag = args.get("flag") or None
    if flag is not None and flag not in FLAGS:
        raise InvalidRequest(f"Query parameter 'flag' must be one of: {', '.join(FLAGS)}.")
    return ReportQuery(day("from"), day("to"), row_id("terminal_id"), row_id("staff_id"),
                       method, flag)


def local_today(tenant: Tenant, now: datetime) -> date:
    return now.astimezone(ZoneInfo(tenant.timezone)).date()


@dataclass
class Cell:
    """The figures of one person's sales on one till in the range — what every total
    (the day's, a person's, a till's) adds up from. Amounts in minor units."""

    staff: Json
    terminal: Json
    count: int = 0
    gross: int = 0
    discounts: int = 0
    refunds: int = 0
    tax_included: int = 0
    by_method: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METHODS, 0))


@dataclass(frozen=True)
class _Range:
    tenant: Tenant
    first: date
    last: date
    where: list[ColumnElement[bool]]


def _resolve(s: Session, ctx: ServerContext, tenant_code: str, query: ReportQuery) -> _Range:
    """The shop, the local days asked for (today by default), and the conditions on sales."""
    tenant = get_tenant(s, tenant_code)
    zone = ZoneInfo(tenant.timezone)
    first = query.first or local_today(tenant, ctx.now())
    last = query.last or (first if query.first else local_today(tenant, ctx.now()))
    if last < first:
        raise InvalidRequest("'to' is before 'from': give the first day, then the last.")
    if (last - first).days >= MAX_DAYS:
        raise InvalidRequest(f"A report covers at most {MAX_DAYS} days; ask for a "
                             "shorter range.")
    start = datetime.combine(first, time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
    where: list[ColumnElement[bool]] = [
        Sale.tenant_id == tenant.id, Sale.completed_at >= start, Sale.completed_at < end]
    if query.terminal_id is not None:
        where.append(Sale.terminal_id == query.terminal_id)
    if query.staff_id is not None:
        where.append(Sale.staff_id == query.staff_id)
    if query.method is not None:
        paid = aliased(SalePayment)  # its own name: the totals join sale_payments as well
        where.append(exists().where(paid.sale_id == Sale.id, paid.method == query.method))
    if query.flag == OFFLINE:
        where.append(Sale.offline.is_(True))
    elif query.flag == AFTER_SESSION_END:
        where.append(Sale.after_session_end.is_(True))
    return _Range(tenant, first, last, where)


def _cells(s: Session, where: list[ColumnElement[bool]]) -> list[Cell]:
    """Sums by person and till, computed by the database: three grouped queries whatever
    the number of sales (SPEC §5: a day of 10,000 in under 500 ms)."""
    cells: dict[tuple[int, int], Cell] = {}
    for row in s.execute(
            select(Sale.staff_id, Staff.name, Staff.role, Sale.terminal_id, Terminal.name,
                   func.count(), func.sum(Sale.gross), func.sum(Sale.discount_total),
                   func.sum(Sale.refunded), func.sum(Sale.tax_included))
            .join(Staff, Staff.id == Sale.staff_id).join(Terminal, Terminal.id == Sale.terminal_id)
            .where(*where)
            .group_by(Sale.staff_id, Staff.name, Staff.role, Sale.terminal_id, Terminal.name)):
        cells[row[0], row[3]] = Cell(
            staff={"id": row[0], "name": row[1], "role": row[2]},
            terminal={"id": row[3], "name": row[4]}, count=row[5], gross=int(row[6]),
            discounts=int(row[7]), refunds=int(row[8]), tax_included=int(row[9]))
    for sign, table in ((1, SalePayment), (-1, Refund)):  # payments less refunds
        for staff_id, terminal_id, method, amount in s.execute(
                select(Sale.staff_id, Sale.terminal_id, table.method, func.sum(table.amount))
                .select_from(table).join(Sale, Sale.id == table.sale_id).where(*where)
                .group_by(Sale.staff_id, Sale.terminal_id, table.method)):
            cells[staff_id, terminal_id].by_method[method] += sign * int(amount)
    return list(cells.values())


def sales_report(ctx: ServerContext, tenant_code: str, query: ReportQuery, *,
                 offset: int = 0, limit: int = PAGE_DEFAULT, include_sales: bool = True
                 ) -> Json:
    """The report: ``totals``, ``by_staff`` and ``by_terminal`` over every sale of the
    range, and ``sales``: ``limit`` of them from ``offset`` as ``Sale`` JSON, oldest first
    (``next_offset`` names the next page; left out unless ``include_sales``)."""
    with ctx.db.read() as s:
        scope = _resolve(s, ctx, tenant_code, query)
        cells = _cells(s, scope.where)
        totals = _sum(cells)
        report: Json = {
            "from": scope.first.isoformat(), "to": scope.last.isoformat(),
            "timezone": scope.tenant.timezone,
            "currency": currency(scope.tenant.currency).to_json(),
            "totals": totals,
            "by_staff": _grouped(cells, "staff"),
            "by_terminal": _grouped(cells, "terminal"),
        }
        if include_sales:
            report["sales"] = load_sales(s, *scope.where, order_by=[Sale.completed_at, Sale.id],
                                         limit=limit, offset=offset)
            more = offset + limit < totals["count"]
            report |= {"offset": offset, "limit": limit,
                       "next_offset": offset + limit if more else None}
        return report


def _sum(cells: Iterable[Cell]) -> Json:
    count = gross = discounts = refunds = tax = 0
    by_method = dict.fromkeys(METHODS, 0)
    for cell in cells:
        count += cell.count
        gross += cell.gross
        discounts += cell.discounts
        refunds += cell.refunds
        tax += cell.tax_included
        for method, amount in cell.by_method.items():
            by_method[method] += amount
    return {"count": count, "gross": gross, "discounts": discounts, "refunds": refunds,
            "net": gross - discounts - refunds, "tax_included": tax,
            "by_method": {m: a for m, a in by_method.items() if a}}


def _grouped(cells: list[Cell], key: str) -> list[Json]:
    """Totals per person or per till, by name."""
    groups: dict[int, list[Cell]] = {}
    who: dict[int, Json] = {}
    for cell in cells:
        whom = cell.staff if key == "staff" else cell.terminal
        groups.setdefault(whom["id"], []).append(cell)
        who[whom["id"]] = whom
    return [{key: who[k], **_sum(group)}
            for k, group in sorted(groups.items(), key=lambda kv: who[kv[0]]["name"])]


# -- CSV ----------------------------------------------------------------------------------


def sales_csv(ctx: ServerContext, tenant_code: str, query: ReportQuery) -> tuple[str, str]:
    """Every sale of the range as CSV, one row each, amounts as plain decimals in major
    units ("3.50") and local date and time — the figures the report's totals add up —
    and a file name for it (``sales-2026-01-05.csv``)."""
    with ctx.db.read() as s:
        scope = _resolve(s, ctx, tenant_code, query)
        db = s.connection()  # plain rows: the ORM's result machinery doubles the time
        exponent = currency(scope.tenant.currency).exponent
        zone = ZoneInfo(scope.tenant.timezone)
        ids = select(Sale.id).where(*scope.where)
        items = {sale_id: int(units) for sale_id, units in db.execute(
            select(SaleLine.sale_id, func.sum(SaleLine.quantity))
            .where(SaleLine.sale_id.in_(ids)).group_by(SaleLine.sale_id))}
        methods: dict[int, dict[str, int]] = {}
        for sign, table in ((1, SalePayment), (-1, Refund)):  # payments less refunds
            for sale_id, method, amount in db.execute(
                    select(table.sale_id, table.method, func.sum(table.amount))
                    .where(table.sale_id.in_(ids)).group_by(table.sale_id, table.method)):
                per_sale = methods.setdefault(sale_id, dict.fromkeys(METHODS, 0))
                per_sale[method] += sign * int(amount)
        nothing = dict.fromkeys(METHODS, 0)
        # A café's amounts repeat all day: format each once.
        amount_text = cache(partial(plain, exponent=exponent))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for (sale_id, number, completed_at, staff, till, gross, discounts, total, tax, refunded,
             late, offline) in db.execute(
                select(Sale.id, Sale.number, Sale.completed_at, Staff.name, Terminal.name,
                       Sale.gross, Sale.discount_total, Sale.total, Sale.tax_included,
                       Sale.refunded, Sale.after_session_end, Sale.offline)
                .join(Staff, Staff.id == Sale.staff_id)
                .join(Terminal, Terminal.id == Sale.terminal_id)
                .where(*scope.where).order_by(Sale.completed_at, Sale.id)):
            local = completed_at.astimezone(zone).isoformat(sep=" ", timespec="seconds")
            flags = [flag for flag, on in ((AFTER_SESSION_END, late), (OFFLINE, offline)) if on]
            writer.writerow([
                number, local[:10], local[11:19], _cell(till), _cell(staff),
                items.get(sale_id, 0),
                *(amount_text(amount) for amount in (
                    gross, discounts, total, tax, refunded, total - refunded,
                    *methods.get(sale_id, nothing).values())),
                " ".join(flags), sale_id,
            ])
    days = scope.first.isoformat() if scope.first == scope.last else \
        f"{scope.first.isoformat()}_{scope.last.isoformat()}"
    return out.getvalue(), f"sales-{days}.csv"


def _cell(text: str) -> str:
    """A name as a spreadsheet shows it, never as a formula (``=cmd|…`` stays text)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def day_report(ctx: ServerContext, tenant_code: str, day: date | None,
               flag: str | None = None) -> Json:
    """One local day of the shop (today if None), its sales flagged ``flag`` only if given:
    totals only, for ``nixpos-server sales-report``."""
    return sales_report(ctx, tenant_code, ReportQuery(first=day, last=day, flag=flag),
                        include_sales=False)


def day_csv(ctx: ServerContext, tenant_code: str, day: date | None,
            flag: str | None = None) -> str:
    return sales_csv(ctx, tenant_code, ReportQuery(first=day, last=day, flag=flag))[0]

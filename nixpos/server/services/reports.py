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
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists

from nixpos.core.money import currency, plain
from nixpos.core.pricing import PaymentMethod
from nixpos.server.errors import InvalidRequest
from nixpos.server.models import MAX_ID, Sale, SalePayment, Tenant
from nixpos.server.services.context import ServerContext
from nixpos.server.services.represent import Json
from nixpos.server.services.sale_json import load_sales
from nixpos.server.services.tenants import get_tenant

MAX_DAYS = 366
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


def query_from_args(args: Mapping[str, str]) -> ReportQuery:
    """The report's query string (``from``, ``to``, ``terminal_id``, ``staff_id``,
    ``method``) checked; an empty value means "all", as a form with nothing chosen sends."""
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
    return ReportQuery(day("from"), day("to"), row_id("terminal_id"), row_id("staff_id"),
                       method)


def local_today(tenant: Tenant, now: datetime) -> date:
    return now.astimezone(ZoneInfo(tenant.timezone)).date()


def sales_report(ctx: ServerContext, tenant_code: str, query: ReportQuery, *,
                 include_sales: bool = True) -> Json:
    """The report: ``sales`` (``Sale`` JSON, oldest first; left out unless
    ``include_sales``), ``totals``, ``by_staff``, ``by_terminal``, and the range read."""
    with ctx.db.read() as s:
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
        where = [Sale.tenant_id == tenant.id, Sale.completed_at >= start,
                 Sale.completed_at < end]
        if query.terminal_id is not None:
            where.append(Sale.terminal_id == query.terminal_id)
        if query.staff_id is not None:
            where.append(Sale.staff_id == query.staff_id)
        if query.method is not None:
            where.append(exists().where(SalePayment.sale_id == Sale.id,
                                        SalePayment.method == query.method))
        sales = load_sales(s, *where, order_by=[Sale.completed_at, Sale.id])
        money = currency(tenant.currency)
        report: Json = {
            "from": first.isoformat(), "to": last.isoformat(), "timezone": tenant.timezone,
            "currency": money.to_json(),
            "totals": _sum(sales),
            "by_staff": _grouped(sales, "staff"),
            "by_terminal": _grouped(sales, "terminal"),
        }
        if include_sales:
            report["sales"] = sales
        return report


def _by_method(sale: Json) -> dict[str, int]:
    """What the sale brought in per method: payments less refunds."""
    amounts = dict.fromkeys(METHODS, 0)
    for payment in sale["payments"]:
        amounts[payment["method"]] += payment["amount"]
    for refund in sale["refunds"]:
        amounts[refund["method"]] -= refund["amount"]
    return amounts


def _sum(sales: Iterable[Json]) -> Json:
    count = gross = discounts = refunds = tax = 0
    by_method = dict.fromkeys(METHODS, 0)
    for sale in sales:
        count += 1
        gross += sale["gross"]
        discounts += sale["discount_total"]
        refunds += sale["refunded"]
        tax += sale["tax_included"]
        for method, amount in _by_method(sale).items():
            by_method[method] += amount
    return {"count": count, "gross": gross, "discounts": discounts, "refunds": refunds,
            "net": gross - discounts - refunds, "tax_included": tax,
            "by_method": {m: a for m, a in by_method.items() if a}}


def _grouped(sales: list[Json], key: str) -> list[Json]:
    """Totals per person or per till, by name."""
    groups: dict[int, list[Json]] = {}
    who: dict[int, Json] = {}
    for sale in sales:
        groups.setdefault(sale[key]["id"], []).append(sale)
        who[sale[key]["id"]] = sale[key]
    return [{key: who[k], **_sum(group)}
            for k, group in sorted(groups.items(), key=lambda kv: who[kv[0]]["name"])]


# -- CSV ----------------------------------------------------------------------------------


def report_csv(report: Json) -> str:
    """One row per sale, amounts as plain decimals in major units ("3.50"), local date
    and time: the same figures as the report's JSON."""
    exponent = report["currency"]["exponent"]
    zone = ZoneInfo(report["timezone"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for sale in report["sales"]:
        local = datetime.fromisoformat(sale["completed_at"]).astimezone(zone)
        total = sale["total"]
        methods = _by_method(sale)
        writer.writerow([
            sale["number"], local.date().isoformat(), local.strftime("%H:%M:%S"),
            _cell(sale["terminal"]["name"]), _cell(sale["staff"]["name"]),
            sum(line["quantity"] for line in sale["lines"]),
            *(plain(amount, exponent) for amount in (
                sale["gross"], sale["discount_total"], total, sale["tax_included"],
                sale["refunded"], total - sale["refunded"], *methods.values())),
            " ".join(sale["flags"]), sale["id"],
        ])
    return out.getvalue()


def _cell(text: str) -> str:
    """A name as a spreadsheet shows it, never as a formula (``=cmd|…`` stays text)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def tenant_report(ctx: ServerContext, tenant_code: str, day: date | None) -> Json:
    """One local day of the shop (today if None), for ``nixpos-server sales-report``."""
    return sales_report(ctx, tenant_code, ReportQuery(first=day, last=day))


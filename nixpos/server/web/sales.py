"""The sales pages (SPEC §6): a range of the shop's local days, filtered by till, person,
payment method and flag (SPEC §7: received offline, or after the session ended), with its
totals (per method, person and till) and its sales a page at a time; a sale's detail with
who approved what and the audit log's entries about it; and the CSV of the range the page
shows.

Every figure is the report service's (``services.reports``), the same the JSON API and
``nixpos-server sales-report`` give: the totals cover the whole range, the list only
pages through it, so a day of 10,000 sales answers as fast as a quiet one.
"""

from __future__ import annotations

from flask import Response, request

from nixpos.server.errors import NixposError, Unauthorized
from nixpos.server.services.reports import query_from_args
from nixpos.server.services.represent import Json
from nixpos.server.web import present
from nixpos.server.web.pages import bp, page
from nixpos.server.web.signin import admin, signed_in

SALES_PAGE = 100  # sales listed at a time; the totals above them cover the whole range
MAX_OFFSET = 10_000_000
FILTERS = ("from", "to", "terminal_id", "staff_id", "method", "flag")


def offset() -> int:
    """Where the list starts; anything but a number starts at the first sale."""
    raw = request.args.get("offset", "")
    return min(int(raw), MAX_OFFSET) if raw.isascii() and raw.isdigit() and len(raw) <= 9 \
        else 0


def chosen(report: Json | None) -> dict[str, str]:
    """The filters as the page shows and links them: the days the report resolved (today
    when none were given, so the CSV is of the very days shown), the rest as asked."""
    values = {name: request.args.get(name, "") for name in FILTERS}
    if report is not None:
        values |= {"from": report["from"], "to": report["to"]}
    return {name: value for name, value in values.items() if value}


@bp.get("/sales")
@signed_in
def sales() -> Response:
    office = admin()
    report: Json | None = None
    problems: tuple[str, ...] = ()
    try:
        report = office.sales_report(query_from_args(request.args), offset=offset(),
                                     limit=SALES_PAGE)
    except Unauthorized:
        raise
    except NixposError as error:
        problems = (error.message,)
    return page("sales.html", 400 if problems else 200, report=report, problems=problems,
                filters=chosen(report), people=office.staff_list()["staff"],
                tills=office.terminals()["terminals"], page_size=SALES_PAGE)


@bp.get("/sales.csv")
@signed_in
def sales_csv() -> Response:
    """Every sale of the range and filters the page shows, one row each."""
    text, filename = admin().sales_csv(query_from_args(request.args))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


@bp.get("/sales/<int:sale_id>")
@signed_in
def sale(sale_id: int) -> Response:
    office = admin()
    found = office.sale(sale_id)
    return page("sale.html", sale=found, events=office.sale_audit(sale_id)["events"],
                approvals={a["id"]: a for a in found["approvals"]},
                lines={line["id"]: line for line in found["lines"]},
                kinds=present.KIND_LABELS)


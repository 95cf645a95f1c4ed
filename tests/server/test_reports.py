"""The sales report (SPEC §6): the shop's local days, totals that match the sales, filters,
and a CSV with exactly the JSON's figures."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from nixpos.core.clock import FakeClock
from tests.helpers import Shop
from tests.server.selling import Counter, card, cash, line, stock


@pytest.fixture
def day(shop: Shop, clock: FakeClock) -> dict[str, Any]:
    """Three sales in Phnom Penh (UTC+7): two on 5 January local time, one on the 6th.

    1. 09:00 UTC (16:00 local), Sokha on Till 1: 2 lattes, 7.00 by card; later one latte
       (3.50) refunded in cash.
    2. 16:59 UTC (23:59 local), Mealea on Till 2: latte + muffin less 10 %: 6.75 in cash.
    3. 23:30 UTC — 06:30 on the 6th in Phnom Penh — Sokha on Till 1: an espresso, 2.50 QR.
    """
    menu = stock(shop)
    owner = Counter(shop, "Till 1", "Sokha Lim")
    first = owner.sold([line(menu["Latte"], 2, 350)], [card(700)])
    refund = owner.refund(first["id"], [{"line_id": first["lines"][0]["id"], "quantity": 1}])
    assert refund.json["amount"] == 350
    clock.advance(7 * 3600 + 59 * 60)
    cashier = Counter(shop, "Till 2", "Mealea Sok")
    approval = cashier.approve("Dara Chan", "discount", {"kind": "percent", "value": 10})
    second = cashier.sold([line(menu["Latte"], 1, 350), line(menu["Muffin"], 1, 400)],
                          [cash(675, 1000)],
                          discount={"kind": "percent", "value": 10, "approval_id": approval})
    clock.advance(6 * 3600 + 31 * 60)
    owner.unlock()  # her session went idle meanwhile
    third = owner.sold([line(menu["Espresso"], 1, 250)],
                       [{"method": "qr", "amount": 250, "tendered": None}])
    assert third["completed_at"] == "2026-01-05T23:30:00.000Z"
    return {"sales": [first, second, third], "office": shop.login("sokha@lumiere.example")}


def report(shop: Shop, office: str, query: str) -> Any:
    response = shop.admin("GET", f"sales?{query}", office)
    assert response.status_code == 200, response.json
    return response.json


def test_a_local_day_holds_the_sales_completed_on_it_there(shop: Shop, day: dict[str, Any]
                                                           ) -> None:
    fifth = report(shop, day["office"], "from=2026-01-05&to=2026-01-05")
    assert [s["number"] for s in fifth["sales"]] == [1, 2]
    assert (fifth["from"], fifth["to"], fifth["timezone"]) == (
        "2026-01-05", "2026-01-05", "Asia/Phnom_Penh")
    sixth = report(shop, day["office"], "from=2026-01-06")
    assert [s["number"] for s in sixth["sales"]] == [3]  # 23:30 UTC is the next morning
    both = report(shop, day["office"], "from=2026-01-05&to=2026-01-06")
    assert [s["number"] for s in both["sales"]] == [1, 2, 3]
    today = report(shop, day["office"], "")  # the clock says 06:30 on the 6th there
    assert (today["from"], [s["number"] for s in today["sales"]]) == ("2026-01-06", [3])


def test_the_totals_are_the_sum_of_the_sales(shop: Shop, day: dict[str, Any]) -> None:
    fifth = report(shop, day["office"], "from=2026-01-05")
    totals = fifth["totals"]
    assert (totals["count"], totals["gross"], totals["discounts"], totals["refunds"],
            totals["net"]) == (2, 1450, 75, 350, 1025)
    # Payments less refunds per method: 7.00 card, 6.75 cash, less 3.50 refunded in cash.
    assert totals["by_method"] == {"cash": 325, "card": 700}
    assert sum(totals["by_method"].values()) == totals["net"]
    assert totals["tax_included"] == 64 + 61
    assert [(row["staff"]["name"], row["count"], row["net"]) for row in fifth["by_staff"]] == [
        ("Mealea Sok", 1, 675), ("Sokha Lim", 1, 350)]
    assert [(row["terminal"]["name"], row["gross"]) for row in fifth["by_terminal"]] == [
        ("Till 1", 700), ("Till 2", 750)]


def test_filters_by_till_person_and_method(shop: Shop, day: dict[str, Any]) -> None:
    days = "from=2026-01-05&to=2026-01-06"
    by_till = report(shop, day["office"], f"{days}&terminal_id={shop.till_ids['Till 2']}")
    assert [s["number"] for s in by_till["sales"]] == [2]
    by_person = report(shop, day["office"], f"{days}&staff_id={shop.ids['Sokha Lim']}")
    assert [s["number"] for s in by_person["sales"]] == [1, 3]
    by_method = report(shop, day["office"], f"{days}&method=qr")
    assert [s["number"] for s in by_method["sales"]] == [3]
    everything = report(shop, day["office"], f"{days}&terminal_id=&staff_id=&method=")
    assert everything["totals"]["count"] == 3


def test_sales_come_in_pages_but_the_totals_cover_the_range(shop: Shop, day: dict[str, Any]
                                                           ) -> None:
    days = "from=2026-01-05&to=2026-01-06"
    first = report(shop, day["office"], f"{days}&limit=2")
    assert [s["number"] for s in first["sales"]] == [1, 2]
    assert (first["offset"], first["limit"], first["next_offset"]) == (0, 2, 2)
    rest = report(shop, day["office"], f"{days}&limit=2&offset={first['next_offset']}")
    assert [s["number"] for s in rest["sales"]] == [3]
    assert rest["next_offset"] is None
    assert first["totals"] == rest["totals"] and first["totals"]["count"] == 3
    everything = report(shop, day["office"], days)
    assert (everything["limit"], everything["next_offset"]) == (200, None)
    for bad in ("limit=0", "limit=1001", "offset=-1", "offset=x"):
        refused = shop.admin("GET", f"sales?{days}&{bad}", day["office"])
        assert refused.status_code == 400, bad


def test_the_csv_has_exactly_the_jsons_figures(shop: Shop, day: dict[str, Any]) -> None:
    query = "from=2026-01-05&to=2026-01-06"
    data = report(shop, day["office"], query)
    response = shop.admin("GET", f"sales.csv?{query}", day["office"])
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="sales-2026-01-05_2026-01-06.csv"'
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert [int(r["number"]) for r in rows] == [s["number"] for s in data["sales"]]
    assert [(r["date"], r["time"], r["till"], r["staff"]) for r in rows] == [
        ("2026-01-05", "16:00:00", "Till 1", "Sokha Lim"),
        ("2026-01-05", "23:59:00", "Till 2", "Mealea Sok"),
        ("2026-01-06", "06:30:00", "Till 1", "Sokha Lim")]
    assert rows[0]["refunded"] == "3.50" and rows[1]["discounts"] == "0.75"

    def cents(column: str) -> int:
        return int(sum(Decimal(r[column]) for r in rows) * 100)

    totals = data["totals"]
    assert (cents("gross"), cents("discounts"), cents("refunded"), cents("net"),
            cents("tax_included")) == (totals["gross"], totals["discounts"],
                                       totals["refunds"], totals["net"],
                                       totals["tax_included"])
    assert {m: cents(m) for m in ("cash", "card", "qr", "other") if cents(m)} == \
        totals["by_method"]
    for row, sale in zip(rows, data["sales"], strict=True):
        assert int(Decimal(row["total"]) * 100) == sale["total"]
        assert int(row["items"]) == sum(x["quantity"] for x in sale["lines"])


def test_a_name_that_looks_like_a_formula_stays_text(shop: Shop, clock: FakeClock) -> None:
    menu = stock(shop)
    shop.add("=HYPERLINK(1)", "cashier", "91827364")
    Counter(shop, "Till 1", "=HYPERLINK(1)").sold([line(menu["Latte"], 1, 350)], [cash(350)])
    office = shop.login("sokha@lumiere.example")
    text = shop.admin("GET", "sales.csv?from=2026-01-05", office).data.decode()
    assert next(csv.DictReader(io.StringIO(text)))["staff"] == "'=HYPERLINK(1)"


def test_days_follow_the_shops_clock_changes(shop: Shop) -> None:
    # Paris springs forward on 29 March 2026: that day is 23 hours long.
    paris_clock = FakeClock(datetime(2026, 3, 28, 23, 30, tzinfo=UTC))  # 00:30 on the 29th
    shop.ctx.clock = paris_clock
    shop.client.application.extensions["nixpos"].clock = paris_clock
    menu = stock(shop, timezone="Europe/Paris")
    owner = Counter(shop, "Till 1", "Sokha Lim")
    owner.sold([line(menu["Latte"], 1, 350)], [cash(350)])
    paris_clock.advance(23 * 3600)  # 22:30 UTC = 00:30 on the 30th (summer time)
    owner.unlock()
    owner.sold([line(menu["Latte"], 1, 350)], [cash(350)])
    office = shop.login("sokha@lumiere.example")
    assert [s["number"] for s in report(shop, office, "from=2026-03-29")["sales"]] == [1]
    assert [s["number"] for s in report(shop, office, "from=2026-03-30")["sales"]] == [2]


@pytest.mark.parametrize(("query", "says"), [
    ("from=2026-13-01", "'from' must be a date like 2026-01-05"),
    ("from=05/01/2026", "'from' must be a date"),
    ("from=20260105", "'from' must be a date"),
    ("to=yesterday", "'to' must be a date"),
    ("from=2026-01-06&to=2026-01-05", "'to' is before 'from'"),
    ("from=2025-01-01&to=2026-01-05", "at most 366 days"),
    ("terminal_id=abc", "'terminal_id' must be an id"),
    ("staff_id=-1", "'staff_id' must be an id"),
    ("method=cheque", "'method' must be one of: cash, card, qr, other"),
])
def test_bad_dates_and_filters_are_400_with_the_reason(
    shop: Shop, day: dict[str, Any], query: str, says: str
) -> None:
    for path in ("sales", "sales.csv"):
        refused = shop.admin("GET", f"{path}?{query}", day["office"])
        assert refused.status_code == 400, refused.json
        assert says in refused.json["message"]


def test_a_stranger_learns_nothing(shop: Shop) -> None:
    for path in ("sales?from=nonsense", "sales.csv", "sales/1"):
        refused = shop.client.get(f"/api/v1/admin/{path}")
        assert refused.status_code == 401
        assert refused.json["error"] == "unauthorized"


def test_a_sales_detail_for_the_back_office(shop: Shop, day: dict[str, Any]) -> None:
    second = day["sales"][1]
    detail = shop.admin("GET", f"sales/{second['id']}", day["office"])
    assert detail.status_code == 200
    body = detail.json
    assert {k: v for k, v in body.items() if k != "approvals"} == second
    assert [(a["action"], a["approved_by"]["name"], a["detail"]) for a in body["approvals"]] \
        == [("discount", "Dara Chan", {"kind": "percent", "value": 10})]
    assert shop.admin("GET", "sales/99999", day["office"]).status_code == 404

"""Flags a manager looks at (SPEC §7.4): the sales report, its CSV, the back-office page and
``nixpos-server sales-report`` keep only the sales received late (``offline``) or made
after their session ended (``after_session_end``) when asked."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from nixpos.core.clock import FakeClock
from nixpos.server import cli
from tests.conftest import PIN_SECRET
from tests.helpers import Shop
from tests.server.selling import Counter, cash, line, stock


@pytest.fixture
def flagged(shop: Shop, clock: FakeClock) -> dict[str, Any]:
    """Sale 1 on time; sale 2 completed two minutes before it arrived (offline); sale 3
    completed after its session was kicked, 5 s before it arrived (after_session_end only).
    The report lists them by completion: 2, 1, 3."""
    menu = stock(shop)
    till = Counter(shop, "Till 1", "Mealea Sok")
    till.sold([line(menu["Latte"], 1, 350)], [cash(350)])
    till.sold([line(menu["Muffin"], 1, 400)], [cash(400)],
              completed_at=clock.now() - timedelta(minutes=2))
    shop.unlock_ok("Till 2", "Mealea Sok")  # kicked from Till 1
    clock.advance(10)
    till.sold([line(menu["Espresso"], 1, 250)], [cash(250)],
              completed_at=clock.now() - timedelta(seconds=5))
    return {"office": shop.login("sokha@lumiere.example")}


def numbers(shop: Shop, office: str, query: str) -> list[tuple[int, list[str]]]:
    answer = shop.admin("GET", f"sales?{query}", office)
    assert answer.status_code == 200, answer.json
    return [(s["number"], s["flags"]) for s in answer.json["sales"]]


def test_the_report_filters_on_each_flag(shop: Shop, flagged: dict[str, Any]) -> None:
    office = flagged["office"]
    assert numbers(shop, office, "") == [(2, ["offline"]), (1, []), (3, ["after_session_end"])]
    assert numbers(shop, office, "flag=offline") == [(2, ["offline"])]
    assert numbers(shop, office, "flag=after_session_end") == [(3, ["after_session_end"])]
    assert numbers(shop, office, "flag=") == numbers(shop, office, "")
    totals = shop.admin("GET", "sales?flag=offline", office).json["totals"]
    assert (totals["count"], totals["net"]) == (1, 400)
    refused = shop.admin("GET", "sales?flag=late", office)
    assert (refused.status_code, refused.json["error"]) == (400, "invalid_request")
    assert "after_session_end, offline" in refused.json["message"]


def test_the_csv_filters_on_flags(shop: Shop, flagged: dict[str, Any]) -> None:
    answer = shop.admin("GET", "sales.csv?flag=after_session_end", flagged["office"])
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert [(r["number"], r["flags"]) for r in rows] == [("3", "after_session_end")]


def test_sales_report_takes_a_flag(shop: Shop, flagged: dict[str, Any], tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(PIN_SECRET)
    secret.chmod(0o600)
    args = ["--db", shop.ctx.db.url, "--secret-file", str(secret), "--date", "2026-01-05",
            "--tenant", "lumiere-coffee"]
    assert cli.main(["sales-report", "--flag", "offline", "--json", *args]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["count"] == 1
    assert cli.main(["sales-report", "--flag", "after_session_end", "--csv", *args]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["number"] for r in rows] == ["3"]

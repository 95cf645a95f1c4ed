"""``nixpos-server`` for selling (SPEC §6): shops with money settings, products with exact
prices, the demo's café menu, and the sales report with the API's figures."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nixpos.server import cli
from nixpos.server.db import Database
from nixpos.server.services import catalog
from nixpos.server.services.context import ServerContext
from nixpos.server.services.reports import ReportQuery, sales_report
from tests.conftest import PIN_SECRET
from tests.helpers import Shop
from tests.server.selling import Counter, card, cash, line, stock


@pytest.fixture
def db_args(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    args = ["--db", f"sqlite:///{tmp_path / 'pos.db'}"]
    assert cli.main(["init", *args]) == 0
    capsys.readouterr()
    return args


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    status, out, err = run(capsys, *argv, "--json")
    assert status == 0, err
    return json.loads(out)


def test_a_shop_gets_its_currency_tax_and_time_zone(
    capsys: pytest.CaptureFixture[str], db_args: list[str]
) -> None:
    shop = run_json(capsys, "add-tenant", "--code", "cafe", "--name", "Café", "--currency",
                    "khr", "--tax-rate", "7.25", "--timezone", "Asia/Phnom_Penh", *db_args)
    assert (shop["currency"], shop["tax_rate_bp"], shop["timezone"]) == (
        "KHR", 725, "Asia/Phnom_Penh")
    plain = run_json(capsys, "add-tenant", "--code", "plain", "--name", "Plain", *db_args)
    assert (plain["currency"], plain["tax_rate_bp"], plain["timezone"]) == ("USD", 0, "UTC")
    status, out, _ = run(capsys, "add-tenant", "--code", "three", "--name", "Three",
                         "--tax-rate", "10", *db_args)
    assert status == 0 and "USD, 10 % tax included, UTC" in out


@pytest.mark.parametrize(("flags", "says"), [
    (["--currency", "DOLLARS"], "not an ISO 4217 currency code"),
    (["--currency", "XYZ"], "not an ISO 4217 currency code"),
    (["--tax-rate", "7.125"], "at most 2 decimals"),
    (["--tax-rate", "-5"], "not a tax rate"),
    (["--tax-rate", "ten"], "not a tax rate"),
    (["--tax-rate", "101"], "from 0 to 100"),
    (["--timezone", "Mars/Olympus"], "not an IANA time zone"),
    (["--timezone", "../../etc/passwd"], "not an IANA time zone"),
])
def test_bad_money_settings_are_one_clear_line(
    capsys: pytest.CaptureFixture[str], db_args: list[str], flags: list[str], says: str
) -> None:
    status, _, err = run(capsys, "add-tenant", "--code", "x", "--name", "X", *flags, *db_args)
    assert status == 2
    assert says in err and "Traceback" not in err


def test_add_product_parses_the_price_exactly(
    capsys: pytest.CaptureFixture[str], db_args: list[str]
) -> None:
    run(capsys, "add-tenant", "--code", "cafe", "--name", "Café", *db_args)
    latte = run_json(capsys, "add-product", "--tenant", "cafe", "--name", "Latte", "--price",
                     "3.50", "--category", "Coffee", "--sku", "LAT-01", *db_args)
    assert (latte["price"], latte["category"], latte["sku"]) == (350, "Coffee", "LAT-01")
    status, out, _ = run(capsys, "add-product", "--tenant", "cafe", "--name", "Tea",
                         "--price", "3", *db_args)
    assert status == 0 and out.strip() == "Added Tea (no SKU) at $3.00."
    status, _, err = run(capsys, "add-product", "--tenant", "cafe", "--name", "Mocha",
                         "--price", "3.505", *db_args)
    assert status == 2
    assert "3.505 has more decimals than the currency has (at most 2 decimals)" in err
    status, _, err = run(capsys, "add-product", "--tenant", "cafe", "--name", "Iced Latte",
                         "--price", "4", "--sku", "lat-01", *db_args)
    assert status == 2 and "already has the SKU" in err
    for price in ("3,50", "-1", "$3"):
        assert run(capsys, "add-product", "--tenant", "cafe", "--name", "X", "--price", price,
                   *db_args)[0] == 2


def test_a_yen_shop_takes_whole_prices_only(
    capsys: pytest.CaptureFixture[str], db_args: list[str]
) -> None:
    run(capsys, "add-tenant", "--code", "kissa", "--name", "Kissa", "--currency", "JPY",
        *db_args)
    assert run_json(capsys, "add-product", "--tenant", "kissa", "--name", "Coffee",
                    "--price", "450", *db_args)["price"] == 450
    status, _, err = run(capsys, "add-product", "--tenant", "kissa", "--name", "Tea",
                         "--price", "450.5", *db_args)
    assert status == 2 and "no decimals" in err


def test_the_demo_has_a_cafe_menu_and_keeps_it_when_run_again(
    capsys: pytest.CaptureFixture[str], db_args: list[str]
) -> None:
    demo = run_json(capsys, "demo", *db_args)
    assert demo["menu"] == {"products": 14, "categories": 4, "currency": "USD",
                            "tax_rate_bp": 1000, "timezone": "Asia/Phnom_Penh"}
    again = run_json(capsys, "demo", *db_args)
    assert again["menu"] == demo["menu"]
    _, text, _ = run(capsys, "demo", *db_args)
    assert "Menu: 14 products in 4 categories (USD, 10 % tax included, Asia/Phnom_Penh)" in text
    ctx = ServerContext(db=Database(db_args[1]), pin_secret=PIN_SECRET)
    listed = catalog.list_products(ctx, "lumiere-coffee")
    assert [c["name"] for c in listed["categories"]][:3] == ["Coffee", "Tea", "Bakery"]
    assert all(p["sku"] and p["price"] > 0 for p in listed["products"])
    assert "Latte" in {p["name"] for p in listed["products"]}
    ctx.db.dispose()


def test_sales_report_prints_the_apis_figures(
    capsys: pytest.CaptureFixture[str], shop: Shop, tmp_path: Path
) -> None:
    menu = stock(shop)
    owner = Counter(shop, "Till 1", "Sokha Lim")
    owner.sold([line(menu["Latte"], 2, 350)], [card(700)])
    owner.sold([line(menu["Muffin"], 1, 400)], [cash(400, 500)])
    secret = tmp_path / "secret"
    secret.write_bytes(PIN_SECRET)
    secret.chmod(0o600)
    args = ["--db", shop.ctx.db.url, "--secret-file", str(secret)]
    local_day = "2026-01-05"  # 09:00 UTC is 16:00 in Phnom Penh
    api = sales_report(shop.ctx, "lumiere-coffee",
                       ReportQuery(first=date(2026, 1, 5), last=date(2026, 1, 5)))
    printed = run_json(capsys, "sales-report", "--tenant", "lumiere-coffee", "--date",
                       local_day, *args)
    assert printed["totals"] == api["totals"] and printed["totals"]["count"] == 2
    status, text, _ = run(capsys, "sales-report", "--tenant", "lumiere-coffee", "--date",
                          local_day, *args)
    assert status == 0
    assert "2 sales, gross $11.00, discounts $0.00, refunds $0.00, net $11.00" in text
    assert "by method: cash $4.00, card $7.00" in text
    status, text, _ = run(capsys, "sales-report", "--tenant", "lumiere-coffee", "--date",
                          local_day, "--csv", *args)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["number"], r["total"]) for r in rows] == [("1", "7.00"), ("2", "4.00")]
    status, _, err = run(capsys, "sales-report", "--tenant", "nope", *args)
    assert status == 2 and "No shop" in err


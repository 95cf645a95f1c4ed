"""The receipt's text: every line as a receipt printer prints it, amounts flush right."""

from __future__ import annotations

from datetime import timedelta, timezone

from nixpos.core.money import format_money
from nixpos.core.receipt import WIDTH, receipt_text, row

PHNOM_PENH = timezone(timedelta(hours=7))
SALE = {
    "id": 5, "number": 12, "staff": {"id": 3, "name": "Mealea Sok", "role": "cashier"},
    "terminal": {"id": 1, "name": "Till 1"}, "completed_at": "2026-11-25T09:30:00Z",
    "lines": [
        {"id": 1, "product_id": 11, "name": "Latte", "quantity": 2, "unit_price": 350,
         "discount_amount": 70, "total": 630},
        {"id": 2, "product_id": 21, "name": "Croissant", "quantity": 1, "unit_price": 275,
         "discount_amount": 0, "total": 275},
    ],
    "subtotal": 905, "discount_total": 170, "total": 805, "tax_included": 73,
    "payments": [{"method": "card", "amount": 305, "tendered": None, "change": 0},
                 {"method": "cash", "amount": 500, "tendered": 1000, "change": 500}],
    "change": 500, "refunded": 0,
}


def usd(minor: int) -> str:
    return format_money(minor, "USD", 2)


def test_a_receipt_names_shop_till_cashier_number_and_local_time_and_adds_up() -> None:
    assert receipt_text(SALE, "Lumière Coffee", usd, PHNOM_PENH) == [
        "             Lumière Coffee",
        "     Sale 12 · Till 1 · Mealea Sok",
        "            2026-11-25 16:30",
        "----------------------------------------",
        "2 × Latte                          $7.00",
        "    $3.50 each",
        "    discount                      −$0.70",
        "1 × Croissant                      $2.75",
        "----------------------------------------",
        "Subtotal                           $9.05",
        "Sale discount                     −$1.00",
        "Total                              $8.05",
        "Tax included                       $0.73",
        "You saved                          $1.70",
        "----------------------------------------",
        "Card                               $3.05",
        "Cash                               $5.00",
        "    tendered                      $10.00",
        "Change                             $5.00",
    ]


def test_every_line_fits_the_paper_and_a_long_name_puts_its_amount_below() -> None:
    long_name = "Iced caramel macchiato with oat milk, large"
    sale = SALE | {"lines": [{"id": 1, "name": long_name, "quantity": 1, "unit_price": 650,
                              "discount_amount": 0, "total": 650}]}
    lines = receipt_text(sale, "Lumière Coffee", usd, PHNOM_PENH)
    at = lines.index(f"1 × {long_name}")
    assert lines[at + 1] == "$6.50".rjust(WIDTH)
    assert all(len(line) <= WIDTH for line in lines if long_name not in line)


def test_a_refunded_sale_says_how_much_went_back() -> None:
    lines = receipt_text(SALE | {"refunded": 350}, "Lumière Coffee", usd, PHNOM_PENH)
    assert lines[-1] == row("Refunded", "−$3.50")[0]

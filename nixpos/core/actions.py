"""Actions a cashier may not do alone: each needs a manager's approval (SPEC rule 10b)."""

from __future__ import annotations

APPROVAL_ACTIONS: dict[str, str] = {
    "void_line": "Void a line",
    "refund": "Refund",
    "discount": "Discount",
    "open_drawer": "Open drawer without a sale",
    "close_kiosk": "Close the till program",
}
APPROVAL_TTL_S = 60

"""Every word a person reads on the till, in one place, ready for translation.

Screens and rules never spell a sentence themselves: they name one here.
Sentences that carry data are functions; the rest are constants. (The exact
SPEC wordings — "Invalid PIN", "another device", … — are kept verbatim.)
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from nixpos.core.answers import SessionEnd
from nixpos.core.lockout import format_wait
from nixpos.core.reasons import EndReason

# -- the lock screen -------------------------------------------------------------

ENTER_PIN = "Enter your PIN"
CLEAR_KEY = "Clear"
ENTER_KEY = "Enter"
CHECKING = "Checking…"
MANAGER_OVERRIDE = "Manager override"
DISMISS = "Dismiss"
OFFLINE_BADGE = "Offline — reconnecting"
ONLINE = "Online"

# -- why a PIN or the till was refused (SPEC rule 1) --------------------------------

INVALID_PIN = "Invalid PIN"
NOT_ASSIGNED = "Not assigned to this terminal"
NOT_A_MANAGER = "That PIN is not a manager's. Ask a manager or the owner."
DEACTIVATED = "This terminal has been deactivated"
NOT_ENROLLED = "This till is no longer enrolled. Ask IT for a new enrollment code."
SESSION_LOST = "The server no longer knows this session. Unlock again."
OFFLINE = "Cannot reach the server. Check the network cable or Wi-Fi and try again."
NOT_UNDERSTOOD = "The server's answer was not understood. Try again, or ask IT."
CLOSE_NEEDS_MANAGER = "To close the till program, unlock with a manager PIN first."
BAD_PIN = "That is not a PIN. Enter the digits of your PIN."

_REFUSALS = {
    "invalid_pin": INVALID_PIN,
    "not_assigned": NOT_ASSIGNED,
    "not_manager": NOT_A_MANAGER,
    "invalid_request": BAD_PIN,
    "terminal_deactivated": DEACTIVATED,
    "invalid_terminal": NOT_ENROLLED,
    "tenant_mismatch": NOT_ENROLLED,
    "invalid_token": SESSION_LOST,
    "session_ended": SESSION_LOST,
}


def refusal(code: str, server_message: str) -> str:
    """What the till says when the server refused with ``code`` (its own words otherwise)."""
    return _REFUSALS.get(code, server_message)


def lockout(seconds: int) -> str:
    return f"Terminal locked — try again in {format_wait(seconds)} or ask a manager"


# -- signed in ---------------------------------------------------------------------

LOCK = "Lock"
OPEN_DRAWER = "Open drawer"
CLOSE_PROGRAM = "Close till program"
ROLES = {"cashier": "Cashier", "manager": "Manager", "owner": "Owner"}


def role(role_code: str, override: bool) -> str:
    shown = ROLES.get(role_code, role_code.capitalize())
    return shown + (" · manager override" if override else "")


def locks_in(seconds: int) -> str:
    return f"Locks in {format_wait(seconds)} if idle"


def approved(action_label: str, manager: str) -> str:
    return f"{action_label} — approved by {manager}."


# -- the idle warning ----------------------------------------------------------------

STILL_THERE = "Still there?"
STAY_SIGNED_IN = "Stay signed in"


def register_locks_in(seconds: int) -> str:
    return f"This register locks in {format_wait(seconds)}"


# -- the manager's PIN dialog ----------------------------------------------------------

CANCEL = "Cancel"
OVERRIDE_TITLE = "Manager override"
OVERRIDE_TEXT = ("A manager or owner PIN unlocks this till as that manager, even where they "
                 "are not assigned.")
ACTION_LABELS = {
    "void_line": "Void a line",
    "refund": "Refund",
    "discount": "Discount",
    "open_drawer": "Open drawer without a sale",
    "close_kiosk": "Close the till program",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


def approval_title(action: str) -> str:
    return f"Manager approval: {action_label(action)}"


def approval_text(cashier: str | None) -> str:
    return (f"A manager or owner enters their PIN to approve this. "
            f"{cashier or 'The cashier'} stays signed in.")


# -- the kick banner (SPEC rule 5) ------------------------------------------------------

REGISTER_LOCKED = "This register was locked."


def _clock(at: datetime | None, tz: tzinfo | None) -> str:
    return f" at {at.astimezone(tz):%H:%M}" if at else ""


def duration(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def banner(end: SessionEnd, idle_timeout_s: int, tz: tzinfo | None = None) -> str | None:
    """Why this till's session ended, or None when there is nothing to tell (a manual lock).

    A reason this till does not know (``None``: a newer server) still says the
    register was locked. An idle end names the timeout that ran out.
    """
    text = _why_ended(end, idle_timeout_s, tz)
    if text is not None and end.parked_items is not None:
        text = f"{text} {sale_moved(end.parked_items)}"
    return text


def _why_ended(end: SessionEnd, idle_timeout_s: int, tz: tzinfo | None) -> str | None:
    by, on = end.by, end.on
    who = by or "A manager"
    whose = end.staff or "The cashier"
    when = _clock(end.at, tz)
    match end.reason:
        case EndReason.LOGOUT:
            return None
        case EndReason.SIGNED_IN_ELSEWHERE:
            where = f" ({on})" if on else ""
            return f"{by or whose} signed in on another device{where}{when}. {REGISTER_LOCKED}"
        case EndReason.IDLE_TIMEOUT:
            idle = duration(end.idle_timeout_s or idle_timeout_s)
            return f"Locked after {idle} without activity."
        case EndReason.REPLACED:
            return f"{who} unlocked this register{when}, ending {whose}'s session."
        case EndReason.FORCE_ENDED:
            return f"{who} ended {whose}'s session from the back office{when}. {REGISTER_LOCKED}"
        case EndReason.PIN_RESET:
            return f"{whose}'s PIN was reset by {who}{when}. {REGISTER_LOCKED}"
        case EndReason.STAFF_DEACTIVATED:
            return f"{whose} was deactivated by {who}{when}. {REGISTER_LOCKED}"
        case EndReason.TERMINAL_DEACTIVATED:
            return f"This terminal has been deactivated by {who}{when}."
        case EndReason.SIGNED_OUT_EVERYWHERE:
            return f"{who} signed out of all devices{when}. {REGISTER_LOCKED}"
    return f"{whose}'s session ended{when}. {REGISTER_LOCKED}"


# -- setting a till up, and when it cannot start --------------------------------------------

SET_UP_TITLE = "Set up this till"
SET_UP_INTRO = ("Ask IT for this till's one-time enrollment code "
                "(nixpos-server enrollment-code).")
SERVER_ADDRESS = "Server address"
ENROLLMENT_CODE = "Enrollment code"
DEVICE_NAME = "Device name"
ENROLL = "Enroll this till"
ENTER_CODE = "Enter the enrollment code IT gave you."
FIRST_ENROLL_NEEDS_SERVER = ("The first enrollment needs the server too: "
                             "nixpos --server http://HOST:8765 --enroll CODE")
CANNOT_START = "This till cannot start"
CLOSE = "Close"


def cannot_reach(server_url: str) -> str:
    return (f"Cannot reach the server at {server_url}. Check the address and that "
            "nixpos-server is running.")


def not_a_nixpos_server(server_url: str) -> str:
    return f"The server at {server_url} did not answer like a nixpos server. Check the address."


def show_it(log_file: str | None) -> str:
    return "Show this to IT." + (f" The till's log: {log_file}" if log_file else "")


# -- selling ------------------------------------------------------------------------------------

METHODS = {"cash": "Cash", "card": "Card", "qr": "QR", "other": "Other"}
ALL_PRODUCTS = "All"
SEARCH_HINT = "Search or scan · Enter to pay"
PAY = "Pay"
CANCEL_PAYMENT = "Back to the sale"
NEW_SALE = "New sale"
PRINT = "Print"
RECENT_SALES = "Recent sales"
REPRINT = "Reprint"
REFUND = "Refund"
DISCOUNT = "Discount"
VOID = "Void"
EXACT = "Exact"
CHANGE_DUE = "Change due"
SENDING_SALE = "Sale recorded on this till; sending it to the server…"
CHOOSE_REFUND_LINES = "Choose what to refund: tap + on a line."
REFUND_NEEDS_REASON = "Say why: type a reason for the refund."
ACCEPT_PRICES = "Accept the new prices"
RESUME_HELD = "Back to the sale put aside"
EMPTY_CART = "Tap a product, search, or scan a barcode."
BACKSPACE_KEY = "⌫"
MORE = "More"
BACK = "Back"
LESS_KEY = "−"
MORE_KEY = "+"
DISCOUNTS = "Discounts"
LEFT_TO_PAY = "Left to pay"
AMOUNT_GIVEN = "Amount given"
PAID = "Paid"
RECEIPT = "Receipt"
TENDER_HINT = "Type the amount given, or tap a note."
PRICES_CHANGED = "Prices changed since this sale was rung up:"
NO_RECENT_SALES = "No sales on this till yet."
NO_PRINTER = "No printer is set up on this till. Ask IT to set a default printer."
PRINT_FAILED = "The receipt could not be printed. Check the printer's paper and power."
REFUND_METHOD = "Give back by"
REASON = "Reason"
REASON_HINT = "Why is it refunded?"
REFUND_REASONS = ("Wrong order", "Spilt", "Not as expected")
WHOLE_SALE = "Whole sale"
DISCOUNT_KINDS = {"percent": "Percent", "amount": "Amount"}
APPLY = "Apply"
NO_DISCOUNT = "No discount"
TYPE_DISCOUNT = "Type the discount: a percent from 1 to 100, or an amount."


def pay(total: str) -> str:
    return f"Pay {total}"


def exact(amount: str) -> str:
    return f"{EXACT} {amount}"


def provisional_number(number: int, till: str) -> str:
    """A sale's name on this till until the server gives it its number (SPEC §7.4)."""
    return f"Offline {number:04d} — {till}"


def provisional_title(number: int, till: str, cashier: str) -> str:
    return f"{provisional_number(number, till)} · {cashier}" if cashier else (
        provisional_number(number, till))


GETS_NUMBER_LATER = "This sale gets its number when the server is back."


def _sales(count: int) -> str:
    return f"{count} sale{'s' if count != 1 else ''}"


def connection(online: bool, waiting: int) -> str:
    """The status bar: whether the server answers, and the sales still owed to it."""
    if online:
        return f"{_sales(waiting)} waiting" if waiting else ONLINE
    return f"Offline — {_sales(waiting)} waiting" if waiting else OFFLINE_BADGE


def unsent(refused: int) -> str:
    """Sales the server refused, kept on this till (the status bar counts those waiting)."""
    return f"{_sales(refused)} could not be sent — ask a manager"


def store_failed(problem: str) -> str:
    return (f"This till could not write to its disk ({problem}). Sales are still sent to the "
            "server; ask IT to check the till's disk.")


def each(price: str) -> str:
    return f"{price} each"


def type_quantity(most: int) -> str:
    return f"Type a quantity from 1 to {most}. To take a line off, tap its −."


def quantity_title(name: str, now: int) -> str:
    return f"Quantity of {name} (now {now})"


THE_SALE = "the sale"


def discount_title(line: str | None) -> str:
    """The discount pad's title: on one line (its name) or on the sale (None)."""
    return f"Discount on {line}" if line is not None else "Discount on the whole sale"


def refund_title(number: object) -> str:
    return f"Refund sale No. {number}"


def refundable(left: int) -> str:
    return f"{left} left to refund" if left else "all refunded"


def plain_money(minor: int) -> str:
    return f"{minor / 100:.2f}"


def no_such_product(code: str) -> str:
    return f"No product matches “{code}”. Check the code, or search by name."


def approve_void(quantity: int, name: str) -> str:
    return f"Approve voiding {quantity} × {name}?"


def approve_discount(amount: str, what: str) -> str:
    return f"Approve {amount} off {what}?"


def approve_refund(number: object) -> str:
    return f"Approve a refund of sale {number}?"


def sale_refused(message: str) -> str:
    return f"The server did not take the sale: {message} It is back in the cart."


def refunded(amount: str) -> str:
    return f"Refunded {amount}."


def price_changed(name: str, old: str, new: str) -> str:
    return f"{name}: {old} → {new}" if old else f"{name}: now {new}"


def sale_summary(number: object, when: str, total: str, refunded_any: bool) -> str:
    return f"No. {number} · {when} · {total}" + (" · refunded" if refunded_any else "")


def receipt_header(number: object, till: str, cashier: str) -> str:
    return f"Sale {number} · {till} · {cashier}"


def receipt_item(quantity: int, name: str) -> str:
    return f"{quantity} × {name}"


def receipt_each(price: str) -> str:
    return f"    {price} each"


RECEIPT_DISCOUNT = "    discount"
RECEIPT_TENDERED = "    tendered"
SUBTOTAL = "Subtotal"
SALE_DISCOUNT = "Sale discount"
TOTAL = "Total"
TAX_INCLUDED = "Tax included"
SAVED = "You saved"
CHANGE = "Change"
REFUNDED = "Refunded"


# -- the open sale follows the person (SPEC §7.1–7.3) ------------------------------------------

CONTINUE = "Continue"
DISCARD = "Discard"
YES = "Yes"
NO = "No"
CART_TAKEN = "That sale was already continued on another till."
CART_GONE = "This sale was continued or paid on another till, so it is no longer here."


def items(count: int) -> str:
    return f"{count} item{'s' if count != 1 else ''}"


def continue_sale(till: str, count: int, total: str) -> str:
    where = f" from {till}" if till else ""
    return f"Continue the sale{where} — {items(count)}, {total}?"


def take_over(person: str, till: str, count: int, total: str) -> str:
    where = f" on {till}" if till else " on another till"
    return (f"{person or 'You'} {'has' if person else 'have'} an open sale{where} "
            f"({items(count)}, {total}). Sign in here and bring it along?")


def sale_moved(count: int) -> str:
    return f"Their open sale ({items(count)}) moved with them."

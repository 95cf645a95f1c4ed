"""Screenshots of the real till app on a real X server, into ``docs/screenshots/``.

    xvfb-run -a -s "-screen 0 2048x1080x24" .venv/bin/python -m docs.take_screenshots

Two tills run against the demo shop on a real server (``bench.floor``); a
person's steps are played through the same widgets a cashier touches, and
each picture is read back from the X server, so it shows what a till shows.
Pictures named ``…-WIDTHxHEIGHT`` show Till 1's window at a touch screen's
size: the lock screen at its fullest (kick banner, the offline error and
badge, after the server went down), the override dialog and the idle
warning, and selling: the sale screen with a cart (a manager approved a
discount), the tender screen with change due, the receipt and a refund. A
server without the selling API (``/api/v1/pos/catalog`` answers 404) skips
the selling pictures and says so. Once the server is down, Till 2 sells three
sales offline: the badge counts them and the last has its provisional receipt.
The set-up dialog is shown as on an 800×480 screen (a plain
backdrop stands in for the empty kiosk screen around it), and the start-up
error as a kiosk with no secure keyring shows it. The open sale following its
person (SPEC §7.2–7.3) is played between the two tills: the take-over question,
the kicked till's banner saying the sale moved, and the continue question.
(Debian: ``apt-get install xvfb libxcb-icccm4 libxcb-keysyms1``.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from functools import partial
from pathlib import Path

import httpx
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from bench.floor import Floor, on_floor
from nixpos.client.enrollment import StartupError, enroll
from nixpos.client.secrets import NO_KEYRING
from nixpos.client.till import Till
from nixpos.client.views.enroll_dialog import EnrollDialog
from nixpos.client.views.fatal_screen import FatalScreen
from nixpos.core.pricing import PaymentMethod
from nixpos.core.ticker import BootTicker
from tests.helpers import until as until_within

OUT = Path(__file__).resolve().parent / "screenshots"
until = partial(until_within, timeout=10.0)  # a real X server is slower than the tests
TILL_W, TILL_H = 1000, 740
SMALL, SHORT, BIG = QSize(800, 480), QSize(1024, 600), QSize(1920, 1080)
WARNING_AT_S = 47  # the idle warning's pictures: this long before the idle lock
SELLING_SKIPPED = ("selling pictures skipped: this server has no selling API yet "
                   "(/api/v1/pos/catalog answered 404)")


class ShiftedTicker(BootTicker):
    """The real clock, plus minutes a script may skip (to reach the idle warning now)."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped = 0.0

    def seconds(self) -> float:
        return super().seconds() + self.skipped


async def settle() -> None:
    """Let layout and painting finish before a picture."""
    await asyncio.sleep(0.3)


def shoot(out: Path, name: str, *widgets: QWidget) -> None:
    """What the X server shows where ``widgets`` are (dialogs on top included)."""
    area = QRect()
    for widget in widgets:
        area = area.united(widget.frameGeometry())
    screen = QGuiApplication.primaryScreen()
    area = area.intersected(screen.geometry())
    picture = screen.grabWindow(0, area.x(), area.y(), area.width(), area.height())
    path = out / f"{name}.png"
    if not picture.save(str(path)):
        raise RuntimeError(f"could not write {path}")
    print(f"  {path}")


def sized(name: str, size: QSize) -> str:
    return f"{name}-{size.width()}x{size.height()}"


async def resize(till: Till, size: QSize) -> None:
    """Till 1 at a touch screen's size, above Till 2 (which it may overlap)."""
    till.window.setGeometry(0, 0, size.width(), size.height())
    till.window.raise_()
    await settle()


def type_pin(till: Till, pin: str) -> None:
    keypad = till.window.lock_screen.keypad
    for digit in pin:
        keypad.buttons[digit].click()
    keypad.buttons["Enter"].click()


async def scenes(floor: Floor, out: Path) -> None:
    ticker = ShiftedTicker()
    till_1, till_2 = floor.till("Till 1", ticker), floor.till("Till 2")
    for index, till in enumerate((till_1, till_2)):
        till.window.setGeometry(index * (TILL_W + 20), 0, TILL_W, TILL_H)
        till.window.show()
        till.controller.start()
    await until(lambda: till_1.window.lock_screen.shop.text() == "Lumière Coffee")
    await settle()
    shoot(out, "lock-screen", till_1.window)

    type_pin(till_1, "13572460")
    await until(lambda: till_1.window.lock_screen.error.text() == "Invalid PIN")
    for digit in "135":
        till_1.window.lock_screen.keypad.press(digit)
    await settle()
    shoot(out, "keypad-error", till_1.window)
    till_1.window.lock_screen.keypad.clear()

    type_pin(till_1, floor.pins["Mealea Sok"])
    await until(lambda: till_1.session.is_live)
    await settle()
    shoot(out, "active-screen", till_1.window)

    if sells(floor):
        await selling(floor, till_1, out)
    else:
        print(f"  {SELLING_SKIPPED}")

    await override_refused(floor, till_1, out, "override-dialog")
    await idle_warning(till_1, ticker, out, "idle-warning")
    for size in (SMALL, SHORT):
        await resize(till_1, size)
        await override_refused(floor, till_1, out, sized("override-dialog", size))
        await idle_warning(till_1, ticker, out, sized("idle-warning", size))
    await resize(till_1, QSize(TILL_W, TILL_H))
    till_1.window.active_screen.lock_button.click()
    await until(lambda: not till_1.session.is_live)

    type_pin(till_1, floor.pins["Sokha Lim"])
    await until(lambda: till_1.session.is_live)
    type_pin(till_2, floor.pins["Sokha Lim"])
    await until(lambda: till_2.session.is_live)
    await until(lambda: not till_1.window.lock_screen.banner.isHidden())
    await settle()
    shoot(out, "kick-banner", till_1.window)
    shoot(out, "kick-two-tills", till_1.window, till_2.window)
    if sells(floor):
        await open_sale_follows(floor, till_1, till_2, out)

    # The lock screen at its fullest: the kick banner, then the server goes down and
    # a PIN typed meanwhile brings the offline error and badge.
    floor.server_down()
    type_pin(till_1, floor.pins["Mealea Sok"])
    await until(lambda: till_1.window.lock_screen.offline.isVisible())
    for size in (SMALL, SHORT, BIG):
        await resize(till_1, size)
        shoot(out, sized("lock-screen", size), till_1.window)
    if sells(floor, up=False):
        await offline_sales(till_2, out)

    for till in (till_1, till_2):
        await till.close()
        till.window.close()
    await enroll_dialog(floor.url, out)
    await cannot_start(out)


_SELLS: list[bool] = []


def sells(floor: Floor, *, up: bool = True) -> bool:
    """Whether the server has the selling API (SPEC §6) yet (as it said while ``up``)."""
    if up:
        answer = httpx.get(f"{floor.url}/api/v1/pos/catalog",
                           headers={"X-Terminal-Key": floor.keys["Till 1"]})
        _SELLS[:] = [answer.status_code != 404]
    return bool(_SELLS and _SELLS[0])


async def offline_sales(till: Till, out: Path) -> None:
    """The server is down: three sales on the till's disk, the badge counting them, and
    the provisional receipt of the last (SPEC §7.4)."""
    await until(lambda: not till.state.connection.online)
    screen = till.window.active_screen.sale
    products, cart = screen.selling.products, screen.selling.cart
    for at in range(3):
        if at:
            screen.receipt.new_sale_button.click()
        products.buttons[at % products.shown].click()
        cart.pay_button.click()
        screen.tender.quick_buttons[0].click()  # exact cash
        await until(lambda: "Offline" in screen.receipt.text.text())
    for size in (BIG, SHORT):
        await resize(till, size)
        shoot(out, sized("offline-sales", size), till.window)


def click(widget: QWidget) -> None:
    """A tap where a widget reacts to the press itself (a cart line), not only to clicked."""
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


async def selling(floor: Floor, till: Till, out: Path) -> None:
    """A cashier's sale from the first product to a refund, pictured at two screen sizes."""
    state, screen = till.state, till.window.active_screen.sale
    await until(lambda: state.sale.catalog is not None)
    products, cart = screen.selling.products, screen.selling.cart
    for tab, picks in zip(products.tabs, ((0, 2, 0), (0, 1), (1,)), strict=False):
        tab.click()
        for pick in picks:
            products.buttons[min(pick, products.shown - 1)].click()
    click(cart.rows[0].name)  # a line's discount pad: 10 %
    for key in "10":
        screen.entry.pad.buttons[key].click()
    screen.entry.apply_button.click()
    await approve(floor, till)
    await settle()
    for size in (BIG, SHORT):
        await resize(till, size)
        shoot(out, sized("sale-screen", size), till.window)

    cart.pay_button.click()
    note = 10 ** (state.sale.catalog.currency.exponent + 1) * 2  # a 20 note, or more
    given = (state.sale.cart.remaining // note + 1) * note
    for key in str(given):
        screen.tender.pad.buttons[key].click()
    for size in (BIG, SHORT):
        await resize(till, size)
        shoot(out, sized("tender-change", size), till.window)

    screen.tender.method_buttons[PaymentMethod.CASH].click()
    await until(lambda: state.view().sale is not None and state.view().sale.can_print)
    for size in (BIG, SHORT):
        await resize(till, size)
        shoot(out, sized("receipt", size), till.window)

    screen.receipt.recent_button.click()
    await until(lambda: bool(screen.recent.rows))
    screen.recent.rows[0].refund_button.click()
    refund = screen.refund
    first = next(iter(refund.rows.values()))
    first.more_button.click()
    refund.reason_chips[0].click()
    for size in (BIG, SHORT):
        await resize(till, size)
        shoot(out, sized("refund", size), till.window)
    refund.back_button.click()
    await resize(till, QSize(TILL_W, TILL_H))


async def approve(floor: Floor, till: Till) -> None:
    """The owner types her PIN in the manager's dialog; the till goes on when it closes."""
    await until(lambda: till.controller.dialog is not None)
    dialog = till.controller.dialog
    assert dialog is not None
    for key in [*floor.pins["Sokha Lim"], "Enter"]:
        dialog.keypad.press(key)
    await until(lambda: till.controller.dialog is None)


async def override_refused(floor: Floor, till: Till, out: Path, name: str) -> None:
    """The manager's approval asked for, a cashier's PIN refused, a manager typing."""
    till.window.active_screen.drawer_button.click()
    await settle()
    dialog = till.controller.dialog
    assert dialog is not None
    for digit in floor.pins["Mealea Sok"]:
        dialog.keypad.press(digit)
    dialog.keypad.press("Enter")
    await until(lambda: "manager" in dialog.error.text())
    for digit in "5193":
        dialog.keypad.press(digit)
    await settle()
    shoot(out, name, till.window, dialog)
    dialog.reject()


async def idle_warning(till: Till, ticker: ShiftedTicker, out: Path, name: str) -> None:
    """The idle warning, ``WARNING_AT_S`` before the lock; then "Stay signed in"."""
    ticker.skipped += till.session.countdown_s() - WARNING_AT_S
    await until(lambda: till.window.warning.isVisible())
    await settle()
    shoot(out, name, till.window)
    till.window.warning.stay_button.click()
    await until(lambda: not till.window.warning.isVisible())


FOLLOW_SIZES = (BIG, SHORT)


async def open_sale_follows(floor: Floor, till_1: Till, till_2: Till, out: Path) -> None:
    """Sokha, signed in on Till 2, rings up three items and goes to Till 1: Till 1 asks
    before taking her open sale over, Yes brings it along, and Till 2's banner says it
    moved. She locks Till 1 (the sale is parked) and signs in on Till 2 again: Till 2
    asks to continue it. All against the real server (SPEC §7.2–7.3)."""
    state = till_2.state
    await until(lambda: state.sale.catalog is not None)
    assert state.sale.catalog is not None
    menu = {product.name: product.id for product in state.sale.catalog.products}
    for name in ("Latte", "Latte", "Croissant"):
        till_2.controller.act(state.sale.product_tapped, menu[name])
    await until(lambda: not state.mirror.dirty and state.mirror.in_flight is None)

    till_1.window.lock_screen.banner.dismiss_button.click()
    type_pin(till_1, floor.pins["Sokha Lim"])
    prompt = till_1.window.prompt
    await until(lambda: prompt.isVisible() and prompt.text.text().startswith("Sokha"))
    for size in FOLLOW_SIZES:
        await resize(till_1, size)
        shoot(out, sized("till-takeover", size), till_1.window)
    await resize(till_1, QSize(TILL_W, TILL_H))
    prompt.yes_button.click()
    await until(lambda: till_1.state.sale.cart.items == 3)
    await until(lambda: "moved with them" in (till_2.state.view().lock.banner or ""))
    for size in FOLLOW_SIZES:
        await resize(till_2, size)
        shoot(out, sized("till-kicked-cart", size), till_2.window)
    await resize(till_2, QSize(TILL_W, TILL_H))

    till_1.window.active_screen.lock_button.click()  # her sale is parked under her
    await until(lambda: not till_1.session.is_live and not till_1.state.pending_ends)
    till_2.window.lock_screen.banner.dismiss_button.click()
    type_pin(till_2, floor.pins["Sokha Lim"])
    prompt = till_2.window.prompt
    await until(lambda: prompt.isVisible() and prompt.text.text().startswith("Continue"))
    for size in FOLLOW_SIZES:
        await resize(till_2, size)
        shoot(out, sized("till-continue", size), till_2.window)
    await resize(till_2, QSize(TILL_W, TILL_H))
    prompt.no_button.click()  # Discard: the offline pictures start from an empty sale
    await until(lambda: not prompt.isVisible())


async def enroll_dialog(server_url: str, out: Path) -> None:
    """First start on an 800×480 kiosk, with the error a server that is down gives."""
    screen = QRect(0, 0, SMALL.width(), SMALL.height())
    backdrop = QWidget()
    backdrop.setStyleSheet("background: black")  # an X screen with nothing else on it
    backdrop.setGeometry(screen)
    backdrop.show()
    dialog = EnrollDialog(server_url, "front-counter")
    dialog.place_on(screen)
    dialog.code.setText("K7QD-M2XP-9HTA")
    dialog.show()
    try:
        await enroll("screenshots", server_url, dialog.code.text(), dialog.device.text())
    except StartupError as error:
        dialog.show_error(str(error))
    await settle()
    shoot(out, sized("enroll-dialog", SMALL), backdrop)
    dialog.close()
    backdrop.close()


async def cannot_start(out: Path) -> None:
    """What a kiosk with no secure keyring shows instead of a blank screen."""
    screen = FatalScreen(NO_KEYRING, "/home/till/.local/state/nixpos/log/till-default.log")
    screen.setGeometry(0, 0, SHORT.width(), SHORT.height())
    screen.show()
    await settle()
    shoot(out, sized("cannot-start", SHORT), screen)
    screen.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT}")
    args = parser.parse_args()
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        print("No X server: run under xvfb-run (see this script's docstring).", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    print("Screenshots:")
    on_floor(lambda floor: scenes(floor, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

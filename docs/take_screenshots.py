"""Screenshots of the real till app on a real X server, into ``docs/screenshots/``.

    xvfb-run -a -s "-screen 0 2048x800x24" .venv/bin/python -m docs.take_screenshots

Two tills run against the demo shop on a real server (``bench.floor``); a
person's steps are played through the same widgets a cashier touches, and
each picture is read back from the X server, so it shows what a till shows.
(Debian: ``apt-get install xvfb libxcb-icccm4 libxcb-keysyms1``.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from functools import partial
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from bench.floor import Floor, on_floor
from nixpos.client.till import Till
from nixpos.core.ticker import BootTicker
from tests.helpers import until as until_within

OUT = Path(__file__).resolve().parent / "screenshots"
until = partial(until_within, timeout=10.0)  # a real X server is slower than the tests
TILL_W, TILL_H = 1000, 740


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

    till_1.window.active_screen.drawer_button.click()
    await settle()
    dialog = till_1.controller.dialog
    assert dialog is not None
    for digit in floor.pins["Mealea Sok"]:
        dialog.keypad.press(digit)
    dialog.keypad.press("Enter")
    await until(lambda: "manager" in dialog.error.text())
    for digit in "5193":
        dialog.keypad.press(digit)
    await settle()
    shoot(out, "override-dialog", till_1.window, dialog)
    dialog.reject()

    ticker.skipped = till_1.session.policy.idle_timeout_s - 47  # 47 s before the idle lock
    await until(lambda: till_1.window.warning.isVisible())
    await settle()
    shoot(out, "idle-warning", till_1.window)
    till_1.window.warning.stay_button.click()
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

    for till in (till_1, till_2):
        await till.close()
        till.window.close()


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

"""Screenshots of every back-office page from a real browser, into ``docs/screenshots/``.

    .venv/bin/python -m docs.take_web_screenshots [--out DIR]

Debian's Chromium (``apt-get install chromium``), driven by Playwright, against
the demo shop on a real server (``bench.floor``) with a few things happening
at the tills first, so every page has something to show: a Saturday morning's
sales (one with a cashier's discount and void, two refunds) rung up through the
till's own API, on a clock that walks through the morning.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

from bench.floor import Floor
from nixpos.core.cart import Cart, quick_cash
from nixpos.core.catalog import Catalog
from nixpos.core.clock import FakeClock
from nixpos.core.pricing import Discount, DiscountKind, PaymentMethod
from tests.web.chromium import CHROMIUM, FLAGS, IPHONE

OUT = Path(__file__).resolve().parent / "screenshots"
OWNER = "sokha@lumiere.example"
OPENING = datetime(2026, 3, 14, 0, 0, tzinfo=UTC)  # 07:00 on a Saturday in Phnom Penh
TEN_OFF = {"kind": "percent", "value": 10}
# Minutes after opening, till, who, what, how it is paid (cash: the note handed over).
MORNING: list[tuple[int, str, str, list[tuple[str, int]], str]] = [
    (4, "Till 1", "Mealea Sok", [("Latte", 1), ("Croissant", 1)], "cash"),
    (11, "Till 1", "Mealea Sok", [("Americano", 2)], "card"),
    (18, "Till 2", "Vannak Kim", [("Cappuccino", 1), ("Pain au Chocolat", 1)], "qr"),
    (26, "Till 1", "Mealea Sok", [("Iced Latte", 1), ("Banana Muffin", 1), ("Green Tea", 1)],
     "cash"),  # 10 % off and a voided Almond Cake, both approved by Dara
    (33, "Till 2", "Vannak Kim", [("Espresso", 1)], "cash"),
    (41, "Till 2", "Dara Chan", [("Mango Smoothie", 2), ("Almond Cake", 1)], "split"),
    (52, "Till 1", "Mealea Sok", [("Jasmine Tea", 1), ("Croissant", 2)], "card"),
    (65, "Till 2", "Vannak Kim", [("Latte", 3)], "card"),
    (77, "Till 1", "Mealea Sok", [("Sparkling Water", 1), ("Iced Lemon Tea", 1)], "qr"),
    (90, "Till 1", "Sokha Lim", [("Latte", 1), ("Almond Cake", 1)], "cash"),
]
DISCOUNTED = 3  # the morning's fourth sale
TILL_SCREENS = ((1920, 1080), (1024, 600))  # sales and products also at a till's sizes


class Till:
    """One till of the floor, rung up through ``/api/v1/pos`` as the real till does."""

    def __init__(self, floor: Floor, name: str, person: str) -> None:
        self.floor, self.api = floor, httpx.Client(base_url=f"{floor.url}/api/v1/pos")
        self.api.headers["X-Terminal-Key"] = floor.keys[name]
        unlocked = self.call("POST", "/unlock", {"pin": floor.pins[person], "override": False})
        self.api.headers["Authorization"] = f"Bearer {unlocked['token']}"

    def call(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.api.request(method, path, json=body)
        if answer.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text}")
        return answer.json()

    def approve(self, action: str, detail: dict[str, Any]) -> int:
        answer = self.call("POST", "/override", {"pin": self.floor.pins["Dara Chan"],
                                                 "action": action, "detail": detail})
        return int(answer["approval"]["id"])


def trade(floor: Floor, clock: FakeClock) -> None:
    """A Saturday morning at Lumière Coffee, then two refunds."""
    catalog = Catalog.from_json(Till(floor, "Till 1", "Sokha Lim").call("GET", "/catalog"))
    menu = {p.name: p for p in catalog.products}
    exponent = catalog.currency.exponent
    sold = []
    for n, (minute, till_name, person, items, paid) in enumerate(MORNING):
        clock.advance((OPENING + timedelta(minutes=minute) - clock.now()).total_seconds())
        till, cart = Till(floor, till_name, person), Cart(tax_rate_bp=catalog.tax_rate_bp)
        for name, quantity in items:
            cart.add(menu[name], quantity)
        if n == DISCOUNTED:
            cake = cart.add(menu["Almond Cake"])
            cart.void(cake, 1, till.approve("void_line", {
                "product_id": menu["Almond Cake"].id, "quantity": 1}))
            cart.set_sale_discount(Discount(DiscountKind.PERCENT, 10),
                                   till.approve("discount", TEN_OFF))
        total = cart.totals().total
        if paid == "cash":
            cart.pay(PaymentMethod.CASH, quick_cash(total, exponent)[2])  # a round note
        elif paid == "split":
            cart.pay(PaymentMethod.CARD, total // 2)
            cart.pay(PaymentMethod.CASH, cart.remaining)
        else:
            cart.pay(PaymentMethod(paid), total)
        sold.append(till.call("POST", "/sales", cart.sale(clock.now())))
    clock.advance(4 * 60)
    cashier, discounted = Till(floor, "Till 1", "Mealea Sok"), sold[DISCOUNTED]
    green_tea = next(x for x in discounted["lines"] if x["name"] == "Green Tea")
    cashier.call("POST", f"/sales/{discounted['id']}/refunds", {
        "client_id": "refund-green-tea", "lines": [{"line_id": green_tea["id"], "quantity": 1}],
        "method": "cash", "reason": "Made with milk; the guest asked for none",
        "approval_id": cashier.approve("refund", {"sale_id": discounted["id"]})})
    clock.advance(3 * 60)
    lattes = sold[7]
    Till(floor, "Till 1", "Sokha Lim").call("POST", f"/sales/{lattes['id']}/refunds", {
        "client_id": "refund-latte", "lines": [{"line_id": lattes["lines"][0]["id"],
                                                "quantity": 1}],
        "method": "card", "reason": "Left before it was served", "approval_id": None})
    clock.advance(5 * 60)


def till_activity(floor: Floor) -> None:
    """Two people at the tills, a few wrong PINs, a manager override."""
    def unlock(till: str, pin: str, override: bool = False) -> None:
        httpx.post(f"{floor.url}/api/v1/pos/unlock", json={"pin": pin, "override": override},
                   headers={"X-Terminal-Key": floor.keys[till]})

    for wrong in ("13572460", "24681357", "11223344"):
        unlock("Till 2", wrong)
    unlock("Till 1", floor.pins["Mealea Sok"])
    unlock("Till 2", floor.pins["Dara Chan"], override=True)


def shoot(page: Page, out: Path, name: str, *, full_page: bool = True) -> None:
    """``full_page=False``: one screen, as a phone shows a long page."""
    path = out / f"office-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"  {path}")


def take(floor: Floor, out: Path) -> None:
    password = floor.passwords[OWNER]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        phone = browser.new_context(user_agent=IPHONE, viewport={"width": 390, "height": 844},
                                    is_mobile=True, has_touch=True, device_scale_factor=2)
        laptop = browser.new_context(viewport={"width": 1280, "height": 800})
        pages = []
        for context in (phone, laptop):
            page = context.new_page()
            page.on("dialog", lambda dialog: dialog.accept())
            page.goto(f"{floor.url}/signin")
            if context is laptop:
                shoot(page, out, "signin")
            page.fill("input[name=email]", OWNER)
            page.fill("input[name=password]", password)
            page.click("button:has-text('Sign in')")
            page.wait_for_url("**/sessions")
            pages.append(page)
        phone_page, page = pages
        phone_page.reload()
        shoot(phone_page, out, "sessions-phone")
        page.reload()
        shoot(page, out, "sessions")
        for device, suffix in ((page, ""), (phone_page, "-phone")):
            whole = device is page
            device.click("nav >> text=Sales")
            shoot(device, out, f"sales{suffix}", full_page=whole)
            device.click(f"#sales a >> text='{DISCOUNTED + 1}'")
            shoot(device, out, f"sale{suffix}", full_page=whole)
            device.click("nav >> text=Products")
            if not whole:  # a phone's one screen: the menu rather than the form above it
                device.evaluate("document.querySelector('.catalog-group').scrollIntoView()")
            shoot(device, out, f"products{suffix}", full_page=whole)
        for width, height in TILL_SCREENS:  # what a manager sees on a till's own screen
            screen = laptop.new_page()
            screen.set_viewport_size({"width": width, "height": height})
            for name in ("sales", "products"):
                screen.goto(f"{floor.url}/{name}")
                shoot(screen, out, f"{name}-{width}x{height}", full_page=False)
            screen.close()
        page.click("nav >> text=Staff")
        shoot(page, out, "staff")
        page.click("[data-test='reset-Vannak Kim']")
        shoot(page, out, "pin-once")
        page.click("nav >> text=Tills")
        shoot(page, out, "tills")
        page.fill("input[name=name]", "Till 3")
        page.click("button:has-text('Create enrollment code')")
        shoot(page, out, "enrollment-code")
        page.click("nav >> text=Audit log")
        shoot(page, out, "audit")
        page.click("nav >> text=Policy")
        page.fill("input[name=idle_minutes]", "1")  # the browser allows it; the rules do not
        page.fill("input[name=warning_s]", "90")
        page.click("button:has-text('Save policy')")
        shoot(page, out, "policy")
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT}")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        clock = FakeClock(OPENING)
        floor = Floor(Path(directory), clock=clock)
        try:
            trade(floor, clock)
            till_activity(floor)
            print("Screenshots:")
            take(floor, args.out)
        finally:
            floor.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

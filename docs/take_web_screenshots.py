"""Screenshots of every back-office page from a real browser, into ``docs/screenshots/``.

    .venv/bin/python -m docs.take_web_screenshots [--out DIR]

Debian's Chromium (``apt-get install chromium``), driven by Playwright, against
the demo shop on a real server (``bench.floor``) with a few things happening
at the tills first, so every page has something to show.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from bench.floor import Floor
from tests.web.chromium import CHROMIUM, FLAGS, IPHONE

OUT = Path(__file__).resolve().parent / "screenshots"
OWNER = "sokha@lumiere.example"


def till_activity(floor: Floor) -> None:
    """Two people at the tills, a few wrong PINs, a manager override."""
    def unlock(till: str, pin: str, override: bool = False) -> None:
        httpx.post(f"{floor.url}/api/v1/pos/unlock", json={"pin": pin, "override": override},
                   headers={"X-Terminal-Key": floor.keys[till]})

    for wrong in ("13572460", "24681357", "11223344"):
        unlock("Till 2", wrong)
    unlock("Till 1", floor.pins["Mealea Sok"])
    unlock("Till 2", floor.pins["Dara Chan"], override=True)


def shoot(page: Page, out: Path, name: str) -> None:
    path = out / f"office-{name}.png"
    page.screenshot(path=str(path), full_page=True)
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
        floor = Floor(Path(directory))
        try:
            till_activity(floor)
            print("Screenshots:")
            take(floor, args.out)
        finally:
            floor.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

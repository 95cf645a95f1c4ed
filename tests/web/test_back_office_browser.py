"""The back office as managers use it: Chromium on two devices against a real server."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.helpers import Shop
from tests.live_server import LiveServer
from tests.web.conftest import new_device, sign_in

MANAGER = "dara@lumiere.example"


def test_two_devices_stay_signed_in_and_each_knows_which_it_is(
    browser: Browser, live: LiveServer, shop: Shop
) -> None:
    laptop = sign_in(new_device(browser), live, MANAGER)
    phone = sign_in(new_device(browser, phone=True), live, MANAGER)
    for page, mine, other in ((laptop, "Chrome on Linux", "Safari on iOS"),
                              (phone, "Safari on iOS", "Chrome on Linux")):
        page.reload()
        rows = page.locator("tr.web-session")
        expect(rows).to_have_count(2)
        current = page.locator("tr.web-session.current")
        expect(current).to_contain_text(mine)
        expect(current).to_contain_text("This device")
        expect(current.locator("button")).to_have_count(0)  # no "end" on itself
        expect(page.locator("tr.web-session:not(.current)")).to_contain_text(other)


def test_ending_a_till_session_from_the_page(
    browser: Browser, live: LiveServer, shop: Shop
) -> None:
    till = shop.unlock_ok("Till 1", "Mealea Sok")
    page = sign_in(new_device(browser), live, MANAGER)
    expect(page.locator("table").first).to_contain_text("Mealea Sok")
    page.click("[data-test='end-Till 1']")  # confirms, then posts
    expect(page.locator(".notice.ok")).to_contain_text("Ended Mealea Sok's session on Till 1")
    ended = shop.poll("Till 1", till["token"])
    assert ended["reason"] == "force_ended" and ended["ended_by"]["name"] == "Dara Chan"


def test_reset_pin_is_shown_once_and_only_the_new_pin_unlocks(
    browser: Browser, live: LiveServer, shop: Shop
) -> None:
    page = sign_in(new_device(browser), live, MANAGER)
    page.click("nav >> text=Staff")
    page.click("[data-test='reset-Mealea Sok']")
    expect(page.locator(".notice.warn")).to_contain_text("will not be shown again")
    pin = page.locator("#pin").inner_text()
    assert re.fullmatch(r"\d{8}", pin)
    assert shop.unlock("Till 1", shop.pins["Mealea Sok"]).json["error"] == "invalid_pin"
    assert shop.unlock("Till 1", pin).status_code == 200
    page.click("text=Done")
    expect(page.locator("h1")).to_have_text("Staff")
    assert pin not in page.content()


def test_sign_out_all_devices_signs_out_both_and_locks_the_till(
    browser: Browser, live: LiveServer, shop: Shop
) -> None:
    till = shop.unlock_ok("Till 1", "Dara Chan")
    laptop = sign_in(new_device(browser), live, MANAGER)
    phone = sign_in(new_device(browser, phone=True), live, MANAGER)
    laptop.click("#signout-everywhere")  # confirms, then posts
    expect(laptop.locator("h1")).to_have_text("Sign in to the back office")
    expect(laptop.locator(".notice.ok")).to_contain_text("Signed out of all devices")
    phone.reload()
    expect(phone.locator("h1")).to_have_text("Sign in to the back office")
    expect(phone.locator(".notice.error")).to_contain_text("ended on another device")
    assert shop.poll("Till 1", till["token"])["reason"] == "signed_out_everywhere"


def test_a_form_without_its_csrf_token_is_refused(
    browser: Browser, live: LiveServer, shop: Shop
) -> None:
    till = shop.unlock_ok("Till 1", "Mealea Sok")
    page = sign_in(new_device(browser), live, MANAGER)
    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    page.click("[data-test='end-Till 1']")
    expect(page.locator("body")).to_contain_text("did not come from the back office")
    assert shop.poll("Till 1", till["token"])["state"] == "active"

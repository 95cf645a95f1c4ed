"""A real browser (Debian's Chromium, driven by Playwright) against the real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from nixpos.core.clock import SystemClock
from nixpos.server.app import create_app
from nixpos.server.db import Database
from nixpos.server.services.context import ServerContext
from tests.conftest import PIN_SECRET
from tests.helpers import PASSWORD, Shop
from tests.live_server import LiveServer
from tests.web.chromium import CHROMIUM, FLAGS, IPHONE


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (.ci/run installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def server(database_url: str) -> Iterator[tuple[LiveServer, Shop]]:
    db = Database(database_url)
    ctx = ServerContext(db=db, pin_secret=PIN_SECRET, clock=SystemClock())
    live = LiveServer(create_app(database=db, pin_secret=PIN_SECRET, clock=ctx.clock))
    live.start()
    shop = Shop.create(ctx, live.app.test_client())
    yield live, shop
    live.stop()
    db.dispose()


@pytest.fixture
def live(server: tuple[LiveServer, Shop]) -> LiveServer:
    return server[0]


@pytest.fixture
def shop(server: tuple[LiveServer, Shop]) -> Shop:
    return server[1]


def new_device(browser: Browser, *, phone: bool = False) -> BrowserContext:
    """A browser profile of its own: a laptop, or a phone."""
    if phone:
        return browser.new_context(user_agent=IPHONE, viewport={"width": 390, "height": 844},
                                   is_mobile=True, has_touch=True)
    return browser.new_context(viewport={"width": 1280, "height": 800})


def sign_in(context: BrowserContext, live: LiveServer, email: str, *,
            confirm: bool = True) -> Page:
    """A page signed in as ``email``; with ``confirm``, every "Are you sure?" is answered yes."""
    page = context.new_page()
    if confirm:
        page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live.url}/signin")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/sessions")
    return page

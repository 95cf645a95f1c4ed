"""Hostile names in a real browser: every question still asked with the exact name, a
cancelled question sends nothing, and nothing a name says ever runs as script."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, expect

from nixpos.server.web.hardening import CONTENT_SECURITY_POLICY
from tests.helpers import Shop
from tests.live_server import LiveServer
from tests.web.conftest import new_device, sign_in
from tests.web.hostile import Hostile, add_hostile_people

OWNER = "sokha@lumiere.example"
# Injected by Playwright before any page script (so the page's CSP does not apply to it):
# reports each CSP violation on the console, which outlives the page's navigations.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""


@dataclass
class Watch:
    """What a page did that a manager would not notice: dialogs, form posts, CSP reports."""

    page: Page
    accept: bool = False  # the answer to the next "Are you sure?"
    dialogs: list[tuple[str, str]] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("dialog", self._answer)
        self.page.on("request", self._request)
        self.page.on("console", self._console)

    def _answer(self, dialog: Dialog) -> None:
        self.dialogs.append((dialog.type, dialog.message))
        if dialog.type == "confirm" and self.accept:
            dialog.accept()
        else:
            dialog.dismiss()

    def _request(self, request: Request) -> None:
        if request.method == "POST":
            self.posts.append(request.url)

    def _console(self, message: ConsoleMessage) -> None:
        if "CSP violation" in message.text or "Content Security Policy" in message.text:
            self.violations.append(message.text)

    def ask(self, button: str, *, accept: bool) -> str:
        """Press ``button``, answer its question, and return the question."""
        self.accept, asked = accept, len(self.dialogs)
        self.page.click(button)
        self.page.wait_for_load_state()
        assert len(self.dialogs) == asked + 1, "no question was asked"
        kind, question = self.dialogs[-1]
        assert kind == "confirm"
        return question

    def visit(self, url: str) -> None:
        """Open ``url`` and check it came with the policy and ran nothing of a name's."""
        answer = self.page.goto(url)
        assert answer is not None and answer.ok, url
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url
        self.check()

    def check(self) -> None:
        self.page.evaluate("() => new Promise((done) => setTimeout(done, 0))")  # let reports out
        assert self.page.evaluate("window.__pwned") is None, self.page.url
        assert [d for d in self.dialogs if d[0] != "confirm"] == [], "a name ran script"
        assert self.violations == []


@pytest.fixture
def people(shop: Shop) -> list[Hostile]:
    return add_hostile_people(shop)


@pytest.fixture
def watch(browser: Browser, live: LiveServer) -> Iterator[Watch]:
    context = new_device(browser)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    watching = Watch(sign_in(context, live, OWNER, confirm=False))
    yield watching
    watching.check()
    context.close()


def test_ending_a_session_asks_with_the_exact_name_and_cancel_sends_nothing(
    watch: Watch, live: LiveServer, shop: Shop, people: list[Hostile]
) -> None:
    watch.visit(f"{live.url}/sessions")
    for victim in people:
        end = f"form[action='/sessions/pos/{victim.session_id}/end'] button"
        assert watch.ask(end, accept=False) == victim.end_question
        assert watch.posts == [], victim.name
        assert shop.poll(victim.till, victim.token)["state"] == "active", victim.name
    for victim in people:
        end = f"form[action='/sessions/pos/{victim.session_id}/end'] button"
        assert watch.ask(end, accept=True) == victim.end_question
        expect(watch.page.locator(".notice.ok")).to_contain_text(
            f"Ended {victim.name}'s session on {victim.till}.")
        ended = shop.poll(victim.till, victim.token)
        assert ended["reason"] == "force_ended", victim.name
        watch.check()
    assert len(watch.posts) == len(people)


def test_staff_and_till_questions_name_them_exactly(
    watch: Watch, live: LiveServer, shop: Shop, people: list[Hostile]
) -> None:
    for victim in people:
        person, till = shop.ids[victim.name], shop.till_ids[victim.till]
        sent = len(watch.posts)
        watch.visit(f"{live.url}/staff")
        assert watch.ask(f"form[action='/staff/{person}/reset-pin'] button", accept=False) == (
            f"Give {victim.name} a new PIN? Their old PIN stops working and their till "
            "sessions end.")
        assert watch.ask(f"form[action='/staff/{person}/deactivate'] button", accept=False) == (
            f"Deactivate {victim.name}? Their sessions end and their PIN stops working.")
        watch.visit(f"{live.url}/tills")
        assert watch.ask(f"form[action='/tills/{till}/deactivate'] button", accept=False) == (
            f"Deactivate {victim.till}? Its session ends and its key stops working until it "
            "is enrolled again.")
        assert len(watch.posts) == sent, victim.name  # three questions cancelled
        assert shop.unlock(victim.till, victim.pin).status_code == 200, victim.name

        watch.ask(f"form[action='/tills/{till}/deactivate'] button", accept=True)
        expect(watch.page.locator(".notice.ok")).to_contain_text(f"{victim.till} is deactivated")
        watch.visit(f"{live.url}/staff")
        watch.ask(f"form[action='/staff/{person}/reset-pin'] button", accept=True)
        expect(watch.page.locator("h1")).to_have_text(f"New PIN for {victim.name}")
        watch.check()
    assert len(watch.posts) == 2 * len(people)


def test_no_name_runs_script_on_any_page(
    watch: Watch, live: LiveServer, shop: Shop, people: list[Hostile]
) -> None:
    for path in ("/sessions", "/staff", "/tills", "/audit", "/policy"):
        watch.visit(f"{live.url}{path}")
    for victim in people:
        watch.visit(f"{live.url}/audit?person={shop.ids[victim.name]}")
        expect(watch.page.locator("table.audit")).to_contain_text(victim.name)
        watch.visit(f"{live.url}/tills")
        watch.page.fill("input[name=name]", victim.till)  # the enrollment-code page
        watch.page.click("button:has-text('Create enrollment code')")
        expect(watch.page.locator("h1")).to_have_text(f"Enrollment code for {victim.till}")
        watch.check()


def test_the_browser_refuses_inline_script_on_our_pages(watch: Watch, live: LiveServer) -> None:
    watch.visit(f"{live.url}/sessions")
    watch.page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__pwned = 1";
        document.body.append(script);
    }""")
    watch.page.wait_for_function("() => document.readyState === 'complete'")
    assert watch.page.evaluate("window.__pwned") is None
    watch.page.evaluate("() => new Promise((done) => setTimeout(done, 0))")
    assert any("script-src" in violation for violation in watch.violations), watch.violations
    watch.violations.clear()  # the one we caused on purpose


def test_a_very_long_name_wraps_and_keeps_the_buttons_on_screen(
    watch: Watch, live: LiveServer, shop: Shop
) -> None:
    name = "W" * 200  # the longest name the rules allow, with nowhere to break
    shop.add(name, "cashier", "20601080")
    live_session = shop.unlock_ok("Till 1", name)
    watch.visit(f"{live.url}/sessions")
    end = watch.page.locator(f"form[action='/sessions/pos/{live_session['session']['id']}/end']"
                             " button")
    box = end.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280, box
    expect(watch.page.locator("tbody strong").filter(has_text=name)).to_be_visible()

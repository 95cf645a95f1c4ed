"""The back-office web pages through Flask's test client: sign-in, CSRF, every action.

(The same flows in a real browser are in ``tests/web``.)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from nixpos.core.clock import FakeClock
from nixpos.server.models import AuditEvent, Staff, Terminal, WebSession
from nixpos.server.services.context import ServerContext
from tests.helpers import PASSWORD, Shop
from tests.server.selling import Counter, card, line, stock
from tests.web.hostile import add_hostile_people

OWNER, MANAGER = "sokha@lumiere.example", "dara@lumiere.example"
CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/126.0 Safari/537.36")


def csrf_of(page: TestResponse) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True))
    assert found, "the page has no CSRF field"
    return found.group(1)


def browser(app: Flask, email: str | None = None, agent: str = CHROME) -> FlaskClient:
    """A new browser (its own cookies), signed in as ``email`` if given."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    if email:
        form = client.get("/signin")
        answer = client.post("/signin", data={"email": email, "password": PASSWORD,
                                              "csrf": csrf_of(form)})
        assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def post(client: FlaskClient, page: str, action: str, **data: str) -> TestResponse:
    """Press a button on ``page`` that posts to ``action`` (with the page's CSRF token)."""
    return client.post(action, data={"csrf": csrf_of(client.get(page)), **data},
                       follow_redirects=True)


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def test_sign_in_sets_a_safe_cookie_and_lands_on_live_sessions(shop: Shop, app: Flask) -> None:
    client = app.test_client()
    form = client.get("/signin")
    assert form.status_code == 200 and "Sign in to the back office" in text(form)
    answer = client.post("/signin", data={"email": MANAGER, "password": PASSWORD,
                                          "csrf": csrf_of(form)})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/sessions")
    cookie = next(c for c in answer.headers.getlist("Set-Cookie")
                  if c.startswith("nixpos_office="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Live sessions" in text(client.get("/sessions"))


def test_the_cookie_is_secure_over_https(shop: Shop, app: Flask) -> None:
    client = app.test_client()
    form = client.get("/signin", base_url="https://shop.example")
    answer = client.post("/signin", base_url="https://shop.example", data={
        "email": MANAGER, "password": PASSWORD, "csrf": csrf_of(form)})
    cookie = next(c for c in answer.headers.getlist("Set-Cookie")
                  if c.startswith("nixpos_office="))
    assert "Secure" in cookie


def test_a_wrong_password_says_so_and_keeps_the_address(shop: Shop, app: Flask) -> None:
    client = app.test_client()
    answer = client.post("/signin", data={"email": MANAGER, "password": "nope",
                                          "csrf": csrf_of(client.get("/signin"))})
    assert answer.status_code == 401
    assert "Wrong e-mail or password." in text(answer) and MANAGER in text(answer)


def test_forms_without_the_csrf_token_are_refused(shop: Shop, app: Flask) -> None:
    client = app.test_client()
    client.get("/signin")
    refused = client.post("/signin", data={"email": MANAGER, "password": PASSWORD})
    assert refused.status_code == 400 and "nixpos_office" not in str(refused.headers)
    signed_in = browser(app, MANAGER)
    live = shop.unlock_ok("Till 1", "Mealea Sok")
    for data in ({}, {"csrf": "forged"}):
        answer = signed_in.post(f"/sessions/pos/{live['session']['id']}/end", data=data)
        assert answer.status_code == 400
        assert "did not come from the back office" in text(answer)
    assert shop.poll("Till 1", live["token"])["state"] == "active"


def test_pages_need_a_signed_in_manager(shop: Shop, app: Flask) -> None:
    for path in ("/", "/sessions", "/staff", "/tills", "/audit", "/policy"):
        answer = app.test_client().get(path)
        assert answer.status_code == 302 and "/signin" in answer.headers["Location"]


def test_live_sessions_show_tills_and_this_device(shop: Shop, app: Flask) -> None:
    shop.unlock_ok("Till 2", "Mealea Sok")
    laptop = browser(app, MANAGER)
    phone = browser(app, MANAGER, agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) "
                                       "AppleWebKit/605.1.15 Version/17.0 Safari/604.1")
    page = text(laptop.get("/sessions"))
    assert "Mealea Sok" in page and "Till 2" in page and "Till 2 PC" in page
    assert "Chrome on Linux" in page and "Safari on iOS" in page
    current = re.search(r'<tr class="web-session current">(.*?)</tr>', page, re.S)
    assert current and "Chrome on Linux" in current.group(1) and "This device" in current.group(1)
    assert "Sign out that device" not in current.group(1)  # no end button on itself
    assert page.count("This device") == 1
    assert "This device" in text(phone.get("/sessions"))


def test_ending_a_till_session_from_the_page(shop: Shop, app: Flask) -> None:
    live = shop.unlock_ok("Till 1", "Mealea Sok")
    client = browser(app, MANAGER)
    session_id = re.search(r"/sessions/pos/(\d+)/end", text(client.get("/sessions")))
    assert session_id
    done = post(client, "/sessions", f"/sessions/pos/{session_id.group(1)}/end")
    assert "Ended Mealea Sok&#39;s session on Till 1" in text(done)
    ended = shop.poll("Till 1", live["token"])
    assert ended["reason"] == "force_ended" and ended["ended_by"]["name"] == "Dara Chan"


def test_reset_pin_shows_it_once_and_only_the_new_pin_works(shop: Shop, app: Flask) -> None:
    client = browser(app, MANAGER)
    page = post(client, "/staff", f"/staff/{shop.ids['Mealea Sok']}/reset-pin")
    body = text(page)
    assert "will not be shown again" in body and page.headers["Cache-Control"].startswith(
        "no-store")
    pin = re.search(r'<p class="big" id="pin">(\d+)</p>', body)
    assert pin
    assert shop.unlock("Till 1", shop.pins["Mealea Sok"]).status_code == 401
    assert shop.unlock("Till 1", pin.group(1)).status_code == 200
    assert pin.group(1) not in text(client.get("/staff"))


def test_a_manager_cannot_touch_managers_or_owners(shop: Shop, app: Flask) -> None:
    client = browser(app, MANAGER)
    page = text(client.get("/staff"))
    assert f"/staff/{shop.ids['Sokha Lim']}/reset-pin" not in page  # no button shown
    answer = post(client, "/staff", f"/staff/{shop.ids['Sokha Lim']}/reset-pin")
    assert "Only an owner can change managers and owners." in text(answer)
    added = post(client, "/staff", "/staff", name="New Boss", role="owner", tills="all")
    assert "Only an owner can add managers and owners." in text(added)


def test_adding_people_and_deactivating_them(shop: Shop, app: Flask) -> None:
    client = browser(app, OWNER)
    added = post(client, "/staff", "/staff", name="Chenda Ros", role="cashier", tills="some",
                 till="Till 2")
    assert "Added Chenda Ros" in text(added) and "will not be shown again" in text(added)
    pin = re.search(r'id="pin">(\d+)<', text(added))
    assert pin
    unlocked = shop.unlock("Till 2", pin.group(1))
    assert unlocked.status_code == 200
    assert shop.unlock("Till 1", pin.group(1)).json["error"] == "not_assigned"
    chenda = re.search(r"<strong>Chenda Ros</strong>.*?/staff/(\d+)/deactivate",
                       text(client.get("/staff")), re.S)
    assert chenda
    done = post(client, "/staff", f"/staff/{chenda.group(1)}/deactivate")
    assert "Chenda Ros is deactivated" in text(done)
    assert shop.poll("Till 2", unlocked.json["token"])["reason"] == "staff_deactivated"
    manager = post(client, "/staff", "/staff", name="Rith Manager", role="manager",
                   tills="all", email="rith@lumiere.example", password="short")
    assert "at least" in text(manager)  # the password rule, said plainly


def test_tills_page_codes_deactivation_and_lockout(shop: Shop, app: Flask) -> None:
    client = browser(app, MANAGER)
    issued = post(client, "/tills", "/tills/code", name="Till 4")
    code = re.search(r'id="code">([A-Z0-9-]+)<', text(issued))
    assert code and "Shown only now" in text(issued)
    enrolled = shop.client.post("/api/v1/terminals/enroll", json={
        "code": code.group(1), "device_name": "Front PC", "os": "Windows 11"})
    assert enrolled.status_code == 201
    for _ in range(5):
        shop.unlock("Till 3", "13572460")
    page = text(client.get("/tills"))
    assert "Front PC" in page and "Locked 0:30" in page
    till_3 = shop.till_ids["Till 3"]
    assert "keypad is open again" in text(post(client, "/tills",
                                                f"/tills/{till_3}/clear-lockout"))
    live = shop.unlock_ok("Till 3", "Mealea Sok")
    done = post(client, "/tills", f"/tills/{till_3}/deactivate")
    assert "Till 3 is deactivated" in text(done)
    refused = shop.pos("GET", "session", "Till 3", live["token"])
    assert refused.status_code == 403 and refused.json["error"] == "terminal_deactivated"


def test_the_audit_log_filters_and_pages(shop: Shop, app: Flask, clock: FakeClock) -> None:
    for _ in range(30):
        shop.unlock_ok("Till 1", "Mealea Sok")
        shop.unlock_ok("Till 3", "Sokha Lim")
        clock.advance(1)
    client = browser(app, MANAGER)
    everything = text(client.get("/audit"))
    assert "Older →" in everything and "Unlocked a till" in everything
    mealea = text(client.get(f"/audit?person={shop.ids['Mealea Sok']}&kind=unlock"))
    rows = re.findall(r"<tr><td>.*?</tr>", mealea, re.S)
    assert len(rows) == 30 and all("Mealea Sok" in row for row in rows)
    older = re.search(r'href="(/audit\?[^"]*before=\d+)"', everything)
    assert older
    second = text(client.get(older.group(1).replace("&amp;", "&")))
    assert "← Newest" in second
    assert text(client.get("/audit?person=abc&till=-1&kind=<script>")).count("<script>") == 0


def test_policy_limits_say_why_and_only_owners_change_it(shop: Shop, app: Flask) -> None:
    manager = text(browser(app, MANAGER).get("/policy"))
    assert "Only an owner can change the policy." in manager and "disabled" in manager
    owner = browser(app, OWNER)
    fields = {"idle_minutes": "20", "warning_s": "60", "poll_interval_s": "3",
              "pin_length": "8", "pos_single_session": "on"}
    refused = owner.post("/policy", data={"csrf": csrf_of(owner.get("/policy")), **fields})
    assert refused.status_code == 400 and "PCI DSS" in text(refused)
    assert 'value="20"' in text(refused)  # what was typed is kept
    fields["idle_minutes"] = "5"
    saved = post(owner, "/policy", "/policy", **fields)
    assert "Policy saved" in text(saved)
    status = shop.client.get("/api/v1/terminal", headers={"X-Terminal-Key": shop.keys["Till 1"]})
    assert status.json["policy"]["idle_timeout_s"] == 300


def test_sign_out_everywhere_ends_every_device_and_till(shop: Shop, app: Flask) -> None:
    live = shop.unlock_ok("Till 1", "Dara Chan")
    laptop, phone = browser(app, MANAGER), browser(app, MANAGER)
    done = post(laptop, "/sessions", "/signout-everywhere")
    assert "Signed out of all devices" in text(done) and "Sign in to the back office" in text(done)
    assert shop.poll("Till 1", live["token"])["reason"] == "signed_out_everywhere"
    bounced = phone.get("/sessions", follow_redirects=True)
    assert "ended on another device" in text(bounced)


@pytest.mark.parametrize("path", [
    "/signin", "/signout", "/signout-everywhere", "/sessions/pos/1/end",
    "/sessions/web/99999999999/end", "/staff", "/staff/1/reset-pin", "/staff/1/deactivate",
    "/tills/code", "/tills/0/deactivate", "/tills/1/clear-lockout", "/policy",
    "/products", "/products/1", "/products/1/reactivate", "/products/1/move", "/categories",
    "/categories/1", "/categories/1/deactivate", "/categories/1/move",
])
def test_junk_forms_get_a_clear_answer_never_a_server_error(
    shop: Shop, app: Flask, path: str
) -> None:
    client = browser(app, MANAGER)
    csrf = csrf_of(client.get("/sessions"))
    for data in ({}, {"csrf": csrf}, {"csrf": csrf, "name": "\x00" * 5000, "role": "king",
                                      "idle_minutes": "١٥", "email": "x" * 400}):
        answer = client.post(path, data=data)
        assert answer.status_code < 500, (path, data.keys())


# -- safe in a browser whatever the data says (issue 9, point 13) --------------------------

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
OUR_SCRIPT = "/office-static/office.js"


class Structure(HTMLParser):
    """A page as the browser parses it: its elements, their attributes, and its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.script_bodies: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.script_bodies if self._in_script else self.text).append(data)

    def attribute_values(self, name: str) -> list[str]:
        return [attrs[name] for _, attrs in self.elements if name in attrs]

    def problems(self) -> list[str]:
        """Whatever a strict CSP would block or a name could have turned into code."""
        found = []
        for tag, attrs in self.elements:
            found += [f"<{tag} {name}=…>" for name in attrs
                      if name.startswith("on") or name == "style"]
            found += [f"<{tag} {name}=javascript:…>" for name, value in attrs.items()
                      if value.strip().lower().startswith("javascript:")]
            if tag == "style" or (tag == "script" and attrs.get("src") != OUR_SCRIPT):
                found.append(f"<{tag} {attrs}>")
        found += [f"script body {body!r}" for body in self.script_bodies if body.strip()]
        return found


def every_page(app: Flask, shop: Shop, person: int | None = None,
               menu: dict[str, int] | None = None) -> dict[str, TestResponse]:
    """Every kind of back-office answer, as an owner sees it (``person`` gets a new PIN),
    with a menu (stocked unless given) and a sale so the selling pages have something to
    show."""
    menu = menu or stock(shop)
    sale = Counter(shop, "Till 3", "Sokha Lim").sold([line(menu["Latte"], 1, 350)], [card(350)])
    answers = {"signin": app.test_client().get("/signin")}
    wrong = app.test_client()
    answers["wrong password"] = wrong.post("/signin", data={
        "email": OWNER, "password": "nope", "csrf": csrf_of(wrong.get("/signin"))})
    client = browser(app, OWNER)
    answers["home"] = client.get("/")
    for path in ("/sessions", "/staff", "/tills", "/audit", "/policy", "/products",
                 f"/products/{menu['Latte']}", "/sales", f"/sales/{sale['id']}"):
        answers[path] = client.get(path)
    answers["policy refused"] = client.post("/policy", data={
        "csrf": csrf_of(client.get("/policy")), "idle_minutes": "99"})
    answers["price refused"] = client.post("/products", data={
        "csrf": csrf_of(client.get("/products")), "name": "Mocha", "price": "3.505"})
    answers["sales refused"] = client.get("/sales?from=yesterday")
    answers["no such sale"] = client.get("/sales/99999")
    answers["sales csv"] = client.get("/sales.csv")
    answers["pin once"] = post(client, "/staff",
                               f"/staff/{person or shop.ids['Mealea Sok']}/reset-pin")
    answers["code"] = post(client, "/tills", "/tills/code", name="Till 9")
    answers["stale form"] = client.post("/tills/code", data={"name": "Till 9"})
    # buffered: a static file's answer is read and closed at once
    answers["stylesheet"] = client.get("/office-static/office.css", buffered=True)
    answers["script"] = client.get(OUR_SCRIPT, buffered=True)
    return answers


def test_every_back_office_answer_carries_the_security_headers(shop: Shop, app: Flask) -> None:
    for what, answer in every_page(app, shop).items():
        assert answer.status_code < 500, what
        assert answer.headers.get("Content-Security-Policy") == CSP, what
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", what
        assert answer.headers.get("Referrer-Policy") == "same-origin", what
        assert answer.headers.get("X-Frame-Options") == "DENY", what


def test_the_json_api_says_nosniff_and_is_unchanged(shop: Shop, app: Flask) -> None:
    status = shop.client.get("/api/v1/terminal", headers={"X-Terminal-Key": shop.keys["Till 1"]})
    assert status.status_code == 200 and status.json["terminal"]["name"] == "Till 1"
    assert status.headers["X-Content-Type-Options"] == "nosniff"
    assert status.headers["Content-Type"] == "application/json"


def test_no_page_has_inline_script_handlers_or_styles(shop: Shop, app: Flask) -> None:
    pages = {what: answer for what, answer in every_page(app, shop).items()
             if answer.mimetype == "text/html" and answer.status_code != 302}
    assert len(pages) == 18
    for what, answer in pages.items():
        page = Structure(text(answer))
        assert page.problems() == [], what
        assert ("script", {"src": OUR_SCRIPT, "defer": ""}) in page.elements, what


def test_a_refused_form_is_a_page_with_a_way_back(shop: Shop, app: Flask) -> None:
    refused = browser(app, MANAGER).post("/tills/code", data={"name": "Till 9"})
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    page = Structure(text(refused))
    assert "did not come from the back office" in "".join(page.text)
    assert ("a", {"class": "button", "href": "/"}) in page.elements


def test_hostile_names_stay_text_and_questions_keep_them_exactly(
    shop: Shop, app: Flask
) -> None:
    people = add_hostile_people(shop)
    client = browser(app, OWNER)
    pages = {path: Structure(text(client.get(path)))
             for path in ("/sessions", "/staff", "/tills", "/audit")}
    for victim in people:
        for path, page in pages.items():
            assert page.problems() == [], path
            assert victim.name in "".join(page.text) or path == "/tills", (victim.name, path)
            assert victim.till in "".join(page.text) or path == "/staff", (victim.till, path)
        assert victim.end_question in pages["/sessions"].attribute_values("data-confirm")
        assert (f"Deactivate {victim.name}? Their sessions end and their PIN stops working."
                in pages["/staff"].attribute_values("data-confirm"))
        assert any(question.startswith(f"Deactivate {victim.till}? ")
                   for question in pages["/tills"].attribute_values("data-confirm"))
        answers = {
            f"New PIN for {victim.name}": post(client, "/staff",
                                               f"/staff/{shop.ids[victim.name]}/reset-pin"),
            f"Enrollment code for {victim.till}": post(client, "/tills", "/tills/code",
                                                       name=victim.till),
            f"{victim.name} is deactivated": post(client, "/staff",
                                                  f"/staff/{shop.ids[victim.name]}/deactivate"),
        }
        for said, answer in answers.items():
            page = Structure(text(answer))
            assert page.problems() == [] and said in "".join(page.text), said


def test_flasks_own_cookie_is_httponly_samesite_and_secure_over_https(
    shop: Shop, app: Flask
) -> None:
    for base_url, secure in (("http://localhost", False), ("https://shop.example", True)):
        client = app.test_client()
        form = client.get("/signin", base_url=base_url)
        client.post("/signin", base_url=base_url, data={
            "email": MANAGER, "password": PASSWORD, "csrf": csrf_of(form)})
        signed_out = client.post("/signout", base_url=base_url, data={
            "csrf": csrf_of(client.get("/sessions", base_url=base_url))})
        cookie = next(c for c in signed_out.headers.getlist("Set-Cookie")
                      if c.startswith("session="))  # it carries "You are signed out…"
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def test_forms_with_control_characters_are_refused_before_anything_is_stored(
    shop: Shop, app: Flask
) -> None:
    client = browser(app, OWNER)
    before = text(client.get("/staff"))
    for name in ("Nul\x00Sok", "Bell\x07Sok", "Esc\x1b[31mSok"):
        refused = client.post("/staff", data={"csrf": csrf_of(client.get("/staff")),
                                              "name": name, "role": "cashier", "tills": "all"})
        assert refused.status_code == 400 and "control characters" in text(refused)
    assert text(client.get("/staff")).count("<tr") == before.count("<tr")
    signin = app.test_client()
    refused = signin.post("/signin", data={"email": "sokha\x00@lumiere.example",
                                           "password": PASSWORD,
                                           "csrf": csrf_of(signin.get("/signin"))})
    assert refused.status_code == 400 and "nixpos_office" not in str(refused.headers)


# -- nothing stored may break a page (issue 9, point 14) ----------------------------------------

LONG = "x" * 100_000


def poison(ctx: ServerContext, shop: Shop) -> None:
    """Rows as an older version or another writer may have left them, straight in the DB."""
    # PostgreSQL cannot store NUL in text, nor more than a column's length; SQLite can.
    nul, long = ("", "y" * 200) if ctx.db.url.startswith("postgresql") else ("\x00", LONG)
    with ctx.db.write() as s:
        mealea = s.get(Staff, shop.ids["Mealea Sok"])
        assert mealea
        tenant_id = mealea.tenant_id
        mealea.name = f"Mealea{nul}\x1b[31m Sok\x7f"
        till = s.get(Terminal, shop.till_ids["Till 1"])
        assert till
        till.name, till.device_name, till.os = f"Till{nul} 1\x08", long, f"Debian\x01{nul}"
        for web in s.scalars(select(WebSession)):
            web.device_name = f"Chrome{nul}\x1b on Linux"
        for kind, detail in POISONED_DETAILS:
            s.add(AuditEvent(tenant_id=tenant_id, at=ctx.now(), kind=kind, detail=detail,
                             actor_id=mealea.id, terminal_id=till.id, subject_id=mealea.id))


POISONED_DETAILS: list[tuple[str, Any]] = [
    ("web_signin_failed", {"device_name": "\udfff"}),
    ("web_signin_failed", {"device_name": "pair \ud83d\ude00 split \ud800"}),
    ("session_ended", {"reason": 42}),
    ("session_ended", {"reason": ["signed_in_elsewhere", {"x": "\ud800"}]}),
    ("session_ended", {"reason": "made_up", "ended_elsewhere": 7}),
    ("unlock_refused", {"why": {"nested": [1, 2.5, None, True, {"deep": ["\x00"]}]}}),
    ("lockout", {"seconds": "thirty"}),
    ("lockout", {"seconds": [30]}),
    ("override_approved", {"action": {"void": "line"}, "override": "yes"}),
    ("web_signin", {"device_name": LONG}),
    ("not_a_kind_<b>bold</b>", {"device_name": "<script>alert(1)</script>"}),
    ("unlock", ["a", "list", "\udfff"]),
    ("unlock", "just text"),
    ("unlock", 12.5),
    ("unlock", None),
]


def test_poisoned_rows_never_break_a_page(shop: Shop, app: Flask, ctx: ServerContext) -> None:
    menu = stock(shop)
    sold = Counter(shop, "Till 1", "Mealea Sok").sold([line(menu["Muffin"], 1, 400)],
                                                     [card(400)])
    manager = browser(app, MANAGER)
    poison(ctx, shop)
    answers = every_page(app, shop, menu=menu)
    answers["manager's sessions"] = manager.get("/sessions")
    answers["audit of Mealea"] = manager.get(f"/audit?person={shop.ids['Mealea Sok']}")
    answers["Mealea's sale"] = manager.get(f"/sales/{sold['id']}")
    answers["sales of the day"] = manager.get("/sales")
    answers["deactivated"] = post(manager, "/staff",
                                  f"/staff/{shop.ids['Mealea Sok']}/deactivate")
    for what, answer in answers.items():
        if answer.mimetype != "text/html":
            continue
        assert answer.status_code in (200, 302, 400, 401, 404), (what, answer.status_code)
        body = answer.get_data()  # bytes: the answer was encoded, so it could be sent
        assert b"\x00" not in body and b"\x1b" not in body and b"\x7f" not in body, what
        assert Structure(body.decode()).problems() == [], what
    audit = text(answers["/audit"])
    assert "device: \ufffd" in audit and "device: pair \U0001f600 split \ufffd" in audit
    assert "Mealea\ufffd" in audit and " 1\ufffd" in audit  # the person's and the till's names
    assert "device: " + "x" * 199 + "…" in audit and "x" * 201 not in audit
    assert " · 42</td>" in audit and "made_up · ended the session on 7" in audit
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in audit
    assert "not_a_kind_&lt;b&gt;bold&lt;/b&gt;" in audit
    assert "a, list, \ufffd" in audit and "just text" in audit
    assert "Chrome\ufffd" in text(answers["manager's sessions"])
    for page in ("Mealea's sale", "sales of the day"):
        assert "Mealea\ufffd" in text(answers[page]) and " 1\ufffd" in text(answers[page])
    assert "is deactivated" in text(answers["deactivated"])

"""The back-office web pages through Flask's test client: sign-in, CSRF, every action.

(The same flows in a real browser are in ``tests/web``.)
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from nixpos.core.clock import FakeClock
from tests.helpers import PASSWORD, Shop

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

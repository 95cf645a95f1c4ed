"""Assigning tills takes till names as data: a till named "Bar, left" can be assigned
(issue 9, point 4) — through the service, the back-office form and the CLI."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from nixpos.server import cli
from nixpos.server.errors import InvalidRequest, NotFound
from nixpos.server.services import staff
from tests.helpers import PASSWORD, TENANT, Shop

BAR = "Bar, left"


@pytest.fixture
def bar(shop: Shop) -> str:
    shop.enroll(TENANT, BAR)
    return BAR


def unlock_status(shop: Shop, till: str, pin: str) -> int:
    return shop.unlock(till, pin).status_code


def test_the_service_assigns_a_till_whose_name_has_a_comma(shop: Shop, bar: str) -> None:
    added = staff.add_staff(shop.ctx, TENANT, "Sophea", "cashier", terminals=[bar])
    assert added["terminals"] == [bar]
    assert unlock_status(shop, bar, added["pin"]) == 200
    assert unlock_status(shop, "Till 1", added["pin"]) == 403


def test_none_means_every_till_and_an_empty_list_is_refused(shop: Shop, bar: str) -> None:
    everywhere = staff.add_staff(shop.ctx, TENANT, "Rith", "cashier", terminals=None)
    assert everywhere["terminals"] == "all"
    with pytest.raises(InvalidRequest, match="at least one till"):
        staff.add_staff(shop.ctx, TENANT, "Nobody", "cashier", terminals=[])
    with pytest.raises(NotFound, match="Bar"):
        staff.add_staff(shop.ctx, TENANT, "Nobody", "cashier", terminals=["Bar"])


def test_the_back_office_form_assigns_a_till_whose_name_has_a_comma(
    shop: Shop, bar: str, app: Flask
) -> None:
    def csrf(page: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found
        return found.group(1)

    browser = app.test_client()
    signed_in = browser.post("/signin", data={"email": "sokha@lumiere.example",
                                              "password": PASSWORD,
                                              "csrf": csrf(browser.get("/signin").text)})
    assert signed_in.status_code == 302
    form = browser.get("/staff").text
    assert f'value="{bar}"' in form  # offered as one checkbox
    answer = browser.post("/staff", data=MultiDict([
        ("csrf", csrf(form)), ("name", "Sophea"), ("role", "cashier"), ("tills", "some"),
        ("till", bar), ("till", "Till 2")]))
    assert answer.status_code == 200
    pin = re.search(r"\b\d{8}\b", answer.text)
    assert pin is not None
    assert unlock_status(shop, bar, pin.group()) == 200
    assert unlock_status(shop, "Till 2", pin.group()) == 200
    assert unlock_status(shop, "Till 1", pin.group()) == 403


def test_the_cli_names_a_till_with_a_comma_with_terminal(
    shop: Shop, bar: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(cli, "_context", lambda args: shop.ctx)
    assert cli.main(["add-staff", "--tenant", TENANT, "--name", "Sophea", "--role", "cashier",
                     "--terminals", "Till 2", "--terminal", bar, "--json"]) == 0
    assert sorted(json.loads(capsys.readouterr().out)["terminals"]) == [bar, "Till 2"]


def test_till_names_parses_the_cli_flags() -> None:
    assert cli.till_names("all", []) is None
    assert cli.till_names("ALL", [BAR]) == [BAR]
    assert cli.till_names("Till 1, Till 2", []) == ["Till 1", "Till 2"]
    assert cli.till_names("Till 1", [BAR]) == ["Till 1", BAR]
    with pytest.raises(cli.CliError):
        cli.till_names(" , ", [])

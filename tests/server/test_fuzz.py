"""SPEC rule 15: whatever a client sends, the answer is JSON and never a 5xx.

Hypothesis throws arbitrary JSON, raw bytes, headers and ids at every route
of the OpenAPI document, sometimes with a real till key and session token so
the requests reach the rules and not only the front door.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nixpos.server.api.openapi import PATHS
from tests.helpers import Shop

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
FIELDS = ["pin", "override", "code", "device_name", "os", "action", "detail", "email",
          "password"]
BODIES = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=5),
    JSON_VALUES,
)
HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=255, blacklist_characters="\x7f"),
    max_size=60,
)
IDS = st.one_of(
    st.sampled_from([0, 1, 2, 2**31, 2**63 - 1, 2**63, 2**64, 10**30]),
    st.integers(min_value=0, max_value=2**80),
    st.text(max_size=8),
)
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def routes() -> list[tuple[str, str]]:
    return [(method.upper(), path) for path, ops in PATHS.items() for method in ops]


def assert_clean(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.data[:300])
    body = json.loads(response.data)
    if response.status_code >= 400:
        assert set(body) >= {"error", "message"}
        assert isinstance(body["message"], str) and body["message"]


@pytest.fixture
def live(shop: Shop) -> dict[str, str]:
    """A real key and token, so fuzzed requests get past authentication."""
    session = shop.unlock_ok("Till 1", "Mealea Sok")
    return {"key": shop.keys["Till 1"], "token": session["token"],
            "admin": shop.login("sokha@lumiere.example")}


@pytest.mark.parametrize(("method", "template"), routes())
@FUZZ
@given(data=st.data())
def test_json_bodies_and_headers_never_cause_a_5xx(
    shop: Shop, live: dict[str, str], method: str, template: str, data: st.DataObject
) -> None:
    path = re.sub(r"\{\w+\}", lambda _m: str(data.draw(IDS)), template)
    headers = {
        "X-Terminal-Key": data.draw(st.sampled_from([live["key"], ""]) | HEADER_TEXT),
        "Authorization": "Bearer " + data.draw(
            st.sampled_from([live["token"], live["admin"]]) | HEADER_TEXT),
    }
    if data.draw(st.booleans()):
        headers["X-Nix-Tenant"] = data.draw(st.sampled_from(["lumiere-coffee"]) | HEADER_TEXT)
    body = data.draw(BODIES)
    response = shop.client.open(path, method=method, headers=headers,
                                data=json.dumps(body), content_type="application/json")
    assert_clean(response)


@pytest.mark.parametrize(("method", "template"), routes())
@FUZZ
@given(data=st.data(), raw=st.binary(max_size=200) | st.text(max_size=200))
def test_raw_bytes_never_cause_a_5xx(
    shop: Shop, live: dict[str, str], method: str, template: str, data: st.DataObject,
    raw: bytes | str,
) -> None:
    path = template.replace("{", "").replace("}", "")
    path = re.sub(r"(session|staff|terminal|approval)_id", "1", path)
    content_type = data.draw(st.sampled_from(["application/json", "text/plain", ""]))
    response = shop.client.open(path, method=method, data=raw, content_type=content_type,
                                headers={"X-Terminal-Key": live["key"],
                                         "Authorization": f"Bearer {live['token']}"})
    assert_clean(response)


@FUZZ
@given(pin=st.text(max_size=20) | st.from_regex(r"\A[0-9]{8}\Z"))
def test_any_pin_string_gets_a_4xx_or_a_session(shop: Shop, pin: str) -> None:
    shop.ctx.clock.advance(3600)  # type: ignore[attr-defined]  # step past any lockout
    response = shop.unlock("Till 2", pin)
    assert_clean(response)
    assert response.status_code in {200, 400, 401, 403, 423}


def test_a_huge_body_is_refused_with_413(shop: Shop) -> None:
    response = shop.client.post("/api/v1/pos/unlock", data="x" * (2 * 1024 * 1024),
                                content_type="application/json",
                                headers={"X-Terminal-Key": shop.keys["Till 1"]})
    assert response.status_code == 413
    assert response.json["error"] == "payload_too_large"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_methods_are_405_in_json(shop: Shop, method: str) -> None:
    response = shop.client.open("/api/v1/pos/unlock", method=method)
    assert response.status_code == 405
    assert response.json["error"] == "method_not_allowed"

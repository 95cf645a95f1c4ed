"""SPEC rule 15: whatever a client sends, the answer is JSON and never a 5xx.

Hypothesis throws arbitrary JSON, raw bytes, headers and ids at every route
of the OpenAPI document, sometimes with a real till key and session token so
the requests reach the rules and not only the front door. Each runs twice:
through Flask's test client, and through the live server (nixpos's waitress
on a free port, over httpx), since only the latter meets what waitress
answers itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nixpos.server.api.openapi import PATHS
from tests.helpers import Shop
from tests.live_server import LiveServer

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
FIELDS = ["pin", "override", "code", "device_name", "os", "action", "detail", "email",
          "password", "client_id", "lines", "discount", "voided", "payments", "completed_at",
          "method", "approval_id", "reason", "name", "price", "category", "sku", "active",
          "position"]
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


@dataclass
class Answer:
    status_code: int
    data: bytes
    content_type: str = "application/json"


# method, path, headers, body, content type → the answer
Send = Callable[[str, str, dict[str, str], bytes | str, str], Answer]


@pytest.fixture(params=["test_client", "live_server"])
def send(request: pytest.FixtureRequest, shop: Shop, app: Flask) -> Iterator[Send]:
    if request.param == "test_client":
        def through_flask(method: str, path: str, headers: dict[str, str], data: bytes | str,
                          content_type: str) -> Answer:
            response = shop.client.open(path, method=method, headers=headers, data=data,
                                        content_type=content_type)
            return Answer(response.status_code, response.data, response.content_type or "")

        yield through_flask
        return
    server = LiveServer(app)
    server.start()
    with httpx.Client(base_url=server.url, timeout=30) as http:
        def through_waitress(method: str, path: str, headers: dict[str, str],
                             data: bytes | str, content_type: str) -> Answer:
            # As a client sends them: Latin-1 bytes, without the edge whitespace HTTP drops.
            raw = {k.encode(): v.strip().encode("latin-1") for k, v in headers.items()}
            raw[b"Content-Type"] = content_type.encode()
            content = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
            response = http.request(method, quote(path, safe="/"), headers=raw, content=content)
            return Answer(response.status_code, response.content,
                          response.headers.get("Content-Type", ""))

        yield through_waitress
    server.stop()


def assert_clean(response: Answer) -> None:
    assert response.status_code < 500, (response.status_code, response.data[:300])
    if response.status_code < 400 and response.content_type.startswith("text/csv"):
        return  # the sales report's CSV download
    if response.status_code == 204:
        assert response.data == b""  # DELETE /pos/cart: nothing to say
        return
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
    send: Send, live: dict[str, str], method: str, template: str, data: st.DataObject
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
    assert_clean(send(method, path, headers, json.dumps(body), "application/json"))


@pytest.mark.parametrize(("method", "template"), routes())
@FUZZ
@given(data=st.data(), raw=st.binary(max_size=200) | st.text(max_size=200))
def test_raw_bytes_never_cause_a_5xx(
    send: Send, live: dict[str, str], method: str, template: str, data: st.DataObject,
    raw: bytes | str,
) -> None:
    path = template.replace("{", "").replace("}", "")
    path = re.sub(r"(session|staff|terminal|approval|sale|product|category)_id", "1", path)
    content_type = data.draw(st.sampled_from(["application/json", "text/plain", ""]))
    assert_clean(send(method, path, {"X-Terminal-Key": live["key"],
                                     "Authorization": f"Bearer {live['token']}"},
                      raw, content_type))


@FUZZ
@given(pin=st.text(max_size=20) | st.from_regex(r"\A[0-9]{8}\Z"))
def test_any_pin_string_gets_a_4xx_or_a_session(send: Send, shop: Shop, pin: str) -> None:
    shop.ctx.clock.advance(3600)  # type: ignore[attr-defined]  # step past any lockout
    response = send("POST", "/api/v1/pos/unlock", {"X-Terminal-Key": shop.keys["Till 2"]},
                    json.dumps({"pin": pin}), "application/json")
    assert_clean(response)
    assert response.status_code in {200, 400, 401, 403, 423}


def test_a_huge_body_is_refused_with_413(send: Send, shop: Shop) -> None:
    response = send("POST", "/api/v1/pos/unlock", {"X-Terminal-Key": shop.keys["Till 1"]},
                    "x" * (2 * 1024 * 1024), "application/json")
    assert response.status_code == 413
    assert json.loads(response.data)["error"] == "payload_too_large"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_methods_are_405_in_json_with_allow(shop: Shop, method: str) -> None:
    response = shop.client.open("/api/v1/pos/unlock", method=method)
    assert response.status_code == 405
    assert response.json["error"] == "method_not_allowed"
    assert response.headers["Allow"] == "OPTIONS, POST"


@pytest.mark.parametrize("body", [b" ", b"\n\t ", b"\r\n"])
def test_whitespace_alone_is_not_an_empty_body_but_malformed_json(shop: Shop, body: bytes
                                                                  ) -> None:
    token = shop.login("sokha@lumiere.example")
    response = shop.client.post("/api/v1/admin/signout-everywhere", data=body,
                                content_type="application/json",
                                headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and response.json["error"] == "invalid_request"
    assert shop.admin("GET", "me", token).status_code == 200  # nothing was signed out

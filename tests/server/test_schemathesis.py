"""schemathesis against the live server's own OpenAPI document (issue 9, point 2).

Every operation gets about 100 generated requests (valid and invalid) through
nixpos's configured waitress on a free port, with a real till key, POS
token, back-office token and tenant header so they get past authentication.
Any 5xx, or any answer the document does not describe (status, content type,
body schema, headers), fails. Marked ``slow``: CI runs it, on SQLite and on
PostgreSQL, with the rest of the suite.

Fuzzed calls lock sessions, reset PINs and deactivate people and tills; before
each request the credentials are repaired behind the scenes, so every request
still gets past the front door.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.generation.case import Case
from sqlalchemy import select

from nixpos.server import security
from nixpos.server.api.openapi import document
from nixpos.server.models import PosSession, Staff, Terminal, WebSession
from nixpos.server.services import pos, web_sessions
from tests.helpers import PASSWORD, TENANT, Shop
from tests.live_server import LiveServer

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "unsupported_method",
    "allow_header_conformance",
    "missing_required_header",
    "ignored_auth",
    "negative_data_rejection",
]
# Not "positive_data_acceptance": a PIN's length is the shop's policy, which no schema
# can state (any 4–12 digits match the pattern; the wrong length is a 400 by SPEC).
OWNER, OWNER_EMAIL, TILL = "Sokha Lim", "sokha@lumiere.example", "Till 1"


@dataclass
class Credentials:
    """A till key, a POS token and a back-office token that work, repaired on demand."""

    shop: Shop
    key: str = ""
    token: str = ""
    admin: str = ""

    def repair(self) -> None:
        ctx = self.shop.ctx
        with ctx.db.write() as s:
            owner = s.get_one(Staff, self.shop.ids[OWNER])
            owner.active = True
            owner.pin_index = ctx.pin_index(owner.tenant_id, self.shop.pins[OWNER])
            till = s.get_one(Terminal, self.shop.till_ids[TILL])
            till.failed_attempts, till.locked_until = 0, None
            key_works = till.active and till.key_hash == security.token_hash(self.key or "-")
            session = s.scalar(select(PosSession).where(
                PosSession.token_hash == security.token_hash(self.token or "-")))
            session_works = key_works and session is not None and session.is_live and \
                session.terminal_id == till.id
            web = s.scalar(select(WebSession).where(
                WebSession.token_hash == security.token_hash(self.admin or "-")))
            web_works = web is not None and web.ended_at is None
        if not key_works:
            self.key = self.shop.enroll(TENANT, TILL)
        if not session_works:
            self.token = pos.unlock(ctx, self.key, self.shop.pins[OWNER], False, None)["token"]
        if not web_works:
            self.admin = web_sessions.sign_in(ctx, OWNER_EMAIL, PASSWORD, "Fuzzer", "Linux",
                                              None)["token"]

    def authenticate(self, case: Case[Any]) -> None:
        """Swap the generated credentials for working ones. A credential the case left
        out on purpose (testing that it is required) stays out."""
        self.repair()
        admin = case.operation.path.startswith("/api/v1/admin/")
        working = {"X-Terminal-Key": self.key, "X-Nix-Tenant": TENANT,
                   "Authorization": f"Bearer {self.admin if admin else self.token}"}
        for name, value in working.items():
            if case.headers is not None and name in case.headers:
                case.headers[name] = value


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    server = LiveServer(app)
    server.start()
    # The document generated from is exactly the one the live server publishes.
    assert httpx.get(f"{server.url}/api/v1/openapi.json").json() == json.loads(
        json.dumps(document()))
    yield server.url
    server.stop()


@pytest.fixture
def credentials(shop: Shop) -> Credentials:
    return Credentials(shop)


# Built from the document itself: the live server's address is known only at run time
# (and schemathesis's fixture-based loader does not work with this pytest).
schema = schemathesis.openapi.from_dict(document())
schema.config.generation.update(max_examples=100)
schema.config.checks.update(included_check_names=CHECKS)
# A negative case may be a body over the 64 KiB limit (huge strings, 10,000 lines): the
# server's documented 413 payload_too_large is as right a refusal as a 400.
schema.config.checks.negative_data_rejection.expected_statuses.append("413")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_answers_as_documented(
    case: Case[Any], live_url: str, credentials: Credentials
) -> None:
    credentials.authenticate(case)
    case.call_and_validate(base_url=live_url)

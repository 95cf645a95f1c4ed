"""Test helpers: a shop like the demo one, driven through the HTTP API; waiting on a loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from nixpos.server.services import staff, tenants, terminals
from nixpos.server.services.context import ServerContext

TENANT = "lumiere-coffee"
OTHER_TENANT = "other-shop"
PASSWORD = "correct horse battery"


@dataclass
class Shop:
    """Lumière Coffee with known PINs and two enrolled tills, plus a second shop."""

    ctx: ServerContext
    client: FlaskClient
    pins: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    till_ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def create(cls, ctx: ServerContext, client: FlaskClient) -> Shop:
        shop = cls(ctx, client)
        tenants.add_tenant(ctx, TENANT, "Lumière Coffee")
        tenants.add_tenant(ctx, OTHER_TENANT, "Other Shop")
        for till in ("Till 1", "Till 2", "Till 3"):
            shop.enroll(TENANT, till)
        shop.enroll(OTHER_TENANT, "Other Till")
        shop.add("Sokha Lim", "owner", "82746153", email="sokha@lumiere.example")
        shop.add("Dara Chan", "manager", "51938274", email="dara@lumiere.example",
                 tills=["Till 1"])
        shop.add("Mealea Sok", "cashier", "39184726")
        shop.add("Vannak Kim", "cashier", "74829163", tills=["Till 1"])
        shop.add("Other Cashier", "cashier", "64738291", tenant=OTHER_TENANT)
        return shop

    def add(self, name: str, role: str, pin: str, *, email: str | None = None,
            tills: list[str] | None = None, tenant: str = TENANT) -> None:
        person = staff.add_staff(
            self.ctx, tenant, name, role, pin=pin, email=email,
            password=PASSWORD if email else None, terminals=tills,
        )
        self.pins[name] = pin
        self.ids[name] = person["id"]

    def enroll(self, tenant: str, till: str) -> str:
        code = terminals.issue_enrollment_code(self.ctx, tenant, till)["code"]
        response = self.client.post(
            "/api/v1/terminals/enroll", json={"code": code, "device_name": f"{till} PC",
                                              "os": "Debian 12"})
        assert response.status_code == 201, response.json
        self.keys[till] = response.json["terminal_key"]
        self.till_ids[till] = response.json["terminal"]["id"]
        return self.keys[till]

    # -- the till's calls ----------------------------------------------------

    def unlock(self, till: str, pin: str, *, override: bool = False) -> TestResponse:
        return self.client.post(
            "/api/v1/pos/unlock", json={"pin": pin, "override": override},
            headers={"X-Terminal-Key": self.keys[till]},
        )

    def unlock_ok(self, till: str, name: str, *, override: bool = False) -> dict[str, Any]:
        response = self.unlock(till, self.pins[name], override=override)
        assert response.status_code == 200, response.json
        return dict(response.json or {})

    def pos(self, method: str, path: str, till: str, token: str, **kwargs: Any) -> TestResponse:
        headers = {"X-Terminal-Key": self.keys[till], "Authorization": f"Bearer {token}"}
        return self.client.open(f"/api/v1/pos/{path}", method=method, headers=headers, **kwargs)

    def poll(self, till: str, token: str) -> dict[str, Any]:
        response = self.pos("GET", "session", till, token)
        assert response.status_code == 200, response.json
        return dict(response.json or {})

    # -- the back office -----------------------------------------------------

    def login(self, email: str, device: str = "Laptop") -> str:
        response = self.client.post(
            "/api/v1/admin/login",
            json={"email": email, "password": PASSWORD, "device_name": device},
        )
        assert response.status_code == 200, response.json
        return str(response.json["token"])

    def admin(self, method: str, path: str, token: str, **kwargs: Any) -> TestResponse:
        kwargs.setdefault("json", {} if method == "POST" else None)
        return self.client.open(f"/api/v1/admin/{path}", method=method,
                                headers={"Authorization": f"Bearer {token}"}, **kwargs)


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the loop run until ``condition`` holds; fail after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)

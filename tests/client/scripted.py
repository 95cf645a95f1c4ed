"""A scripted server for the till's controller tests (``httpx.MockTransport``), and the
till's hands: typing a PIN, typing on a physical keyboard.

The server answers by route (method and path); a test sets what a route says
next (``say``), or a function of the request body (``answer_with``), and reads
what was asked (``calls``: route, body, headers; ``urls``: with the query).
It holds the open cart as the issue-11 contract says (``PUT``/``DELETE
/pos/cart``); resuming and discarding a parked cart answer what a test says.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from nixpos.client.till import Till
from nixpos.core.proof import proof_matches

Run = Callable[[Awaitable[Any]], Any]
Json = dict[str, Any]
Handler = Callable[[Json | None], tuple[int, Json]]
RequestHandler = Callable[[Json | None, httpx.Headers], tuple[int, Json]]

POLICY = {"idle_timeout_s": 120, "warning_s": 60, "poll_interval_s": 3, "pin_length": 4}
MEALEA = {"id": 3, "name": "Mealea Sok", "role": "cashier"}
DARA = {"id": 2, "name": "Dara Chan", "role": "manager"}
TILL_1 = {"id": 1, "name": "Till 1"}
TILL_2 = {"id": 2, "name": "Till 2"}
CATALOG = {"currency": {"code": "USD", "exponent": 2}, "tax_rate_bp": 1000,
           "categories": [{"id": 1, "name": "Coffee"}],
           "products": [{"id": 11, "sku": "LAT-01", "name": "Latte", "category_id": 1,
                         "price": 350, "active": True}]}


def cart_of(body: Json) -> Json:
    """The server's ``Cart`` for a cart body: the body, its units, total and time."""
    return body | {"items": sum(line["quantity"] for line in body["lines"]),
                   "total": sum(line["quantity"] * line["unit_price"] for line in body["lines"]),
                   "updated_at": "2026-11-25T12:30:00Z"}


def session(state: str = "active", staff: Json = MEALEA, **extra: Any) -> Json:
    return {"id": 7, "state": state, "staff": staff, "terminal": TILL_1,
            "started_at": "2026-01-05T09:00:00Z", "last_activity_at": "2026-01-05T09:00:00Z",
            "expires_at": "2026-01-05T09:02:00Z", "override": False, **extra}


class ScriptedServer:
    """Answers by route; a test sets what each route says next and reads what was asked."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, Json]] = {
            "GET /api/v1/terminal": (200, {
                "terminal": TILL_1, "tenant": {"code": "lumiere-coffee", "name": "Lumière Coffee"},
                "policy": POLICY, "lockout": {"locked": False, "retry_after_s": 0},
                "currency": {"code": "USD", "exponent": 2}}),
            "POST /api/v1/pos/unlock": (200, {"token": "t0k3n", "session": session(),
                                              "ended_elsewhere": []}),
            "GET /api/v1/pos/session": (200, session()),
            "POST /api/v1/pos/session/activity": (200, session()),
            "POST /api/v1/pos/session/lock": (200, session("ended", reason="logout")),
            "GET /api/v1/pos/catalog": (200, CATALOG),
        }
        self.handlers: dict[str, Handler] = {  # routes answered from what was sent
            "PUT /api/v1/pos/cart": lambda body: (200, {"cart": cart_of(body or {})}),
        }
        self.request_handlers: dict[str, RequestHandler] = {}  # … and from its headers
        self.answers["DELETE /api/v1/pos/cart"] = (204, {})
        self.urls: list[str] = []
        self.offline = False
        self.held: dict[str, asyncio.Event] = {}  # routes whose answers wait for a test
        self.calls: list[tuple[str, Json | None, httpx.Headers]] = []

    def say(self, route: str, status: int, body: Json) -> None:
        self.answers[route] = (status, body)
        self.handlers.pop(route, None)

    def answer_with(self, route: str, handler: Handler) -> None:
        self.handlers[route] = handler

    def sent(self, route: str) -> list[Json | None]:
        """The bodies the till sent to ``route``, oldest first."""
        return [body for called, body, _ in self.calls if called == route]

    async def handle(self, request: httpx.Request) -> httpx.Response:
        route = f"{request.method} {request.url.path}"
        body = json.loads(request.content) if request.content else None
        self.calls.append((route, body, request.headers))
        self.urls.append(f"{request.method} {request.url.raw_path.decode()}")
        if self.offline:
            raise httpx.ConnectError("connection refused", request=request)
        if route in self.request_handlers:
            status, answer = self.request_handlers[route](body, request.headers)
        elif route in self.handlers:
            status, answer = self.handlers[route](body)
        else:
            status, answer = self.answers.get(route, (404, {"error": "not_found",
                                                            "message": "?"}))
        if route in self.held:
            await self.held[route].wait()
        if status == 204:
            return httpx.Response(status)
        return httpx.Response(status, json=answer)

    def routes(self) -> list[str]:
        return [route for route, _, _ in self.calls]

    def last_unlock(self) -> Json | None:
        """What the till sent with its last unlock."""
        return next(body for route, body, _ in reversed(self.calls)
                    if route == "POST /api/v1/pos/unlock")


def unlock(run: Run, till: Till, pin: str = "3918") -> None:
    """Type the PIN and let the till finish what follows (the unlock, then the menu)."""
    for digit in pin:
        till.window.lock_screen.keypad.press(digit)
    till.window.lock_screen.keypad.press("Enter")
    run(till.controller.settle())


def type_keys(text: str, *, enter: bool = True) -> None:
    """A physical keyboard: key events go where Qt sends them — the focus widget, else
    the active window — not to a widget the test picks."""
    for key in [*text, "\n"] if enter else text:
        target = QApplication.focusWidget() or QApplication.activeWindow()
        assert isinstance(target, QWidget), "no window would receive the key"
        if key == "\n":
            QTest.keyClick(target, Qt.Key.Key_Return)
        else:
            QTest.keyClicks(target, key)


def ended(reason: str, **extra: Any) -> Json:
    return session("ended", reason=reason, ended_at="2026-01-05T14:03:00Z", ended_by=DARA,
                   ended_on=TILL_2, **extra)


class SaleBook:
    """``POST /api/v1/pos/sales`` as the server records sales (SPEC §6, §7.4): each
    ``client_id`` once (again: 200, the same sale), numbered from ``first``, with the
    bearer of a known token or — no bearer — a session's ``session_id`` and ``proof``.
    ``sale_of(body, number)`` makes the Sale; ``refuse`` answers the next upload so."""

    def __init__(self, tokens: dict[str, int], sale_of: Callable[[Json, int], Json],
                 first: int = 1) -> None:
        self.tokens = tokens  # token → its session's id
        self.sale_of = sale_of
        self.next_number = first
        self.sales: dict[str, Json] = {}
        self.proofs: list[str] = []  # client_ids that came with a proof, not a bearer
        self.refuse: tuple[int, Json] | None = None

    def __call__(self, body: Json | None, headers: httpx.Headers) -> tuple[int, Json]:
        assert body is not None
        body = dict(body)
        session_id, proof = body.pop("session_id", None), body.pop("proof", None)
        bearer = headers.get("authorization", "").removeprefix("Bearer ")
        if bearer:
            if bearer not in self.tokens:
                return 401, {"error": "invalid_token", "message": "Unknown token."}
        else:
            token = next((t for t, s in self.tokens.items() if s == session_id), None)
            if token is None:
                return 401, {"error": "invalid_token", "message": "Not this till's session."}
            if not isinstance(proof, str) or not proof_matches(
                    hashlib.sha256(token.encode()).digest(), body["client_id"], proof):
                return 401, {"error": "invalid_proof", "message": "The proof does not match."}
            self.proofs.append(body["client_id"])
        if self.refuse is not None:
            refusal, self.refuse = self.refuse, None
            return refusal
        if body["client_id"] in self.sales:
            return 200, self.sales[body["client_id"]]
        sale = self.sale_of(body, self.next_number)
        self.next_number += 1
        self.sales[body["client_id"]] = sale
        return 201, sale

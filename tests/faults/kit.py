"""The fault tests' harness: a real server process, a proxy that loses answers, real tills.

- ``ServerProcess`` (``bench.procs``): ``nixpos-server`` set up through its CLI,
  served on a fixed loopback port, ``kill -9``-ed and restarted on the same
  port and database.
- ``DroppingProxy``: a loopback HTTP/1.1 proxy in front of it. Each request is
  forwarded; the server's whole answer is read; then a ``drop`` rule may close
  the till's connection instead of passing the answer on — the server committed,
  the till never heard. Hooks run right after a request reached the server and
  right before its answer would be passed on (to ``kill -9`` the server there).
- ``HeadlessTill``: the till's own core (``TillState``, whose ``SaleState`` keeps
  unanswered sales and sends them again with the same ``client_id``) and its
  own HTTP client (``TillApi``), driven as the controller drives them, without
  Qt. The retry logic under test is the till's, not the test's.
- ``sales_in``: the exact set of sales in the database afterwards, read with SQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from bench.procs import ServerProcess
from nixpos.client.api import TillApi
from nixpos.core.answers import Ok
from nixpos.core.pricing import PaymentMethod
from nixpos.core.ticker import BootTicker
from nixpos.core.till_state import Command, TillState
from nixpos.server.db import Database
from nixpos.server.models import PosSession, Sale, Staff, Terminal
from nixpos.server.security import read_secret_file
from nixpos.server.services import staff, terminals
from nixpos.server.services.context import ServerContext

__all__ = ["DroppingProxy", "HeadlessTill", "Request", "ServerProcess", "SoldRow", "drop_nth",
           "drop_randomly", "live_sessions_on", "sales_in"]

TENANT = "lumiere-coffee"  # the demo shop (``nixpos-server demo``)
SALES_PATH = "/api/v1/pos/sales"


# -- the proxy -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    nth: int  # 1 for the first request with this method and path through this proxy


@dataclass(frozen=True)
class Exchange:
    request: Request
    status: int | None  # None: the server never answered (it died)
    dropped: bool  # the server answered and the till was not told


DropRule = Callable[[Request], bool]
Hook = Callable[[Request], Awaitable[None]]


def never(request: Request) -> bool:
    return False


def drop_nth(method: str, path: str, *nths: int) -> DropRule:
    """Drop the answers to the ``nths`` requests of ``method path`` (1 = the first)."""
    return lambda r: r.method == method and r.path == path and r.nth in nths


def drop_randomly(method: str, path: str, rate: float, seed: int) -> DropRule:
    """Drop each answer to ``method path`` with probability ``rate`` (seeded, so a
    failing run can be repeated with the same number of drops)."""
    rng = random.Random(seed)
    return lambda r: r.method == method and r.path == path and rng.random() < rate


class DroppingProxy:
    def __init__(self, upstream_port: int, *, drop: DropRule = never,
                 after_forward: Hook | None = None, before_reply: Hook | None = None) -> None:
        self.upstream_port = upstream_port
        self.drop = drop
        self.after_forward = after_forward
        self.before_reply = before_reply
        self.exchanges: list[Exchange] = []
        self._counts: dict[tuple[str, str], int] = {}
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()  # both sides of each
        self._handlers: set[asyncio.Task[Any]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            # Closing both ends wakes each handler with an EOF, so it ends by itself
            # (a handler cancelled by asyncio.run instead would be logged as an error).
            for writer in list(self._connections):
                writer.close()
            if self._handlers:
                await asyncio.wait(self._handlers, timeout=10)
            await self._server.wait_closed()

    async def __aenter__(self) -> DroppingProxy:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    def answered(self, method: str, path: str) -> list[Exchange]:
        return [e for e in self.exchanges
                if (e.request.method, e.request.path) == (method, path)]

    def _count(self, head: bytes) -> Request:
        method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
        path = target.split("?", 1)[0]
        n = self._counts.get((method, path), 0) + 1
        self._counts[(method, path)] = n
        return Request(method, path, n)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One till connection (keep-alive: many requests), over one server connection."""
        self._connections.add(writer)
        handler = asyncio.current_task()
        if handler is not None:
            self._handlers.add(handler)
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while (head := await _read_head(reader)) is not None:
                body = await reader.readexactly(_content_length(head))
                request = self._count(head)
                if upstream is None:
                    try:
                        upstream = await asyncio.open_connection("127.0.0.1",
                                                                 self.upstream_port)
                        self._connections.add(upstream[1])
                    except OSError:  # the server is down: the till's connection just closes
                        self.exchanges.append(Exchange(request, None, False))
                        return
                up_reader, up_writer = upstream
                up_writer.write(head + body)
                await up_writer.drain()
                if self.after_forward is not None:
                    await self.after_forward(request)
                try:
                    status, answer, closes = await _read_response(up_reader)
                except (ConnectionError, asyncio.IncompleteReadError, ValueError):
                    self.exchanges.append(Exchange(request, None, False))
                    return
                if self.before_reply is not None:
                    await self.before_reply(request)
                dropped = self.drop(request)
                self.exchanges.append(Exchange(request, status, dropped))
                if dropped:
                    return
                writer.write(answer)
                await writer.drain()
                if closes:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            for stream in (writer, upstream[1] if upstream else None):
                if stream is not None:
                    self._connections.discard(stream)
                    stream.close()
                    with contextlib.suppress(ConnectionError):
                        await stream.wait_closed()
            if handler is not None:
                self._handlers.discard(handler)


async def _read_head(reader: asyncio.StreamReader) -> bytes | None:
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if error.partial:
            raise
        return None  # the till closed its connection between requests


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    pairs = (line.split(":", 1) for line in lines if ":" in line)
    return {name.strip().lower(): value.strip() for name, value in pairs}


def _content_length(head: bytes) -> int:
    return int(_headers(head).get("content-length", "0"))


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """The server's whole answer: its status, its bytes, and whether it closes after it."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    headers = _headers(head)
    if "chunked" in headers.get("transfer-encoding", ""):
        raise ValueError("a chunked answer: the API never sends one")
    length = 0 if status in (204, 304) else int(headers.get("content-length", "0"))
    body = await reader.readexactly(length)
    return status, head + body, headers.get("connection", "").lower() == "close"


# -- the till --------------------------------------------------------------------------------


class HeadlessTill:
    """A till's core and HTTP client without its screens, driven as its controller does."""

    def __init__(self, url: str, terminal_key: str, name: str) -> None:
        self.name = name
        self.api = TillApi(url, terminal_key)
        self.state = TillState(BootTicker(), till=name)

    async def aclose(self) -> None:
        await self.api.aclose()

    async def perform(self, commands: Iterable[Command]) -> None:
        """Make each call and feed its outcome back; the calls that follow, too."""
        queue = list(commands)
        while queue:
            command = queue.pop(0)
            queue.extend(self.state.answered(command, await self.api.perform(command)))

    async def act(self, event: Callable[..., list[Command] | None], *args: Any) -> None:
        await self.perform(event(*args) or [])

    async def unlock(self, pin: str) -> None:
        await self.act(self.state.pin_entered, pin)
        if not self.state.session.is_live:
            raise AssertionError(f"{self.name} did not unlock: {self.state.error!r}")
        if self.state.sale.catalog is None:
            raise AssertionError(f"{self.name} has no menu after unlocking")

    def product(self, sku: str) -> int:
        catalog = self.state.sale.catalog
        product = catalog.by_sku(sku) if catalog is not None else None
        if product is None:
            raise AssertionError(f"{sku} is not on {self.name}'s menu")
        return product.id

    async def sell(self, skus: Iterable[str]) -> str:
        """Ring ``skus`` up and take exact cash, as a cashier would; the sale's client_id.
        The sale is sent once here; anything unanswered stays with the till."""
        self.state.sale.done_with_receipt()  # "New sale" after the last receipt
        for sku in skus:
            self.state.sale.product_tapped(self.product(sku))
        client_id = self.state.sale.cart.client_id
        await self.act(self.state.pay_pressed)
        await self.act(self.state.tender, PaymentMethod.CASH, None)
        sale = self.state.sale
        if sale.receipt is None or client_id not in (sale.receipt.get("pending"),
                                                     sale.receipt.get("client_id")):
            raise AssertionError(f"{self.name} did not complete the sale: {sale.message!r}")
        return client_id

    async def settle(self, timeout_s: float = 60.0) -> None:
        """Run the till's background loop until it owes the server no sale."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self.state.sale.queue.waiting:
            if loop.time() > deadline:
                raise AssertionError(f"{self.name} still owes {self.state.sale.queue.waiting} "
                                     f"sale(s) after {timeout_s} s: {self.state.error!r}")
            await asyncio.sleep(self.state.next_delay_s())
            await self.perform([self.state.background_call()])


async def enroll(url: str, code: str, name: str) -> str:
    """Enroll a till through the API as IT would; its terminal key."""
    api = TillApi(url)
    try:
        outcome = await api.enroll(code, f"{name} PC", "Debian 12")
    finally:
        await api.aclose()
    if not isinstance(outcome, Ok):
        raise AssertionError(f"enrolling {name}: {outcome}")
    return str(outcome.body["terminal_key"])


# -- the shop and what it sold ------------------------------------------------------------


@dataclass
class DemoShop:
    """``nixpos-server init`` + ``demo`` on ``server``'s database: PINs by name, codes by till."""

    server: ServerProcess
    pins: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)  # back office, by e-mail

    @classmethod
    def create(cls, server: ServerProcess, *, poll_interval_s: int = 1) -> DemoShop:
        server.cli("init")
        demo = server.cli("demo")
        # Tills retry an unanswered sale after one poll interval: short, so tests are too.
        server.cli("set-policy", "--tenant", TENANT, "--poll-interval", str(poll_interval_s))
        return cls(server, {p["name"]: p["pin"] for p in demo["staff"]},
                   {c["terminal"]: c["code"] for c in demo["enrollment_codes"]},
                   {p["email"]: p["password"] for p in demo["staff"] if p["email"]})

    def add_cashiers_and_tills(self, count: int) -> None:
        """``count`` more cashiers and tills ("Cashier n", "Till n+2"), through the server's
        own services on its database (the CLI would start a process for each)."""
        db = Database(self.server.database_url)
        try:
            ctx = ServerContext(db=db, pin_secret=read_secret_file(self.server.secret_file))
            for n in range(1, count + 1):
                person = staff.add_staff(ctx, TENANT, f"Cashier {n}", "cashier")
                self.pins[person["name"]] = person["pin"]
                till = f"Till {n + 2}"
                self.codes[till] = terminals.issue_enrollment_code(ctx, TENANT, till)["code"]
        finally:
            db.dispose()


@dataclass(frozen=True)
class SoldRow:
    number: int
    client_id: str
    till: str
    person: str
    total: int
    offline: bool


def sales_in(database_url: str) -> list[SoldRow]:
    """Every sale in the database, by number."""
    db = Database(database_url)
    try:
        with db.read() as s:
            rows = s.execute(
                select(Sale.number, Sale.client_id, Terminal.name, Staff.name, Sale.total,
                       Sale.offline)
                .join(Terminal, Terminal.id == Sale.terminal_id)
                .join(Staff, Staff.id == Sale.staff_id)
                .order_by(Sale.number)).all()
            return [SoldRow(*row) for row in rows]
    finally:
        db.dispose()


def live_sessions_on(database_url: str, till: str) -> int:
    """How many live POS sessions ``till`` has (0 or 1)."""
    db = Database(database_url)
    try:
        with db.read() as s:
            return len(s.scalars(select(PosSession.id)
                                 .join(Terminal, Terminal.id == PosSession.terminal_id)
                                 .where(Terminal.name == till, PosSession.ended_at.is_(None)))
                       .all())
    finally:
        db.dispose()

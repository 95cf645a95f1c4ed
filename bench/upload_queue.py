"""Issue 11: uploading 500 sales queued while offline takes under 10 s on loopback.

A real ``nixpos-server serve`` process (SQLite, loopback) and the till's HTTP
client (``TillApi``). Till 1 is signed in; 500 sales are completed "offline"
(built by the till's own ``Cart``, kept in memory); 500 other sales are posted
online as they complete, one after another with the session's bearer — the
baseline. Then the session ends (as when the till restarts and its token is
gone) and the queue is uploaded oldest first, one at a time, as SPEC §7.4
says: with the terminal key, ``session_id`` and ``proof`` when the server
takes them, else (a server from before issue 11) with the ended session's
bearer. It prints which path it took, both times and their ratio.

    .venv/bin/python -m bench.upload_queue [--sales 500]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.procs import ServerProcess
from nixpos.client.api import TillApi
from nixpos.core.answers import Ok, Outcome, Refused
from nixpos.core.cart import Cart
from nixpos.core.catalog import Catalog
from nixpos.core.pricing import PaymentMethod
from nixpos.core.proof import sale_proof

TENANT = "lumiere-coffee"
TARGET_S = 10.0
Json = dict[str, Any]


def a_sale(catalog: Catalog, rng: random.Random) -> Json:
    """One to four products, paid in exact cash, as the till's cart makes the body."""
    cart = Cart(tax_rate_bp=catalog.tax_rate_bp)
    for product in rng.choices(catalog.products, k=rng.randint(1, 4)):
        cart.add(product)
    cart.pay(PaymentMethod.CASH, cart.remaining)
    return cart.sale(datetime.now(UTC))


def expect_recorded(outcome: Outcome, what: str) -> None:
    if not (isinstance(outcome, Ok) and outcome.body.get("number")):
        raise RuntimeError(f"{what} was not recorded: {outcome}")


async def post_all(api: TillApi, bodies: list[Json], token: str | None,
                   extra: Any = None) -> float:
    """Seconds to post ``bodies`` one after another, each waiting for its answer."""
    started = time.perf_counter()
    for body in bodies:
        expect_recorded(await api.call("POST", "/pos/sales", token=token,
                                       body=body | (extra(body) if extra else {})),
                        f"sale {body['client_id']}")
    return time.perf_counter() - started


async def measure(server: ServerProcess, code: str, pin: str, count: int) -> None:
    enroller = TillApi(server.url)
    enrolled = await enroller.enroll(code, "Till 1 PC", "Debian 12")
    await enroller.aclose()
    assert isinstance(enrolled, Ok), enrolled
    api = TillApi(server.url, str(enrolled.body["terminal_key"]))
    try:
        unlocked = await api.call("POST", "/pos/unlock", body={"pin": pin, "override": False})
        assert isinstance(unlocked, Ok), unlocked
        token, session_id = str(unlocked.body["token"]), int(unlocked.body["session"]["id"])
        menu = await api.call("GET", "/pos/catalog")
        assert isinstance(menu, Ok), menu
        catalog = Catalog.from_json(menu.body)
        rng = random.Random(7)
        queued = [a_sale(catalog, rng) for _ in range(count)]  # completed while offline
        online = [a_sale(catalog, rng) for _ in range(count)]

        online_s = await post_all(api, online, token)
        ended = await api.call("POST", "/pos/session/lock", token=token, body={})
        assert isinstance(ended, Ok), ended  # the till restarted: its token is gone

        def proven(body: Json) -> Json:
            return {"session_id": session_id, "proof": sale_proof(token, body["client_id"])}

        probe = await api.call("POST", "/pos/sales", body=queued[0] | proven(queued[0]))
        if isinstance(probe, Refused) and probe.code != "invalid_proof":
            path = (f"bearer of the ended session (this server refused key + proof: "
                    f"{probe.status} {probe.code})")
            queue_s = await post_all(api, queued, token)
        else:
            expect_recorded(probe, "the first queued sale")
            path = "terminal key + session_id + proof (no bearer)"
            queue_s = await post_all(api, queued[1:], None, proven)
            queue_s *= count / (count - 1)  # the probe was the first of them
    finally:
        await api.aclose()
    print(f"upload path: {path}")
    print(f"{count} sales posted online as they completed: {online_s:.2f} s "
          f"({online_s / count * 1000:.1f} ms each)")
    print(f"{count} queued sales uploaded oldest first:     {queue_s:.2f} s "
          f"({queue_s / count * 1000:.1f} ms each)")
    print(f"queued / online: {queue_s / online_s:.2f}x")
    print(f"queue upload {queue_s:.2f} s (target < {TARGET_S:.0f} s) "
          f"{'OK' if queue_s < TARGET_S else 'MISS'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sales", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        server = ServerProcess(f"sqlite:///{Path(directory) / 'shop.db'}", Path(directory))
        server.cli("init")
        demo = server.cli("demo")
        pin = next(p["pin"] for p in demo["staff"] if p["name"] == "Mealea Sok")
        code = next(c["code"] for c in demo["enrollment_codes"] if c["terminal"] == "Till 1")
        server.start()
        try:
            asyncio.run(measure(server, code, pin, args.sales))
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

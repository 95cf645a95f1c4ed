"""Twenty tills sell fifty sales each on PostgreSQL while a proxy loses answers at random.

The server is a real ``nixpos-server serve`` process on PostgreSQL (its row
locks and sale numbering are what is under test); twenty real till cores with
their own HTTP clients sell at once, each signed in by its own cashier, through
a proxy that drops a seeded tenth of the sales' answers after the server
committed them. Each till retries by itself. Afterwards the database holds
exactly the 1,000 sales the tills made: numbers 1…1000, no client_id twice.
"""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path

import pytest

from tests.faults.kit import (
    SALES_PATH,
    DemoShop,
    DroppingProxy,
    HeadlessTill,
    ServerProcess,
    drop_randomly,
    enroll,
    sales_in,
)

TILLS, SALES_EACH = 20, 50
SKUS = ("COF-ESP", "COF-LAT", "TEA-GRN", "BAK-CRO", "BAK-MUF", "CLD-WAT")

pytestmark = pytest.mark.skipif(
    not os.environ.get("NIXPOS_TEST_POSTGRES_URL"),
    reason="needs PostgreSQL: set NIXPOS_TEST_POSTGRES_URL (.ci/run starts a throwaway "
           "cluster and sets it for tests/faults)")


def test_twenty_tills_fifty_sales_each_with_lost_answers_give_sales_1_to_1000(
    database_url: str, tmp_path: Path
) -> None:
    server = ServerProcess(database_url, tmp_path / "server", threads=8)
    shop = DemoShop.create(server)
    shop.add_cashiers_and_tills(TILLS)  # one cashier per till: one live session per person
    server.start()

    async def one_till(proxy: DroppingProxy, n: int) -> list[str]:
        name = f"Till {n + 2}"
        till = HeadlessTill(proxy.url, await enroll(proxy.url, shop.codes[name], name), name)
        rng = random.Random(n)
        try:
            await till.unlock(shop.pins[f"Cashier {n}"])
            made = []
            for _ in range(SALES_EACH):
                made.append(await till.sell(rng.choices(SKUS, k=rng.randint(1, 3))))
                await till.settle()
            return made
        finally:
            await till.aclose()

    async def scenario() -> tuple[list[list[str]], int]:
        async with DroppingProxy(server.port,
                                 drop=drop_randomly("POST", SALES_PATH, 0.1, seed=11)) as proxy:
            made = await asyncio.gather(*(one_till(proxy, n) for n in range(1, TILLS + 1)))
            return made, sum(e.dropped for e in proxy.exchanges)

    try:
        made, dropped = asyncio.run(scenario())
    finally:
        server.kill()
    sold = sales_in(database_url)
    assert dropped >= 50  # answers really were lost (about a tenth of ~1,100 posts)
    assert [s.number for s in sold] == list(range(1, TILLS * SALES_EACH + 1))
    assert len({s.client_id for s in sold}) == len(sold)
    by_till = {f"Till {n + 2}": set(ids) for n, ids in enumerate(made, start=1)}
    assert {till: {s.client_id for s in sold if s.till == till} for till in by_till} == by_till

"""A sale whose answer never reaches the till is recorded once: the till's own retry.

The server is a real ``nixpos-server serve`` process behind a loopback proxy;
the till is its real core and HTTP client (``HeadlessTill``). Fault 1: the
server is killed with -9 while the till's sale is with it, then restarted on
the same port and database. Fault 2: the server records the sale and the proxy
drops the answer. Either way the till sends the sale again by itself, with the
same ``client_id``, and the database holds it exactly once, numbered in order.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.faults.kit import (
    SALES_PATH,
    DemoShop,
    DroppingProxy,
    HeadlessTill,
    Request,
    ServerProcess,
    drop_nth,
    enroll,
    sales_in,
)


@pytest.fixture
def shop(server: ServerProcess) -> DemoShop:
    shop = DemoShop.create(server)
    server.start()
    return shop


def first_sale(request: Request) -> bool:
    return request.method == "POST" and request.path == SALES_PATH and request.nth == 1


async def a_till(proxy: DroppingProxy, shop: DemoShop) -> HeadlessTill:
    till = HeadlessTill(proxy.url, await enroll(proxy.url, shop.codes["Till 1"], "Till 1"),
                        "Till 1")
    await till.unlock(shop.pins["Mealea Sok"])
    return till


@pytest.mark.parametrize("when", ["request_reached_it", "it_answered"])
def test_server_killed_during_a_sale_then_restarted_the_tills_retry_records_it_once(
    server: ServerProcess, shop: DemoShop, when: str
) -> None:
    """Killed as soon as the request reached it (committed or not, nobody knows), or
    after it answered but before the till heard: either way one sale, number 1."""

    async def kill_at_first_sale(request: Request) -> None:
        if first_sale(request):
            server.kill()

    async def scenario() -> tuple[str, list[int | None], int | None]:
        hook = {"after_forward" if when == "request_reached_it" else "before_reply":
                kill_at_first_sale}
        async with DroppingProxy(server.port, drop=first_sale, **hook) as proxy:
            till = await a_till(proxy, shop)
            try:
                client_id = await till.sell(["COF-LAT", "BAK-CRO"])
                # No answer: the till keeps the sale, shows it as being sent, and is offline.
                waiting = [s.client_id for s in till.state.sale.queue.sales if s.waiting]
                assert waiting == [client_id]
                assert not till.state.connection.online
                await asyncio.to_thread(server.start)  # same port, same database
                await till.settle()
                receipt = till.state.sale.receipt
                statuses = [e.status for e in proxy.answered("POST", SALES_PATH)]
                return client_id, statuses, receipt.get("number") if receipt else None
            finally:
                await till.aclose()

    client_id, statuses, shown_number = asyncio.run(scenario())
    sold = sales_in(server.database_url)
    assert [(s.number, s.client_id, s.till, s.person, s.total) for s in sold] == [
        (1, client_id, "Till 1", "Mealea Sok", 625)], server.serve_log()
    assert shown_number == 1  # the till's receipt shows the number the server gave
    assert server.starts == 2
    if when == "it_answered":
        # The first try was committed (201) and lost; the retry found it (200).
        assert statuses == [201, 200]
    else:
        assert statuses[0] is None and statuses[-1] in (200, 201)


def test_an_answer_lost_on_the_way_back_the_tills_retry_records_the_sale_once(
    server: ServerProcess, shop: DemoShop
) -> None:
    """The server commits the sale, the proxy drops its answer: the till retries by
    itself and gets the same sale back; the next sale is number 2 (none skipped)."""

    async def scenario() -> tuple[list[str], list[tuple[int | None, bool]]]:
        async with DroppingProxy(server.port,
                                 drop=drop_nth("POST", SALES_PATH, 1, 2)) as proxy:
            till = await a_till(proxy, shop)
            try:
                first = await till.sell(["COF-LAT"])
                assert till.state.sale.queue.waiting == 1  # unanswered: still owed
                await till.settle()
                second = await till.sell(["TEA-GRN", "BAK-MUF"])
                await till.settle()
                statuses = [(e.status, e.dropped) for e in proxy.answered("POST", SALES_PATH)]
                return [first, second], statuses
            finally:
                await till.aclose()

    (first, second), statuses = asyncio.run(scenario())
    sold = sales_in(server.database_url)
    assert [(s.number, s.client_id, s.total) for s in sold] == [
        (1, first, 350), (2, second, 575)], server.serve_log()
    # Recorded by the first try; the answers to it and to the first retry were dropped.
    assert statuses == [(201, True), (200, True), (200, False), (201, False)]

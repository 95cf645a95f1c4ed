"""Offline sales through the whole till state machine (SPEC §7.4): a sale is written down
before it shows as done, completes with a provisional receipt while the server is away,
goes up oldest first and exactly once — with the bearer, or after a restart with its
proof — and a refused one stays, marked, for a manager. Open carts are written down and
come back after a restart. No Qt, no disk, no network: the disk is the ``StoreOp``s the
core asks for and the ``Kept`` it is given back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from nixpos.core import words
from nixpos.core.answers import Ok, Refused, Unreachable
from nixpos.core.clock import FakeClock
from nixpos.core.pricing import PaymentMethod
from nixpos.core.proof import sale_proof
from nixpos.core.receipt import WIDTH
from nixpos.core.sale_queue import UploadSale
from nixpos.core.sale_state import PostSale, SaleMode, SaleView
from nixpos.core.store_ops import (
    ForgetSale,
    Kept,
    KeptCart,
    KeptSale,
    SaleRefused,
    SaleStatus,
    SaleUploaded,
    SaveCart,
    StoreOp,
    StoreSale,
)
from nixpos.core.ticker import FakeTicker
from nixpos.core.till_state import Command, FetchStatus, Poll, TillState
from tests.core.test_sale_state import NOW, sign_in, squeezed
from tests.core.test_till_state import MEALEA, status

Json = dict[str, Any]
CASH = PaymentMethod.CASH
LATTE, CROISSANT = 11, 21
DOWN = Unreachable("connection refused")


def fresh_till(ticker: FakeTicker | None = None) -> TillState:
    """A till just started (or restarted): locked, its policy and names known."""
    state = TillState(ticker or FakeTicker(), till="Till 1", shop="Lumière Coffee",
                      clock=FakeClock(NOW))
    state.answered(FetchStatus(0), Ok(status()))
    return state


@pytest.fixture
def till() -> TillState:
    return fresh_till()


def go_offline(till: TillState) -> None:
    """The next background call finds the server gone."""
    till.answered(till.background_call(), DOWN)


def sell(till: TillState, *products: int) -> list[Command]:
    for product in products or (LATTE,):
        till.sale.product_tapped(product)
    till.pay_pressed()
    return till.tender(CASH, 5000)


def shown(till: TillState) -> SaleView:
    view = till.view().sale
    assert view is not None
    return view


def stored(writes: list[StoreOp]) -> list[StoreSale]:
    return [w for w in writes if isinstance(w, StoreSale)]


def kept_from(writes: list[StoreOp]) -> Kept:
    """What a disk that took ``writes`` gives back at start (as ``LocalStore.load`` does)."""
    sales: dict[str, KeptSale] = {}
    carts: dict[int, KeptCart] = {}
    for w in writes:
        if isinstance(w, StoreSale):
            sales[w.client_id] = KeptSale(w.client_id, w.body, w.session_id, w.proof,
                                          w.number, SaleStatus.WAITING)
        elif isinstance(w, SaleUploaded | ForgetSale):
            sales.pop(w.client_id, None)
        elif isinstance(w, SaleRefused):
            sales[w.client_id] = KeptSale(**{**sales[w.client_id].__dict__,
                                             "status": SaleStatus.REFUSED, "error": w.error})
        elif isinstance(w, SaveCart):
            if w.cart is None:
                carts.pop(w.person_id, None)
            else:
                carts[w.person_id] = KeptCart(w.person_id, w.cart,
                                              datetime.fromisoformat(w.updated_at))
    numbers = [s.number for s in sales.values()] + [
        w.number for w in writes if isinstance(w, StoreSale)]
    return Kept(tuple(sorted(sales.values(), key=lambda s: s.number)),
                tuple(carts.values()), max(numbers, default=0) + 1)


# -- a sale while the server is away -------------------------------------------------------


def test_an_offline_sale_is_written_down_and_shows_a_provisional_receipt(
    till: TillState
) -> None:
    token = sign_in(till)
    go_offline(till)
    assert sell(till) == []  # nothing to send it to: it waits
    writes = till.store_writes()
    [sale] = stored(writes)
    assert sale.number == 1 and sale.session_id == 7 and sale.body["client_id"] == sale.client_id
    assert sale.proof == sale_proof(token, sale.client_id)
    assert token not in repr(writes)  # the token never goes to the disk
    view = till.view()
    assert view.sale is not None and view.sale.mode is SaleMode.RECEIPT
    receipt = squeezed(view.sale.receipt)
    assert "Offline 0001 — Till 1 · Mealea Sok" in receipt
    assert " ".join(receipt[-2:]) == words.GETS_NUMBER_LATER  # wrapped to the paper
    assert max(map(len, shown(till).receipt)) <= WIDTH
    assert "Change $46.50" in receipt and view.sale.change_due == "$46.50"
    assert view.sale.can_print  # the customer may take the provisional receipt
    assert view.active is not None and view.active.connection == "Offline — 1 sale waiting"
    assert till.store_writes() == []  # written once


def test_a_sale_whose_post_got_no_answer_turns_provisional(till: TillState) -> None:
    sign_in(till)
    [post] = sell(till)
    assert isinstance(post, PostSale)
    assert shown(till).receipt[0] == words.SENDING_SALE
    assert not shown(till).can_print
    till.answered(post, Unreachable("timeout"))
    assert "Offline 0001 — Till 1 · Mealea Sok" in squeezed(shown(till).receipt)


def test_provisional_numbers_count_on_per_till_across_a_restart(till: TillState) -> None:
    sign_in(till)
    go_offline(till)
    sell(till)
    till.sale.done_with_receipt()
    sell(till, CROISSANT)
    writes = till.store_writes()
    assert [s.number for s in stored(writes)] == [1, 2]
    again = fresh_till()
    again.restore(kept_from(writes))
    sign_in(again, session_id=8)
    go_offline(again)
    sell(again)
    assert [s.number for s in stored(again.store_writes())] == [3]
    assert "Offline 0003 — Till 1 · Mealea Sok" in squeezed(shown(again).receipt)


# -- back online: oldest first, one at a time, once ------------------------------------------


def test_the_queue_goes_up_oldest_first_one_at_a_time_and_each_once(till: TillState) -> None:
    token = sign_in(till)
    go_offline(till)
    for product in (LATTE, CROISSANT, LATTE):
        sell(till, product)
        till.sale.done_with_receipt()
    order = [s.client_id for s in stored(till.store_writes())]
    recorded: list[str] = []
    numbers = iter(range(100, 200))

    def next_upload() -> UploadSale:
        call = till.background_call()
        assert isinstance(call, UploadSale), call
        assert call.token == token  # the session that sold them is live here: the bearer
        assert not isinstance(till.background_call(), UploadSale)  # never two at once
        return call

    first = next_upload()
    assert first.client_id == order[0]
    till.answered(first, DOWN)  # still away: the same sale again, nothing lost
    till.answered(till.background_call(), DOWN)
    for _ in order:
        call = next_upload()
        assert call.client_id not in recorded
        number = next(numbers)
        till.answered(call, Ok({"id": number, "number": number, "total": 350}))
        recorded.append(call.client_id)
    assert recorded == order
    assert isinstance(till.background_call(), Poll)  # nothing owed any more
    assert [w.number for w in till.store_writes() if isinstance(w, SaleUploaded)] == [
        100, 101, 102]
    assert [s["number"] for s in till.sale.recent] == [102, 101, 100]  # the real numbers
    view = till.view()
    assert view.active is not None and view.active.connection == words.ONLINE


def test_a_new_sale_waits_behind_older_ones(till: TillState) -> None:
    sign_in(till)
    go_offline(till)
    sell(till)
    till.sale.done_with_receipt()
    # The server is back (a poll answered) but the first sale has not gone up yet.
    till.connection.answered()
    assert sell(till, CROISSANT) == []  # not before the older one
    first = till.background_call()
    assert isinstance(first, UploadSale)
    assert first.client_id == stored(till.store_writes())[0].client_id
    view = till.view()
    assert view.active is not None and view.active.connection == "2 sales waiting"


def test_a_refused_offline_sale_is_kept_marked_and_does_not_block_the_rest(
    till: TillState
) -> None:
    sign_in(till)
    go_offline(till)
    for product in (LATTE, CROISSANT):
        sell(till, product)
        till.sale.done_with_receipt()
    first, second = (s.client_id for s in stored(till.store_writes()))
    call = till.background_call()
    assert isinstance(call, UploadSale) and call.client_id == first
    # Paid at the till's prices: the server decides, the till keeps it for a manager.
    till.answered(call, Refused(409, "price_changed", "Prices changed.", {"products": []}))
    assert till.sale.cart.is_empty and shown(till).price_changes == ()
    assert till.store_writes() == [SaleRefused(first, "Prices changed.")]
    call = till.background_call()
    assert isinstance(call, UploadSale) and call.client_id == second
    till.answered(call, Ok({"id": 5, "number": 5}))
    assert isinstance(till.background_call(), Poll)  # the refused one is not sent again
    sale = till.view().sale
    assert sale is not None and (sale.sending, sale.refused) == (0, 1)
    assert words.unsent(sale.refused) == "1 sale could not be sent — ask a manager"


def test_a_sale_refused_while_its_customer_is_there_comes_back_to_the_cart(
    till: TillState
) -> None:
    sign_in(till)
    [post] = sell(till)
    till.store_writes()
    till.answered(post, Refused(422, "payment_mismatch", "The payments do not add up.", {}))
    assert [line.name for line in till.sale.cart.lines] == ["Latte"]
    writes = till.store_writes()
    assert writes[0] == ForgetSale(post.client_id)  # off the queue: it is a cart again
    assert [w.person_id for w in writes if isinstance(w, SaveCart) and w.cart] == [3]


# -- the bearer or the proof ---------------------------------------------------------------


def test_a_sale_of_an_ended_session_goes_with_its_proof_not_the_bearer(
    till: TillState
) -> None:
    token = sign_in(till)
    go_offline(till)
    sell(till)
    till.lock_pressed()  # Mealea locks the till before the server is back
    till.connection.answered()
    assert till.background_call().__class__.__name__ == "EndSession"
    till.pending_ends.clear()
    call = till.background_call()
    assert isinstance(call, UploadSale) and call.token is None
    assert call.session_id == 7 and call.proof == sale_proof(token, call.client_id)


def test_a_bearer_the_server_no_longer_knows_falls_back_to_the_proof(till: TillState) -> None:
    token = sign_in(till)
    [post] = sell(till)
    till.answered(post, Refused(401, "invalid_token", "Unknown token.", {}))
    call = till.background_call()
    assert isinstance(call, UploadSale) and call.token is None
    assert call.proof == sale_proof(token, post.client_id)


def test_after_a_restart_the_queue_goes_up_with_proofs_and_no_token(till: TillState) -> None:
    token = sign_in(till)
    go_offline(till)
    for product in (LATTE, CROISSANT):
        sell(till, product)
        till.sale.done_with_receipt()
    writes = till.store_writes()
    restarted = fresh_till()  # the token died with the old process
    restarted.restore(kept_from(writes))
    assert restarted.view().active is None  # locked, and still it sends
    sent: list[str] = []
    while isinstance(call := restarted.background_call(), UploadSale):
        assert call.token is None and call.session_id == 7
        assert call.proof == sale_proof(token, call.client_id)
        restarted.answered(call, Ok({"id": len(sent) + 1, "number": len(sent) + 1}))
        sent.append(call.client_id)
    assert sent == [s.client_id for s in stored(writes)]
    assert isinstance(call, FetchStatus)


def test_a_restart_takes_back_refused_sales_as_refused(till: TillState) -> None:
    sign_in(till)
    go_offline(till)
    sell(till)
    call = till.background_call()
    till.answered(call, Refused(401, "invalid_proof", "The proof does not match.", {}))
    restarted = fresh_till()
    restarted.restore(kept_from(till.store_writes()))
    assert isinstance(restarted.background_call(), FetchStatus)  # not sent again on its own
    assert restarted.sale.queue.refused == 1


# -- open carts on the disk -----------------------------------------------------------------


def test_every_change_to_the_open_cart_is_written_down_once(till: TillState) -> None:
    sign_in(till)
    assert till.store_writes() == []
    till.sale.product_tapped(LATTE)
    [save] = till.store_writes()
    assert isinstance(save, SaveCart) and save.person_id == 3 and save.cart is not None
    assert [line["product_id"] for line in save.cart["lines"]] == [LATTE]
    assert till.store_writes() == []  # nothing changed since
    till.sale.more(0)
    [save] = till.store_writes()
    assert isinstance(save, SaveCart) and save.cart is not None
    assert save.cart["lines"][0]["quantity"] == 2
    [post] = sell(till)  # sold: the cart is gone, the sale is queued
    writes = till.store_writes()
    assert isinstance(writes[0], StoreSale) and writes[0].client_id == post.client_id
    assert SaveCart(3, None, NOW.isoformat()) in writes


def test_an_open_cart_survives_a_crash_and_comes_back_to_its_person(till: TillState) -> None:
    sign_in(till)
    till.sale.product_tapped(LATTE)
    till.sale.product_tapped(CROISSANT)
    client_id = till.sale.cart.client_id
    crashed = fresh_till()
    crashed.restore(kept_from(till.store_writes()))
    sign_in(crashed, staff=MEALEA, session_id=9)
    assert [line.name for line in crashed.sale.cart.lines] == ["Latte", "Croissant"]
    assert crashed.sale.cart.client_id == client_id  # the same sale: it cannot be sold twice
    assert crashed.store_writes() == []  # nothing new to write


def test_the_status_bar_words() -> None:
    assert words.connection(True, 0) == "Online"
    assert words.connection(True, 3) == "3 sales waiting"
    assert words.connection(False, 0) == "Offline — reconnecting"
    assert words.connection(False, 3) == "Offline — 3 sales waiting"
    assert words.connection(False, 1) == "Offline — 1 sale waiting"
    assert words.provisional_number(7, "Till 1") == "Offline 0007 — Till 1"
    assert words.unsent(2) == "2 sales could not be sent — ask a manager"


def test_the_sale_time_is_the_till_clock() -> None:
    """A provisional receipt's time is when it was paid (the server flags it offline later)."""
    till = fresh_till()
    sign_in(till)
    go_offline(till)
    sell(till)
    [sale] = stored(till.store_writes())
    assert sale.completed_at == NOW.astimezone(UTC).isoformat().replace("+00:00", "Z")

"""Where the open cart's mirror, the offline queue and the till's file meet (SPEC §7).

Each case is one a review of the three parts found wrong together: a sale paid here
must never come back as an open sale, a sale the server moved on with must not be
sold on here, a cart the server never saw must not be thrown away, a cart put aside
is its person's, a verified PIN does not wait at the till for ever, and a refusal
about the till (not the sale) leaves a paid sale waiting.
"""

from __future__ import annotations

from nixpos.core import words
from nixpos.core.answers import Ok, Refused
from nixpos.core.pricing import PaymentMethod
from nixpos.core.sale_queue import UploadSale
from nixpos.core.ticker import FakeTicker
from nixpos.core.till_state import TAKE_OVER_ANSWER_S, TillState
from tests.core.test_follow import (
    CROISSANT,
    ESPRESSO,
    LATTE,
    OFFLINE,
    TILL_1,
    cart_lines,
    open_elsewhere,
    parked,
    poll,
    put,
    ring_up,
    sign_in,
)
from tests.core.test_offline_sales import fresh_till, kept_from
from tests.core.test_till_state import DARA, session

CASH = PaymentMethod.CASH


def paid_offline(till: TillState) -> str:
    """The cart on screen, mirrored, then paid while the server is away; its client_id."""
    [call] = ring_up(till, LATTE)
    till.answered(call, put(call.body))
    till.answered(till.background_call(), OFFLINE)
    till.pay_pressed()
    assert till.tender(CASH, 500) == []  # no server: queued, a provisional receipt
    till.sale.done_with_receipt()
    return str(call.body["client_id"])


def test_a_sale_paid_here_is_not_offered_back_as_an_open_sale() -> None:
    """Paid offline, then the till restarted: the server, not yet told, lists the cart as
    parked here. It is sold: neither resumed nor asked about."""
    till = fresh_till()
    sign_in(till, [])
    sold = paid_offline(till)
    restarted = fresh_till()
    restarted.restore(kept_from(till.store_writes()))
    calls = sign_in(restarted, [parked(sold, on=TILL_1, reason="replaced",
                                       lines=((LATTE, 1, 350),))], session_id=8)
    assert calls == [] and restarted.view().question is None
    assert cart_lines(restarted) == []
    assert isinstance(restarted.background_call(), UploadSale)  # it still goes up, once


def test_a_resume_owed_for_a_cart_paid_meanwhile_is_not_sent() -> None:
    till = fresh_till()
    sign_in(till, [])
    [call] = ring_up(till, LATTE)
    till.answered(call, put(call.body))
    cart = str(call.body["client_id"])
    till.lock_pressed()
    till.answered(till.background_call(), Ok(session("ended", reason="logout")))
    [resume] = sign_in(till, [parked(cart, on=TILL_1, reason="logout",
                                     lines=((LATTE, 1, 350),))], session_id=8)
    till.answered(resume, OFFLINE)  # the resume got no answer; the cart shows anyway
    till.pay_pressed()
    till.tender(CASH, 500)
    till.sale.done_with_receipt()
    upload = till.background_call()
    assert isinstance(upload, UploadSale) and upload.client_id == cart
    follow = till.answered(upload, Ok({"id": 1, "number": 1, "total": 350}))
    assert not any(type(c).__name__ == "ResumeCart" for c in follow)
    assert cart_lines(till) == [] and till.view().active is not None
    assert till.view().active.notice != words.CART_TAKEN


def test_a_cart_the_server_moved_on_with_is_not_sold_on_here() -> None:
    """After a restart this till's copy of a cart comes back, but the server says it was
    continued or paid on another till (409 cart_taken): it goes, and the cashier is told."""
    till = fresh_till()
    sign_in(till, [])
    [call] = ring_up(till, LATTE)
    till.answered(call, put(call.body))
    restarted = fresh_till()
    restarted.restore(kept_from(till.store_writes()))
    sign_in(restarted, [], session_id=8)  # nothing parked: it was sold on Till 2
    [put_again] = restarted.cart_calls()
    restarted.answered(put_again, Refused(409, "cart_taken", "Already sold.", {}))
    assert cart_lines(restarted) == []
    view = restarted.view().active
    assert view is not None and view.notice == words.CART_GONE


def test_a_cart_the_server_never_saw_stays_when_an_older_one_moved() -> None:
    """Cart A mirrored and paid offline; cart B rung up offline. A manager ends the
    session and the server parks its stale A: B, which it never saw, stays for Mealea."""
    till = fresh_till()
    sign_in(till, [])
    sold = paid_offline(till)
    ring_up(till, CROISSANT, ESPRESSO)
    newer = till.sale.cart.client_id
    till.answered(till.background_call(), Ok({"id": 1, "number": 1, "total": 350}))
    poll(till, Ok(session("ended", reason="force_ended",
                          parked_cart={"client_id": sold, "items": 1, "total": 350})))
    kept = till.sale.carts_by_person(None)
    assert [cart.client_id for cart in kept.values()] == [newer]


def test_a_sale_put_aside_is_its_persons_only() -> None:
    """Continuing a second parked sale puts the open one aside: when the till locks, the
    next person does not get it; its person does."""
    till = fresh_till()
    sign_in(till, [parked("c-new"), parked("c-old", on={"id": 3, "name": "Bar"},
                                           lines=((ESPRESSO, 1, 250),))])
    for client_id in ("c-new", "c-old"):
        question = till.view().question
        assert question is not None
        [resume] = till.question_answered(question.id, True)
        till.answered(resume, Ok({"cart": parked(client_id)}))
    assert till.view().sale is not None and till.view().sale.held == 1
    till.lock_pressed()
    till.answered(till.background_call(), Ok(session("ended", reason="logout")))
    sign_in(till, [], staff=DARA, session_id=9)
    assert till.view().sale is not None and till.view().sale.held == 0
    till.lock_pressed()
    till.answered(till.background_call(), Ok(session("ended", reason="logout", staff=DARA)))
    sign_in(till, [], session_id=10)
    assert till.view().sale is not None and till.view().sale.held == 1


def test_an_unanswered_take_over_question_goes_with_its_pin() -> None:
    ticker = FakeTicker()
    till = fresh_till(ticker)
    [unlock] = till.pin_entered("2468")
    till.answered(unlock, open_elsewhere())
    assert till.view().question is not None
    ticker.advance(TAKE_OVER_ANSWER_S - 1)
    till.tick()
    assert till.view().question is not None
    ticker.advance(1)
    till.tick()
    assert till.view().question is None and till.question is None
    assert till.view().lock.keypad_enabled  # the next person types their own PIN


def test_a_refusal_about_the_till_leaves_a_paid_sale_waiting() -> None:
    till = fresh_till()
    sign_in(till, [])
    paid_offline(till)
    for refusal in (Refused(429, "too_many_attempts", "Slow down.", {}),
                    Refused(403, "terminal_locked", "Locked.", {})):
        upload = till.background_call()
        assert isinstance(upload, UploadSale)
        till.answered(upload, refusal)
        assert till.sale.queue.waiting == 1 and till.sale.queue.refused == 0

"""The open sale follows the person (SPEC §7.1–7.3), through the whole till state machine.

The cart mirrored to the server (coalesced), parked carts at unlock (this till's
back without asking, another till's asked about), Continue / Discard / taken
elsewhere, the take-over question (also for a manager override), and the kicked
till whose cart moved. No Qt, no network: answers are ``Outcome`` values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from nixpos.core import words
from nixpos.core.answers import Ok, Refused, Unreachable
from nixpos.core.clock import FakeClock
from nixpos.core.follow import (
    CartMirror,
    DeleteCart,
    DiscardCart,
    PutCart,
    QuestionKind,
    ResumeCart,
    parse_parked_carts,
)
from nixpos.core.pricing import PaymentMethod
from nixpos.core.sale_state import FetchCatalog, PostSale, SaleMode
from nixpos.core.session import Phase
from nixpos.core.ticker import FakeTicker
from nixpos.core.till_state import (
    Command,
    EndSession,
    FetchStatus,
    Poll,
    TillState,
    Unlock,
)
from tests.core.test_till_state import CATALOG, DARA, MEALEA, session, status

Json = dict[str, Any]
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
TILL_1 = {"id": 1, "name": "Till 1"}
TILL_2 = {"id": 2, "name": "Till 2"}
LATTE, ESPRESSO, CROISSANT = 11, 12, 21
OFFLINE = Unreachable("connection refused")


@pytest.fixture
def ticker() -> FakeTicker:
    return FakeTicker()


@pytest.fixture
def till(ticker: FakeTicker) -> TillState:
    state = TillState(ticker, till="Till 1", shop="Lumière Coffee", clock=FakeClock(NOW))
    state.answered(FetchStatus(0), Ok(status()))
    return state


def parked(client_id: str, on: Json = TILL_2, reason: str = "signed_in_elsewhere",
           lines: tuple[tuple[int, int, int], ...] = ((LATTE, 2, 350), (CROISSANT, 1, 275))
           ) -> Json:
    """A parked ``Cart`` as the unlock reply lists it."""
    return {"client_id": client_id,
            "lines": [{"product_id": p, "quantity": q, "unit_price": u, "discount": None}
                      for p, q, u in lines],
            "discount": None, "voided": [], "items": sum(q for _, q, _ in lines),
            "total": sum(q * u for _, q, u in lines), "updated_at": "2026-11-25T09:20:00Z",
            "parked_at": "2026-11-25T09:21:00Z", "parked_on": on, "reason": reason}


def unlock_reply(carts: list[Json] | None, staff: Json = MEALEA, session_id: int = 7) -> Json:
    reply: Json = {"token": f"t{session_id}", "ended_elsewhere": [],
                   "session": session(staff=staff, session_id=session_id)}
    if carts is not None:
        reply["parked_carts"] = carts
    return reply


def sign_in(till: TillState, carts: list[Json] | None = None, staff: Json = MEALEA,
            session_id: int = 7, *, menu: bool = True) -> list[Command]:
    """A PIN, the server's unlock reply, the menu; returns the calls besides the menu."""
    follow = till.answered(till.pin_entered("3918")[0], Ok(unlock_reply(carts, staff,
                                                                        session_id)))
    assert isinstance(follow[0], FetchCatalog)
    if menu:
        till.answered(follow[0], Ok(CATALOG, etag='"v1"'))
    return follow[1:]


def ring_up(till: TillState, *products: int) -> list[Command]:
    """Taps, each followed by what the controller asks after every event."""
    calls: list[Command] = []
    for product in products:
        till.sale.product_tapped(product)
        calls += till.cart_calls()
    return calls


def cart_lines(till: TillState) -> list[tuple[str, int]]:
    view = till.view().sale
    assert view is not None
    return [(line.name, line.quantity) for line in view.lines]


def poll(till: TillState, outcome: Ok | Refused | Unreachable) -> list[Command]:
    command = till.background_call()
    assert isinstance(command, Poll)
    return till.answered(command, outcome)


def put(body: Json) -> Ok:
    return Ok({"cart": body | {"items": 1, "total": 350, "updated_at": "2026-11-25T09:30:00Z"}})


# -- the cart mirrored to the server --------------------------------------------------------


def test_a_burst_of_changes_during_one_put_makes_exactly_one_more_with_the_last_cart(
    till: TillState
) -> None:
    assert sign_in(till, []) == []
    first = ring_up(till, LATTE)
    assert len(first) == 1 and isinstance(first[0], PutCart)
    assert first[0].token == "t7" and first[0].body == till.sale.cart.body()
    assert [line["quantity"] for line in first[0].body["lines"]] == [1]
    assert ring_up(till, *[LATTE] * 5, *[CROISSANT] * 5) == []  # one is on its way
    second = till.answered(first[0], put(first[0].body))
    assert len(second) == 1 and isinstance(second[0], PutCart)
    assert second[0].body == till.sale.cart.body()
    assert [(x["product_id"], x["quantity"]) for x in second[0].body["lines"]] == [
        (LATTE, 6), (CROISSANT, 5)]
    assert till.answered(second[0], put(second[0].body)) == []
    assert till.cart_calls() == []  # nothing changed since


def test_payments_are_not_the_carts_and_an_emptied_or_sold_cart_is_deleted(
    till: TillState
) -> None:
    sign_in(till, [], staff=DARA)
    [call] = ring_up(till, LATTE)
    till.answered(call, put(call.body))
    till.pay_pressed()
    till.tender(PaymentMethod.CARD, 100)
    assert till.cart_calls() == []  # a part payment: the cart itself is as it was
    till.sale.cancel_tender()
    till.void_requested(0)  # a manager voids at once: the cart is empty now
    assert till.cart_calls() == [DeleteCart("t7")]


def test_a_sold_cart_is_deleted_on_the_server_beside_the_sale(till: TillState) -> None:
    sign_in(till, [])
    [call] = ring_up(till, LATTE)
    till.answered(call, put(call.body))
    till.pay_pressed()
    sold = till.tender(PaymentMethod.CARD)
    assert [type(c) for c in sold] == [PostSale]
    assert till.cart_calls() == [DeleteCart("t7")]


def test_an_unreachable_server_gets_the_latest_cart_once_it_answers_again(
    till: TillState
) -> None:
    sign_in(till, [])
    [call] = ring_up(till, LATTE)
    assert till.answered(call, OFFLINE) == []
    assert ring_up(till, ESPRESSO, CROISSANT) == []  # offline: no call per tap
    follow = poll(till, Ok(session()))  # the server answers again
    assert len(follow) == 1 and isinstance(follow[0], PutCart)
    assert follow[0].body == till.sale.cart.body()
    assert [x["product_id"] for x in follow[0].body["lines"]] == [LATTE, ESPRESSO, CROISSANT]


def test_an_older_server_without_carts_is_not_asked_again_until_the_cart_changes(
    till: TillState
) -> None:
    sign_in(till)  # no parked_carts in its reply
    [call] = ring_up(till, LATTE)
    assert till.answered(call, Refused(404, "not_found", "No such page.")) == []
    assert till.cart_calls() == []
    assert till.session.is_live and till.view().lock.error == ""
    assert len(ring_up(till, ESPRESSO)) == 1


def test_a_lock_sends_the_last_change_before_it_ends_the_session(till: TillState) -> None:
    sign_in(till, [])
    [call] = ring_up(till, LATTE)
    assert ring_up(till, CROISSANT) == []  # still on its way when the cashier locks
    till.lock_pressed()
    assert till.background_call() == FetchStatus(till.pin_epoch)  # the end waits for it
    assert till.next_delay_s() < 1
    [last] = till.answered(call, put(call.body))  # the last change goes at once
    assert isinstance(last, PutCart) and last.token == "t7"
    assert [x["product_id"] for x in last.body["lines"]] == [LATTE, CROISSANT]
    assert till.background_call() == FetchStatus(till.pin_epoch)
    assert till.answered(last, put(last.body)) == []
    assert till.background_call() == EndSession("t7")


# -- parked carts at unlock ------------------------------------------------------------------


def test_the_newest_cart_parked_on_this_till_comes_back_without_asking(till: TillState) -> None:
    calls = sign_in(till, [parked("c-here", on=TILL_1, reason="idle_timeout")])
    assert calls == [ResumeCart("t7", "c-here")]
    assert till.view().question is None
    assert till.cart_calls() == []  # nothing is sent before the server says it is ours
    follow = till.answered(calls[0], Ok({"cart": parked("c-here", on=TILL_1)}))
    assert follow == []  # the server holds exactly this cart
    assert cart_lines(till) == [("Latte", 2), ("Croissant", 1)]
    assert till.sale.cart.client_id == "c-here"
    assert till.view().sale.total == "$9.75"


def test_after_a_crash_the_cart_comes_back_named_once_the_menu_arrives(till: TillState) -> None:
    follow = till.answered(till.pin_entered("3918")[0], Ok(unlock_reply(
        [parked("c-here", on=TILL_1, reason="idle_timeout")])))
    menu, resume = follow
    till.answered(resume, Ok({"cart": parked("c-here", on=TILL_1)}))  # before the menu
    till.answered(menu, Ok(CATALOG, etag='"v1"'))
    assert cart_lines(till) == [("Latte", 2), ("Croissant", 1)]
    assert till.view().sale.tax == "$0.89"


def test_a_lock_mid_tender_and_unlocking_again_brings_the_cart_and_its_payment_back(
    till: TillState
) -> None:
    sign_in(till, [])
    [call] = ring_up(till, LATTE)
    till.answered(call, put(call.body))
    till.pay_pressed()
    till.tender(PaymentMethod.CARD, 100)
    till.lock_pressed()
    till.answered(till.background_call(), Ok(session("ended", reason="logout")))
    client_id = call.body["client_id"]
    calls = sign_in(till, [parked(client_id, on=TILL_1, reason="logout",
                                  lines=((LATTE, 1, 350),))], session_id=8)
    assert calls == [ResumeCart("t8", client_id)]
    assert cart_lines(till) == [("Latte", 1)]  # this till's own copy, at once
    assert till.answered(calls[0], Ok({"cart": call.body})) == []
    view = till.view().sale
    assert view is not None and view.mode is SaleMode.TENDER
    assert view.tender is not None and view.tender.remaining == "$2.50"


def test_this_tills_copy_newer_than_the_servers_is_sent_once_resumed(till: TillState) -> None:
    sign_in(till, [])
    [call] = ring_up(till, LATTE)
    till.answered(call, put(call.body))
    [lost] = ring_up(till, CROISSANT)
    till.answered(lost, OFFLINE)  # the network went as she locked
    till.lock_pressed()
    end = till.background_call()
    assert end == EndSession("t7")  # no waiting on a change the network lost
    till.answered(end, Ok(session("ended", reason="logout")))
    calls = sign_in(till, [parked(call.body["client_id"], on=TILL_1, reason="idle_timeout",
                                  lines=((LATTE, 1, 350),))], session_id=8)
    follow = till.answered(calls[0], Ok({"cart": call.body}))
    assert len(follow) == 1 and isinstance(follow[0], PutCart) and follow[0].token == "t8"
    assert [x["product_id"] for x in follow[0].body["lines"]] == [LATTE, CROISSANT]


def test_a_cart_parked_on_another_till_is_asked_about_then_continued(till: TillState) -> None:
    calls = sign_in(till, [parked("c-2")])
    assert calls == []
    question = till.view().question
    assert question is not None and question.kind is QuestionKind.CONTINUE
    assert question.text == "Continue the sale from Till 2 — 3 items, $9.75?"
    assert (question.yes, question.no, question.enabled) == ("Continue", "Discard", True)
    assert cart_lines(till) == []
    [resume] = till.question_answered(question.id, True)
    assert resume == ResumeCart("t7", "c-2")
    assert till.view().question is not None and not till.view().question.enabled
    assert till.question_answered(question.id, True) == []  # one answer at a time
    assert till.answered(resume, Ok({"cart": parked("c-2")})) == []
    assert till.view().question is None
    assert cart_lines(till) == [("Latte", 2), ("Croissant", 1)]
    follow = ring_up(till, ESPRESSO)  # changes from the resumed cart go to the server
    assert len(follow) == 1 and isinstance(follow[0], PutCart)
    assert follow[0].body["client_id"] == "c-2"


def test_a_discarded_cart_is_gone_and_the_sale_starts_empty(till: TillState) -> None:
    sign_in(till, [parked("c-2")])
    question = till.view().question
    assert question is not None
    [discard] = till.question_answered(question.id, False)
    assert discard == DiscardCart("t7", "c-2")
    till.answered(discard, Ok({"cart": parked("c-2")}))
    assert till.view().question is None and cart_lines(till) == []


def test_a_cart_continued_elsewhere_first_is_said_and_not_shown(till: TillState) -> None:
    sign_in(till, [parked("c-2")])
    question = till.view().question
    assert question is not None
    [resume] = till.question_answered(question.id, True)
    till.answered(resume, Refused(409, "cart_taken", "Taken."))
    view = till.view()
    assert view.question is None and cart_lines(till) == []
    assert view.active is not None
    assert view.active.notice == "That sale was already continued on another till."


def test_several_parked_carts_are_asked_about_newest_first(till: TillState) -> None:
    sign_in(till, [parked("c-new"), parked("c-old", on={"id": 3, "name": "Bar"},
                                          lines=((ESPRESSO, 1, 250),))])
    first = till.view().question
    assert first is not None and "Till 2" in first.text
    till.answered(till.question_answered(first.id, True)[0], Ok({"cart": parked("c-new")}))
    second = till.view().question
    assert second is not None
    assert second.text == "Continue the sale from Bar — 1 item, $2.50?"
    till.answered(till.question_answered(second.id, False)[0], Ok({}))
    assert till.view().question is None
    assert cart_lines(till) == [("Latte", 2), ("Croissant", 1)]


def test_continuing_a_second_cart_puts_the_open_one_aside(till: TillState) -> None:
    sign_in(till, [parked("c-new"), parked("c-old", on={"id": 3, "name": "Bar"},
                                          lines=((ESPRESSO, 1, 250),))])
    first = till.view().question
    assert first is not None
    till.answered(till.question_answered(first.id, True)[0], Ok({"cart": parked("c-new")}))
    second = till.view().question
    assert second is not None
    till.answered(till.question_answered(second.id, True)[0],
                  Ok({"cart": parked("c-old", lines=((ESPRESSO, 1, 250),))}))
    assert cart_lines(till) == [("Espresso", 1)]
    assert till.view().sale.held == 1


def test_no_network_on_continue_says_so_and_keeps_asking(till: TillState) -> None:
    sign_in(till, [parked("c-2")])
    question = till.view().question
    assert question is not None
    till.answered(till.question_answered(question.id, True)[0], OFFLINE)
    again = till.view().question
    assert again is not None and again.enabled and again.error == words.OFFLINE
    assert till.question_answered(again.id, True) == [ResumeCart("t7", "c-2")]


def test_a_lock_while_asking_leaves_the_cart_parked_for_next_time(till: TillState) -> None:
    sign_in(till, [parked("c-2")])
    till.lock_pressed()
    assert till.view().question is None
    assert till.pin_entered("3918") != []  # the keypad works


def test_a_local_copy_the_server_moved_on_with_is_not_shown_again(till: TillState) -> None:
    sign_in(till, [])
    [call] = ring_up(till, LATTE)
    till.answered(call, put(call.body))
    till.lock_pressed()
    till.answered(till.background_call(), Ok(session("ended", reason="logout")))
    # Meanwhile she continued and sold it on Till 2: nothing of it is parked any more.
    assert sign_in(till, [], session_id=8) == []
    assert cart_lines(till) == []


def test_a_local_copy_the_server_never_heard_of_stays(till: TillState) -> None:
    sign_in(till, [])
    [call] = ring_up(till, LATTE)
    till.answered(call, OFFLINE)
    till.lock_pressed()
    till.answered(till.background_call(), Ok(session("ended", reason="logout")))
    sign_in(till, [], session_id=8)
    assert cart_lines(till) == [("Latte", 1)]


def test_an_unreadable_parked_cart_is_left_out_not_a_crash() -> None:
    carts = parse_parked_carts({"parked_carts": [{"client_id": "x", "lines": "?"},
                                                 parked("ok"), 7]})
    assert carts is not None and [c.client_id for c in carts] == ["ok"]
    assert parse_parked_carts({}) is None


# -- taking over an open sale -----------------------------------------------------------------


OPEN_SALE = {"error": "open_sale_elsewhere", "terminal": TILL_2, "items": 3, "total": 975,
             "staff": {"id": 1, "name": "Sokha Lim", "role": "owner"}}


def open_elsewhere() -> Refused:
    extra = {k: v for k, v in OPEN_SALE.items() if k != "error"}
    return Refused(409, "open_sale_elsewhere", "An open sale elsewhere.", extra)


def test_an_open_sale_elsewhere_asks_before_taking_it_over_and_no_changes_nothing(
    till: TillState
) -> None:
    [unlock] = till.pin_entered("2468")
    follow = till.answered(unlock, open_elsewhere())
    assert [type(c) for c in follow] == [FetchCatalog]  # the total in the shop's money
    till.answered(follow[0], Ok(CATALOG, etag='"v1"'))
    view = till.view()
    assert view.active is None and till.session.phase is Phase.LOCKED
    question = view.question
    assert question is not None and question.kind is QuestionKind.TAKE_OVER
    assert question.text == ("Sokha Lim has an open sale on Till 2 (3 items, $9.75). "
                             "Sign in here and bring it along?")
    assert (question.yes, question.no) == ("Yes", "No")
    assert view.lock.error == ""
    assert till.pin_entered("3918") == [] and till.override_pressed() == []  # asked first
    assert till.question_answered(question.id, False) == []
    assert till.view().question is None and till.question is None  # the PIN is gone too
    assert till.session.phase is Phase.LOCKED and till.view().lock.keypad_enabled


def test_yes_unlocks_again_taking_over_and_the_sale_comes_along_without_asking(
    till: TillState
) -> None:
    till.answered(till.pin_entered("2468")[0], open_elsewhere())
    question = till.view().question
    assert question is not None
    [again] = till.question_answered(question.id, True)
    assert again == Unlock("2468", override=False, take_over=True)
    assert till.view().question is None and till.view().lock.prompt == words.CHECKING
    follow = till.answered(again, Ok(unlock_reply(
        [parked("c-2", on=TILL_2, reason="signed_in_elsewhere")])))
    assert follow[1:] == [ResumeCart("t7", "c-2")]
    assert till.view().question is None
    till.answered(follow[0], Ok(CATALOG, etag='"v1"'))
    till.answered(follow[1], Ok({"cart": parked("c-2")}))
    assert cart_lines(till) == [("Latte", 2), ("Croissant", 1)]


def test_a_manager_override_asks_the_same_and_keeps_its_override(till: TillState) -> None:
    till.override_pressed()
    [unlock] = till.dialog_pin("5193")
    assert unlock == Unlock("5193", override=True)
    till.answered(unlock, open_elsewhere())
    view = till.view()
    assert view.dialog is None and view.question is not None
    [again] = till.question_answered(view.question.id, True)
    assert again == Unlock("5193", override=True, take_over=True)


def test_a_refused_take_over_shows_why_on_the_lock_screen(till: TillState) -> None:
    till.answered(till.pin_entered("2468")[0], open_elsewhere())
    question = till.view().question
    assert question is not None
    [again] = till.question_answered(question.id, True)
    till.answered(again, Refused(403, "not_assigned", "Not assigned."))
    assert till.view().lock.error == words.NOT_ASSIGNED and till.view().question is None


# -- the kicked till --------------------------------------------------------------------------


@pytest.mark.parametrize("mid_tender", [False, True])
def test_a_kick_whose_cart_moved_says_so_and_leaves_no_stale_cart(
    till: TillState, mid_tender: bool
) -> None:
    sign_in(till, [])
    ring_up(till, LATTE, LATTE, CROISSANT)
    if mid_tender:
        till.pay_pressed()
        till.tender(PaymentMethod.CARD, 100)
    poll(till, Ok(session("ended", reason="signed_in_elsewhere", ended_by=MEALEA,
                          ended_on=TILL_2, ended_at="2026-01-05T14:03:00Z",
                          parked_cart={"client_id": till.sale.cart.client_id, "items": 3,
                                       "total": 975})))
    assert till.view(UTC).lock.banner == (
        "Mealea Sok signed in on another device (Till 2) at 14:03. This register was locked. "
        "Their open sale (3 items) moved with them.")
    sign_in(till, session_id=8)  # back here (nothing parked said): no stale copy kept
    assert cart_lines(till) == []
    view = till.view().sale
    assert view is not None and view.mode is SaleMode.SELLING


def test_a_kick_without_a_parked_cart_keeps_the_cart_here_as_before(till: TillState) -> None:
    sign_in(till)
    ring_up(till, LATTE)
    poll(till, Ok(session("ended", reason="signed_in_elsewhere", ended_by=MEALEA,
                          parked_cart=None)))
    banner = till.view().lock.banner
    assert banner is not None and "moved" not in banner
    sign_in(till, session_id=8)
    assert cart_lines(till) == [("Latte", 1)]


# -- the mirror on its own -----------------------------------------------------------------------


def test_the_mirror_sends_nothing_without_a_session_and_nothing_twice() -> None:
    mirror = CartMirror()
    assert mirror.want({"client_id": "a", "lines": [1]}) == []
    mirror.reset("t")
    [call] = mirror.want({"client_id": "a", "lines": [1]})
    assert mirror.answered(call, Ok({})) == []
    assert mirror.want({"client_id": "a", "lines": [1]}) == []
    assert mirror.answered(PutCart("old", {}), Ok({})) == []  # not its call: ignored


def test_a_question_names_the_shops_money_before_any_menu(ticker: FakeTicker) -> None:
    """A till nobody has signed in on yet has no menu: the shop's currency comes with
    its status, so the first question already says "€9.75", not "9.75"."""
    state = TillState(ticker, till="Till 1", shop="Lumière Coffee", clock=FakeClock(NOW))
    state.answered(FetchStatus(0), Ok(status() | {"currency": {"code": "EUR", "exponent": 2}}))
    [unlock] = state.pin_entered("2468")
    state.answered(unlock, open_elsewhere())
    question = state.view().question
    assert question is not None and "(3 items, €9.75)" in question.text

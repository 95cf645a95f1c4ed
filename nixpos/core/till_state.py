"""The whole till as a Qt-free state machine: events in, a view and server calls out.

``TillState`` owns everything the till knows between two events: the session
(``core.session.TillSession``), whether the server answers, the keypad
lockout, whether this till was deactivated, the line of error text, the
manager's PIN dialog, and sessions it still has to end on the server. It
never does I/O. The client feeds it:

- what a person did (``pin_entered``, ``lock_pressed``, ``activity`` …), and
  ``tick`` as time passes;
- what the server answered to a call it asked for (``answered``).

and reads back:

- ``Command``\\s: server calls to make now (the answer comes back through
  ``answered``) and ``Quit``; the background loop asks for its next call with
  ``background_call`` and waits ``next_delay_s`` between calls;
- ``view()``: everything the screens show, as plain values and finished
  sentences (``core.words``).

So every rule of the till is tested here without Qt, a network or sleeping.
"""

from __future__ import annotations

import enum
import itertools
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from nixpos.core import words
from nixpos.core.answers import (
    BadAnswer,
    Ok,
    Outcome,
    Refused,
    SessionEnd,
    Unreachable,
    parse_approval,
    parse_policy,
    parse_session,
    parse_status,
    parse_unlocked,
)
from nixpos.core.cart import Cart
from nixpos.core.clock import Clock, SystemClock
from nixpos.core.follow import (
    CartCommand,
    CartMirror,
    DeleteCart,
    DiscardCart,
    ParkedCart,
    PutCart,
    Question,
    QuestionKind,
    QuestionView,
    ResumeCart,
    Takeover,
    parse_parked_carts,
    parse_takeover,
    this_till_id,
)
from nixpos.core.policy import Policy
from nixpos.core.pricing import Discount, PaymentMethod
from nixpos.core.reasons import EndReason
from nixpos.core.sale_queue import UploadSale
from nixpos.core.sale_state import (
    FetchCatalog,
    ListSales,
    NeedsApproval,
    PostRefund,
    PostSale,
    SaleCommand,
    SaleState,
    SaleView,
    Seller,
)
from nixpos.core.session import Phase, TillSession
from nixpos.core.store_ops import Kept, SaveCart, StoreOp
from nixpos.core.ticker import Ticker

log = logging.getLogger("nixpos.till")

# A till that can do nothing until IT acts (deactivated, not enrolled) asks rarely.
IDLE_REFRESH_S = 30.0
# A lock waits this long for the open cart's last change to reach the server first.
CART_FLUSH_WAIT_S = 0.2
# A take-over question holds a verified PIN: unanswered this long, it goes (and the PIN
# with it), so whoever comes to the till next cannot sign in as that person.
TAKE_OVER_ANSWER_S = 30.0

Json = dict[str, Any]


# -- what the till asks of the server --------------------------------------------------


@dataclass(frozen=True)
class Unlock:
    pin: str
    override: bool
    take_over: bool = False  # yes, bring the open sale along from the other till (SPEC §7.3)


@dataclass(frozen=True)
class Poll:
    """The session poll; the activity call when the person was active since the last."""

    token: str
    session_id: int
    activity: bool


@dataclass(frozen=True)
class FetchStatus:
    """``GET /terminal`` while locked: names, policy, keypad lockout."""

    pin_epoch: int  # PIN answers heard when it was sent: dates the lockout it tells


@dataclass(frozen=True)
class EndSession:
    """End a session on the server (a lock, or closing the program); retried until heard."""

    token: str


@dataclass(frozen=True)
class Approve:
    token: str
    pin: str
    action: str
    detail: Json = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class UseApproval:
    token: str
    approval_id: int
    action: str
    approved_by: str


@dataclass(frozen=True)
class Quit:
    """A manager allowed closing the till program."""


Command = (Unlock | Poll | FetchStatus | EndSession | Approve | UseApproval | Quit
           | SaleCommand | CartCommand | UploadSale)

# Refusals that mean the server no longer knows this session.
SESSION_GONE = frozenset({"invalid_token", "session_ended"})
# Refusals that mean the server no longer knows this till.
TILL_GONE = frozenset({"invalid_terminal", "tenant_mismatch"})
# Refusals about the till itself rather than a PIN.
TILL_REFUSALS = TILL_GONE | {"terminal_deactivated", "terminal_locked"}


def _unreachable_words(outcome: Unreachable) -> str:
    return words.NOT_UNDERSTOOD if outcome.garbled else words.OFFLINE


# -- the parts ---------------------------------------------------------------------------


class Connection:
    """Whether the last call got an answer, and how soon to try again when not."""

    def __init__(self) -> None:
        self.online = True
        self.failures = 0

    def answered(self) -> bool:
        """Record an answer; True if the server was unreachable until now."""
        back = not self.online
        if back:
            log.info("server reachable again")
        self.online, self.failures = True, 0
        return back

    def failed(self, why: str) -> None:
        if self.online:
            log.info("server unreachable: %s", why)
        self.online = False
        self.failures += 1

    def retry_delay_s(self, poll_interval_s: int) -> float:
        """Once after one poll interval, then every two: back within 2 × the interval."""
        return float(poll_interval_s * (1 if self.failures <= 1 else 2))


class KeypadLockout:
    """The keypad lockout after failed PINs (SPEC rule 11), counting down on the ticker."""

    def __init__(self, ticker: Ticker) -> None:
        self._ticker = ticker
        self._open_at: float | None = None

    def lock_for(self, seconds: int) -> None:
        self._open_at = self._ticker.seconds() + seconds if seconds > 0 else None

    def remaining_s(self) -> int:
        if self._open_at is None:
            return 0
        left = math.ceil(self._open_at - self._ticker.seconds())
        if left <= 0:
            self._open_at = None
            return 0
        return left


class DialogPurpose(enum.Enum):
    OVERRIDE_UNLOCK = "override_unlock"
    APPROVAL = "approval"


@dataclass
class Dialog:
    """The modal asking for a manager's PIN: what for, and what it says."""

    id: int
    purpose: DialogPurpose
    title: str
    text: str
    action: str = ""
    detail: Json = field(default_factory=dict)
    error: str = ""
    busy: bool = False  # a PIN is with the server
    apply: Callable[[int | None], list[Any]] | None = None  # what the approval allows


# -- what the screens show ----------------------------------------------------------------


@dataclass(frozen=True)
class LockView:
    prompt: str
    error: str
    banner: str | None
    keypad_enabled: bool
    override_enabled: bool
    offline: bool
    pin_length: int


@dataclass(frozen=True)
class ActiveView:
    person: str
    role: str
    countdown: str
    connection: str
    offline: bool
    notice: str


@dataclass(frozen=True)
class DialogView:
    id: int
    title: str
    text: str
    error: str
    keypad_enabled: bool
    pin_length: int


@dataclass(frozen=True)
class TillView:
    till: str
    shop: str
    lock: LockView
    active: ActiveView | None  # the signed-in screen; None shows the lock screen
    sale: SaleView | None  # the sale screen while signed in
    warning: str | None  # the idle warning's countdown while it shows
    dialog: DialogView | None
    question: QuestionView | None = None  # continue a parked sale, or take one over


# -- the machine -----------------------------------------------------------------------------


class TillState:
    def __init__(self, ticker: Ticker, *, till: str = "", shop: str = "",
                 policy: Policy | None = None, clock: Clock | None = None) -> None:
        self.session = TillSession(policy or Policy(), ticker)
        self.sale = SaleState(shop, till)
        self._ticker = ticker
        self._clock = clock or SystemClock()
        # The menu is asked for at sign-in and when a poll says it changed, beside the
        # polls; after a failure the background loop asks again, not before
        # ``_catalog_retry_at`` (ticker seconds), so polls go on in between.
        self._catalog_wanted = False
        self._catalog_retry_at = 0.0
        self._seller: int | None = None  # whose cart is on screen
        self.connection = Connection()
        self.lockout = KeypadLockout(ticker)
        self.till = till
        self.shop = shop
        self.deactivated = False  # for good: until IT enrolls this till again
        self.unenrolled = False  # the server no longer knows this till's key
        self.error = ""
        self._error_is_offline = False
        self.notice = ""
        self.dialog: Dialog | None = None
        self.pending_ends: list[str] = []  # session tokens to end on the server
        self.pin_epoch = 0  # PIN answers heard so far
        self.polls = 0  # session polls answered (for the log and benchmarks)
        self._dialog_ids = itertools.count(1)
        # The open sale follows the person (SPEC §7.1–7.3).
        self.mirror = CartMirror()
        self.question: Question | None = None  # on screen now
        self._questions: list[Question] = []  # parked carts still to ask about, newest first
        self._resuming: str | None = None  # a cart resumed without asking (its client_id)
        self._resume_owed = False  # … whose resume is to be sent again
        self._taking_over: Takeover | None = None  # an unlock bringing an open sale along
        self._server_knew: set[str] = set()  # carts the server has held (client ids)
        self._carts_on_disk: dict[int, Json] = {}  # as last written down, by person
        self.session.subscribe(self._on_phase)

    @property
    def policy(self) -> Policy:
        return self.session.policy

    @property
    def usable(self) -> bool:
        """Whether this till may be unlocked at all (IT has not cut it off)."""
        return not (self.deactivated or self.unenrolled)

    # -- a person's input ----------------------------------------------------------------

    def pin_entered(self, pin: str) -> list[Command]:
        """A PIN typed on the lock screen (not while a dialog asks for a manager's)."""
        if (self.session.phase is not Phase.LOCKED or not self._keypad_open()
                or self.dialog is not None or self.question is not None):
            return []
        self.session.begin_unlock()
        self._set_error("")
        return [Unlock(pin, override=False)]

    def override_pressed(self) -> list[Command]:
        if self.session.phase is Phase.LOCKED and self._keypad_open() and self.question is None:
            self._open_dialog(DialogPurpose.OVERRIDE_UNLOCK, words.OVERRIDE_TITLE,
                              words.OVERRIDE_TEXT)
        return []

    def approval_requested(self, action: str, detail: Json | None = None,
                           question: str = "",
                           apply: Callable[[int | None], list[Any]] | None = None
                           ) -> list[Command]:
        """A cashier asks to do ``action``: a manager's PIN must approve it; ``apply``
        then does it with the approval's id."""
        person = self.session.person
        if self.session.is_live and person is not None:
            text = f"{question} {words.approval_text(person.name)}".strip()
            self._open_dialog(DialogPurpose.APPROVAL, words.approval_title(action), text,
                              action=action, detail=detail or {})
            assert self.dialog is not None
            self.dialog.apply = apply
        return []

    # -- selling ---------------------------------------------------------------------------

    @property
    def _needs_manager(self) -> bool:
        person = self.session.person
        return person is None or not person.can_approve

    def _approve_then(self, need: NeedsApproval | list[Any] | None) -> list[Command]:
        if isinstance(need, NeedsApproval):
            return self.approval_requested(need.action, need.detail, need.question, need.apply)
        return list(need or [])

    def void_requested(self, index: int, quantity: int = 1) -> list[Command]:
        if not self.session.is_live or index >= len(self.sale.cart.lines):
            return []
        return self._approve_then(self.sale.void(index, quantity, self._needs_manager))

    def discount_requested(self, index: int | None, discount: Discount) -> list[Command]:
        if not self.session.is_live or (index is not None and
                                        index >= len(self.sale.cart.lines)):
            return []
        return self._approve_then(self.sale.discount(index, discount, self._needs_manager))

    def scan_or_pay(self, code: str) -> list[Command]:
        """Enter in the search box: a scanned or typed code rings it up; Enter on an empty
        box pays, so a till works from a keyboard and scanner alone."""
        if code.strip():
            self.sale.scanned(code)
            return []
        return self.pay_pressed()

    def pay_pressed(self) -> list[Command]:
        """Pay: the tender screen, or a sale with nothing to pay (a 100 % discount) is done."""
        if not self.session.is_live or not self.sale.can_pay:
            return []
        if self.sale.cart.totals().total == 0:
            return self.complete_free_sale()
        self.sale.pay_pressed()
        return []

    def entry_done(self) -> list[Command]:
        """The small pad's Apply: a quantity or a discount, through a manager where needed."""
        if not self.session.is_live:
            return []
        return self._approve_then(self.sale.entry_done(self._needs_manager))

    def tender(self, method: PaymentMethod, amount: int | None = None) -> list[Command]:
        if not self.session.is_live:
            return []
        self._name_seller()
        return self._sold(self.sale.tender(method, amount, self.session.token,
                                           self._clock.now()))

    def complete_free_sale(self) -> list[Command]:
        self._name_seller()
        return self._sold(self.sale.complete_free(self.session.token, self._clock.now()))

    def _name_seller(self) -> None:
        """What a sale completed now records of who sold it, and whether it can go now."""
        person, session_id = self.session.person, self.session.session_id
        if person is not None and session_id is not None:
            self.sale.seller = Seller(session_id, person.name, self.connection.online)

    def _sold(self, commands: list[Command]) -> list[Command]:
        """A sale is done: notices about it (an approval given) go with it."""
        if any(isinstance(c, PostSale) for c in commands):
            self.notice = ""
        return commands

    def recent_requested(self) -> list[Command]:
        token = self.session.token
        return self.sale.show_recent(token) if token is not None else []

    def refund_confirmed(self) -> list[Command]:
        return self._approve_then(self.sale.confirm_refund(self.session.token,
                                                           self._needs_manager))

    def dialog_pin(self, pin: str) -> list[Command]:
        dialog = self.dialog
        if dialog is None or dialog.busy or self.lockout.remaining_s():
            return []
        if dialog.purpose is DialogPurpose.OVERRIDE_UNLOCK:
            if self.session.phase is not Phase.LOCKED or not self.usable:
                return []
            self.session.begin_unlock()
            command: Command = Unlock(pin, override=True)
        else:
            token = self.session.token
            if token is None:
                self.dialog = None
                return []
            command = Approve(token, pin, dialog.action, dialog.detail)
        dialog.busy, dialog.error = True, ""
        return [command]

    def dialog_cancelled(self, dialog_id: int) -> list[Command]:
        if self.dialog is not None and self.dialog.id == dialog_id:
            self.dialog = None
        return []

    def lock_pressed(self) -> list[Command]:
        """Lock now; the server hears it as soon as it can be reached (no ghost sessions)."""
        token = self.session.token
        if token is not None:
            self.pending_ends.append(token)
        self.session.lock(SessionEnd(EndReason.LOGOUT))
        return []

    def close_requested(self) -> list[Command]:
        """Closing the kiosk needs a manager: one signed in, or one who approves."""
        person = self.session.person
        if person is None:
            self._set_error(words.CLOSE_NEEDS_MANAGER)
            return []
        if person.can_approve:
            return [Quit()]
        return self.approval_requested("close_kiosk")

    def banner_dismissed(self) -> list[Command]:
        self.session.dismiss_banner()
        return []

    def activity(self) -> None:
        self.session.activity()

    def tick(self) -> None:
        """Time passes: the idle warning and the idle lock; an unanswered take-over
        question goes."""
        self.session.tick()
        question = self.question
        if (question is not None and question.kind is QuestionKind.TAKE_OVER
                and not question.busy
                and self._ticker.seconds() - question.asked_at >= TAKE_OVER_ANSWER_S):
            self.question = None

    def shutdown(self) -> list[Command]:
        """The program is closing: end the live session on the server first."""
        token = self.session.token
        if token is not None:
            self.pending_ends.append(token)
            self.session.lock(SessionEnd(EndReason.LOGOUT))
        return [EndSession(t) for t in self.pending_ends]

    # -- this till's disk ------------------------------------------------------------------

    def restore(self, kept: Kept) -> None:
        """What this till's disk kept across a restart: sales still owed (they go up with
        their proof, no token needed) and the open carts, each for its person."""
        self.sale.queue.restore(kept.sales, kept.next_number)
        self.sale.restore_carts(list(kept.carts))
        self._carts_on_disk = {person: cart.to_json() for person, cart
                               in self.sale.carts_by_person(self._seller).items()}

    def store_writes(self) -> list[StoreOp]:
        """What must be on this till's disk before the screen shows the state it is in:
        sales paid, uploaded or refused, and every open cart that changed."""
        writes: list[StoreOp] = self.sale.queue.take_writes()
        carts = {person: cart.to_json() for person, cart
                 in self.sale.carts_by_person(self._seller).items()}
        if carts != self._carts_on_disk:
            now = self._clock.now().isoformat()
            for person in sorted(carts.keys() | self._carts_on_disk.keys()):
                if carts.get(person) != self._carts_on_disk.get(person):
                    writes.append(SaveCart(person, carts.get(person), now))
            self._carts_on_disk = carts
        return writes

    def store_failed(self, problem: str) -> None:
        """The disk refused a write: say so (the sale itself still goes to the server)."""
        log.error("cannot write to the till's store: %s", problem)
        self.notice = words.store_failed(problem)

    # -- the background loop --------------------------------------------------------------

    def background_call(self) -> Command:
        """What the background loop asks next."""
        if self.pending_ends:
            ending = self.pending_ends[0]
            if self.mirror.token == ending:  # the cart's last change first: parked as it was
                if self.mirror.busy_with(ending):
                    return FetchStatus(self.pin_epoch)
                if flush := self.mirror.flush():
                    return flush[0]
            return EndSession(ending)
        token, session_id = self.session.token, self.session.session_id
        if (owed := self.sale.sending_call(session_id if self.session.is_live else None)
                ) is not None:
            return owed
        if self.session.is_live and token is not None and session_id is not None:
            if self._catalog_wanted and self._ticker.seconds() >= self._catalog_retry_at:
                return self.sale.catalog_call()
            return Poll(token, session_id, self.session.take_activity())
        return FetchStatus(self.pin_epoch)

    def next_delay_s(self) -> float:
        interval = self.policy.poll_interval_s
        if not self.connection.online:
            return self.connection.retry_delay_s(interval)
        if self.pending_ends and self.mirror.busy_with(self.pending_ends[0]):
            return CART_FLUSH_WAIT_S
        if self.pending_ends or self.sale.sending_call_ready():
            return 0.0
        if not self.usable and not self.session.is_live:
            return IDLE_REFRESH_S
        return float(interval)

    # -- the server's answers ---------------------------------------------------------------

    def answered(self, command: Command, outcome: Outcome) -> list[Command]:
        """What the server said to ``command``; returns the calls that follow from it."""
        back = False
        if isinstance(outcome, Unreachable):
            self.connection.failed(outcome.why)
        elif self.connection.answered():
            self._back_online()
            back = True
        try:
            follow = self._answered(command, outcome)
            return [*follow, *self._owed_cart_calls()] if back else follow
        except BadAnswer as error:
            log.warning("not understood: %s to %s", error, type(command).__name__)
            self.connection.failed(f"answer not understood ({error})")
            return self._answered(command, Unreachable(str(error), garbled=True))

    def _answered(self, command: Command, outcome: Outcome) -> list[Command]:
        match command:
            case Unlock():
                return self._unlock_answered(command, outcome)
            case Poll():
                return self._poll_answered(command, outcome)
            case FetchStatus():
                self._status_answered(command, outcome)
            case EndSession():
                if not isinstance(outcome, Unreachable) and command.token in self.pending_ends:
                    self.pending_ends.remove(command.token)
            case Approve():
                return self._approve_answered(command, outcome)
            case UseApproval():
                return self._use_answered(command, outcome)
            case FetchCatalog():
                if isinstance(outcome, Ok):
                    self.sale.catalog_answered(None if outcome.not_modified else outcome.body,
                                               outcome.etag)
                    self._catalog_wanted = False
                else:  # ask again soon, with polls in between
                    self._catalog_wanted = True
                    self._catalog_retry_at = (self._ticker.seconds()
                                              + 2 * self.policy.poll_interval_s)
            case PutCart() | DeleteCart():
                return self._mirror_answered(command, outcome)
            case ResumeCart():
                return self._resume_answered(command, outcome)
            case DiscardCart():
                self._discard_answered(command, outcome)
            case PostSale() | UploadSale():
                self._sale_answered(command, outcome)
            case ListSales():
                if isinstance(outcome, Ok):
                    self.sale.recent_answered(outcome.body)
            case PostRefund():
                if isinstance(outcome, Ok):
                    return self.sale.refund_answered(outcome.body, self.session.token)
                elif isinstance(outcome, Refused):
                    self.sale.refund_refused(words.refusal(outcome.code, outcome.message))
                else:
                    self.sale.refund_refused(_unreachable_words(outcome))
        return []

    def _sale_answered(self, command: PostSale | UploadSale, outcome: Outcome) -> None:
        """A paid sale is never dropped: only an answer settles it; no answer, it is sent
        again (same ``client_id``, so the server never makes two)."""
        if command.client_id == self._resuming:  # sold here before its resume got through
            self._resuming, self._resume_owed = None, False
        if isinstance(outcome, Ok):
            self.sale.sale_answered(command, outcome.body)
        elif (isinstance(outcome, Refused) and outcome.code in SESSION_GONE
              and command.token is not None):
            self.sale.queue.bearer_refused(command.client_id)  # its proof still holds
        elif isinstance(outcome, Refused) and (outcome.code in TILL_REFUSALS
                                               or outcome.status == 429):
            self.sale.sale_unanswered(command)  # about the till, not the sale: later
        elif isinstance(outcome, Refused):
            self.sale.sale_refused(command, outcome.code, outcome.extra,
                                   words.refusal(outcome.code, outcome.message))
        else:
            self.sale.sale_unanswered(command)

    def _unlock_answered(self, command: Unlock, outcome: Outcome) -> list[Command]:
        if self.session.phase is not Phase.UNLOCKING:
            return []
        if isinstance(outcome, Ok):
            unlocked = parse_unlocked(outcome.body)  # before any change: it may raise
            parked = parse_parked_carts(outcome.body)
            self.pin_epoch += 1
            self.session.unlocked(unlocked.token, unlocked.session)
            self._seller = unlocked.session.person.id
            self.sale.opened(self._seller)
            self._apply_policy(outcome.body.get("policy"))
            self.lockout.lock_for(0)
            self._set_error("")
            self.notice = ""
            self.dialog = None
            taking_over, self._taking_over, self.question = self._taking_over, None, None
            # A fresh look at the menu with each sign-in; the parked carts after it.
            return [self.sale.catalog_call(),
                    *self._parked_at_unlock(unlocked.token, parked,
                                            this_till_id(outcome.body), taking_over)]
        self.session.unlock_failed()
        self._taking_over = None
        if self.dialog is not None:
            self.dialog.busy = False
        if isinstance(outcome, Unreachable):
            self._refuse_pin(command.override, _unreachable_words(outcome), offline=True)
            return []
        self.pin_epoch += 1
        if outcome.code == "open_sale_elsewhere":
            return self._ask_take_over(command, parse_takeover(outcome.extra))
        if not self._till_refused(outcome):
            self._refuse_pin(command.override, words.refusal(outcome.code, outcome.message))
        return []

    def _poll_answered(self, command: Poll, outcome: Outcome) -> list[Command]:
        if isinstance(outcome, Unreachable):
            if command.activity:
                self.session.restore_activity()
            return []
        if command.session_id != self.session.session_id:
            return []  # about a session this till has already left
        if isinstance(outcome, Refused):
            self._lost(outcome)
            return []
        session = parse_session(outcome.body)
        self.polls += 1
        self._apply_policy(outcome.body.get("policy"))
        catalog = self.sale.catalog
        version = outcome.body.get("catalog_etag")
        self.session.apply_server(session)
        if (self.session.is_live and isinstance(version, str) and catalog is not None
                and catalog.etag != version and not self._catalog_wanted):
            return [self.sale.catalog_call()]  # prices changed on the server
        return []

    def _status_answered(self, command: FetchStatus, outcome: Outcome) -> None:
        if isinstance(outcome, Unreachable):
            return
        if isinstance(outcome, Refused):
            self._lost(outcome)
            return
        status = parse_status(outcome.body, self.policy)
        self._apply_policy(status.policy)
        self.sale.currency = status.currency or self.sale.currency
        self.till = status.till or self.till
        self.shop = status.shop or self.shop
        self.sale.till, self.sale.shop = self.till, self.shop  # as receipts name them
        # A PIN answer that arrived while this status was on its way is newer news
        # about the keypad lockout than the status itself.
        if command.pin_epoch == self.pin_epoch:
            self._lock_keypad(status.lockout_s)

    def _approve_answered(self, command: Approve, outcome: Outcome) -> list[Command]:
        dialog = self.dialog
        if isinstance(outcome, Ok):
            approval = parse_approval(outcome.body)  # before any change: it may raise
            self.pin_epoch += 1
            if command.action == "refund" and dialog is not None and dialog.apply:
                # The refund itself spends the approval, within its minute.
                apply, self.dialog = dialog.apply, None
                self.notice = words.approved(words.action_label(command.action),
                                             approval.approved_by)
                return list(apply(approval.id))
            # Claimed now: taking payment may take longer than the approval's minute.
            return [UseApproval(command.token, approval.id, command.action,
                                approval.approved_by)]
        if dialog is not None:
            dialog.busy = False
        if isinstance(outcome, Unreachable):
            self._dialog_error(_unreachable_words(outcome))
            return []
        self.pin_epoch += 1
        if outcome.code in SESSION_GONE | TILL_REFUSALS:
            self._lost(outcome)
        else:
            self._dialog_error(words.refusal(outcome.code, outcome.message))
        return []

    def _use_answered(self, command: UseApproval, outcome: Outcome) -> list[Command]:
        if isinstance(outcome, Ok):
            apply = self.dialog.apply if self.dialog is not None else None
            self.dialog = None
            self.notice = words.approved(words.action_label(command.action), command.approved_by)
            if command.action == "close_kiosk":
                return [Quit()]
            return list(apply(command.approval_id)) if apply is not None else []
        if self.dialog is not None:
            self.dialog.busy = False
        if isinstance(outcome, Unreachable):
            self._dialog_error(_unreachable_words(outcome))
        elif outcome.code in SESSION_GONE | TILL_REFUSALS:
            self._lost(outcome)
        else:
            self._dialog_error(words.refusal(outcome.code, outcome.message))
        return []

    # -- the open sale follows the person (SPEC §7.1–7.3) -----------------------------------

    def cart_calls(self) -> list[Command]:
        """After any event or answer: the open cart to the server if it changed, coalesced
        (``CartMirror``): the controller asks after each, and never waits for the answer."""
        token = self.session.token
        if (not self.session.is_live or token is None or self.mirror.token != token
                or self._resuming is not None):
            return []
        cart = self.sale.cart
        return list(self.mirror.want(None if cart.is_empty else cart.body()))

    def question_answered(self, question_id: int, yes: bool) -> list[Command]:
        """Continue / Discard a parked sale; Yes / No to bringing an open sale along."""
        question = self.question
        if question is None or question.id != question_id or question.busy:
            return []
        if question.kind is QuestionKind.TAKE_OVER:
            if self.session.phase is not Phase.LOCKED:
                return []
            self.question = None  # and with it the PIN, unless it goes again at once
            if not yes:
                return []
            self.session.begin_unlock()
            self._taking_over = question.takeover
            return [Unlock(question.pin, question.override, take_over=True)]
        token, parked = self.session.token, question.parked
        if not self.session.is_live or token is None or parked is None:
            return []
        question.busy, question.error = True, ""
        return [ResumeCart(token, parked.client_id) if yes
                else DiscardCart(token, parked.client_id)]

    def _ask_take_over(self, command: Unlock, takeover: Takeover) -> list[Command]:
        """The PIN was right, and its person has an open sale on another till: ask first."""
        self.dialog = None
        self._set_error("")
        self.question = Question(next(self._dialog_ids), QuestionKind.TAKE_OVER,
                                 takeover=takeover, pin=command.pin, override=command.override,
                                 asked_at=self._ticker.seconds())
        # The question names the total in the shop's money: the menu says which.
        return [] if self.sale.catalog is not None else [self.sale.catalog_call()]

    def _parked_at_unlock(self, token: str, parked: list[ParkedCart] | None,
                          here: int | None, taking_over: Takeover | None) -> list[Command]:
        """The person's parked carts: the newest parked on this till (or the one an unlock
        just took over) comes back without asking; each other one is asked about."""
        self.mirror.reset(token)  # a new session: the server holds no cart for it yet
        if parked is None:
            return []  # a server without carts: this till's own copy only (issue 10)
        # A sale paid here and still on its way up is sold, not open: never offered again
        # (its upload marks it sold on the server).
        parked = [p for p in parked if not self.sale.sold_here(p.client_id)]
        ids = {p.client_id for p in parked}
        silent = None
        if taking_over is not None:
            silent = next((p for p in parked if p.till_id is not None
                           and p.till_id == taking_over.till_id), None)
        elif parked and parked[0].till_id is not None and parked[0].till_id == here:
            silent = parked[0]
        local = self.sale.cart.client_id
        # This till's own copy stays when it is the one coming back, or one the server
        # never heard of (sold offline, say); one asked about below, or one the server
        # moved on with (continued, sold or discarded elsewhere), is not this till's now.
        if not (self.sale.cart.is_empty or (silent is not None and local == silent.client_id)
                or (local not in ids and local not in self._server_knew)):
            self.sale.cart_gone()
        self._questions = [Question(next(self._dialog_ids), QuestionKind.CONTINUE, parked=p)
                           for p in parked if p is not silent]
        self._next_question()
        if silent is None:
            return []
        self._resuming = silent.client_id
        return [ResumeCart(token, silent.client_id)]

    def _next_question(self) -> None:
        self.question = self._questions.pop(0) if self._questions else None

    def _owed_cart_calls(self) -> list[Command]:
        """The server answers again: a resume and the cart's change that did not get there."""
        token = self.session.token
        if not self.session.is_live or token is None:
            return []
        if self._resuming is not None and self.sale.sold_here(self._resuming):
            self._resuming, self._resume_owed = None, False  # paid here while it was owed
        if self._resuming is not None:
            if not self._resume_owed:
                return []
            self._resume_owed = False
            return [ResumeCart(token, self._resuming)]
        if self.mirror.token != token:
            return []
        return [*self.mirror.retry(), *self.cart_calls()]

    def _mirror_answered(self, command: PutCart | DeleteCart, outcome: Outcome) -> list[Command]:
        if isinstance(command, PutCart) and isinstance(outcome, Ok):
            self._server_knew.add(str(command.body.get("client_id")))
        follow = self.mirror.answered(command, outcome)
        # Refusals say nothing about the session here: the next poll does. A session
        # this till left gets only what its lock still owes (the last change, then the end).
        live = command.token == self.session.token or command.token in self.pending_ends
        if (isinstance(command, PutCart) and isinstance(outcome, Refused)
                and outcome.code == "cart_taken" and command.token == self.session.token
                and command.body.get("client_id") == self.sale.cart.client_id):
            # Continued or paid on another till meanwhile (this till was away, or it
            # restarted with an old copy): not a sale to go on with here.
            self.sale.cart_gone()
            self.notice = words.CART_GONE
            return [*follow, *self.cart_calls()]
        return list(follow) if live else []

    def _resume_answered(self, command: ResumeCart, outcome: Outcome) -> list[Command]:
        if command.token != self.session.token:
            return []
        if self.sale.sold_here(command.client_id):  # paid here before the answer came
            if command.client_id == self._resuming:
                self._resuming, self._resume_owed = None, False
            return self.cart_calls()
        question = self._asking_about(command.client_id)
        silent = command.client_id == self._resuming
        if isinstance(outcome, Unreachable):
            if question is not None:
                question.busy, question.error = False, _unreachable_words(outcome)
            self._resume_owed = silent
            return []
        if isinstance(outcome, Refused):
            if outcome.code in SESSION_GONE | TILL_REFUSALS:
                self._lost(outcome)
                return []
            # Continued on another till first (409), or gone: not this till's to sell.
            if self.sale.cart.client_id == command.client_id:
                self.sale.cart_gone()
            self.notice = (words.CART_TAKEN if outcome.code in ("cart_taken", "not_found")
                           else words.refusal(outcome.code, outcome.message))
        else:
            cart = outcome.body.get("cart")
            if not isinstance(cart, dict) and question is not None and question.parked:
                cart = question.parked.body
            if isinstance(cart, dict):
                self._server_knew.add(command.client_id)
                if self.sale.cart.client_id != command.client_id:
                    self.sale.resumed(cart)
                self.mirror.adopt(Cart.from_json(cart).body())  # what the server holds now
        if silent:
            self._resuming, self._resume_owed = None, False
        if question is not None:
            self._next_question()
        return self.cart_calls()  # this till's copy may be newer than the server's

    def _discard_answered(self, command: DiscardCart, outcome: Outcome) -> None:
        question = self._asking_about(command.client_id)
        if command.token != self.session.token or question is None:
            return
        if isinstance(outcome, Unreachable):
            question.busy, question.error = False, _unreachable_words(outcome)
        elif isinstance(outcome, Refused) and outcome.code in SESSION_GONE | TILL_REFUSALS:
            self._lost(outcome)
        else:  # discarded, or already gone (continued or discarded elsewhere): asked enough
            self._next_question()

    def _asking_about(self, client_id: str) -> Question | None:
        question = self.question
        if question is not None and question.parked is not None \
                and question.parked.client_id == client_id:
            return question
        return None

    def _question_view(self) -> QuestionView | None:
        question = self.question
        if question is None:
            return None
        money = self.sale.money
        if question.parked is not None:
            if not self.session.is_live:
                return None
            parked = question.parked
            text = words.continue_sale(parked.till, parked.items, money(parked.total))
            yes, no = words.CONTINUE, words.DISCARD
        else:
            take = question.takeover or Takeover("", None, "", 0, 0)
            text = words.take_over(take.person, take.till, take.items, money(take.total))
            yes, no = words.YES, words.NO
        return QuestionView(question.id, question.kind, text, yes, no, question.error,
                            not question.busy)

    # -- helpers -----------------------------------------------------------------------------

    def _refuse_pin(self, in_dialog: bool, text: str, *, offline: bool = False) -> None:
        if in_dialog and self.dialog is not None:
            self._dialog_error(text)
        else:
            self._set_error(text, offline=offline)

    def _dialog_error(self, text: str) -> None:
        if self.dialog is not None:
            self.dialog.error = text

    def _back_online(self) -> None:
        """The server answers again: "Cannot reach the server" is no longer true."""
        if self._error_is_offline:
            self._set_error("")
        if self.dialog is not None and self.dialog.error == words.OFFLINE:
            self.dialog.error = ""

    def _till_refused(self, refusal: Refused) -> bool:
        """Refusals about the till itself (deactivated, unknown key, keypad locked)."""
        if refusal.code == "terminal_locked":
            self._lock_keypad(refusal.retry_after_s)
        elif refusal.code == "terminal_deactivated":
            self.deactivated = True
            self._cut_off(refusal, words.DEACTIVATED)
        elif refusal.code in TILL_GONE:
            self.unenrolled = True
            self._cut_off(refusal, words.NOT_ENROLLED)
        else:
            return False
        return True

    def _cut_off(self, refusal: Refused, text: str) -> None:
        ended = refusal.extra.get("session")
        end = SessionEnd(EndReason.TERMINAL_DEACTIVATED) if self.deactivated else None
        if isinstance(ended, dict) and ended.get("state") == "ended":
            end = parse_session(ended).end or end
        self.session.lock(end or SessionEnd(EndReason.LOGOUT))
        self.dialog = None
        self._set_error(text)

    def _lost(self, refusal: Refused) -> None:
        """The server refused a background call: if it no longer knows the till or the
        session, lock and say why. Any other refusal (a proxy's 404, a 429) is no
        answer about the session: like a network failure, it signs nobody out."""
        if self._till_refused(refusal):
            return
        if refusal.code in SESSION_GONE:
            self.session.lock(SessionEnd(EndReason.LOGOUT))
            self._set_error(words.refusal(refusal.code, refusal.message))
        else:
            log.warning("server refused a background call: %s %s", refusal.status,
                        refusal.code)
            self.connection.failed(f"refused with {refusal.code}")

    def _on_phase(self, phase: Phase) -> None:
        """A session ended: its approval dialog and notice go with it."""
        if phase is not Phase.LOCKED:
            return
        if self.dialog is not None and self.dialog.purpose is DialogPurpose.APPROVAL:
            self.dialog = None
        self.notice = ""
        if self._seller is not None:
            end = self.session.last_end
            # Only the sale the server parked moved: one rung up here since it last heard
            # (offline) stays on this till for its person.
            moved = end is not None and end.parked_items is not None and (
                end.parked_client_id in (None, self.sale.cart.client_id))
            if not moved:  # a lock sends the cart's last change before it ends the session
                self.mirror.last(None if self.sale.cart.is_empty else self.sale.cart.body())
            self.sale.closed(self._seller, moved=moved)  # the cart waits for its person
            self._seller = None
        self._questions, self._resuming, self._resume_owed = [], None, False
        if self.question is not None and self.question.kind is QuestionKind.CONTINUE:
            self.question = None

    def _lock_keypad(self, seconds: int) -> None:
        self.lockout.lock_for(seconds)
        if seconds > 0:
            self._set_error("")  # the countdown says it all

    def _apply_policy(self, data: object) -> None:
        if data is None:
            return
        policy = data if isinstance(data, Policy) else parse_policy(data, self.policy)
        if policy != self.policy:
            log.info("policy now %s", policy)
            self.session.policy = policy

    def _set_error(self, text: str, *, offline: bool = False) -> None:
        self.error, self._error_is_offline = text, offline

    def _keypad_open(self) -> bool:
        return self.usable and not self.lockout.remaining_s()

    def _open_dialog(self, purpose: DialogPurpose, title: str, text: str, *,
                     action: str = "", detail: Json | None = None) -> None:
        self.dialog = Dialog(next(self._dialog_ids), purpose, title, text, action,
                             detail or {})

    # -- what the screens show ------------------------------------------------------------

    def view(self, tz: tzinfo | None = None) -> TillView:
        session = self.session
        lockout_s = self.lockout.remaining_s()
        keypad_open = session.phase is Phase.LOCKED and self.usable and not lockout_s
        if self.deactivated:
            error = words.DEACTIVATED
        elif self.unenrolled:
            error = words.NOT_ENROLLED
        elif lockout_s:
            error = words.lockout(lockout_s)
        else:
            error = self.error
        lock = LockView(
            prompt=words.CHECKING if session.phase is Phase.UNLOCKING else words.ENTER_PIN,
            error=error,
            banner=self._banner_text(tz),
            keypad_enabled=keypad_open,
            override_enabled=keypad_open,
            offline=not self.connection.online,
            pin_length=self.policy.pin_length,
        )
        active = None
        person = session.person
        if session.is_live and person is not None:
            active = ActiveView(
                person=person.name,
                role=words.role(person.role, session.override),
                countdown=words.locks_in(session.countdown_s()),
                connection=words.connection(self.connection.online, self.sale.queue.waiting),
                offline=not self.connection.online,
                notice=self.notice,
            )
        warning = (words.register_locks_in(session.countdown_s())
                   if session.phase is Phase.WARNING else None)
        return TillView(
            till=self.till,
            shop=self.shop,
            lock=lock,
            active=active,
            sale=self.sale.view() if active is not None else None,
            warning=warning,
            dialog=self._dialog_view(lockout_s),
            question=self._question_view(),
        )

    def _dialog_view(self, lockout_s: int) -> DialogView | None:
        dialog = self.dialog
        if dialog is None:
            return None
        return DialogView(
            id=dialog.id,
            title=dialog.title,
            text=dialog.text,
            error=words.lockout(lockout_s) if lockout_s else dialog.error,
            keypad_enabled=not lockout_s and not dialog.busy,
            pin_length=self.policy.pin_length,
        )

    def _banner_text(self, tz: tzinfo | None) -> str | None:
        end = self.session.banner
        return None if end is None else words.banner(end, self.policy.idle_timeout_s, tz)


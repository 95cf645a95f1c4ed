"""The till's queue of paid sales the server has not recorded yet (SPEC §6, §7.4).

A paid sale joins the queue (and the till's disk, through ``store_ops``)
before the till shows it as done, and leaves only when the server recorded
it. It goes up oldest first, one at a time, always with its ``client_id``, so
the server never makes two. It goes with the bearer while the session that
made it is this till's live one; otherwise — the session ended, the till was
restarted and its token is gone — with the session's id and the proof made
while the token was still in memory (``core.proof``).

A sale that could not be sent at once (``offline``) has a customer who left
with a provisional receipt: if the server refuses it, it stays here, marked,
for a manager — never dropped, and never in the way of the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from nixpos.core.store_ops import (
    ForgetSale,
    KeptSale,
    SaleRefused,
    SaleStatus,
    SaleUploaded,
    StoreOp,
    StoreSale,
)

Json = dict[str, Any]


@dataclass(frozen=True)
class UploadSale:
    """``POST /pos/sales`` from the queue: with ``token`` as bearer, or (None) with the
    terminal key only and ``session_id`` + ``proof`` in the body."""

    client_id: str
    body: Json = field(hash=False)
    token: str | None
    session_id: int
    proof: str


@dataclass
class QueuedSale:
    client_id: str
    body: Json
    session_id: int
    proof: str
    number: int  # provisional, per till
    token: str | None = None  # in memory only: a restart forgets it
    offline: bool = False  # its customer has a provisional receipt
    receipt: Json | None = None  # what that receipt shows (this run only)
    status: SaleStatus = SaleStatus.WAITING
    error: str = ""
    in_flight: bool = False

    @property
    def waiting(self) -> bool:
        return self.status is SaleStatus.WAITING


class SaleQueue:
    def __init__(self) -> None:
        self.sales: list[QueuedSale] = []  # oldest first
        self.next_number = 1
        self._writes: list[StoreOp] = []

    def restore(self, kept: Iterable[KeptSale], next_number: int) -> None:
        """What the disk kept across a restart: owed, so offline; no token any more."""
        known = {sale.client_id for sale in self.sales}
        for sale in kept:
            if sale.client_id not in known and sale.status is not SaleStatus.UPLOADED:
                self.sales.append(QueuedSale(sale.client_id, sale.body, sale.session_id,
                                             sale.proof, sale.number, offline=True,
                                             status=sale.status, error=sale.error))
        self.next_number = max(self.next_number, next_number)

    def add(self, sale: QueuedSale, completed_at: str) -> None:
        self.sales.append(sale)
        self.next_number = max(self.next_number, sale.number + 1)
        self._writes.append(StoreSale(sale.client_id, sale.body, sale.session_id, sale.proof,
                                      sale.number, completed_at))

    def find(self, client_id: str) -> QueuedSale | None:
        return next((s for s in self.sales if s.client_id == client_id), None)

    @property
    def waiting(self) -> int:
        return sum(1 for s in self.sales if s.waiting)

    @property
    def refused(self) -> int:
        return sum(1 for s in self.sales if s.status is SaleStatus.REFUSED)

    def ready(self) -> bool:
        """Whether a sale should go up now (none is on its way, one waits)."""
        return (not any(s.in_flight for s in self.sales)
                and any(s.waiting for s in self.sales))

    def next_call(self, live_session_id: int | None) -> UploadSale | None:
        """The oldest waiting sale, unless one is already on its way."""
        if not self.ready():
            return None
        sale = next(s for s in self.sales if s.waiting)
        sale.in_flight = True
        # The bearer only for the session that is live here now: any other session's
        # sale proves itself, whether its token is still in memory or not.
        token = sale.token if sale.session_id == live_session_id else None
        return UploadSale(sale.client_id, sale.body, token, sale.session_id, sale.proof)

    def answered(self, client_id: str, number: object) -> QueuedSale | None:
        """The server recorded it: off the queue, and marked on the disk."""
        sale = self._take(client_id)
        if sale is not None:
            self._writes.append(SaleUploaded(client_id, number if isinstance(number, int)
                                             else None))
        return sale

    def unanswered(self, client_id: str) -> None:
        """No answer: it waits (its customer has a provisional receipt by now)."""
        if (sale := self.find(client_id)) is not None:
            sale.in_flight, sale.offline = False, True

    def bearer_refused(self, client_id: str) -> None:
        """The server no longer takes the token it went with: it goes again with its proof."""
        if (sale := self.find(client_id)) is not None:
            sale.in_flight, sale.token = False, None

    def refuse(self, client_id: str, error: str) -> None:
        """Refused for good: kept, marked, for a manager; the others go on."""
        if (sale := self.find(client_id)) is not None:
            sale.in_flight, sale.status, sale.error = False, SaleStatus.REFUSED, error
            self._writes.append(SaleRefused(client_id, error))

    def forget(self, client_id: str) -> QueuedSale | None:
        """Back to the cart to put right (its customer is still there): off the disk too."""
        sale = self._take(client_id)
        if sale is not None:
            self._writes.append(ForgetSale(client_id))
        return sale

    def take_writes(self) -> list[StoreOp]:
        writes, self._writes = self._writes, []
        return writes

    def _take(self, client_id: str) -> QueuedSale | None:
        sale = self.find(client_id)
        if sale is not None:
            self.sales.remove(sale)
        return sale

"""What the till keeps on its own disk, as plain values: the words between core and store.

The core never writes a file. It says what must be on disk (a ``StoreOp``)
and the client's ``local_store.LocalStore`` does it before the screen shows
what follows (SPEC §7.4: a sale is written down before it shows as done).
What comes back at start is a ``Kept``: the sales still owed, the open carts
and the next provisional number. A session token is never among them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Json = dict[str, Any]


class SaleStatus(enum.Enum):
    WAITING = "waiting"  # owed to the server
    UPLOADED = "uploaded"  # the server recorded it
    REFUSED = "refused"  # the server will not take it as it is: a manager must look


@dataclass(frozen=True)
class StoreSale:
    """A paid sale joins the queue (and its open cart, the same ``client_id``, goes)."""

    client_id: str
    body: Json = field(hash=False)
    session_id: int
    proof: str
    number: int  # provisional, per till ("Offline 0007")
    completed_at: str


@dataclass(frozen=True)
class SaleUploaded:
    client_id: str
    number: int | None  # the server's sale number


@dataclass(frozen=True)
class SaleRefused:
    client_id: str
    error: str


@dataclass(frozen=True)
class ForgetSale:
    """A sale refused while its customer was still there went back to the cart."""

    client_id: str


@dataclass(frozen=True)
class SaveCart:
    """``person_id``'s open cart on this till (``Cart.to_json``); None: it has none."""

    person_id: int
    cart: Json | None = field(hash=False)
    updated_at: str


StoreOp = StoreSale | SaleUploaded | SaleRefused | ForgetSale | SaveCart


@dataclass(frozen=True)
class KeptSale:
    """A sale read back from the disk: owed (or refused), its token long gone."""

    client_id: str
    body: Json = field(hash=False)
    session_id: int
    proof: str
    number: int
    status: SaleStatus
    error: str = ""


@dataclass(frozen=True)
class KeptCart:
    person_id: int
    cart: Json = field(hash=False)
    updated_at: datetime


@dataclass(frozen=True)
class Kept:
    """Everything the till's disk gives back at start."""

    sales: tuple[KeptSale, ...] = ()
    carts: tuple[KeptCart, ...] = ()
    next_number: int = 1

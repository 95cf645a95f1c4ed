"""Actions a cashier may not do alone: each needs a manager's approval (SPEC rule 10b).

Their names are fixed on the wire; what a person reads for each is in ``core.words``.
"""

from __future__ import annotations

APPROVAL_ACTIONS: tuple[str, ...] = ("void_line", "refund", "discount", "open_drawer",
                                     "close_kiosk")
APPROVAL_TTL_S = 60

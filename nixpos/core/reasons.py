"""Why a session ended: the reason codes of SPEC §3, fixed on the wire."""

from __future__ import annotations

import enum


class EndReason(enum.StrEnum):
    LOGOUT = "logout"
    IDLE_TIMEOUT = "idle_timeout"
    SIGNED_IN_ELSEWHERE = "signed_in_elsewhere"
    REPLACED = "replaced"
    FORCE_ENDED = "force_ended"
    PIN_RESET = "pin_reset"
    STAFF_DEACTIVATED = "staff_deactivated"
    TERMINAL_DEACTIVATED = "terminal_deactivated"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"


class Role(enum.StrEnum):
    CASHIER = "cashier"
    MANAGER = "manager"
    OWNER = "owner"

    @property
    def can_approve(self) -> bool:
        """Managers and owners may override and use the back office."""
        return self is not Role.CASHIER

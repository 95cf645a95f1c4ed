"""What the till says when the server refuses something (SPEC rule 1 wording)."""

from __future__ import annotations

from nixpos.client.api import LockedOut, Refused
from nixpos.core.lockout import format_wait

OFFLINE = "Cannot reach the server. Check the network cable or Wi-Fi and try again."
DEACTIVATED = "This terminal has been deactivated"
NOT_ENROLLED = "This till is no longer enrolled. Ask IT for a new enrollment code."
SESSION_LOST = "The server no longer knows this session. Unlock again."
CLOSE_NEEDS_MANAGER = "To close the till program, unlock with a manager PIN first."

_BY_CODE = {
    "invalid_pin": "Invalid PIN",
    "not_assigned": "Not assigned to this terminal",
    "not_manager": "That is not a manager's PIN. Ask a manager or the owner.",
    "terminal_deactivated": DEACTIVATED,
    "invalid_terminal": NOT_ENROLLED,
    "tenant_mismatch": NOT_ENROLLED,
    "invalid_token": SESSION_LOST,
    "session_ended": SESSION_LOST,
}


def lockout(seconds: int) -> str:
    return f"Terminal locked — try again in {format_wait(seconds)} or ask a manager"


def refusal(error: Refused) -> str:
    if isinstance(error, LockedOut):
        return lockout(error.retry_after_s)
    return _BY_CODE.get(error.code, error.message)

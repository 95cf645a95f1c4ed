"""The errors the services raise, each with the wire code of SPEC §3.

``NixposError`` carries the ``error`` code and a ``message`` for a person;
the API layer maps the code to an HTTP status (``api.errors``). Errors with
``keep_changes`` are raised after work that must stay committed anyway, such
as counting a failed PIN.
"""

from __future__ import annotations

from typing import Any

from nixpos.core.lockout import format_wait


class NixposError(Exception):
    code = "invalid_request"
    message = "The request could not be processed."
    keep_changes = False

    def __init__(self, message: str | None = None, **extra: Any) -> None:
        self.message = message or self.message
        self.extra = extra
        super().__init__(self.message)


class InvalidRequest(NixposError):
    code = "invalid_request"


class InvalidCode(NixposError):
    code = "invalid_code"
    message = "That enrollment code is unknown, already used or expired. Ask for a new one."


class InvalidTerminal(NixposError):
    code = "invalid_terminal"
    message = "This till is not enrolled with the server. Enroll it again with a new code."


class TerminalDeactivated(NixposError):
    code = "terminal_deactivated"
    message = "This terminal has been deactivated."


class TenantMismatch(NixposError):
    code = "tenant_mismatch"
    message = "X-Nix-Tenant does not match the shop this key or token belongs to."


class InvalidPin(NixposError):
    code = "invalid_pin"
    message = "Invalid PIN"
    keep_changes = True


class NotAssigned(NixposError):
    code = "not_assigned"
    message = "Not assigned to this terminal"
    keep_changes = True  # the refusal is audited


class NotManager(NixposError):
    code = "not_manager"
    message = "A manager or owner PIN is needed."
    keep_changes = True  # the refusal is audited


class TerminalLocked(NixposError):
    code = "terminal_locked"
    keep_changes = True


class InvalidToken(NixposError):
    code = "invalid_token"
    message = "This session is not known on this till. Unlock again."


class SessionNotActive(NixposError):
    code = "session_ended"
    message = "This session has ended. Unlock again."


class InvalidCredentials(NixposError):
    code = "invalid_credentials"
    message = "Wrong e-mail or password."
    keep_changes = True  # failed sign-ins are audited


class TooManySignIns(NixposError):
    code = "too_many_attempts"
    keep_changes = True  # the failure that tipped it over is audited

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"Too many failed sign-ins. Try again in {format_wait(retry_after_s)}, or ask the "
            "owner to reset your password.", retry_after_s=retry_after_s)


class Unauthorized(NixposError):
    code = "unauthorized"
    message = "Sign in to the back office first."


class Forbidden(NixposError):
    code = "forbidden"
    message = "Your role may not do that. Ask the owner."


class NotFound(NixposError):
    code = "not_found"
    message = "Nothing with that id in this shop."


class Conflict(NixposError):
    code = "conflict"


class ApprovalInvalid(NixposError):
    code = "approval_invalid"
    message = "That approval is unknown, used, expired or for another action. Ask again."

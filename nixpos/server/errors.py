"""The errors the server answers with: each class owns its wire code *and* its HTTP status.

``NixposError`` carries the ``error`` code, the ``status``, a ``message`` for
a person and any extra fields of the answer (``retry_after_s``). Everything
else derives from these classes: the JSON API's answers (``api.errors``), the
answers the WSGI server writes itself (``serving``), the OpenAPI document and
the back office's pages.

An error never commits part of a request's work: the transaction rolls back
whole. What a refusal must still leave behind (a failed PIN counted towards
the lockout, an audit row) it carries explicitly as ``after_rollback``, which
``db.Database.write`` runs in a transaction of its own once the rollback is
done. That step may answer a different error (the failure that locks the
keypad answers ``terminal_locked``, not ``invalid_pin``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from nixpos.core.lockout import format_wait
from nixpos.server.limits import MAX_BODY_BYTES, kib

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    # Writes what a refusal leaves behind; returns the error to answer instead, if any.
    AfterRollback = Callable[[Session], "NixposError | None"]


class NixposError(Exception):
    code = "invalid_request"
    status = 400
    message = "The request could not be processed."
    retry_after = False  # whether the answer says when to try again (``retry_after_s``)

    def __init__(self, message: str | None = None, *,
                 after_rollback: AfterRollback | None = None, **extra: Any) -> None:
        self.message = message or self.message
        self.extra = extra
        self.after_rollback = after_rollback
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        """The JSON answer: ``{"error", "message"}`` plus any extra fields."""
        return {"error": self.code, "message": self.message, **self.extra}

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer needs besides its body."""
        if "retry_after_s" in self.extra:
            return {"Retry-After": str(self.extra["retry_after_s"])}
        return {}

    def http_answer(self) -> tuple[str, list[tuple[str, str]], bytes]:
        """Status line, headers and body: the same bytes whoever writes the answer
        (Flask, or the WSGI server for what never reaches Flask)."""
        body = json.dumps(self.body(), ensure_ascii=False).encode("utf-8")
        headers = [("Content-Type", "application/json"), *self.headers().items()]
        return f"{self.status} {HTTPStatus(self.status).phrase}", headers, body


class InvalidRequest(NixposError):
    code = "invalid_request"
    status = 400


class InvalidCode(NixposError):
    code = "invalid_code"
    status = 401
    message = "That enrollment code is unknown, already used or expired. Ask for a new one."


class InvalidTerminal(NixposError):
    code = "invalid_terminal"
    status = 401
    message = "This till is not enrolled with the server. Enroll it again with a new code."


class TerminalDeactivated(NixposError):
    code = "terminal_deactivated"
    status = 403
    message = "This terminal has been deactivated."


class TenantMismatch(NixposError):
    code = "tenant_mismatch"
    status = 401
    message = "X-Nix-Tenant does not match the shop this key or token belongs to."


class InvalidPin(NixposError):
    code = "invalid_pin"
    status = 401
    message = "Invalid PIN"


class NotAssigned(NixposError):
    code = "not_assigned"
    status = 403
    message = "Not assigned to this terminal"


class NotManager(NixposError):
    code = "not_manager"
    status = 403
    message = "A manager or owner PIN is needed."


class TerminalLocked(NixposError):
    code = "terminal_locked"
    status = 423
    retry_after = True

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"Terminal locked — try again in {format_wait(retry_after_s)} or ask a manager",
            retry_after_s=retry_after_s)


class InvalidToken(NixposError):
    code = "invalid_token"
    status = 401
    message = "This session is not known on this till. Unlock again."


class SessionNotActive(NixposError):
    code = "session_ended"
    status = 409
    message = "This session has ended. Unlock again."


class InvalidCredentials(NixposError):
    code = "invalid_credentials"
    status = 401
    message = "Wrong e-mail or password."


class TooManyAttempts(NixposError):
    """Too many failures from one place (sign-in, enrollment codes): wait, then try again."""

    code = "too_many_attempts"
    status = 429
    retry_after = True

    def __init__(self, retry_after_s: int, what_next: str) -> None:
        super().__init__(f"Too many failed attempts. Try again in {format_wait(retry_after_s)}"
                         f"{what_next}.", retry_after_s=retry_after_s)


class Unauthorized(NixposError):
    code = "unauthorized"
    status = 401
    message = "Sign in to the back office first."


class Forbidden(NixposError):
    code = "forbidden"
    status = 403
    message = "Your role may not do that. Ask the owner."


class NotFound(NixposError):
    code = "not_found"
    status = 404
    message = "Nothing with that id in this shop."


class Conflict(NixposError):
    code = "conflict"
    status = 409


class ApprovalInvalid(NixposError):
    code = "approval_invalid"
    status = 409
    message = "That approval is unknown, used, expired or for another action. Ask again."


# -- selling (SPEC §6) ------------------------------------------------------------------


class ApprovalRequired(NixposError):
    code = "approval_required"
    status = 403
    message = "A cashier needs a manager's approval for this. Ask a manager, then send again."


class UnknownProduct(NixposError):
    code = "unknown_product"
    status = 404
    message = "A product in this sale is not sold here (any more). Refresh the catalog."


class PriceChanged(NixposError):
    """Carries ``products``: the current Product of every line whose price moved."""

    code = "price_changed"
    status = 409
    message = "Prices changed since the till loaded them. Check the new total, then send again."


class PaymentMismatch(NixposError):
    code = "payment_mismatch"
    status = 422
    message = "The payments do not pay the total exactly."


class DuplicateClientId(NixposError):
    code = "duplicate_client_id"
    status = 409
    message = ("Another request already used this client_id with a different body. "
               "Make a new client_id for a new sale or refund.")


class OverRefund(NixposError):
    code = "over_refund"
    status = 409
    message = "That is more than is left to refund of this sale."


class DuplicateSku(NixposError):
    code = "duplicate_sku"
    status = 409
    message = "Another product already has this SKU. Choose another SKU."


# -- the open sale follows the person; offline sales (SPEC §7) ----------------------------


class CartTaken(NixposError):
    code = "cart_taken"
    status = 409
    message = ("That open sale is no longer waiting: it was resumed elsewhere, discarded or "
               "sold. Start a new sale.")


class OpenSaleElsewhere(NixposError):
    """Carries ``terminal``, ``items``, ``total`` and ``staff``: whose open sale, and where."""

    code = "open_sale_elsewhere"
    status = 409
    message = ("This person has an open sale on another till. Unlock again with "
               "\"take_over\": true to sign in here and bring it along.")


class InvalidProof(NixposError):
    code = "invalid_proof"
    status = 401
    message = ("The proof does not match this sale's client_id and session. Keep the sale "
               "queued and ask a manager to check the till.")


class TooLate(NixposError):
    code = "too_late"
    status = 422
    message = ("This sale was completed more than 72 hours ago and is not accepted any more. "
               "A manager must enter it by hand in the back office.")


# -- what the HTTP layer itself refuses -------------------------------------------------


class UnknownAddress(NixposError):
    code = "not_found"
    status = 404
    message = "There is no such address in the nixpos API. See /api/v1/openapi.json."


class MethodNotAllowed(NixposError):
    code = "method_not_allowed"
    status = 405

    def __init__(self, allowed: list[str]) -> None:
        self.allowed = sorted(allowed)
        super().__init__(f"That address takes only {', '.join(self.allowed)}.")

    def headers(self) -> dict[str, str]:
        return {"Allow": ", ".join(self.allowed)}


class PayloadTooLarge(NixposError):
    code = "payload_too_large"
    status = 413
    message = f"The request body is too large. Send at most {kib(MAX_BODY_BYTES)}."


class HeadersTooLarge(NixposError):
    code = "headers_too_large"
    status = 431
    message = "The request's headers are too large. Send fewer or shorter headers."


class ServerError(NixposError):
    code = "server_error"
    status = 500
    message = "Something went wrong on the server. It has been logged; try again."


def for_code(code: str, message: str) -> NixposError:
    """The error whose wire code is ``code``, saying ``message`` (``core.pricing`` names
    its refusals by code: ``payment_mismatch``, ``over_refund``, ``invalid_request``)."""
    for kind in (PaymentMismatch, OverRefund, InvalidRequest):
        if kind.code == code:
            return kind(message)
    return InvalidRequest(message)

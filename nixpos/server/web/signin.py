"""Who is signed in to the back office in this browser, and CSRF protection for its forms.

The web session token (the same kind the JSON API takes as a bearer token)
lives in an ``HttpOnly``, ``SameSite=Lax`` cookie, ``Secure`` over HTTPS.
Every form carries a CSRF token: for a signed-in browser an HMAC of its
session token under the server secret (so it needs no storage and dies with
the session); for the sign-in form, a random value also set in a cookie
(double submit).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from nixpos.server.api.context import server
from nixpos.server.errors import Unauthorized
from nixpos.server.services.backoffice import Admin

SESSION_COOKIE = "nixpos_office"
SIGNIN_CSRF_COOKIE = "nixpos_signin_csrf"
ENDED_ELSEWHERE = ("You have been signed out: this back-office session was ended on another "
                   "device, or it was idle too long. Sign in again.")

View = TypeVar("View", bound=Callable[..., Any])


def token() -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def admin() -> Admin:
    return Admin(server(), token(), None)


def csrf_token() -> str:
    """The hidden ``csrf`` field for this browser's forms."""
    session_token = token()
    if session_token is None:
        return request.cookies.get(SIGNIN_CSRF_COOKIE) or ""
    key = hmac.new(server().pin_secret, b"nixpos office csrf", hashlib.sha256).digest()
    return hmac.new(key, session_token.encode(), hashlib.sha256).hexdigest()


def check_csrf() -> None:
    """Refuse a form that did not come from one of our pages (400)."""
    sent = request.form.get("csrf", "")
    expected = csrf_token()
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, "This form has expired or did not come from the back office. "
                   "Go back, reload the page and try again.")


def new_signin_csrf(response: BaseResponse) -> str:
    value = secrets.token_urlsafe(24)
    response.set_cookie(SIGNIN_CSRF_COOKIE, value, httponly=True, samesite="Strict",
                        secure=request.is_secure, path="/signin")
    return value


def start_session(response: BaseResponse, session_token: str) -> None:
    response.set_cookie(SESSION_COOKIE, session_token, httponly=True, samesite="Lax",
                        secure=request.is_secure, path="/")
    response.delete_cookie(SIGNIN_CSRF_COOKIE, path="/signin")


def end_session(response: BaseResponse) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def to_signin(message: str | None = None) -> Response:
    if message:
        flash(message, "error")
    response = redirect(url_for("web.signin"))
    end_session(response)
    return response  # type: ignore[return-value]


def signed_in(view: View) -> View:
    """Pages and actions for a signed-in manager or owner; POSTs must carry the CSRF token.

    A browser whose session ended (elsewhere, or idle) goes to the sign-in page with
    a message saying so.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if token() is None:
            return to_signin()
        if request.method == "POST":
            check_csrf()
        try:
            return view(*args, **kwargs)
        except Unauthorized:
            return to_signin(ENDED_ELSEWHERE)

    return wrapper  # type: ignore[return-value]

"""What keeps the back office safe in a browser whatever the stored data says.

- Security headers on every response: a strict Content-Security-Policy (scripts and
  styles only from our own files, nothing inline, no framing) and friends on pages,
  static files and error answers; ``nosniff`` on the JSON API too.
- Flask's own session cookie (it carries the one-time notices) gets the same flags as
  the back-office cookie in ``signin``: HttpOnly, SameSite=Lax, Secure over HTTPS.
- Autoescaping in every template, and every ``{{ … }}`` passes ``present.showable`` so
  no stored text can make a page fail to encode.

``init_app`` installs all of it app-wide; the web blueprint does so when it is registered
(``on_register``), so every app that serves the back office has it.
"""

from __future__ import annotations

from flask import Flask, request
from flask.sansio.blueprints import BlueprintSetupState
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

from nixpos.server.web import present

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
API_HEADERS = {"X-Content-Type-Options": "nosniff"}
PAGE_HEADERS = API_HEADERS | {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
}
API_PREFIX = "/api/"


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie, ``Secure`` whenever this request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


def add_security_headers(response: Response) -> Response:
    # The JSON API is read by programs, not rendered: only nosniff, to keep its hot path lean.
    wanted = API_HEADERS if request.path.startswith(API_PREFIX) else PAGE_HEADERS
    for name, value in wanted.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    app.session_interface = SessionCookie()
    app.jinja_env.autoescape = True  # not only for .html names: every template escapes
    app.jinja_env.finalize = present.showable
    app.after_request(add_security_headers)


def on_register(state: BlueprintSetupState) -> None:
    assert isinstance(state.app, Flask)  # Flask's sans-IO base has no session interface
    init_app(state.app)

"""Turning every failure into a JSON answer: ``{"error": code, "message": text}``.

The status and code come from the error classes (``nixpos.server.errors``);
Werkzeug's own refusals (unknown address, wrong method, body too large) are
mapped onto those classes first, so they read the same.
"""

from __future__ import annotations

import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from nixpos.server.errors import (
    InvalidRequest,
    MethodNotAllowed,
    NixposError,
    PayloadTooLarge,
    ServerError,
    UnknownAddress,
)

log = logging.getLogger("nixpos.server")


def error_response(error: NixposError) -> Response:
    status, headers, body = error.http_answer()
    return Response(body, status=status, headers=headers)


def from_http_exception(exc: HTTPException) -> NixposError:
    """Werkzeug's refusal as one of ours."""
    if exc.code == 404:
        return UnknownAddress()
    if exc.code == 405:
        allow = dict(exc.get_headers()).get("Allow", "")
        return MethodNotAllowed([m.strip() for m in allow.split(",") if m.strip()])
    if exc.code == 413:
        return PayloadTooLarge()
    return InvalidRequest(exc.description or None)


def install(app: Flask) -> None:
    @app.errorhandler(NixposError)
    def on_nixpos_error(exc: NixposError) -> Response:
        return error_response(exc)

    @app.errorhandler(HTTPException)
    def on_http_error(exc: HTTPException) -> Response:
        return error_response(from_http_exception(exc))

    @app.errorhandler(Exception)
    def on_unexpected(exc: Exception) -> Response:
        # Never a bare HTML 500: log it with its traceback and answer in JSON.
        log.exception("unexpected error")
        return error_response(ServerError())

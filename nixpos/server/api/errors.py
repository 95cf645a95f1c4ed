"""Turning every failure into a 4xx JSON answer: ``{"error": code, "message": text}``."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from nixpos.server.errors import NixposError

log = logging.getLogger("nixpos.server")

STATUS_BY_CODE = {
    "invalid_request": 400,
    "invalid_code": 401,
    "invalid_terminal": 401,
    "invalid_pin": 401,
    "invalid_token": 401,
    "invalid_credentials": 401,
    "unauthorized": 401,
    "tenant_mismatch": 401,
    "terminal_deactivated": 403,
    "not_assigned": 403,
    "not_manager": 403,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "session_ended": 409,
    "approval_invalid": 409,
    "terminal_locked": 423,
    "too_many_attempts": 429,
}

_HTTP_CODES = {
    404: ("not_found", "There is no such address in the nixpos API. See /api/v1/openapi.json."),
    405: ("method_not_allowed", "That address does not take this method."),
    413: ("payload_too_large", "The request body is too large."),
}


def error_response(status: int, code: str, message: str, **extra: object) -> Response:
    response = jsonify({"error": code, "message": message, **extra})
    response.status_code = status
    return response


def install(app: Flask) -> None:
    @app.errorhandler(NixposError)
    def on_nixpos_error(exc: NixposError) -> Response:
        response = error_response(STATUS_BY_CODE[exc.code], exc.code, exc.message, **exc.extra)
        if "retry_after_s" in exc.extra:
            response.headers["Retry-After"] = str(exc.extra["retry_after_s"])
        return response

    @app.errorhandler(HTTPException)
    def on_http_error(exc: HTTPException) -> Response:
        status = exc.code or 400
        code, message = _HTTP_CODES.get(status, ("invalid_request", exc.description or ""))
        return error_response(status, code, message)

    @app.errorhandler(Exception)
    def on_unexpected(exc: Exception) -> Response:
        # Never a bare HTML 500: log it with its traceback and answer in JSON.
        log.exception("unexpected error")
        return error_response(500, "server_error", "Something went wrong on the server.")

"""Checking what a client sent: a JSON object with fields of the right type."""

from __future__ import annotations

from typing import Any

from flask import request

from nixpos.server.errors import InvalidRequest

MAX_TEXT = 200


def json_object() -> dict[str, Any]:
    """The request body as a JSON object; an empty body counts as ``{}``."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise InvalidRequest("Send a JSON object as the request body.")
    return body


def text(body: dict[str, Any], name: str, *, max_length: int = MAX_TEXT) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise InvalidRequest(f"Field {name!r} is required and must be a string.")
    if len(value) > max_length:
        raise InvalidRequest(f"Field {name!r} can be at most {max_length} characters.")
    return value


def flag(body: dict[str, Any], name: str, default: bool = False) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise InvalidRequest(f"Field {name!r} must be true or false.")
    return value


def obj(body: dict[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name, {})
    if not isinstance(value, dict):
        raise InvalidRequest(f"Field {name!r} must be a JSON object.")
    return value


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def terminal_key() -> str | None:
    return request.headers.get("X-Terminal-Key") or None


def tenant_header() -> str | None:
    return request.headers.get("X-Nix-Tenant")

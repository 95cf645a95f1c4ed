"""Checking what a client sent, once, at the edge, so nothing odd reaches a rule or a row.

- The body is UTF-8 JSON, an object, nested at most ``MAX_JSON_DEPTH`` deep
  (counted on the text *before* parsing, since Python's parser recurses), and
  no string in it (keys included) holds a NUL or a lone surrogate: neither can
  be stored (PostgreSQL refuses NUL; a surrogate cannot be encoded) nor shown.
- A text field is a string within its length and without control characters.
- Headers arrive as Latin-1 text (waitress refuses NUL and line breaks in them);
  odd bytes in a key or token simply match nothing and get a 401.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask import request

from nixpos.server.errors import InvalidRequest
from nixpos.server.limits import MAX_JSON_DEPTH, MAX_TEXT
from nixpos.server.text import is_storable, is_text

_OPENERS, _CLOSERS = frozenset("[{"), frozenset("]}")


def json_object() -> dict[str, Any]:
    """The request body as a JSON object; no body at all counts as ``{}``.

    Whitespace alone is not JSON (and not "no body"): it is refused like any other
    malformed body, as the OpenAPI document says.
    """
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest("Send the request body as UTF-8 JSON.") from None
    if nesting_exceeds(source, MAX_JSON_DEPTH):
        raise InvalidRequest(f"JSON nested deeper than {MAX_JSON_DEPTH} levels is not accepted.")
    try:
        body = json.loads(source)
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise InvalidRequest("Send a JSON object as the request body.")
    if _has_unstorable_text(body):
        raise InvalidRequest("Text in the request may not contain NUL characters or lone "
                             "surrogates (\\ud800–\\udfff). Send valid Unicode text.")
    return body


def nesting_exceeds(source: str, limit: int) -> bool:
    """Whether JSON text nests arrays and objects deeper than ``limit`` (strings skipped)."""
    if source.count("[") + source.count("{") <= limit:
        return False  # the common case: too few brackets to nest that deep
    depth, in_string, escaped = 0, False, False
    for char in source:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif char in _CLOSERS:
            depth -= 1
    return False


def _has_unstorable_text(value: Any) -> bool:
    if isinstance(value, str):
        return not is_storable(value)
    if isinstance(value, dict):
        return any(_has_unstorable_text(k) or _has_unstorable_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_unstorable_text(item) for item in value)
    return False


def text_problem(value: str, name: str, max_length: int) -> str | None:
    """What is wrong with ``value`` as the text field ``name``, in words; None if nothing."""
    if len(value) > max_length:
        return f"Field {name!r} can be at most {max_length} characters."
    if not is_text(value):
        return f"Field {name!r} may not contain control characters or lone surrogates."
    return None


def text(body: dict[str, Any], name: str, *, max_length: int = MAX_TEXT) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise InvalidRequest(f"Field {name!r} is required and must be a string.")
    if problem := text_problem(value, name, max_length):
        raise InvalidRequest(problem)
    return value


def optional_text(body: dict[str, Any], name: str, *, max_length: int = MAX_TEXT) -> str | None:
    return None if body.get(name) is None else text(body, name, max_length=max_length)


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


def integer(body: dict[str, Any], name: str, *, low: int, high: int,
            label: str | None = None) -> int:
    """A whole JSON number within ``low``–``high``: never a decimal, a string or a bool
    (``1.0``, ``"1"`` and ``true`` are refused, so no amount is ever guessed)."""
    value = body.get(name)
    label = label or name
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequest(f"Field {label!r} is required and must be a whole number "
                             f"from {low} to {high}, not text or a decimal.")
    if not low <= value <= high:
        raise InvalidRequest(f"Field {label!r} must be from {low} to {high}; it is {value}.")
    return value


def optional_integer(body: dict[str, Any], name: str, *, low: int, high: int,
                     label: str | None = None) -> int | None:
    if body.get(name) is None:
        return None
    return integer(body, name, low=low, high=high, label=label)


def objects(body: dict[str, Any], name: str, *, max_items: int, required: bool = False,
            label: str | None = None) -> list[dict[str, Any]]:
    """A JSON array of objects, at most ``max_items`` long (missing is ``[]`` unless
    ``required``, when it must also hold at least one)."""
    label = label or name
    value = body.get(name)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidRequest(f"Field {label!r} is required and must be an array of objects."
                             if required else f"Field {label!r} must be an array of objects.")
    if required and not value:
        raise InvalidRequest(f"Field {label!r} needs at least one item.")
    if len(value) > max_items:
        raise InvalidRequest(f"Field {label!r} can hold at most {max_items} items.")
    return value


def optional_obj(body: dict[str, Any], name: str, label: str | None = None
                 ) -> dict[str, Any] | None:
    """A JSON object, or None when the field is missing or null."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidRequest(f"Field {label or name!r} must be a JSON object or null.")
    return value


def choice(body: dict[str, Any], name: str, options: Sequence[str],
           label: str | None = None) -> str:
    value = body.get(name)
    if not isinstance(value, str) or value not in options:
        raise InvalidRequest(f"Field {label or name!r} must be one of: {', '.join(options)}.")
    return value


def moment(body: dict[str, Any], name: str) -> datetime:
    """An ISO 8601 date and time with its zone (``2026-01-05T09:00:00Z``), as aware UTC."""
    value = body.get(name)
    problem = (f"Field {name!r} is required: an ISO 8601 date and time with its zone, "
               "e.g. 2026-01-05T09:00:00Z.")
    if not isinstance(value, str) or len(value) > 40 or not value.isascii():
        raise InvalidRequest(problem)
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None or "T" not in value.upper():
            raise ValueError("no zone")
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # year 1 at +01:00 has no UTC
        raise InvalidRequest(problem) from None


def query_int(name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter within ``low``–``high`` (``default`` if absent)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise InvalidRequest(f"Query parameter {name!r} must be a whole number {low}–{high}.")
    return int(raw)


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def terminal_key() -> str | None:
    return request.headers.get("X-Terminal-Key") or None


def tenant_header() -> str | None:
    return request.headers.get("X-Nix-Tenant")

"""The pieces the OpenAPI document is written with: schema shorthands and ``op``.

``op`` lists an operation's error answers by error class, so their statuses
and codes come from ``nixpos.server.errors`` and cannot drift from what the
server answers.
"""

from __future__ import annotations

from typing import Any

from nixpos.server.errors import (
    Forbidden,
    InvalidRequest,
    InvalidTerminal,
    InvalidToken,
    NixposError,
    NotFound,
    PayloadTooLarge,
    TenantMismatch,
    TerminalDeactivated,
    Unauthorized,
    UnknownAddress,
)
from nixpos.server.limits import MAX_TEXT
from nixpos.server.text import TEXT_PATTERN

Schema = dict[str, Any]
Errors = tuple[type[NixposError], ...]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str], **props: Schema) -> Schema:
    schema: Schema = {"type": "object", "properties": props}
    if required:  # OpenAPI 3.0 does not allow an empty list
        schema["required"] = required
    return schema


def text(max_length: int = MAX_TEXT) -> Schema:
    """A text field as ``api.body.text`` accepts it."""
    return {"type": "string", "maxLength": max_length, "pattern": TEXT_PATTERN}


def nullable(schema: Schema) -> Schema:
    """``schema`` or null (a ``$ref`` cannot carry ``nullable`` itself)."""
    if "$ref" in schema:
        return {"nullable": True, "allOf": [schema]}
    return schema | {"nullable": True}


def whole(low: int, high: int) -> Schema:
    """A whole number as ``api.body.integer`` accepts it."""
    return {"type": "integer", "minimum": low, "maximum": high}


def array(items: Schema, max_items: int | None = None, min_items: int = 0) -> Schema:
    schema: Schema = {"type": "array", "items": items}
    if max_items is not None:
        schema["maxItems"] = max_items
    if min_items:
        schema["minItems"] = min_items
    return schema


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
BOOL: Schema = {"type": "boolean"}
TIME: Schema = {"type": "string", "format": "date-time"}
EMPTY: Schema = {"type": "object"}

Security = dict[str, list[str]]
KEY: Security = {"TerminalKey": []}
BEARER: Security = {"Bearer": []}
ADMIN = [BEARER]
POS: list[Security] = [{"TerminalKey": [], "Bearer": []}]
TENANT_PARAM = {"name": "X-Nix-Tenant", "in": "header", "required": False, "schema": STR,
                "description": "If present, must be the code of the shop the key/token belongs to."}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again",
                               "schema": {"type": "string", "pattern": "^[0-9]+$"}}}

TERMINAL_ERRORS: Errors = (InvalidTerminal, TerminalDeactivated, TenantMismatch)
SESSION_ERRORS: Errors = (*TERMINAL_ERRORS, InvalidToken)
ADMIN_ERRORS: Errors = (Unauthorized,)
ADMIN_ACT_ERRORS: Errors = (Unauthorized, Forbidden, NotFound)


def op(summary: str, ok: tuple[int, Schema], *errors: type[NixposError],
       body: Schema | None = None, security: list[Security] | None = None,
       params: list[Schema] | None = None, also: dict[int, Schema] | None = None,
       ok_type: str = "application/json", ok_headers: Schema | None = None) -> Schema:
    """One operation. ``body``: an empty request body counts as ``{}``, so a body is
    required exactly when its schema has required fields. ``also``: other answers
    that are not errors (a retry's 200, a 304), as whole response objects."""
    every: Errors = (*errors, InvalidRequest, PayloadTooLarge)
    if any(p["in"] == "path" for p in params or []):
        every = (*every, UnknownAddress)  # an id that is not a whole number names no route
    success: Schema = {"description": "OK", "content": {ok_type: {"schema": ok[1]}}}
    if ok_headers:
        success["headers"] = ok_headers
    responses: Schema = {str(ok[0]): success}
    for status, answer in (also or {}).items():
        responses[str(status)] = answer
    for status in sorted({e.status for e in every}):
        answer = {
            "description": ", ".join(sorted({e.code for e in every if e.status == status})),
            "content": {"application/json": {"schema": ref("Error")}},
        }
        if any(e.retry_after for e in every if e.status == status):
            answer["headers"] = RETRY_AFTER
        responses[str(status)] = answer
    operation: Schema = {"summary": summary, "responses": responses,
                         "parameters": [TENANT_PARAM, *(params or [])]}
    if body is not None:
        operation["requestBody"] = {"required": bool(body.get("required")),
                                    "content": {"application/json": {"schema": body}}}
    if security is not None:
        operation["security"] = security
    return operation


def id_param(name: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def query_param(name: str, schema: Schema, description: str = "") -> Schema:
    param: Schema = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param

"""``GET /api/v1/openapi.json``: the OpenAPI 3 description of every route (outside fuzzers read it).

Error answers are listed by error class, so their statuses come from
``nixpos.server.errors`` and cannot drift. A test checks that this document
and the app's URL map name the same routes; schemathesis checks the answers
against it. Selling's routes and shapes are in ``openapi_selling``.
"""

from __future__ import annotations

from flask import Blueprint

from nixpos import __version__
from nixpos.core.actions import APPROVAL_ACTIONS
from nixpos.core.pins import MAX_PIN_LENGTH, MIN_PIN_LENGTH
from nixpos.core.reasons import EndReason, Role
from nixpos.server.api import openapi_carts, openapi_selling
from nixpos.server.api.openapi_kit import (
    ADMIN,
    ADMIN_ACT_ERRORS,
    ADMIN_ERRORS,
    BOOL,
    EMPTY,
    INT,
    KEY,
    POS,
    SESSION_ERRORS,
    STR,
    TERMINAL_ERRORS,
    TIME,
    Schema,
    id_param,
    nullable,
    obj,
    op,
    ref,
    text,
)
from nixpos.server.errors import (
    ApprovalInvalid,
    InvalidCode,
    InvalidCredentials,
    InvalidPin,
    NotAssigned,
    NotManager,
    OpenSaleElsewhere,
    SessionNotActive,
    TenantMismatch,
    TerminalLocked,
    TooManyAttempts,
)
from nixpos.server.limits import AUDIT_PAGE_MAX
from nixpos.server.models import MAX_ID

bp = Blueprint("meta", __name__, url_prefix="/api/v1")

PIN: Schema = {"type": "string", "pattern": f"^[0-9]{{{MIN_PIN_LENGTH},{MAX_PIN_LENGTH}}}$",
               "description": "ASCII digits, exactly the shop's pin_length long"}

SCHEMAS: dict[str, Schema] = {
    "Error": obj(["error", "message"], error=STR, message=STR, retry_after_s=INT,
                 products={"type": "array", "items": ref("Product")},
                 product_ids={"type": "array", "items": INT},
                 # open_sale_elsewhere: whose open sale, on which till, how big
                 **openapi_carts.OPEN_SALE_FIELDS),
    "Staff": obj(["id", "name", "role"], id=INT, name=STR,
                 role={"type": "string", "enum": [r.value for r in Role]}),
    "Terminal": obj(["id", "name"], id=INT, name=STR),
    "Tenant": obj(["code", "name"], code=STR, name=STR),
    "Policy": obj(["idle_timeout_s", "warning_s", "poll_interval_s", "pin_length"],
                  idle_timeout_s=INT, warning_s=INT, poll_interval_s=INT, pin_length=INT,
                  ask_before_takeover=BOOL),
    "Lockout": obj(["locked", "retry_after_s"], locked=BOOL, retry_after_s=INT),
    "Session": obj(
        ["id", "state", "staff", "terminal", "started_at", "last_activity_at", "expires_at",
         "override"],
        id=INT, state={"type": "string", "enum": ["active", "ended"]}, staff=ref("Staff"),
        terminal=ref("Terminal"), started_at=TIME, last_activity_at=TIME, expires_at=TIME,
        override=BOOL, reason={"type": "string", "enum": [r.value for r in EndReason]},
        ended_at=TIME, ended_by={"nullable": True, "allOf": [ref("Staff")]},
        ended_on={"nullable": True, "allOf": [ref("Terminal")]},
        **openapi_carts.SESSION_PARKED,
    ),
    # What the till's poll, activity and lock calls answer: the Session and the shop's
    # current policy, so a policy change reaches a live till within one poll.
    "PolledSession": {"allOf": [ref("Session"), obj(["policy", "catalog_etag"],
                                                    policy=ref("Policy"), catalog_etag=STR)]},
    "Approval": obj(["id", "action", "approved_by", "expires_at"], id=INT, action=STR,
                    approved_by=ref("Staff"), expires_at=TIME, used_at=TIME),
}


def _admin_post(summary: str, path_id: str, ok: Schema) -> Schema:
    return {"post": op(summary, (200, ok), *ADMIN_ACT_ERRORS, body=EMPTY,
                       security=ADMIN, params=[id_param(path_id)])}


PATHS: dict[str, Schema] = {
    "/api/v1/openapi.json": {"get": op("This document", (200, EMPTY), security=[])},
    "/api/v1/terminals/enroll": {"post": op(
        "Enroll a till with a one-time code", (201, obj(
            ["terminal", "tenant", "terminal_key", "policy"], terminal=ref("Terminal"),
            tenant=ref("Tenant"), terminal_key=STR, policy=ref("Policy"))),
        InvalidCode, TenantMismatch, TooManyAttempts,
        body=obj(["code", "device_name", "os"], code=text(64), device_name=text(),
                 os=text()),
        security=[],
    )},
    "/api/v1/terminal": {"get": op(
        "This till, its shop, policy and keypad lockout (never cached)", (200, obj(
            ["terminal", "tenant", "policy", "lockout", "currency"], terminal=ref("Terminal"),
            tenant=ref("Tenant"), policy=ref("Policy"), lockout=ref("Lockout"),
            currency=ref("Currency"))),
        *TERMINAL_ERRORS, security=[KEY],
    )},
    "/api/v1/pos/unlock": {"post": op(
        "Unlock the till with a PIN (or a manager PIN with override)", (200, obj(
            ["token", "session", "ended_elsewhere", "parked_carts"], token=STR,
            session=ref("Session"), ended_elsewhere={"type": "array", "items": ref("Session")},
            **openapi_carts.UNLOCK_PARKED)),
        InvalidPin, NotAssigned, NotManager, OpenSaleElsewhere, TerminalLocked,
        *TERMINAL_ERRORS, body=obj(["pin"], pin=PIN, override=BOOL, take_over=BOOL),
        security=[KEY],
    )},
    "/api/v1/pos/session": {"get": op(
        "Poll this till's session (active or ended) and the shop's policy",
        (200, ref("PolledSession")), *SESSION_ERRORS, security=POS,
    )},
    "/api/v1/pos/session/activity": {"post": op(
        "Report activity; extends the idle deadline", (200, ref("PolledSession")),
        *SESSION_ERRORS, body=EMPTY, security=POS,
    )},
    "/api/v1/pos/session/lock": {"post": op(
        "Lock the till (ends the session with logout)", (200, ref("PolledSession")),
        *SESSION_ERRORS, body=EMPTY, security=POS,
    )},
    "/api/v1/pos/override": {"post": op(
        "A manager approves one action for the cashier", (201, obj(["approval"],
                                                                    approval=ref("Approval"))),
        InvalidPin, NotManager, TerminalLocked, SessionNotActive, *SESSION_ERRORS,
        body=obj(["pin", "action"], pin=PIN,
                 action={"type": "string", "enum": list(APPROVAL_ACTIONS)}, detail=EMPTY),
        security=POS,
    )},
    "/api/v1/pos/approvals/{approval_id}/use": {"post": op(
        "Spend an approval on its action (once, within 60 s)",
        (200, obj(["approval"], approval=ref("Approval"))), ApprovalInvalid, *SESSION_ERRORS,
        body=obj(["action"], action=text(64)), security=POS,
        params=[id_param("approval_id")],
    )},
    "/api/v1/admin/login": {"post": op(
        "Back-office sign-in (managers and owners)",
        (200, obj(["token", "staff"], token=STR, staff=ref("Staff"))),
        InvalidCredentials, TenantMismatch, TooManyAttempts,
        body=obj(["email", "password", "device_name"], email=text(320),
                 password=text(1024), device_name=text(), os=text()),
        security=[],
    )},
    "/api/v1/admin/logout": {"post": op("Sign this device out", (200, obj(["ended"], ended=INT)),
                                        *ADMIN_ERRORS, body=EMPTY, security=ADMIN)},
    "/api/v1/admin/me": {"get": op("Who is signed in", (200, ref("Staff")), *ADMIN_ERRORS,
                                   security=ADMIN)},
    "/api/v1/admin/sessions": {"get": op(
        "Live POS sessions of the shop (each with its open cart), the shop's parked carts "
        "and this person's back-office sessions",
        (200, obj(["pos", "web", "parked_carts"],
                  pos={"type": "array", "items": {"allOf": [ref("Session"), obj(
                      ["cart"], cart=nullable(ref("OpenCart")))]}},
                  parked_carts={"type": "array", "items": ref("ShopParkedCart")},
                  web={"type": "array", "items": obj(
                      ["id", "device_name", "os", "last_active_at", "current"], id=INT,
                      device_name=STR, os=STR, last_active_at=TIME, current=BOOL)})),
        *ADMIN_ERRORS, security=ADMIN,
    )},
    "/api/v1/admin/staff": {"get": op("Everyone in the shop", (200, EMPTY), *ADMIN_ERRORS,
                                      security=ADMIN)},
    "/api/v1/admin/terminals": {"get": op("The shop's tills", (200, EMPTY), *ADMIN_ERRORS,
                                          security=ADMIN)},
    "/api/v1/admin/audit": {"get": op(
        "The audit log, newest first", (200, EMPTY), *ADMIN_ERRORS,
        security=ADMIN, params=[
            {"name": "limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": AUDIT_PAGE_MAX}},
            {"name": "before", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
        ],
    )},
    "/api/v1/admin/pos-sessions/{session_id}/end": _admin_post(
        "End a till's session (force_ended)", "session_id", ref("Session")),
    "/api/v1/admin/staff/{staff_id}/reset-pin": _admin_post(
        "Give a person a new PIN (shown once); ends their POS sessions", "staff_id",
        obj(["pin"], pin=STR)),
    "/api/v1/admin/staff/{staff_id}/deactivate": _admin_post(
        "Deactivate a person; ends all their sessions", "staff_id", ref("Staff")),
    "/api/v1/admin/staff/{staff_id}/reactivate": _admin_post(
        "Reactivate a person", "staff_id", ref("Staff")),
    "/api/v1/admin/terminals/{terminal_id}/deactivate": _admin_post(
        "Deactivate a till; ends its session, its key stops working", "terminal_id",
        ref("Terminal")),
    "/api/v1/admin/terminals/{terminal_id}/clear-lockout": _admin_post(
        "Clear a till's keypad lockout", "terminal_id", EMPTY),
    "/api/v1/admin/signout-everywhere": {"post": op(
        "End every web and POS session of the signed-in person",
        (200, obj(["ended"], ended=INT)), *ADMIN_ERRORS, body=EMPTY, security=ADMIN,
    )},
}
SCHEMAS.update(openapi_selling.SCHEMAS)
PATHS.update(openapi_selling.PATHS)
SCHEMAS.update(openapi_carts.SCHEMAS)
PATHS.update(openapi_carts.PATHS)


def document() -> Schema:
    return {
        "openapi": "3.0.3",
        "info": {"title": "nixpos server API", "version": __version__},
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "TerminalKey": {"type": "apiKey", "in": "header", "name": "X-Terminal-Key"},
                "Bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi() -> Schema:
    return document()

"""``/api/v1/admin/…``: the back office as a JSON API (the web pages use the same services)."""

from __future__ import annotations

from flask import Blueprint, request

from nixpos.server.api import body
from nixpos.server.api.context import server
from nixpos.server.limits import AUDIT_PAGE_MAX
from nixpos.server.models import MAX_ID
from nixpos.server.services import web_sessions
from nixpos.server.services.backoffice import Admin
from nixpos.server.services.represent import Json
from nixpos.server.user_agent import operating_system

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")


def admin() -> Admin:
    return Admin(server(), body.bearer(), body.tenant_header())


@bp.post("/login")
def login() -> Json:
    data = body.json_object()
    return web_sessions.sign_in(
        server(),
        body.text(data, "email", max_length=320),
        body.text(data, "password", max_length=1024),
        body.text(data, "device_name"),
        body.optional_text(data, "os") or operating_system(request.user_agent.string) or "Unknown",
        body.tenant_header(),
        request.remote_addr,
    )


@bp.post("/logout")
def logout() -> Json:
    body.json_object()
    return admin().sign_out()


@bp.get("/me")
def me() -> Json:
    return admin().me()


@bp.get("/sessions")
def sessions() -> Json:
    return admin().sessions()


@bp.get("/staff")
def staff() -> Json:
    return admin().staff_list()


@bp.get("/terminals")
def terminals() -> Json:
    return admin().terminals()


@bp.get("/audit")
def audit_log() -> Json:
    office = admin()
    office.authenticate()  # a stranger learns nothing, not even which queries are wrong
    limit = body.query_int("limit", 100, 1, AUDIT_PAGE_MAX)
    before = body.query_int("before", 0, 1, MAX_ID) if "before" in request.args else None
    return office.audit_log(limit, before)


@bp.post("/pos-sessions/<int:session_id>/end")
def end_pos_session(session_id: int) -> Json:
    body.json_object()
    return admin().end_pos_session(session_id)


@bp.post("/staff/<int:staff_id>/reset-pin")
def reset_pin(staff_id: int) -> Json:
    body.json_object()
    return admin().reset_pin(staff_id)


@bp.post("/staff/<int:staff_id>/deactivate")
def deactivate_staff(staff_id: int) -> Json:
    body.json_object()
    return admin().set_staff_active(staff_id, False)


@bp.post("/staff/<int:staff_id>/reactivate")
def reactivate_staff(staff_id: int) -> Json:
    body.json_object()
    return admin().set_staff_active(staff_id, True)


@bp.post("/terminals/<int:terminal_id>/deactivate")
def deactivate_terminal(terminal_id: int) -> Json:
    body.json_object()
    return admin().deactivate_terminal(terminal_id)


@bp.post("/terminals/<int:terminal_id>/clear-lockout")
def clear_lockout(terminal_id: int) -> Json:
    body.json_object()
    return admin().clear_lockout(terminal_id)


@bp.post("/signout-everywhere")
def signout_everywhere() -> Json:
    body.json_object()
    return admin().sign_out_everywhere()

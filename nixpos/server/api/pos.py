"""``/api/v1/pos/…``: unlock, the session poll, activity, lock and manager approvals."""

from __future__ import annotations

from flask import Blueprint

from nixpos.server.api import body
from nixpos.server.api.context import server
from nixpos.server.services import overrides, pos
from nixpos.server.services.represent import Json

bp = Blueprint("pos", __name__, url_prefix="/api/v1/pos")


@bp.post("/unlock")
def unlock() -> Json:
    data = body.json_object()
    pin = body.text(data, "pin", max_length=64)
    override = body.flag(data, "override")
    take_over = body.flag(data, "take_over")
    return pos.unlock(server(), body.terminal_key(), pin, override, body.tenant_header(),
                      take_over=take_over)


@bp.get("/session")
def session() -> Json:
    return pos.current(server(), body.terminal_key(), body.bearer(), body.tenant_header())


@bp.post("/session/activity")
def activity() -> Json:
    body.json_object()
    return pos.activity(server(), body.terminal_key(), body.bearer(), body.tenant_header())


@bp.post("/session/lock")
def lock() -> Json:
    body.json_object()
    return pos.lock(server(), body.terminal_key(), body.bearer(), body.tenant_header())


@bp.post("/override")
def override() -> tuple[Json, int]:
    data = body.json_object()
    result = overrides.approve(
        server(),
        body.terminal_key(),
        body.bearer(),
        body.tenant_header(),
        pin=body.text(data, "pin", max_length=64),
        action=body.text(data, "action", max_length=64),
        detail=body.obj(data, "detail"),
    )
    return result, 201


@bp.post("/approvals/<int:approval_id>/use")
def use_approval(approval_id: int) -> Json:
    data = body.json_object()
    return overrides.use(
        server(),
        body.terminal_key(),
        body.bearer(),
        body.tenant_header(),
        approval_id=approval_id,
        action=body.text(data, "action", max_length=64),
    )

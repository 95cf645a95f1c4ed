"""``/api/v1/terminals/enroll`` and ``/api/v1/terminal``: a till joins and asks who it is."""

from __future__ import annotations

from flask import Blueprint, request

from nixpos.server.api import body
from nixpos.server.api.context import server
from nixpos.server.services import terminals
from nixpos.server.services.represent import Json

bp = Blueprint("terminals", __name__, url_prefix="/api/v1")


@bp.post("/terminals/enroll")
def enroll() -> tuple[Json, int]:
    data = body.json_object()
    result = terminals.enroll(
        server(),
        body.text(data, "code", max_length=64),
        body.text(data, "device_name"),
        body.text(data, "os"),
        body.tenant_header(),
        request.remote_addr,
    )
    return result, 201


@bp.get("/terminal")
def status() -> Json:
    return terminals.status(server(), body.terminal_key(), body.tenant_header())


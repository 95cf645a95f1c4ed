"""``/api/v1/pos/…`` for selling (SPEC §6): the catalog, sales and refunds."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from nixpos.server.api import body, sale_body
from nixpos.server.api.context import server
from nixpos.server.errors import InvalidTerminal, InvalidToken
from nixpos.server.services import catalog, refunds, sales
from nixpos.server.services.represent import Json

bp = Blueprint("selling", __name__, url_prefix="/api/v1/pos")
RECENT_DEFAULT = 20


@bp.get("/catalog")
def till_catalog() -> Response:
    tag, data = catalog.till_catalog(server(), body.terminal_key(), body.tenant_header(),
                                     request.if_none_match.contains_weak)
    response = Response(status=304) if data is None else jsonify(data)
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-cache"  # keep it, but ask every time
    return response


def _credentials() -> tuple[str, str]:
    """The till's key and bearer; missing ones are refused (401) before the body is read."""
    key, token = body.terminal_key(), body.bearer()
    if not key:
        raise InvalidTerminal("Send the till's X-Terminal-Key header.")
    if not token:
        raise InvalidToken("Send the session's token as Authorization: Bearer …")
    return key, token


@bp.post("/sales")
def post_sale() -> tuple[Json, int]:
    key, token = _credentials()
    wanted = sale_body.sale_request(body.json_object())
    sale, created = sales.record_sale(server(), key, token, body.tenant_header(), wanted)
    return sale, 201 if created else 200


@bp.get("/sales")
def recent_sales() -> Json:
    limit = body.query_int("limit", RECENT_DEFAULT, 1, sales.RECENT_MAX)
    return sales.recent_sales(server(), body.terminal_key(), body.bearer(),
                              body.tenant_header(), limit)


@bp.get("/sales/<int:sale_id>")
def one_sale(sale_id: int) -> Json:
    return sales.get_sale(server(), body.terminal_key(), body.bearer(), body.tenant_header(),
                          sale_id)


@bp.post("/sales/<int:sale_id>/refunds")
def refund(sale_id: int) -> tuple[Json, int]:
    key, token = _credentials()
    wanted = sale_body.refund_request(body.json_object())
    made, created = refunds.refund(server(), key, token, body.tenant_header(), sale_id, wanted)
    return made, 201 if created else 200

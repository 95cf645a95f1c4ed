"""``/api/v1/pos/…`` for selling (SPEC §6, §7): the catalog, sales (online, or uploaded
offline with a proof), refunds, and the open cart."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from nixpos.server.api import body, sale_body
from nixpos.server.api.context import server
from nixpos.server.errors import InvalidTerminal, InvalidToken, NotFound
from nixpos.server.services import carts, catalog, refunds, sales
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
    """With the session's bearer, or (SPEC §7.4: a sale queued offline whose token is
    gone) with ``session_id`` and ``proof`` in the body instead."""
    key, token = body.terminal_key(), body.bearer()
    if not key:
        raise InvalidTerminal("Send the till's X-Terminal-Key header.")
    data = body.json_object()
    auth: str | sales.Proof
    # Checked even beside a bearer, so a malformed one is refused whichever is used.
    proof = sale_body.upload_proof(data) if "session_id" in data or "proof" in data else None
    if token:
        auth = token
    elif proof is not None:
        auth = sales.Proof(*proof)
    else:
        raise InvalidToken("Send the session's token as Authorization: Bearer …, or (for a "
                           "sale queued offline) session_id and proof in the body.")
    wanted = sale_body.sale_request(data)
    sale, created = sales.record_sale(server(), key, auth, body.tenant_header(), wanted)
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


# -- the open cart (SPEC §7.1–7.2) ---------------------------------------------------------


@bp.put("/cart")
def put_cart() -> Json:
    key, token = _credentials()
    wanted = sale_body.cart_request(body.json_object())
    return carts.put_cart(server(), key, token, body.tenant_header(), wanted)


@bp.delete("/cart")
def delete_cart() -> Response:
    key, token = _credentials()
    carts.delete_cart(server(), key, token, body.tenant_header())
    return Response(status=204)


# merge_slashes=False: "carts/0//resume" names no cart (404), rather than a redirect.
@bp.post("/carts/<client_id>/resume", merge_slashes=False)
def resume_cart(client_id: str) -> Json:
    key, token = _credentials()
    body.json_object()
    return carts.resume(server(), key, token, body.tenant_header(), _cart_id(client_id))


@bp.post("/carts/<client_id>/discard", merge_slashes=False)
def discard_cart(client_id: str) -> Json:
    key, token = _credentials()
    body.json_object()
    return carts.discard(server(), key, token, body.tenant_header(), _cart_id(client_id))


def _cart_id(client_id: str) -> str:
    """A ``client_id`` from the path; one no cart could have names none (404)."""
    if not sale_body.is_client_id(client_id):
        raise NotFound("No open sale of yours with that client_id.")
    return client_id

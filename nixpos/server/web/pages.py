"""The back office's blueprint and how its views answer: a page for the signed-in person,
a sentence after an action, and refusals as pages with a way back.

The routes live in ``views`` (sessions, staff, tills, audit, policy), ``products`` and
``sales``; each registers on ``bp`` here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Blueprint, Response, flash, make_response, redirect, render_template
from flask import url_for as flask_url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from nixpos.core.reasons import Role
from nixpos.server.api.context import server
from nixpos.server.errors import NixposError, Unauthorized
from nixpos.server.web import forms, hardening, present
from nixpos.server.web.signin import admin, csrf_token

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/office-static")
bp.record_once(hardening.on_register)
bp.before_request(forms.refuse_unstorable_text)


def url_for(endpoint: str, **values: Any) -> str:
    return flask_url_for(f"web.{endpoint}", **values)


def page(template: str, status: int = 200, **context: Any) -> Response:
    """A page for the signed-in person, with what every page shows: who they are, the
    form token, and amounts and times in the shop's own currency and time zone."""
    me = admin().whoami()
    body = render_template(template, me=me, csrf=csrf_token(), now=server().now(),
                           present=present, is_owner=me["role"] == Role.OWNER.value,
                           money=partial(present.money, currency=me["currency"]),
                           shop_clock=partial(present.shop_clock, zone=me["timezone"]),
                           **context)
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def or_refusal(back: str, work: Callable[[], BaseResponse], **where: Any) -> BaseResponse:
    """``work``'s page; if a rule refuses it, the reason is shown on the page ``back``
    (``where``: its ``url_for`` values, such as an ``_anchor``)."""
    try:
        return work()
    except Unauthorized:
        raise  # signed_in sends the browser to the sign-in page
    except NixposError as error:
        flash(error.message, "error")
        return redirect(url_for(back, **where))


def act(work: Callable[[], str], back: str, **where: Any) -> BaseResponse:
    """Do ``work``; its sentence (or the reason it could not) is shown on ``back``."""
    def done() -> BaseResponse:
        flash(work(), "ok")
        return redirect(url_for(back, **where))

    return or_refusal(back, done, **where)


def secret_page(template: str, **context: Any) -> Response:
    """A page showing something once (a PIN, a code): never cached, never in history."""
    response = page(template, **context)
    response.headers["Cache-Control"] = "no-store, max-age=0"
    response.headers["Pragma"] = "no-cache"
    return response


def refusal_page(message: str, status: int) -> Response:
    body = render_template("error.html", message=message)
    return make_response(body, status)


@bp.errorhandler(HTTPException)
def refused(error: HTTPException) -> Response:
    """A refused request (a stale form, a field we cannot take) as a page with a way back."""
    return refusal_page(error.description or "That did not work.", error.code or 400)


@bp.errorhandler(NixposError)
def not_done(error: NixposError) -> Response:
    """A rule's refusal of a page (an unknown sale, a bad date) in words, not JSON.

    ``Unauthorized`` never gets here: ``signed_in`` sends the browser to sign in.
    """
    return refusal_page(error.message, error.status)

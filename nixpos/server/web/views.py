"""The back-office pages for sessions, staff, tills, the audit log and the policy. Each
view reads a form, calls one ``Admin`` service and shows the result; the rules (roles,
forced ends, audit) live in the services. Products and sales have modules of their own."""

from __future__ import annotations

from flask import Response, flash, make_response, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from nixpos.core.pins import MAX_PIN_LENGTH, MIN_PIN_LENGTH
from nixpos.core.reasons import Role
from nixpos.server.api.context import server
from nixpos.server.errors import NixposError, Unauthorized
from nixpos.server.services import audit, web_sessions
from nixpos.server.services.reports import ReportQuery
from nixpos.server.user_agent import device
from nixpos.server.web import present
from nixpos.server.web import products as products  # its routes, on the same blueprint
from nixpos.server.web import sales as sales  # its routes, on the same blueprint
from nixpos.server.web.pages import act, bp, or_refusal, page, secret_page, url_for
from nixpos.server.web.signin import (
    admin,
    check_csrf,
    new_signin_csrf,
    signed_in,
    start_session,
    to_signin,
    token,
)

__all__ = ["bp"]
AUDIT_PAGE = 50
MAX_IDLE_MINUTES = 15  # PCI DSS asks that idle sessions lock within 15 minutes


# -- signing in and out ------------------------------------------------------------


@bp.get("/")
def home() -> BaseResponse:
    return redirect(url_for("sessions" if token() else "signin"))


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> BaseResponse:
    error, status = None, 200
    if request.method == "POST":
        check_csrf()
        browser, os_name = device(request.user_agent.string)
        try:
            answer = web_sessions.sign_in(
                server(), request.form.get("email", "")[:320],
                request.form.get("password", "")[:1024], f"{browser} on {os_name}",
                os_name, None, request.remote_addr)
        except NixposError as refused:  # the same status the JSON login answers
            error, status = refused.message, refused.status
        else:
            response = redirect(url_for("sessions"))
            start_session(response, answer["token"])
            return response
    response = make_response("", status)
    csrf = new_signin_csrf(response)
    response.set_data(render_template("signin.html", error=error, csrf=csrf,
                                      email=request.form.get("email", "")))
    return response


@bp.post("/signout")
@signed_in
def signout() -> BaseResponse:
    admin().sign_out()
    response = to_signin()
    flash("You are signed out on this device.", "ok")
    return response


@bp.post("/signout-everywhere")
@signed_in
def signout_everywhere() -> BaseResponse:
    ended = admin().sign_out_everywhere()["ended"]
    response = to_signin()
    flash(f"Signed out of all devices ({ended} session{'s' if ended != 1 else ''} ended).",
          "ok")
    return response


# -- live sessions --------------------------------------------------------------------


@bp.get("/sessions")
@signed_in
def sessions() -> Response:
    """Who is signed in where, under the shop's figures for today so far."""
    office = admin()
    return page("sessions.html", sessions=office.sessions(),
                today=office.sales_report(ReportQuery(), include_sales=False))


@bp.post("/sessions/pos/<int:session_id>/end")
@signed_in
def end_pos_session(session_id: int) -> BaseResponse:
    def work() -> str:
        ended = admin().end_pos_session(session_id)
        return (f"Ended {ended['staff']['name']}'s session on {ended['terminal']['name']}. "
                "The till shows why within a few seconds.")

    return act(work, "sessions")


@bp.post("/sessions/web/<int:web_id>/end")
@signed_in
def end_web_session(web_id: int) -> BaseResponse:
    def work() -> str:
        admin().end_web_session(web_id)
        return "That device is signed out of the back office."

    return act(work, "sessions")


# -- staff ------------------------------------------------------------------------------


@bp.get("/staff")
@signed_in
def staff() -> Response:
    office = admin()
    return page("staff.html", people=office.staff_list()["staff"],
                tills=office.terminals()["terminals"], roles=[r.value for r in Role])


@bp.post("/staff")
@signed_in
def add_staff() -> BaseResponse:
    form = request.form
    tills = None if form.get("tills") == "all" else form.getlist("till")
    email = form.get("email", "").strip() or None
    password = form.get("password", "") or None

    def show() -> BaseResponse:
        added = admin().add_staff(form.get("name", ""), form.get("role", ""), tills,
                                  email, password)
        return secret_page("pin.html", person=added, pin=added["pin"], added=True)

    return or_refusal("staff", show)


@bp.post("/staff/<int:staff_id>/reset-pin")
@signed_in
def reset_pin(staff_id: int) -> BaseResponse:
    def show() -> BaseResponse:
        office = admin()
        pin = office.reset_pin(staff_id)["pin"]
        person = next(p for p in office.staff_list()["staff"] if p["id"] == staff_id)
        return secret_page("pin.html", person=person, pin=pin, added=False)

    return or_refusal("staff", show)


@bp.post("/staff/<int:staff_id>/<any(deactivate, reactivate):change>")
@signed_in
def set_staff_active(staff_id: int, change: str) -> BaseResponse:
    def work() -> str:
        person = admin().set_staff_active(staff_id, change == "reactivate")
        if change == "reactivate":
            return f"{person['name']} can sign in again."
        return f"{person['name']} is deactivated; their sessions have ended."

    return act(work, "staff")


# -- tills ----------------------------------------------------------------------------------


@bp.get("/tills")
@signed_in
def tills() -> Response:
    return page("tills.html", tills=admin().terminals()["terminals"])


@bp.post("/tills/code")
@signed_in
def enrollment_code() -> BaseResponse:
    def show() -> BaseResponse:
        issued = admin().issue_enrollment_code(request.form.get("name", ""))
        return secret_page("code.html", issued=issued, server_url=request.host_url.rstrip("/"))

    return or_refusal("tills", show)


@bp.post("/tills/<int:terminal_id>/deactivate")
@signed_in
def deactivate_till(terminal_id: int) -> BaseResponse:
    def work() -> str:
        till = admin().deactivate_terminal(terminal_id)
        return f"{till['name']} is deactivated: its key no longer works."

    return act(work, "tills")


@bp.post("/tills/<int:terminal_id>/clear-lockout")
@signed_in
def clear_lockout(terminal_id: int) -> BaseResponse:
    def work() -> str:
        till = admin().clear_lockout(terminal_id)
        return f"{till['name']}'s keypad is open again."

    return act(work, "tills")


# -- audit log ------------------------------------------------------------------------------


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


@bp.get("/audit")
@signed_in
def audit_log() -> Response:
    office = admin()
    kind = request.args.get("kind") or None
    if kind not in {k.value for k in audit.AuditKind}:
        kind = None
    person, till = _int_arg("person"), _int_arg("till")
    filters = {"staff_id": person, "terminal_id": till, "kind": kind}
    rows = office.audit_log(AUDIT_PAGE + 1, _int_arg("before"), staff_id=person,
                            terminal_id=till, kind=kind)["events"]
    older = rows[AUDIT_PAGE - 1]["id"] if len(rows) > AUDIT_PAGE else None
    return page("audit.html", events=rows[:AUDIT_PAGE], older=older, filters=filters,
                people=office.staff_list()["staff"], tills=office.terminals()["terminals"],
                kinds=present.KIND_LABELS, paged=request.args.get("before") is not None)


# -- policy -----------------------------------------------------------------------------------


def _policy_problems(form: dict[str, int]) -> list[str]:
    """The back office's stricter limits, with the reason for each (the CLI takes any)."""
    problems = []
    if not 1 <= form["idle_minutes"] <= MAX_IDLE_MINUTES:
        problems.append(f"Idle lock: 1 to {MAX_IDLE_MINUTES} minutes. Card-payment rules "
                        "(PCI DSS) ask that an unattended till locks within 15 minutes.")
    if not 10 <= form["warning_s"] <= 120 or form["warning_s"] >= form["idle_minutes"] * 60:
        problems.append("Warning: 10 to 120 seconds, and shorter than the idle lock, so the "
                        "cashier has time to react.")
    if not 1 <= form["poll_interval_s"] <= 30:
        problems.append("Check-in interval: 1 to 30 seconds. Longer means a till hears late "
                        "that someone signed in elsewhere.")
    if not MIN_PIN_LENGTH <= form["pin_length"] <= MAX_PIN_LENGTH:
        problems.append(f"PIN length: {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits.")
    return problems


@bp.route("/policy", methods=["GET", "POST"])
@signed_in
def policy() -> BaseResponse:
    office = admin()
    current = office.policy()
    problems: list[str] = []
    if request.method == "POST":
        numbers = {}
        for field in ("idle_minutes", "warning_s", "poll_interval_s", "pin_length"):
            raw = request.form.get(field, "").strip()
            numbers[field] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else -1
        problems = _policy_problems(numbers)
        if not problems:
            try:
                office.set_policy(
                    idle_timeout_s=numbers["idle_minutes"] * 60, warning_s=numbers["warning_s"],
                    poll_interval_s=numbers["poll_interval_s"], pin_length=numbers["pin_length"],
                    pos_single_session=request.form.get("pos_single_session") == "on",
                    web_single_session=request.form.get("web_single_session") == "on",
                    ask_before_takeover=request.form.get("ask_before_takeover") == "on")
            except Unauthorized:
                raise
            except NixposError as error:
                problems = [error.message]
            else:
                flash("Policy saved. Tills pick it up at their next check-in.", "ok")
                return redirect(url_for("policy"))
    return page("policy.html", 400 if problems else 200, policy=current, problems=problems,
                form=request.form if problems else None)

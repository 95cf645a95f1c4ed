"""``nixpos-server``: set up the database, shops, people and tills, and serve the API.

Every command takes ``--db URL`` (or ``NIXPOS_DATABASE_URL``; default: a
SQLite file in the user data directory) and ``--secret-file PATH``.
Failures print one line saying what to do and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from nixpos import __version__
from nixpos.core.money import format_money
from nixpos.server import schema
from nixpos.server.config import ServerConfig
from nixpos.server.db import Database, DatabaseUrlError
from nixpos.server.errors import NixposError
from nixpos.server.security import SecretFileError, create_secret_file, read_secret_file
from nixpos.server.services import catalog, demo, reports, staff, tenants, terminals
from nixpos.server.services.catalog import ProductFields
from nixpos.server.services.context import ServerContext
from nixpos.server.services.sale_json import FLAGS
from nixpos.server.serving import ServeOptions

log = logging.getLogger("nixpos.server")


class CliError(Exception):
    """A problem the person at the keyboard can fix; printed without a traceback."""


def _day(text: str) -> date:
    try:
        if len(text) != 10:  # fromisoformat also takes 20260105
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-05") from None


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL: sqlite:///PATH or postgresql+psycopg://… "
                             "(default: $NIXPOS_DATABASE_URL, else a SQLite file in the "
                             "user data directory)")
    common.add_argument("--secret-file", metavar="PATH", default=argparse.SUPPRESS,
                        help="server secret for PINs (default: beside a SQLite file, else in "
                             "the user data directory; or $NIXPOS_SECRET_FILE)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print the result as JSON (for scripts)")

    parser = argparse.ArgumentParser(
        prog="nixpos-server", parents=[common],
        description="The nixpos server: owns who is signed in on which till, and every sale.",
    )
    parser.add_argument("--version", action="version", version=f"nixpos {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=help_text, description=help_text)

    command("init", "Create or migrate the database schema and the server secret.")
    command("demo", "Create the demo shop lumiere-coffee and print its PINs and enrollment codes.")

    add_tenant = command("add-tenant", "Create a shop.")
    add_tenant.add_argument("--code", required=True, help="short code, e.g. lumiere-coffee")
    add_tenant.add_argument("--name", required=True, help="display name, e.g. 'Lumière Coffee'")
    add_tenant.add_argument("--currency", default="USD", metavar="CODE",
                            help="ISO 4217 currency of its prices (default: %(default)s)")
    add_tenant.add_argument("--tax-rate", default="0", metavar="PERCENT",
                            help="tax included in prices, e.g. 10 or 7.25 (default: 0)")
    add_tenant.add_argument("--timezone", default="UTC", metavar="ZONE",
                            help="IANA time zone that decides a sale's day, e.g. "
                                 "Asia/Phnom_Penh (default: %(default)s)")

    product = command("add-product", "Add a product to a shop's menu.")
    product.add_argument("--tenant", required=True, metavar="CODE")
    product.add_argument("--name", required=True)
    product.add_argument("--price", required=True, metavar="AMOUNT",
                         help="in the shop's currency, tax included, e.g. 3.50")
    product.add_argument("--category", metavar="NAME", help="created if new, e.g. Coffee")
    product.add_argument("--sku", help="code or barcode, unique in the shop, e.g. LAT-01")

    report = command("sales-report", "Print a day's sales totals (as the back office shows).")
    report.add_argument("--tenant", required=True, metavar="CODE")
    report.add_argument("--date", type=_day, metavar="YYYY-MM-DD",
                        help="the shop's local day (default: today in its time zone)")
    report.add_argument("--csv", action="store_true",
                        help="one line per sale, as the back office's CSV download")
    report.add_argument("--flag", choices=list(FLAGS),
                        help="only sales received late (offline) or after their session ended")

    add_staff = command("add-staff", "Add a person to a shop and print their PIN.")
    add_staff.add_argument("--tenant", required=True, metavar="CODE")
    add_staff.add_argument("--name", required=True)
    add_staff.add_argument("--role", required=True, choices=["cashier", "manager", "owner"])
    add_staff.add_argument("--pin", help="choose the PIN (default: a random one)")
    add_staff.add_argument("--email", help="back-office sign-in (managers and owners)")
    add_staff.add_argument("--password", help="back-office password (with --email)")
    add_staff.add_argument("--terminals", default="all", metavar="all|NAME,NAME",
                           help="tills this person may unlock (default: all)")
    add_staff.add_argument("--terminal", action="append", metavar="NAME", default=[],
                           help="a till this person may unlock, named exactly (commas "
                                "allowed); repeat for more; adds to --terminals")

    code = command("enrollment-code",
                   "Print a one-time code (10 minutes) to enroll a till; creates the till if new.")
    code.add_argument("--tenant", required=True, metavar="CODE")
    code.add_argument("--terminal", required=True, metavar="NAME")

    policy = command("set-policy", "Change a shop's session policy.")
    policy.add_argument("--tenant", required=True, metavar="CODE")
    policy.add_argument("--idle-timeout", type=_positive, metavar="S")
    policy.add_argument("--warning", type=_positive, metavar="S")
    policy.add_argument("--poll-interval", type=_positive, metavar="S")
    policy.add_argument("--pin-length", type=_positive, metavar="N")
    policy.add_argument("--pos-single-session", choices=["on", "off"])
    policy.add_argument("--web-single-session", choices=["on", "off"])
    policy.add_argument("--ask-before-takeover", choices=["yes", "no", "on", "off"],
                        help="ask before an unlock takes a person's open sale off another "
                             "till (default: yes)")

    defaults = ServeOptions()
    serve = command("serve", "Serve the API and the back office with waitress (a production "
                             "WSGI server). Exposed beyond the shop's network, put it behind "
                             "a reverse proxy (docs/deploy.md).")
    serve.add_argument("--host", default=defaults.host,
                       help="address to listen on (default: %(default)s; 0.0.0.0 for all)")
    serve.add_argument("--port", type=int, default=defaults.port,
                       help="port to listen on (default: %(default)s)")
    serve.add_argument("--threads", type=_positive, default=defaults.threads,
                       help="requests handled at once (default: %(default)s)")
    serve.add_argument("--connection-limit", type=_positive, metavar="N",
                       default=defaults.connection_limit,
                       help="open connections at most; more wait to be accepted "
                            "(default: %(default)s)")
    serve.add_argument("--channel-timeout", type=_positive, metavar="S",
                       default=defaults.channel_timeout_s,
                       help="close a connection silent for S seconds, or whose request has "
                            "not arrived whole after S seconds (default: %(default)s)")
    serve.add_argument("--trusted-proxy", metavar="ADDR",
                       help="the reverse proxy's IP address, as the server sees it: only its "
                            "X-Forwarded-Proto and X-Forwarded-For are believed (default: "
                            "none; then back-office cookies are Secure only on direct https)")
    return parser


def _context(args: argparse.Namespace) -> ServerContext:
    config = _config(args)
    db = _open(args, config.database_url)
    if not schema.is_current(db):
        raise CliError(
            f"The database {config.database_url} is not set up or is out of date. "
            "Run `nixpos-server init` with the same --db first."
        )
    return ServerContext(db=db, pin_secret=read_secret_file(config.secret_file))


def _open(args: argparse.Namespace, url: str) -> Database:
    """The database at ``url``, closed when the command is done (``main``)."""
    db = Database(url)
    args.opened = [*getattr(args, "opened", []), db]
    return db


def _config(args: argparse.Namespace) -> ServerConfig:
    return ServerConfig.resolve(getattr(args, "db", None), getattr(args, "secret_file", None))


def cmd_init(args: argparse.Namespace) -> dict[str, Any]:
    config = _config(args)
    schema.upgrade(_open(args, config.database_url))
    created = create_secret_file(config.secret_file)
    return {"database": config.database_url, "secret_file": str(config.secret_file),
            "secret_created": created}


def cmd_demo(args: argparse.Namespace) -> dict[str, Any]:
    return demo.create_demo(_context(args))


def cmd_add_tenant(args: argparse.Namespace) -> dict[str, Any]:
    return tenants.add_tenant(_context(args), args.code, args.name,
                              currency_code=args.currency,
                              tax_rate_bp=tenants.tax_rate_from_percent(args.tax_rate),
                              timezone=args.timezone)


def cmd_add_product(args: argparse.Namespace) -> dict[str, Any]:
    ctx = _context(args)
    fields = ProductFields(name=args.name, price=catalog.parse_price(ctx, args.tenant, args.price),
                           category=args.category, sku=args.sku)
    money = catalog.shop_currency(ctx, args.tenant)
    return catalog.add_product(ctx, args.tenant, fields) | {"currency": money.to_json()}


def cmd_sales_report(args: argparse.Namespace) -> dict[str, Any]:
    ctx = _context(args)
    report = reports.day_report(ctx, args.tenant, args.date, args.flag)
    if args.csv:
        report["csv"] = reports.day_csv(ctx, args.tenant, args.date, args.flag)
    return report


def till_names(terminals: str, exact: list[str]) -> list[str] | None:
    """``--terminals all|NAME,NAME`` plus ``--terminal NAME``…: the names, or None for all."""
    listed = [] if terminals.strip().lower() == "all" else terminals.split(",")
    names = [name.strip() for name in [*listed, *exact] if name.strip()]
    if not names and terminals.strip().lower() != "all":
        raise CliError("--terminals needs till names, e.g. --terminals \"Till 1,Till 2\", or all.")
    return names or None


def cmd_add_staff(args: argparse.Namespace) -> dict[str, Any]:
    return staff.add_staff(
        _context(args), args.tenant, args.name, args.role, pin=args.pin, email=args.email,
        password=args.password, terminals=till_names(args.terminals, args.terminal),
    )


def cmd_enrollment_code(args: argparse.Namespace) -> dict[str, Any]:
    return terminals.issue_enrollment_code(_context(args), args.tenant, args.terminal)


def cmd_set_policy(args: argparse.Namespace) -> dict[str, Any]:
    def switch(value: str | None) -> bool | None:
        return None if value is None else value in ("on", "yes")

    return tenants.set_policy(
        _context(args), args.tenant, idle_timeout_s=args.idle_timeout, warning_s=args.warning,
        poll_interval_s=args.poll_interval, pin_length=args.pin_length,
        pos_single_session=switch(args.pos_single_session),
        web_single_session=switch(args.web_single_session),
        ask_before_takeover=switch(args.ask_before_takeover),
    )


def serve_options(args: argparse.Namespace) -> ServeOptions:
    return ServeOptions(host=args.host, port=args.port, threads=args.threads,
                        connection_limit=args.connection_limit,
                        channel_timeout_s=args.channel_timeout, trusted_proxy=args.trusted_proxy)


def cmd_serve(args: argparse.Namespace) -> dict[str, Any]:
    from nixpos.server import logs, serving
    from nixpos.server.app import create_app
    from nixpos.server.sweeper import IdleSweeper

    log_file = logs.configure()
    ctx = _context(args)
    app = create_app(database=ctx.db, pin_secret=ctx.pin_secret)
    sweeper = IdleSweeper(app.extensions["nixpos"])
    sweeper.start()
    log.info("nixpos %s serving on http://%s:%d (log: %s)", __version__, args.host, args.port,
             log_file)
    try:
        serving.serve(app, serve_options(args))
    finally:
        sweeper.stop()
    return {}


COMMANDS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "add-tenant": cmd_add_tenant,
    "add-product": cmd_add_product,
    "sales-report": cmd_sales_report,
    "add-staff": cmd_add_staff,
    "enrollment-code": cmd_enrollment_code,
    "set-policy": cmd_set_policy,
    "serve": cmd_serve,
}


def render(command: str, result: dict[str, Any]) -> str:
    """What a person reads after a command."""
    if command == "init":
        secret = "created" if result["secret_created"] else "kept"
        return (f"Database ready: {result['database']}\n"
                f"Server secret {secret}: {result['secret_file']} (back it up with the database)")
    if command == "demo":
        lines = [f"Demo shop {result['tenant']['name']} ({result['tenant']['code']})", "",
                 "People (PINs are shown only now):"]
        for person in result["staff"]:
            login = f"  back office: {person['email']} / {person['password']}" if person[
                "email"] else ""
            lines.append(f"  {person['name']:<12} {person['role']:<8} PIN {person['pin']}{login}")
        lines += ["", "Enrollment codes (valid 10 minutes):"]
        lines += [f"  {c['terminal']}: {c['code']}" for c in result["enrollment_codes"]]
        menu = result["menu"]
        lines += ["", f"Menu: {menu['products']} products in {menu['categories']} categories "
                      f"({menu['currency']}, {menu['tax_rate_bp'] / 100:g} % tax included, "
                      f"{menu['timezone']})"]
        return "\n".join(lines)
    if command == "add-staff":
        return f"Added {result['name']} ({result['role']}). PIN: {result['pin']} (shown only now)"
    if command == "add-tenant":
        return (f"Created shop {result['name']} ({result['code']}): {result['currency']}, "
                f"{result['tax_rate_bp'] / 100:g} % tax included, {result['timezone']}.")
    if command == "add-product":
        price = format_money(result["price"], result["currency"]["code"],
                             result["currency"]["exponent"])
        return (f"Added {result['name']} ({result['sku'] or 'no SKU'}) at {price}"
                f"{' in ' + result['category'] if result['category'] else ''}.")
    if command == "sales-report":
        return result["csv"].rstrip("\r\n") if "csv" in result else report_text(result)
    if command == "enrollment-code":
        created = " (new till)" if result["created"] else ""
        return (f"Enrollment code for {result['terminal']['name']}{created}: {result['code']}\n"
                f"Valid until {result['expires_at']} (10 minutes), once.")
    if command == "set-policy":
        return "Policy now: " + ", ".join(f"{k}={v}" for k, v in result.items())
    return ""


def report_text(report: dict[str, Any]) -> str:
    """A sales report for a person: the totals, by method, by person and by till."""
    money = report["currency"]

    def amount(minor: int) -> str:
        return format_money(minor, money["code"], money["exponent"])

    def summary(totals: dict[str, Any]) -> str:
        return (f"{totals['count']} sales, gross {amount(totals['gross'])}, discounts "
                f"{amount(totals['discounts'])}, refunds {amount(totals['refunds'])}, "
                f"net {amount(totals['net'])}")

    days = report["from"] if report["from"] == report["to"] else \
        f"{report['from']} to {report['to']}"
    totals = report["totals"]
    lines = [f"Sales on {days} ({report['timezone']})", f"  {summary(totals)}"]
    if totals["by_method"]:
        lines.append("  by method: " + ", ".join(
            f"{method} {amount(value)}" for method, value in totals["by_method"].items()))
    lines += [f"  {row['staff']['name']}: {summary(row)}" for row in report["by_staff"]]
    lines += [f"  {row['terminal']['name']}: {summary(row)}" for row in report["by_terminal"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result = COMMANDS[args.command](args)
    except (NixposError, CliError, SecretFileError, DatabaseUrlError) as exc:
        print(f"nixpos-server {args.command}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # database unreachable, disk full…: one line, not a traceback
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            print(f"nixpos-server {args.command}: cannot use the database: {exc.orig}",
                  file=sys.stderr)
            return 2
        raise
    finally:
        for db in getattr(args, "opened", []):
            db.dispose()
    if getattr(args, "json", False):
        print(json.dumps(result, indent=2, ensure_ascii=False))
    elif text := render(args.command, result):
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

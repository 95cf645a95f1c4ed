"""Shops (tenants): their policy and their money settings (currency, tax, time zone)."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from nixpos.core.money import DEFAULT_CURRENCY, AmountError, currency, parse_amount
from nixpos.core.policy import Policy
from nixpos.server.db import EVERYTHING, mark_changed
from nixpos.server.errors import Conflict, InvalidRequest, NotFound
from nixpos.server.models import Sale, SaleCounter, Staff, Tenant
from nixpos.server.services import audit
from nixpos.server.services.context import ServerContext
from nixpos.server.services.represent import Json, tenant_json, tenant_policy_json

TENANT_CODE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
MAX_TAX_RATE_BP = 10_000  # 100 %


def validated_name(value: str, what: str, max_length: int) -> str:
    name = " ".join(value.split())
    if not name:
        raise InvalidRequest(f"{what} cannot be empty.")
    if len(name) > max_length:
        raise InvalidRequest(f"{what} can be at most {max_length} characters.")
    return name


def catalog_changed(s: Session, tenant: Tenant) -> None:
    """A new catalog version: its ETag changes, and so does every poll's answer (which
    carries it), so tills fetch the catalog again within one poll."""
    tenant.catalog_version += 1
    mark_changed(s, EVERYTHING)


def get_tenant(s: Session, code: str) -> Tenant:
    tenant = s.scalar(select(Tenant).where(Tenant.code == code))
    if tenant is None:
        raise NotFound(f"No shop with code {code!r}. Create it with `nixpos-server add-tenant`.")
    return tenant


def checked_currency(code: str) -> str:
    """An ISO 4217 code (``usd`` → ``USD``); anything else is refused, saying why."""
    try:
        return currency(code).code
    except AmountError as exc:
        raise InvalidRequest(str(exc)) from None


def tax_rate_from_percent(percent: str) -> int:
    """``"10"`` → 1000 basis points, ``"7.25"`` → 725; exact, never rounded."""
    try:
        rate = parse_amount(percent, 2)  # hundredths of a percent are basis points
    except AmountError:
        raise InvalidRequest(f"{percent.strip()!r} is not a tax rate: write a percent with "
                             "at most 2 decimals, such as 10 or 7.25.") from None
    return checked_tax_rate(rate)


def checked_tax_rate(rate_bp: int) -> int:
    if not 0 <= rate_bp <= MAX_TAX_RATE_BP:
        raise InvalidRequest("The tax rate is a percent from 0 to 100.")
    return rate_bp


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def checked_timezone(name: str) -> str:
    """An IANA time zone name such as Asia/Phnom_Penh (what "today" means in reports)."""
    if name != "UTC" and name not in _zones():
        raise InvalidRequest(f"{name!r} is not an IANA time zone; write it like "
                             "Asia/Phnom_Penh, Europe/Paris or UTC.")
    return name


def add_tenant(ctx: ServerContext, code: str, name: str, *, currency_code: str = DEFAULT_CURRENCY,
               tax_rate_bp: int = 0, timezone: str = "UTC") -> Json:
    if not TENANT_CODE.match(code):
        raise InvalidRequest(
            "A shop code is lower-case letters, digits and dashes (e.g. lumiere-coffee)."
        )
    name = validated_name(name, "Shop name", 200)
    money = checked_currency(currency_code), checked_tax_rate(tax_rate_bp), \
        checked_timezone(timezone)
    with ctx.db.write() as s:
        if s.scalar(select(Tenant).where(Tenant.code == code)) is not None:
            raise Conflict(f"A shop with code {code!r} already exists.")
        tenant = Tenant(code=code, name=name, created_at=ctx.now(), currency=money[0],
                        tax_rate_bp=money[1], timezone=money[2])
        s.add(tenant)
        s.flush()
        s.add(SaleCounter(tenant_id=tenant.id, last_number=0))
        return tenant_json(tenant) | money_json(tenant)


def money_json(tenant: Tenant) -> Json:
    return {"currency": tenant.currency, "tax_rate_bp": tenant.tax_rate_bp,
            "timezone": tenant.timezone}


def set_money(ctx: ServerContext, code: str, *, currency_code: str | None = None,
              tax_rate_bp: int | None = None, timezone: str | None = None,
              actor: Staff | None = None) -> Json:
    """Change the shop's currency, tax rate or time zone; tills see it in their catalog.

    The currency cannot change once the shop has sales: their amounts are in its
    minor units.
    """
    with ctx.db.write() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.code == code).with_for_update(key_share=True))
        if tenant is None:
            raise NotFound(f"No shop with code {code!r}. Create it with "
                           "`nixpos-server add-tenant`.")
        before = money_json(tenant)
        if currency_code is not None:
            new_currency = checked_currency(currency_code)
            if new_currency != tenant.currency and s.scalar(
                    select(Sale.id).where(Sale.tenant_id == tenant.id).limit(1)) is not None:
                raise InvalidRequest(f"The shop has sales in {tenant.currency}; its currency "
                                     "cannot change any more.")
            tenant.currency = new_currency
        if tax_rate_bp is not None:
            tenant.tax_rate_bp = checked_tax_rate(tax_rate_bp)
        if timezone is not None:
            tenant.timezone = checked_timezone(timezone)
        after = money_json(tenant)
        if after != before:
            catalog_changed(s, tenant)
            audit.record(s, tenant_id=tenant.id, at=ctx.now(),
                         kind=audit.AuditKind.MONEY_SETTINGS_CHANGED, actor=actor, **after)
        return tenant_json(tenant) | after


def set_policy(
    ctx: ServerContext,
    code: str,
    *,
    idle_timeout_s: int | None = None,
    warning_s: int | None = None,
    poll_interval_s: int | None = None,
    pin_length: int | None = None,
    pos_single_session: bool | None = None,
    web_single_session: bool | None = None,
    ask_before_takeover: bool | None = None,
    actor: Staff | None = None,
) -> Json:
    with ctx.db.write() as s:
        tenant = get_tenant(s, code)
        current = tenant.policy
        policy = Policy(
            idle_timeout_s=current.idle_timeout_s if idle_timeout_s is None else idle_timeout_s,
            warning_s=current.warning_s if warning_s is None else warning_s,
            poll_interval_s=current.poll_interval_s if poll_interval_s is None else poll_interval_s,
            pin_length=current.pin_length if pin_length is None else pin_length,
        )
        if problems := policy.problems():
            raise InvalidRequest(" ".join(problems))
        if policy.pin_length != current.pin_length and _has_staff(s, tenant):
            raise InvalidRequest(
                "The PIN length cannot change while the shop has staff: their PINs "
                "would stop working. Set it before adding staff."
            )
        mark_changed(s, EVERYTHING)  # every till's poll answer carries the policy
        tenant.idle_timeout_s = policy.idle_timeout_s
        tenant.warning_s = policy.warning_s
        tenant.poll_interval_s = policy.poll_interval_s
        tenant.pin_length = policy.pin_length
        if pos_single_session is not None:
            tenant.pos_single_session = pos_single_session
        if web_single_session is not None:
            tenant.web_single_session = web_single_session
        if ask_before_takeover is not None:
            tenant.ask_before_takeover = ask_before_takeover
        result: dict[str, object] = {**tenant_policy_json(tenant),
            "pos_single_session": tenant.pos_single_session,
            "web_single_session": tenant.web_single_session,
        }
        audit.record(
            s, tenant_id=tenant.id, at=ctx.now(), kind=audit.AuditKind.POLICY_CHANGED,
            actor=actor, policy=result,
        )
        return result


def _has_staff(s: Session, tenant: Tenant) -> bool:
    return s.scalar(select(Staff.id).where(Staff.tenant_id == tenant.id).limit(1)) is not None

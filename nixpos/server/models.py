"""The server's tables (SQLAlchemy 2 declarative), shared by SQLite and PostgreSQL.

Times are stored as naive UTC and handed back timezone-aware (``UTCDateTime``),
because SQLite keeps no zone. Secrets are never stored: tokens, terminal keys
and enrollment codes only as SHA-256, PINs only as a keyed HMAC index.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from nixpos.core.money import DEFAULT_CURRENCY
from nixpos.core.pins import DEFAULT_PIN_LENGTH
from nixpos.core.policy import (
    DEFAULT_IDLE_TIMEOUT_S,
    DEFAULT_POLL_INTERVAL_S,
    DEFAULT_WARNING_S,
    Policy,
)

# Ids arrive from URLs; anything past a signed 32-bit integer (PostgreSQL's
# INTEGER) cannot name a row, and the database would fail on it rather than
# find nothing.
MAX_ID = 2**31 - 1


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    idle_timeout_s: Mapped[int] = mapped_column(Integer, default=DEFAULT_IDLE_TIMEOUT_S)
    warning_s: Mapped[int] = mapped_column(Integer, default=DEFAULT_WARNING_S)
    poll_interval_s: Mapped[int] = mapped_column(Integer, default=DEFAULT_POLL_INTERVAL_S)
    pin_length: Mapped[int] = mapped_column(Integer, default=DEFAULT_PIN_LENGTH)
    pos_single_session: Mapped[bool] = mapped_column(Boolean, default=True)
    web_single_session: Mapped[bool] = mapped_column(Boolean, default=False)
    # SPEC §7.3: an unlock asks before taking a person's open sale off another till.
    ask_before_takeover: Mapped[bool] = mapped_column(Boolean, default=True,
                                                      server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Money (SPEC §6): ISO 4217 code, tax inside prices in basis points, and the IANA
    # zone that decides which day a sale belongs to in reports.
    currency: Mapped[str] = mapped_column(String(3), default=DEFAULT_CURRENCY,
                                          server_default=DEFAULT_CURRENCY)
    tax_rate_bp: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # Goes up with every change a till's catalog shows (its ETag).
    catalog_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @property
    def policy(self) -> Policy:
        return Policy(
            idle_timeout_s=self.idle_timeout_s,
            warning_s=self.warning_s,
            poll_interval_s=self.poll_interval_s,
            pin_length=self.pin_length,
        )


staff_terminals = Table(
    "staff_terminals",
    Base.metadata,
    Column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    Column("terminal_id", ForeignKey("terminals.id", ondelete="CASCADE"), primary_key=True),
)


class Staff(Base):
    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("tenant_id", "pin_index", name="uq_staff_tenant_pin"),
        UniqueConstraint("email", name="uq_staff_email"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    pin_index: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(256), nullable=True)
    all_terminals: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    tenant: Mapped[Tenant] = relationship()
    terminals: Mapped[list[Terminal]] = relationship(secondary=staff_terminals)

    def may_use(self, terminal: Terminal) -> bool:
        return self.all_terminals or any(t.id == terminal.id for t in self.terminals)


class Terminal(Base):
    __tablename__ = "terminals"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_terminal_tenant_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    device_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    os: Mapped[str | None] = mapped_column(String(200), nullable=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    tenant: Mapped[Tenant] = relationship()


class EnrollmentCode(Base):
    __tablename__ = "enrollment_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    terminal: Mapped[Terminal] = relationship()


class PosSession(Base):
    __tablename__ = "pos_sessions"
    __table_args__ = (
        # The database itself refuses a second live session on one till (rule 3).
        Index(
            "uq_pos_sessions_live_terminal",
            "terminal_id",
            unique=True,
            sqlite_where=Column("ended_at").is_(None),
            postgresql_where=Column("ended_at").is_(None),
        ),
        Index("ix_pos_sessions_staff_live", "staff_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    ended_on_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id"), nullable=True)
    # The cart this session's end parked (SPEC §7.2), as the kicked till is told it: kept on
    # the session so the answer stays the same after the cart is resumed, sold or discarded.
    parked_client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    parked_items: Mapped[int | None] = mapped_column(Integer, nullable=True)
    parked_total: Mapped[int | None] = mapped_column(Integer, nullable=True)

    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])
    terminal: Mapped[Terminal] = relationship(foreign_keys=[terminal_id])
    ended_by: Mapped[Staff | None] = relationship(foreign_keys=[ended_by_id])
    ended_on: Mapped[Terminal | None] = relationship(foreign_keys=[ended_on_id])

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class WebSession(Base):
    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_name: Mapped[str] = mapped_column(String(200))
    os: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(32), nullable=True)

    staff: Mapped[Staff] = relationship()


class Approval(Base):
    """A manager's single-use approval of one cashier action, valid for a minute."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("pos_sessions.id"))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # When a sale or refund spent it: from then on nothing else can.
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    approved_by: Mapped[Staff] = relationship()
    session: Mapped[PosSession] = relationship()


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_tenant_at", "tenant_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id"), nullable=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)

    actor: Mapped[Staff | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[Staff | None] = relationship(foreign_keys=[subject_id])
    terminal: Mapped[Terminal | None] = relationship()


# -- selling (SPEC §6) ------------------------------------------------------------------


class SaleCounter(Base):
    """The last sale number of a shop: taken under a row lock in the sale's own
    transaction, so numbers run 1, 2, 3… with no gap and no repeat."""

    __tablename__ = "sale_counters"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_category_tenant_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        # SKUs are unique per shop whatever their case: a scanner's code finds one product.
        Index("uq_products_tenant_sku", "tenant_id", text("lower(sku)"), unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    sku: Mapped[str | None] = mapped_column(String(64), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), nullable=True)
    price: Mapped[int] = mapped_column(Integer)  # minor units, tax included
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    category: Mapped[Category | None] = relationship()

    @property
    def sellable(self) -> bool:
        return self.active and (self.category is None or self.category.active)


class Sale(Base):
    """A paid sale as the server recomputed it; amounts in minor units."""

    __tablename__ = "sales"
    __table_args__ = (
        UniqueConstraint("tenant_id", "client_id", name="uq_sales_tenant_client_id"),
        UniqueConstraint("tenant_id", "number", name="uq_sales_tenant_number"),
        Index("ix_sales_terminal_newest", "terminal_id", "id"),  # the till's recent sales
        Index("ix_sales_tenant_completed", "tenant_id", "completed_at"),  # reports by day
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    number: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[str] = mapped_column(String(64))
    body_digest: Mapped[str] = mapped_column(String(64))  # tells a retry from a new body
    session_id: Mapped[int] = mapped_column(ForeignKey("pos_sessions.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id"))
    gross: Mapped[int] = mapped_column(Integer)
    subtotal: Mapped[int] = mapped_column(Integer)
    discount_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    discount_value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    discount_amount: Mapped[int] = mapped_column(Integer, default=0)
    discount_approval_id: Mapped[int | None] = mapped_column(ForeignKey("approvals.id"),
                                                             nullable=True)
    discount_total: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    tax_included: Mapped[int] = mapped_column(Integer)
    change: Mapped[int] = mapped_column(Integer, default=0)
    refunded: Mapped[int] = mapped_column(Integer, default=0)
    after_session_end: Mapped[bool] = mapped_column(Boolean, default=False)
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)

    lines: Mapped[list[SaleLine]] = relationship(order_by="SaleLine.position")


class SaleLine(Base):
    __tablename__ = "sale_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    name: Mapped[str] = mapped_column(String(200))  # as sold
    sku: Mapped[str | None] = mapped_column(String(64), nullable=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)  # as sold
    discount_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    discount_value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    discount_amount: Mapped[int] = mapped_column(Integer, default=0)
    discount_approval_id: Mapped[int | None] = mapped_column(ForeignKey("approvals.id"),
                                                             nullable=True)
    total: Mapped[int] = mapped_column(Integer)
    # The total less this line's share of the sale discount: what refunds return.
    net: Mapped[int] = mapped_column(Integer)
    refunded_quantity: Mapped[int] = mapped_column(Integer, default=0)
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)


class SaleVoid(Base):
    """Units rung up and taken off again before payment."""

    __tablename__ = "sale_voids"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approvals.id"), nullable=True)


class SalePayment(Base):
    __tablename__ = "sale_payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer)
    tendered: Mapped[int | None] = mapped_column(Integer, nullable=True)
    change: Mapped[int] = mapped_column(Integer, default=0)


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (
        UniqueConstraint("tenant_id", "client_id", name="uq_refunds_tenant_client_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    body_digest: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[int] = mapped_column(ForeignKey("pos_sessions.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id"))
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approvals.id"), nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    method: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RefundLine(Base):
    __tablename__ = "refund_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), index=True)
    sale_line_id: Mapped[int] = mapped_column(ForeignKey("sale_lines.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)


# -- the open sale follows the person (SPEC §7) -------------------------------------------


class CartState(enum.StrEnum):
    LIVE = "live"  # a live session's open sale
    PARKED = "parked"  # its session ended; waits under the person for resume or discard
    SOLD = "sold"  # a sale with its client_id was recorded
    DISCARDED = "discarded"


class Cart(Base):
    """An open sale the server holds for its person: live on a session, or parked.

    Sold and discarded carts stay as rows (without being offered) so a late resume or
    discard is told ``cart_taken`` rather than "unknown".
    """

    __tablename__ = "carts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "client_id", name="uq_carts_tenant_client_id"),
        Index("ix_carts_session_state", "session_id", "state"),  # a session's live cart
        Index("ix_carts_staff_state", "staff_id", "state"),  # a person's parked carts
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    # The session it is live on, or whose end parked it.
    session_id: Mapped[int] = mapped_column(ForeignKey("pos_sessions.id"))
    # The till it is live on, or was parked on.
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id"))
    state: Mapped[str] = mapped_column(String(16))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # the till's cart body as checked
    items: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    parked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(32), nullable=True)

    terminal: Mapped[Terminal] = relationship()
    staff: Mapped[Staff] = relationship()

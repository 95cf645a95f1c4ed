"""What every service needs: the database, the clock, the PIN secret and the throttles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from nixpos.core.clock import Clock, SystemClock
from nixpos.server.db import Database
from nixpos.server.errors import TenantMismatch
from nixpos.server.models import Tenant
from nixpos.server.security import pin_index
from nixpos.server.services.poll_cache import PollCache
from nixpos.server.services.throttle import Throttle


@dataclass
class ServerContext:
    db: Database
    pin_secret: bytes
    clock: Clock = field(default_factory=SystemClock)
    poll_cache: PollCache = field(default_factory=PollCache)
    signin_throttle: Throttle = field(default_factory=Throttle)
    enrollment_throttle: Throttle = field(default_factory=Throttle)

    def __post_init__(self) -> None:
        self.db.commit_listeners.append(self.poll_cache.invalidate)

    def now(self) -> datetime:
        return self.clock.now()

    def pin_index(self, tenant_id: int, pin: str) -> str:
        return pin_index(self.pin_secret, tenant_id, pin)


def check_tenant(tenant: Tenant, tenant_header: str | None) -> None:
    """SPEC rule 12: a request naming a shop must name the key's or token's own shop."""
    if tenant_header is not None and tenant_header != tenant.code:
        raise TenantMismatch()

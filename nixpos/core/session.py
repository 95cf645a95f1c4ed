"""The till's session as an explicit state machine (SPEC rules 5–8).

    LOCKED ──begin_unlock──► UNLOCKING ──unlocked──► ACTIVE ⇄ WARNING
      ▲                         │                       │        │
      └──────── unlock_failed ──┘                       └──lock──┘ (with a reason)

Time comes from an injected ``Ticker`` (CLOCK_BOOTTIME in production), so
the idle timer is exact in tests without sleeping. The machine never talks
to the network: ``core.till_state`` feeds it what the server said
(``apply_server``) and asks it whether the next poll must carry activity
(``take_activity``). Misuse — a transition from the wrong state — raises
``SessionStateError``. Observers registered with ``subscribe`` hear every
change of phase.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Callable

from nixpos.core.answers import Person, ServerSession, SessionEnd
from nixpos.core.policy import Policy
from nixpos.core.reasons import EndReason
from nixpos.core.ticker import Ticker


class Phase(enum.Enum):
    LOCKED = "locked"
    UNLOCKING = "unlocking"
    ACTIVE = "active"
    WARNING = "warning"


class SessionStateError(RuntimeError):
    """A transition was asked for from a state that does not allow it."""


class TillSession:
    def __init__(self, policy: Policy, ticker: Ticker) -> None:
        self.policy = policy
        self._ticker = ticker
        self.phase = Phase.LOCKED
        self.token: str | None = None  # in memory only (SPEC rule 13)
        self.session_id: int | None = None
        self.person: Person | None = None
        self.override = False
        self.last_end: SessionEnd | None = None
        self.banner: SessionEnd | None = None
        self._last_activity = ticker.seconds()
        self._activity_pending = False
        self._listeners: list[Callable[[Phase], None]] = []

    # -- observing -----------------------------------------------------------

    def subscribe(self, listener: Callable[[Phase], None]) -> None:
        self._listeners.append(listener)

    def _enter(self, phase: Phase) -> None:
        changed = phase is not self.phase
        self.phase = phase
        if changed:
            for listener in self._listeners:
                listener(phase)

    def _require(self, *allowed: Phase) -> None:
        if self.phase not in allowed:
            wanted = " or ".join(p.value for p in allowed)
            raise SessionStateError(f"session is {self.phase.value}, not {wanted}")

    @property
    def is_live(self) -> bool:
        return self.phase in (Phase.ACTIVE, Phase.WARNING)

    # -- unlocking -----------------------------------------------------------

    def begin_unlock(self) -> None:
        self._require(Phase.LOCKED)
        self._enter(Phase.UNLOCKING)

    def unlock_failed(self) -> None:
        self._require(Phase.UNLOCKING)
        self._enter(Phase.LOCKED)

    def unlocked(self, token: str, session: ServerSession) -> None:
        """The server's unlock answer: a fresh session starts and any banner is cleared."""
        self._require(Phase.UNLOCKING)
        self.token = token
        self.session_id = session.id
        self.person = session.person
        self.override = session.override
        self.banner = None
        self._last_activity = self._ticker.seconds()
        self._activity_pending = False
        self._enter(Phase.ACTIVE)

    # -- activity and time ---------------------------------------------------

    def activity(self) -> None:
        """Any touch, click or key press: the idle timer starts over."""
        if not self.is_live:
            return
        self._last_activity = self._ticker.seconds()
        self._activity_pending = True
        self._enter(Phase.ACTIVE)

    def take_activity(self) -> bool:
        """Whether the next poll must be the activity call; resets the flag."""
        pending, self._activity_pending = self._activity_pending, False
        return pending

    def restore_activity(self) -> None:
        """The activity call did not get through: carry it to the next poll."""
        if self.is_live:
            self._activity_pending = True

    def remaining_s(self) -> float:
        """Seconds until the idle lock (0 when locked)."""
        if not self.is_live:
            return 0.0
        idle = self._ticker.seconds() - self._last_activity
        return max(0.0, self.policy.idle_timeout_s - idle)

    def countdown_s(self) -> int:
        """What the warning shows: whole seconds, rounded up."""
        return math.ceil(self.remaining_s())

    def tick(self) -> None:
        """Let time act: warn when ``warning_s`` or less remain, lock at zero."""
        if not self.is_live:
            return
        remaining = self.remaining_s()
        if remaining <= 0:
            self.lock(SessionEnd(EndReason.IDLE_TIMEOUT, staff=self._person_name()))
        elif remaining <= self.policy.warning_s:
            self._enter(Phase.WARNING)

    # -- ending --------------------------------------------------------------

    def lock(self, end: SessionEnd) -> None:
        """End the session locally; every reason but a manual lock raises the banner.

        An idle end remembers the timeout that ran out, so the banner names it
        even after the policy changes.
        """
        if self.phase is Phase.LOCKED:
            return
        if end.reason is EndReason.IDLE_TIMEOUT and end.idle_timeout_s is None:
            end = dataclasses.replace(end, idle_timeout_s=self.policy.idle_timeout_s)
        self.token = None
        self.session_id = None
        self.person = None
        self.override = False
        self._activity_pending = False
        self.last_end = end
        if end.reason is not EndReason.LOGOUT:
            self.banner = end
        self._enter(Phase.LOCKED)

    def apply_server(self, session: ServerSession) -> None:
        """What a poll (or activity call) said: an ended session locks the till."""
        if not self.is_live or session.id != self.session_id:
            return
        if session.end is not None:
            self.lock(session.end)

    def dismiss_banner(self) -> None:
        self.banner = None

    def _person_name(self) -> str | None:
        return self.person.name if self.person else None

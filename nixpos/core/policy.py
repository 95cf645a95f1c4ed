"""A shop's session policy (SPEC §3 ``Policy``) with its defaults and limits."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from nixpos.core.pins import DEFAULT_PIN_LENGTH, MAX_PIN_LENGTH, MIN_PIN_LENGTH

DEFAULT_IDLE_TIMEOUT_S = 900
DEFAULT_WARNING_S = 60
DEFAULT_POLL_INTERVAL_S = 3


@dataclass(frozen=True)
class Policy:
    idle_timeout_s: int = DEFAULT_IDLE_TIMEOUT_S
    warning_s: int = DEFAULT_WARNING_S
    poll_interval_s: int = DEFAULT_POLL_INTERVAL_S
    pin_length: int = DEFAULT_PIN_LENGTH

    def to_json(self) -> dict[str, int]:
        return asdict(self)

    def problems(self) -> list[str]:
        """What is wrong with this policy, in words for the person who set it."""
        found = []
        for name in ("idle_timeout_s", "warning_s", "poll_interval_s"):
            if getattr(self, name) < 1:
                found.append(f"{name} must be a whole number of seconds, 1 or more.")
        if self.warning_s > self.idle_timeout_s:
            found.append("warning_s cannot be longer than idle_timeout_s.")
        if not MIN_PIN_LENGTH <= self.pin_length <= MAX_PIN_LENGTH:
            found.append(f"pin_length must be between {MIN_PIN_LENGTH} and {MAX_PIN_LENGTH}.")
        return found

"""Recent status-poll answers, kept until their session changes (see ``services.poll``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from nixpos.server.db import EVERYTHING
from nixpos.server.services.represent import Json

MAX_ANSWERS = 50_000


@dataclass(frozen=True)
class PollAnswer:
    body: Json
    key_hash: str
    tenant_code: str
    till_active: bool
    live_until: datetime | None  # the idle deadline while live; None once ended
    last_seen: datetime | None


class PollCache:
    """Answers by token hash, dropped when their session changes or after ``max_age_s``."""

    def __init__(self, max_age_s: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._max_age_s = max_age_s
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[PollAnswer, float]] = {}
        self.generation = 0

    def get(self, token_hash: str) -> PollAnswer | None:
        found = self._answers.get(token_hash)
        if found is None or self._monotonic() - found[1] >= self._max_age_s:
            return None
        return found[0]

    def put(self, token_hash: str, answer: PollAnswer, generation: int) -> None:
        """Keep ``answer`` unless something changed since ``generation`` was read."""
        with self._lock:
            if generation != self.generation:
                return
            if len(self._answers) >= MAX_ANSWERS:
                self._answers.clear()  # none is older than max_age_s anyway
            self._answers[token_hash] = (answer, self._monotonic())

    def invalidate(self, token_hashes: set[str]) -> None:
        with self._lock:
            self.generation += 1
            if EVERYTHING in token_hashes:
                self._answers.clear()
            for token_hash in token_hashes:
                self._answers.pop(token_hash, None)

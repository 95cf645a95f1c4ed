"""A background thread that ends idle sessions even when no till asks (SPEC rule 6)."""

from __future__ import annotations

import logging
import threading

from nixpos.server.services.context import ServerContext
from nixpos.server.services.pos import sweep_expired

log = logging.getLogger("nixpos.server.sweeper")


class IdleSweeper:
    def __init__(self, ctx: ServerContext, interval_s: float = 15.0) -> None:
        self._ctx = ctx
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="idle-sweeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                if ended := sweep_expired(self._ctx):
                    log.info("ended %d idle session(s)", ended)
            except Exception:  # keep sweeping; a locked database now is fine later
                log.exception("idle sweep failed")

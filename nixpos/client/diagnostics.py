"""How long the till took to start and how much memory it used: for IT's log and the benchmarks.

Process diagnostics, not session rules: they read ``/proc`` and ``resource``.
"""

from __future__ import annotations

import os
import sys
import time


def process_age_s() -> float | None:
    """Seconds since this process started (Linux; None elsewhere), a frozen
    program's bootloader included: what a person waited since launching it."""
    try:
        with open(f"/proc/{os.getpid()}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22, in clock ticks
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def peak_rss_mb() -> float | None:
    """This process's peak resident memory so far (Unix; None elsewhere)."""
    try:
        import resource
    except ImportError:
        return None
    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 1024 / 1024


def startup_report() -> str:
    """``after 391 ms, peak memory 63.4 MB`` (what is known on this OS)."""
    age, rss = process_age_s(), peak_rss_mb()
    parts = [f"after {age * 1000:.0f} ms" if age is not None else "",
             f"peak memory {rss:.1f} MB" if rss is not None else ""]
    return ", ".join(p for p in parts if p)

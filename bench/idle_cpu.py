"""SPEC §5: a till with a live session uses under 1 % of one core while idle.

The server runs in its own process (``nixpos-server serve``); this process is
one real till (offscreen unless a DISPLAY is set) with a cashier signed in,
polling every ``poll_interval_s`` and ticking its idle timer. Nobody touches
it for ``--seconds``; its CPU time over that wall time is the answer.

    .venv/bin/python -m bench.idle_cpu [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from bench.floor import Floor, on_floor, unlock


async def measure(floor: Floor, seconds: float) -> tuple[float, float, int]:
    till = floor.till("Till 1")
    till.window.show()
    till.controller.start()
    await unlock(till, floor.pins["Mealea Sok"])
    await asyncio.sleep(1.0)  # let the first poll and paints pass
    polls_before = till.state.polls
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.sleep(seconds)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    polls = till.state.polls - polls_before
    if not till.session.is_live:
        raise RuntimeError("the session ended while idle: the measurement is void")
    await till.close()
    return cpu, wall, polls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    cpu, wall, polls = on_floor(lambda floor: measure(floor, args.seconds), in_process=False)
    share = 100 * cpu / wall
    print(f"idle till with a live session: {cpu * 1000:.0f} ms CPU in {wall:.1f} s "
          f"({polls} polls) = {share:.2f} % of one core (target < 1 %) "
          f"{'OK' if share < 1 else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

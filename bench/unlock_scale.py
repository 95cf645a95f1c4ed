"""SPEC §5: unlock server time with 10,000 staff vs 5 (target ≤ 1.2×, p95 < 25 ms).

Runs the real Flask app in-process (no network, so only server time is
measured), alternating the two shops request by request so machine noise
hits both alike, and prints the ratio measured in this run.

    .venv/bin/python -m bench.unlock_scale [--requests 400]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.shopfloor import BenchShop, build


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def unlock_ms(shop: BenchShop, pin: str) -> float:
    client = shop.app.test_client()
    started = time.perf_counter()
    response = client.post("/api/v1/pos/unlock", json={"pin": pin},
                           headers={"X-Terminal-Key": shop.key})
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.json
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        shops = {5: build(Path(tmp) / "small", 5), 10_000: build(Path(tmp) / "large", 10_000)}
        times: dict[int, list[float]] = {5: [], 10_000: []}
        for n in range(args.requests + 20):
            for size, shop in shops.items():
                elapsed = unlock_ms(shop, shop.pins[n % len(shop.pins)])
                if n >= 20:  # warm-up
                    times[size].append(elapsed)
        for size in shops:
            samples = times[size]
            print(f"{size:>6} staff: p50 {statistics.median(samples):6.2f} ms  "
                  f"p95 {percentile(samples, 0.95):6.2f} ms  ({len(samples)} unlocks)")
        ratio = statistics.median(times[10_000]) / statistics.median(times[5])
        p95 = percentile(times[10_000], 0.95)
        print(f"ratio 10,000 / 5 staff (p50): {ratio:.2f}x  (target <= 1.2x) "
              f"{'OK' if ratio <= 1.2 else 'MISS'}")
        print(f"p95 with 10,000 staff: {p95:.2f} ms (target < 25 ms) "
              f"{'OK' if p95 < 25 else 'MISS'}")


if __name__ == "__main__":
    main()

"""SPEC §5: the back office's sales report for one day with 10,000 sales, under 500 ms.

The real Flask app in-process (server time, JSON or CSV included) on a SQLite shop
holding 10,000 sales on the day asked for and as many again on the days around it,
each with 5 lines and a payment. Prints the times of this run.

    .venv/bin/python -m bench.sales_report [--sales 10000] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.sales_floor import build_selling, preload

DAY = datetime(2026, 1, 5, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        selling = build_selling(Path(tmp) / "report")
        day_long = timedelta(hours=23, minutes=59) / args.sales
        preload(selling, args.sales // 2, DAY - timedelta(days=1), day_long * 2)  # the day before
        preload(selling, args.sales, DAY, day_long)  # the day reported
        preload(selling, args.sales // 2, DAY + timedelta(days=1), day_long * 2)  # the day after
        client = selling.shop.app.test_client()
        headers = {"Authorization": f"Bearer {selling.office_token()}"}
        query = f"from={DAY.date()}&to={DAY.date()}"
        for path, what in ((f"sales?{query}", "JSON"), (f"sales.csv?{query}", "CSV")):
            times = []
            for _ in range(args.runs + 1):
                started = time.perf_counter()
                response = client.get(f"/api/v1/admin/{path}", headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.data[:200]
            if what == "JSON":
                assert response.json["totals"]["count"] == args.sales
            times = times[1:]  # the first warms the caches
            print(f"report of {args.sales} sales as {what:>4}: median "
                  f"{statistics.median(times):6.1f} ms  max {max(times):6.1f} ms  "
                  f"({len(response.data) // 1024} KiB, {args.runs} runs)  (target < 500 ms) "
                  f"{'OK' if statistics.median(times) < 500 else 'MISS'}")
        selling.shop.ctx.db.dispose()


if __name__ == "__main__":
    main()

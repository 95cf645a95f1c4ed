"""SPEC §5: status-poll throughput vs a bare Flask JSON endpoint (target ≥ 0.8×), and
p99 under 50 ms at 50 concurrent clients on loopback.

Both servers run as separate processes under nixpos's own waitress configuration
(``nixpos.server.serving``, as ``nixpos-server serve`` runs it); Debian's
``wrk`` (``apt-get install wrk``) loads them in turns (bare, nixpos, bare, nixpos
…) and the script prints the ratio of the medians measured in this run.

    .venv/bin/python -m bench.status_poll [--seconds 8] [--rounds 3] [--threads 4]
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.shopfloor import build
from nixpos.server.serving import free_port


@contextmanager
def serving(app_spec: str, threads: int, env_db: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    code = (
        "import importlib, sys\n"
        "from nixpos.server.serving import ServeOptions, serve\n"
        "module, name = sys.argv[1].split(':')\n"
        "app = getattr(importlib.import_module(module), name)\n"
        "app = app() if callable(app) and not hasattr(app, 'wsgi_app') else app\n"
        f"serve(app, ServeOptions(port={port}, threads={threads}))\n"
    )
    env = {**__import__("os").environ, **(env_db or {})}
    process = subprocess.Popen([sys.executable, "-c", code, app_spec], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/api/v1/pos/session"
    finally:
        process.terminate()
        process.wait(timeout=10)


def wrk(url: str, seconds: int, headers: dict[str, str]) -> tuple[float, float, float]:
    """Requests/s, p50 ms and p99 ms from one wrk run with 50 connections."""
    args = ["wrk", "-t2", "-c50", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"the server answered errors:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, _latency(out, "50%"), _latency(out, "99%")


def _latency(out: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        shop = build(Path(tmp), 5)
        unlocked = shop.app.test_client().post(
            "/api/v1/pos/unlock", json={"pin": shop.pins[0]}, headers={"X-Terminal-Key": shop.key})
        headers = {"X-Terminal-Key": shop.key, "Authorization": f"Bearer {unlocked.json['token']}"}
        env = {"NIXPOS_DATABASE_URL": shop.ctx.db.url,
               "NIXPOS_SECRET_FILE": str(shop.secret_file)}
        results: dict[str, list[tuple[float, float, float]]] = {"bare": [], "nixpos": []}
        with serving("bench.bare_app:app", args.threads) as bare_url, \
                serving("nixpos.server.app:create_app", args.threads, env) as nixpos_url:
            for _ in range(args.rounds):
                results["bare"].append(wrk(bare_url, args.seconds, {}))
                results["nixpos"].append(wrk(nixpos_url, args.seconds, headers))
    for name, runs in results.items():
        rps = statistics.median(r[0] for r in runs)
        p50 = statistics.median(r[1] for r in runs)
        p99 = statistics.median(r[2] for r in runs)
        print(f"{name:>7}: {rps:8.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
              f"(median of {len(runs)} x {args.seconds}s, 50 connections)")
    ratio = statistics.median(r[0] for r in results["nixpos"]) / statistics.median(
        r[0] for r in results["bare"])
    p99 = statistics.median(r[2] for r in results["nixpos"])
    print(f"throughput nixpos / bare Flask: {ratio:.2f}x (target >= 0.8x) "
          f"{'OK' if ratio >= 0.8 else 'MISS'}")
    print(f"nixpos poll p99: {p99:.1f} ms (target < 50 ms) {'OK' if p99 < 50 else 'MISS'}")


if __name__ == "__main__":
    main()

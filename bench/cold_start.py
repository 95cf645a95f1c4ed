"""SPEC §5: the till's cold start to a painted keypad, and its peak memory, against a bare
PySide6 window with a keypad (targets: at most 1.5× each).

Each run is a new process. Time is measured inside it, from the process's own
start (``/proc``, so a frozen program's bootloader counts) to its keypad being
painted; memory is its peak RSS at that moment and again ``SETTLE_S`` later,
when everything has loaded. The till is the real ``nixpos`` program, enrolled in
a scratch profile and pointed at a closed port (no server is needed to paint),
which logs "keypad on screen after N ms, peak memory M MB"; ``--frozen DIR``
also runs the PyInstaller build in DIR. Runs alternate and medians are compared.

    .venv/bin/python -m bench.cold_start [--rounds 5] [--frozen dist/nixpos]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROFILE = "bench"
SETTLE_S = 2.0
REPORT = re.compile(r"keypad on screen after (\d+) ms, peak memory ([\d.]+) MB")


def child_bare() -> None:
    """The baseline: a bare PySide6 keypad window, timed the same way as the till."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QPushButton, QWidget

    from nixpos.client.diagnostics import peak_rss_mb, process_age_s

    app = QApplication(sys.argv[:1])
    window = QWidget()
    grid = QGridLayout(window)
    grid.addWidget(QLabel("○○○○○○○○"), 0, 0, 1, 3)
    for index, key in enumerate("123456789C0<"):
        grid.addWidget(QPushButton(key), 1 + index // 3, index % 3)
    grid.addWidget(QPushButton("Enter"), 5, 0, 1, 3)
    result: dict[str, float | None] = {}

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
            if event.type() == QEvent.Type.Paint and not result:
                result.update(seconds=process_age_s(), rss_mb=peak_rss_mb())
                QTimer.singleShot(int(SETTLE_S * 1000), app.quit)
            return False

    painted = FirstPaint()
    window.installEventFilter(painted)
    window.show()
    app.exec()
    print(json.dumps(result | {"settled_rss_mb": peak_rss_mb()}), flush=True)


def child_setup() -> None:
    """The scratch profile: settings file and key in the (explicitly chosen) file keyring."""
    from nixpos.client import secrets
    from nixpos.client.config import TillConfig

    TillConfig("http://127.0.0.1:9", "Till 1", "lumiere-coffee", "Lumière Coffee").save(PROFILE)
    secrets.store_key(PROFILE, "not-a-real-key")


def run_bare(env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.cold_start", "--child", "bare"], env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return dict(json.loads(next(line for line in out.splitlines() if line.startswith("{"))))


def run_till(command: list[str], env: dict[str, str], log: Path) -> dict[str, float]:
    """Start the till, read its start-up line from its log, note its settled peak, stop it."""
    log.unlink(missing_ok=True)
    till = subprocess.Popen([*command, "--windowed", "--profile", PROFILE], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (found := REPORT.search(log.read_text() if log.exists() else "")):
            if till.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not report its start in {log}")
            time.sleep(0.05)
        time.sleep(SETTLE_S)
        status = Path(f"/proc/{till.pid}/status").read_text()
        settled = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    finally:
        till.terminate()
        till.wait(timeout=10)
    return {"seconds": int(found.group(1)) / 1000, "rss_mb": float(found.group(2)),
            "settled_rss_mb": settled}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--frozen", type=Path, metavar="DIR",
                        help="also the PyInstaller build in DIR (dist/nixpos)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        (child_bare if args.child == "bare" else child_setup)()
        return 0

    # Here, not at the top: the bare child runs this module too, and must not load keyring.
    from nixpos.client import secrets

    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, NIXPOS_CONFIG_DIR=f"{scratch}/config",
                   XDG_DATA_HOME=f"{scratch}/data", XDG_STATE_HOME=f"{scratch}/state",
                   PYTHON_KEYRING_BACKEND=secrets.FILE_BACKEND)
        if not os.environ.get("DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        subprocess.run([sys.executable, "-m", "bench.cold_start", "--child", "setup"],
                       env=env, check=True)
        log = Path(scratch) / "state" / "nixpos" / "log" / f"till-{PROFILE}.log"
        tills = {"nixpos": [sys.executable, "-m", "nixpos"]}
        if args.frozen:
            tills["frozen"] = [str(args.frozen.resolve() / "nixpos")]
        results: dict[str, list[dict[str, float]]] = {"bare": [], **{k: [] for k in tills}}
        for _ in range(args.rounds):
            results["bare"].append(run_bare(env))
            for kind, command in tills.items():
                results[kind].append(run_till(command, env, log))

    metrics = ("seconds", "rss_mb", "settled_rss_mb")
    medians = {kind: {metric: statistics.median(r[metric] for r in runs) for metric in metrics}
               for kind, runs in results.items()}
    for kind, m in medians.items():
        print(f"{kind:>7}: start to painted keypad {m['seconds'] * 1000:6.0f} ms   "
              f"peak RSS then {m['rss_mb']:5.1f} MB, {SETTLE_S:.0f} s later "
              f"{m['settled_rss_mb']:5.1f} MB   (median of {args.rounds})")
    for kind in tills:
        for metric, words in (("seconds", "cold start to keypad"),
                              ("rss_mb", "peak memory to keypad"),
                              ("settled_rss_mb", "peak memory, fully started")):
            ratio = medians[kind][metric] / medians["bare"][metric]
            print(f"{words} {kind} / bare: {ratio:.2f}x (target <= 1.5x) "
                  f"{'OK' if ratio <= 1.5 else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

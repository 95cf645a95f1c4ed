"""SPEC §5: the till's cold start to a painted keypad, and its peak memory, against a bare
PySide6 window with a keypad (targets: at most 1.5× each).

Each run is a new Python process, timed from just before it is spawned to the
first paint of the keypad; peak RSS is the child's own ``ru_maxrss``. The till
is the real ``nixpos`` entry point (keyring, settings, logging, qasync, the
stylesheet and every screen), enrolled in a scratch profile and pointed at a
closed port so no server is needed. Runs alternate (bare, nixpos, bare …)
and the medians of this run are compared.

    .venv/bin/python -m bench.cold_start [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject

PROFILE = "bench"
SETTLE_MS = 2000


class FirstPaint(QObject):
    """Notes the first paint of the widget it watches: seconds since ``started``, peak RSS."""

    def __init__(self, started: float, then: Callable[[], None]) -> None:
        super().__init__()
        self.started = started
        self.then = then
        self.result: dict[str, float] = {}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if event.type() == QEvent.Type.Paint and not self.result:
            self.result = {"seconds": time.time() - self.started, "rss_mb": peak_rss_mb()}
            self.then()
        return False


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_bare(started: float) -> None:
    from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QPushButton, QWidget

    app = QApplication(sys.argv[:1])
    window = QWidget()
    grid = QGridLayout(window)
    grid.addWidget(QLabel("○○○○○○○○"), 0, 0, 1, 3)
    for index, key in enumerate("123456789C0<"):
        grid.addWidget(QPushButton(key), 1 + index // 3, index % 3)
    grid.addWidget(QPushButton("Enter"), 5, 0, 1, 3)
    painted = FirstPaint(started, app.quit)
    window.installEventFilter(painted)
    window.show()
    app.exec()
    print(json.dumps(painted.result | {"settled_rss_mb": peak_rss_mb()}), flush=True)


def child_nixpos(started: float) -> None:
    """The real ``nixpos`` start; the keypad's first paint is watched, and the till is
    closed once it has been up for ``SETTLE_MS`` (connected, polling, every part loaded)."""
    from PySide6.QtCore import QTimer

    from nixpos.client import app
    from nixpos.client import window as till_window
    from nixpos.client.config import TillConfig
    from nixpos.client.views.main_window import MainWindow

    windows: list[MainWindow] = []

    def close_later() -> None:
        def close() -> None:
            windows[0].may_close = True
            windows[0].close()

        QTimer.singleShot(SETTLE_MS, close)

    painted = FirstPaint(started, close_later)
    prepare = till_window.prepare_window

    def prepare_watched(config: TillConfig, *, kiosk: bool) -> MainWindow:
        window = prepare(config, kiosk=kiosk)
        window.lock_screen.keypad.installEventFilter(painted)
        windows.append(window)
        return window

    till_window.prepare_window = prepare_watched
    app.main(["--windowed", "--profile", PROFILE])
    print(json.dumps(painted.result | {"settled_rss_mb": peak_rss_mb()}), flush=True)


def child_setup() -> None:
    """Enroll-free set-up of the scratch profile: settings file and key in the file keyring."""
    from nixpos.client import secrets
    from nixpos.client.config import TillConfig

    TillConfig("http://127.0.0.1:9", "Till 1", "lumiere-coffee", "Lumière Coffee").save(PROFILE)
    secrets.store_key(PROFILE, "not-a-real-key")


def run_child(kind: str, env: dict[str, str]) -> dict[str, float]:
    started = time.time()
    out = subprocess.run([sys.executable, "-m", "bench.cold_start", "--child", kind,
                          str(started)], env=env, capture_output=True, text=True, timeout=60,
                         check=True).stdout
    return dict(json.loads(next(line for line in out.splitlines() if line.startswith("{"))))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind = args.child[0]
        if kind == "setup":
            child_setup()
        else:
            (child_bare if kind == "bare" else child_nixpos)(float(args.child[1]))
        return 0

    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, NIXPOS_CONFIG_DIR=f"{scratch}/config",
                   XDG_DATA_HOME=f"{scratch}/data", XDG_STATE_HOME=f"{scratch}/state",
                   PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring")
        if not os.environ.get("DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        subprocess.run([sys.executable, "-m", "bench.cold_start", "--child", "setup"],
                       env=env, check=True)
        results: dict[str, list[dict[str, float]]] = {"bare": [], "nixpos": []}
        for _ in range(args.rounds):
            for kind in results:
                results[kind].append(run_child(kind, env))

    metrics = ("seconds", "rss_mb", "settled_rss_mb")
    medians = {kind: {metric: statistics.median(r[metric] for r in runs) for metric in metrics}
               for kind, runs in results.items()}
    for kind, m in medians.items():
        print(f"{kind:>7}: start to painted keypad {m['seconds'] * 1000:6.0f} ms   "
              f"peak RSS then {m['rss_mb']:5.1f} MB, {SETTLE_MS / 1000:.0f} s later "
              f"{m['settled_rss_mb']:5.1f} MB   (median of {args.rounds})")
    for metric, words in (("seconds", "cold start to keypad"),
                          ("rss_mb", "peak memory to keypad"),
                          ("settled_rss_mb", "peak memory, fully started")):
        ratio = medians["nixpos"][metric] / medians["bare"][metric]
        print(f"{words} nixpos / bare: {ratio:.2f}x (target <= 1.5x) "
              f"{'OK' if ratio <= 1.5 else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The screenshot script still runs the real tills on a real X server (Xvfb) end to end."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from docs.take_screenshots import SELLING_SKIPPED

SCREENS = ["lock-screen", "keypad-error", "active-screen", "override-dialog", "idle-warning",
           "kick-banner", "kick-two-tills"]
# At a touch screen's size: the picture is exactly that size.
SIZED = ["lock-screen-800x480", "lock-screen-1024x600", "lock-screen-1920x1080",
         "override-dialog-800x480", "override-dialog-1024x600", "idle-warning-800x480",
         "idle-warning-1024x600", "enroll-dialog-800x480", "cannot-start-1024x600",
         # The open sale following its person (SPEC §7.2–7.3), on a scripted server.
         *[f"{name}-{size}" for name in ("till-takeover", "till-continue", "till-kicked-cart")
           for size in ("1920x1080", "1024x600")]]
# Selling, where the server sells (the script says when it skipped them).
SELLING = [f"{name}-{size}" for name in ("sale-screen", "tender-change", "receipt", "refund",
                                        "offline-sales")
           for size in ("1920x1080", "1024x600")]


@pytest.mark.skipif(shutil.which("xvfb-run") is None,
                    reason="needs Debian's xvfb (.ci/run installs it)")
def test_every_screen_is_pictured_from_a_real_window(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 2048x1080x24", sys.executable, "-m",
         "docs.take_screenshots", "--out", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    selling = [] if SELLING_SKIPPED in done.stdout else SELLING
    for name in SCREENS + SIZED + selling:
        image = QImage(str(tmp_path / f"{name}.png"))
        if name in SIZED + SELLING:
            width, height = name.rsplit("-", 1)[1].split("x")
            assert (image.width(), image.height()) == (int(width), int(height)), name
        else:
            assert image.width() >= 900 and image.height() >= 700, name
        # A real picture has many colours; a black or blank grab has one or two.
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 5)}
        assert len(colours) > 6, name

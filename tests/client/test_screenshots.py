"""The screenshot script still runs the real tills on a real X server (Xvfb) end to end."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

SCREENS = ["lock-screen", "keypad-error", "active-screen", "override-dialog", "idle-warning",
           "kick-banner", "kick-two-tills"]


@pytest.mark.skipif(shutil.which("xvfb-run") is None,
                    reason="needs Debian's xvfb (.ci/run installs it)")
def test_every_screen_is_pictured_from_a_real_window(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 2048x800x24", sys.executable, "-m",
         "docs.take_screenshots", "--out", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    for name in SCREENS:
        image = QImage(str(tmp_path / f"{name}.png"))
        assert image.width() >= 900 and image.height() >= 700, name
        # A real picture has many colours; a black or blank grab has one or two.
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 5)}
        assert len(colours) > 6, name

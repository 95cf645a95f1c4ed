"""The back-office screenshot script still drives every page in the real browser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.chromium import CHROMIUM

PAGES = ["signin", "sessions", "sessions-phone", "sales", "sales-phone", "sale", "sale-phone",
         "products", "products-phone", "staff", "pin-once", "tills",
         "enrollment-code", "audit", "policy"]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_every_page_is_pictured(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "docs.take_web_screenshots", "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    for name in PAGES:
        assert (tmp_path / f"office-{name}.png").stat().st_size > 10_000, name

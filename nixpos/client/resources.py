"""Finding ``resources/`` (stylesheet, icons) from a checkout or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    bundled = getattr(sys, "_MEIPASS", None)
    if bundled:
        return Path(bundled) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def stylesheet() -> str:
    try:
        return (resource_dir() / "nixpos.qss").read_text(encoding="utf-8")
    except OSError:
        return ""  # unstyled is ugly but works

"""Small factories for the labels and buttons every screen uses (named for the stylesheet)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

CENTER = Qt.AlignmentFlag.AlignCenter
RIGHT = Qt.AlignmentFlag.AlignRight
PAGE_MARGIN = 14  # px around a whole screen at scale 1.0 (views.scaling scales it)


def label(name: str, text: str = "", *, align: Qt.AlignmentFlag | None = None,
          wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    widget.setObjectName(name)
    if align is not None:
        widget.setAlignment(align)
    widget.setWordWrap(wrap)
    return widget


def button(name: str, text: str) -> QPushButton:
    """A button; the stylesheet (scaled to the screen) makes it big enough to touch."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    return widget

"""Small factories for the labels and buttons every screen uses (named for the stylesheet)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout

from nixpos.core import words

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


def change_due_box() -> tuple[QFrame, QLabel]:
    """"Change due" over its amount in large type (tender and receipt): the box to place
    and the label that shows the amount."""
    box = QFrame()
    box.setObjectName("ChangeBox")
    amount = label("ChangeAmount", align=CENTER)
    column = QVBoxLayout(box)
    column.setSpacing(0)
    column.addWidget(label("ChangeCaption", words.CHANGE_DUE, align=CENTER))
    column.addWidget(amount)
    return box, amount

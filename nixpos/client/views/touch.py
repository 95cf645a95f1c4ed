"""What the sale screens' touch targets share: buttons that never take the keyboard, and
lists that scroll under a finger.

A till's keyboard is its barcode scanner: it types a SKU and Enter into whatever
has focus. A tapped button that kept focus would take the next scan's Enter as
a press (ringing the last product up again), so every button here is
``NoFocus`` and the keyboard stays with the search box or a pad.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QPushButton, QScrollArea, QScroller, QWidget


def touch_button(name: str, text: str = "", *, checkable: bool = False) -> QPushButton:
    widget = QPushButton(text)
    widget.setObjectName(name)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    widget.setAutoDefault(False)
    widget.setCheckable(checkable)
    return widget


def touch_scroll(name: str, content: QWidget, *, horizontal: bool = False) -> QScrollArea:
    """``content`` in a frameless scroll area that a finger drags (a mouse keeps clicking)."""
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    off, needed = Qt.ScrollBarPolicy.ScrollBarAlwaysOff, Qt.ScrollBarPolicy.ScrollBarAsNeeded
    area.setHorizontalScrollBarPolicy(needed if horizontal else off)
    area.setVerticalScrollBarPolicy(off if horizontal else needed)
    # Touch only: a mouse gesture would hold back every press to tell a drag from a tap.
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return area


def discard(widgets: Iterable[QWidget]) -> None:
    """Off the screen now, deleted once back in the event loop (not before: a signal of
    theirs may be what is running)."""
    for widget in widgets:
        widget.hide()
        widget.deleteLater()

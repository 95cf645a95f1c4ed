"""What a person at a touch screen needs from any screen: all of it on the window, whole.

Shared by the screen-fit tests and the start-up tests.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

TOUCH_PX = 44


def on_screen(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def describe(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QAbstractButton | QLabel) else ""
    return f"{widget.objectName() or type(widget).__name__} {text!r}"


def assert_fits(window: QWidget, root: QWidget) -> None:
    """Every visible touch target and text under ``root`` inside ``window``, whole and usable."""
    frame = on_screen(window)
    widgets = [root, *root.findChildren(QWidget)]
    visible = [w for w in widgets if w.isVisible()]
    targets = [w for w in visible if isinstance(w, QAbstractButton | QLineEdit)]
    assert targets, "nothing to touch on this screen"
    for widget in targets:
        assert frame.contains(on_screen(widget)), (
            f"{describe(widget)} at {on_screen(widget)} is not inside the window {frame}")
        assert widget.width() >= TOUCH_PX and widget.height() >= TOUCH_PX, (
            f"{describe(widget)} is {widget.width()}×{widget.height()}, too small to touch")
    for text in (w for w in visible if isinstance(w, QLabel) and w.text()):
        assert frame.contains(on_screen(text)), f"{describe(text)} is not inside the window"
        if text.wordWrap():
            needed = QSize(text.width(), text.heightForWidth(text.width()))
        else:
            needed = text.minimumSizeHint()
        assert text.height() >= needed.height() and text.width() >= needed.width(), (
            f"{describe(text)} is cut: {text.size()} shows less than {needed}")

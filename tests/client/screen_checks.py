"""What a person at a touch screen needs from any screen: all of it on the window, whole.

What sits in a scrolling list counts as on the window when the list is, and the
row fits across it: scrolling brings it into view.

Shared by the screen-fit tests and the start-up tests.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel, QLineEdit, QWidget

TOUCH_PX = 44
OFF = Qt.ScrollBarPolicy.ScrollBarAlwaysOff


def on_screen(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    node = widget.parentWidget()
    while node is not None:
        if isinstance(node, QAbstractScrollArea):
            return node
        node = node.parentWidget()
    return None


def reachable(frame: QRect, widget: QWidget) -> bool:
    """Inside the window; in a scrolling list, inside the list's view the way it does not
    scroll (a list that scrolls up and down shows all of a row's width)."""
    area = scroll_area_of(widget)
    if area is None:
        return frame.contains(on_screen(widget))
    view, rect = on_screen(area.viewport()), on_screen(widget)
    if area.horizontalScrollBarPolicy() == OFF and not (
            view.left() <= rect.left() and rect.right() <= view.right()):
        return False
    if area.verticalScrollBarPolicy() == OFF and not (
            view.top() <= rect.top() and rect.bottom() <= view.bottom()):
        return False
    return frame.contains(view)


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
        assert reachable(frame, widget), (
            f"{describe(widget)} at {on_screen(widget)} is not inside the window {frame}")
        assert widget.width() >= TOUCH_PX and widget.height() >= TOUCH_PX, (
            f"{describe(widget)} is {widget.width()}×{widget.height()}, too small to touch")
    for text in (w for w in visible if isinstance(w, QLabel) and w.text()):
        assert reachable(frame, text), f"{describe(text)} is not inside the window"
        if text.wordWrap():
            needed = QSize(text.width(), text.heightForWidth(text.width()))
        else:
            needed = text.minimumSizeHint()
        assert text.height() >= needed.height() and text.width() >= needed.width(), (
            f"{describe(text)} is cut: {text.size()} shows less than {needed}")

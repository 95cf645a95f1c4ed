"""Type and touch targets that grow with the screen: the till's stylesheet, scaled.

``resources/nixpos.qss`` is drawn for a 1024×600 till. Each top-level screen
(the main window, the set-up dialog, the start-up error) styles itself with
that sheet, every ``px`` length in it multiplied by the scale of its size:
the smaller of height/600 and width/1024, in steps of 0.05, kept between
0.75 and 2.5. So an 800×480 till gets 0.8 and a 1920×1080 one 1.8: bigger
keys and type on a big screen rather than a small keypad in a sea of grey.
The gaps of its layouts (margins and spacing, set in code) follow the same
scale. Dialogs parented to the window inherit its sheet, and so its scale.

The sheet sizes touch targets so that they stay at least 44 px at the
smallest scale (``tests/client/test_screen_fit.py`` checks every screen).
"""

from __future__ import annotations

import functools
import re

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLayout, QWidget

from nixpos.client.resources import stylesheet

REFERENCE = QSize(1024, 600)
MIN_SCALE = 0.75
MAX_SCALE = 2.5
STEP = 0.05  # coarse steps: dragging a window's edge restyles it rarely
_PX = re.compile(r"(\d+(?:\.\d+)?)px")
_SCALE_PROPERTY = "nixposScale"
_GAPS_PROPERTY = "nixposGaps"  # a layout's margins and spacing at scale 1.0


def scale_for(size: QSize) -> float:
    """The scale for a screen or window of ``size`` (1.0 at 1024×600)."""
    if size.width() <= 0 or size.height() <= 0:
        return 1.0
    raw = min(size.width() / REFERENCE.width(), size.height() / REFERENCE.height())
    stepped = round(raw / STEP) * STEP
    return round(min(MAX_SCALE, max(MIN_SCALE, stepped)), 2)


@functools.cache
def scaled_stylesheet(scale: float) -> str:
    """``nixpos.qss`` with every px length times ``scale`` (half up, at least 1 px)."""

    def scaled(match: re.Match[str]) -> str:
        value = float(match.group(1))
        return f"{max(1, int(value * scale + 0.5)) if value else 0}px"

    return _PX.sub(scaled, stylesheet())


def fit_style(widget: QWidget, size: QSize) -> float:
    """Style ``widget`` (and its children) for ``size``; restyles only when the scale changes."""
    scale = scale_for(size)
    if widget.property(_SCALE_PROPERTY) != scale:
        widget.setProperty(_SCALE_PROPERTY, scale)
        widget.setStyleSheet(scaled_stylesheet(scale))
        fit_gaps(widget, scale)
    return scale


def fit_gaps(widget: QWidget, scale: float) -> None:
    """The margins and spacing of every layout in ``widget`` at ``scale`` (idempotent)."""
    layouts = widget.findChildren(QLayout)
    # All the 1.0 values first: a nested layout's spacing is its parent's until set.
    for layout in layouts:
        if not isinstance(layout.property(_GAPS_PROPERTY), list):
            margins = layout.contentsMargins()
            layout.setProperty(_GAPS_PROPERTY, [
                margins.left(), margins.top(), margins.right(), margins.bottom(),
                layout.spacing()])  # -1: a grid whose two spacings differ; left alone
    for layout in layouts:
        left, top, right, bottom, spacing = (
            int(gap * scale + 0.5) for gap in layout.property(_GAPS_PROPERTY))
        layout.setContentsMargins(left, top, right, bottom)
        if spacing >= 0:
            layout.setSpacing(spacing)


def current_scale(widget: QWidget) -> float:
    """The scale ``widget`` or its nearest ancestor was styled for (1.0 if none was)."""
    node: QWidget | None = widget
    while node is not None:
        value = node.property(_SCALE_PROPERTY)
        if isinstance(value, float):
            return value
        node = node.parentWidget()
    return 1.0

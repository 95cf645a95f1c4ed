"""``RecentPage``: this till's recent sales, newest first, each with Reprint and Refund."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from nixpos.client.views.scaling import current_scale, fit_gaps
from nixpos.client.views.touch import discard, touch_button, touch_scroll
from nixpos.client.views.widgets import CENTER, label
from nixpos.core import words

if TYPE_CHECKING:
    from nixpos.core.sale_state import SaleView


class RecentRow(QFrame):
    def __init__(self, sale_id: int, summary: str, page: RecentPage) -> None:
        super().__init__()
        self.setObjectName("RecentRow")
        self.sale_id = sale_id
        self.summary = label("RecentSummary", summary, wrap=True)
        self.reprint_button = touch_button("ReprintButton", words.REPRINT)
        self.refund_button = touch_button("RefundButton", words.REFUND)
        self.reprint_button.clicked.connect(lambda: page.reprint.emit(sale_id))
        self.refund_button.clicked.connect(lambda: page.refund.emit(sale_id))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 4)
        row.addWidget(self.summary, 1)
        row.addWidget(self.reprint_button)
        row.addWidget(self.refund_button)


class RecentPage(QFrame):
    reprint = Signal(int)
    refund = Signal(int)
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RecentPanel")
        self.rows: list[RecentRow] = []
        self._shown: tuple[tuple[int, str], ...] | None = None
        self.back_button: QPushButton = touch_button("BackButton", words.BACK)
        self.back_button.clicked.connect(self.back.emit)
        self.empty = label("EmptyCart", words.NO_RECENT_SALES, align=CENTER, wrap=True)
        rows = QWidget()
        rows.setObjectName("RecentList")
        self._rows = QVBoxLayout(rows)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(0)
        self._rows.addStretch(1)
        self.area = touch_scroll("RecentScroll", rows)
        top = QHBoxLayout()
        top.addWidget(label("RecentTitle", words.RECENT_SALES), 1)
        top.addWidget(self.back_button)
        page = QVBoxLayout(self)
        page.addLayout(top)
        page.addWidget(self.empty)
        page.addWidget(self.area, 1)

    def show_view(self, view: SaleView) -> None:
        if view.recent == self._shown:
            return
        self._shown = view.recent
        discard(self.rows)
        self.rows = [RecentRow(sale_id, summary, self) for sale_id, summary in view.recent]
        for at, row in enumerate(self.rows):
            self._rows.insertWidget(at, row)
            fit_gaps(row, current_scale(self))  # made after the window was styled
        self.empty.setVisible(not view.recent)
        self.area.setVisible(bool(view.recent))

"""``ProductPanel``: the search box, the category tabs and the big product buttons.

A USB barcode scanner is a keyboard: it types the SKU and Enter into the
search box, and Enter there is ``scanned``. Product buttons are pooled and
only re-laid out when the products shown change, so a tap never waits for
hundreds of buttons to be rebuilt (SPEC §5: a tap shows within a frame).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStylePainter,
    QVBoxLayout,
    QWidget,
)

from nixpos.client.views.scaling import current_scale
from nixpos.client.views.touch import discard, touch_button, touch_scroll
from nixpos.client.views.widgets import label
from nixpos.core import words

if TYPE_CHECKING:
    from nixpos.core.sale_state import SaleView

BUTTON_WIDTH = 150  # px at scale 1.0: the narrowest a product button gets
NAME_LINES = 2  # a longer name is cut (the price always shows)


class ProductButton(QPushButton):
    """A product's name (up to two lines) over its price, in a big rounded button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ProductButton")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoDefault(False)
        # The grid gives every column the same width, whatever the names.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.product_id = 0
        self.name = ""
        self.price = ""

    def show_product(self, product_id: int, name: str, price: str) -> None:
        if (product_id, name, price) == (self.product_id, self.name, self.price):
            return
        self.product_id, self.name, self.price = product_id, name, price
        self.setText(f"{name}\n{price}")  # for accessibility and size; painted below
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = ""
        painter = QStylePainter(self)
        painter.drawControl(QStyle.ControlElement.CE_PushButton, option)
        area = self.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, self)
        painter.setPen(self.palette().color(QPalette.ColorRole.ButtonText))
        font = painter.font()
        line = painter.fontMetrics().lineSpacing()
        name_area = QRect(area.left(), area.top(), area.width(),
                          min(area.height() - line, line * NAME_LINES))
        painter.drawText(name_area, Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                         self.name)
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                         self.price)


class SearchBox(QLineEdit):
    """The search box. Its Enter is a scan (or Pay) and ends there: QLineEdit would let the
    key go on up, and a screen that had just become the tender would take it as cash."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class ProductPanel(QWidget):
    category_chosen = Signal(object)  # a category id, or None
    query_typed = Signal(str)
    scanned = Signal(str)
    product_tapped = Signal(int)
    recent_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ProductPanel")
        self.search = SearchBox(placeholderText=words.SEARCH_HINT)
        self.search.setObjectName("SearchBox")
        self.search.setClearButtonEnabled(True)
        self.search.textEdited.connect(self.query_typed.emit)
        self.search.returnPressed.connect(self._enter)
        self.tabs: list[QPushButton] = []
        self._tab_ids: list[int | None] = []
        self._tab_row = QWidget()
        self._tab_row.setObjectName("CategoryRow")
        self._tab_layout = QHBoxLayout(self._tab_row)
        self._tab_layout.setContentsMargins(0, 0, 0, 0)
        self._tab_layout.addStretch(1)
        self._tab_scroll = touch_scroll("CategoryScroll", self._tab_row, horizontal=True)
        self.buttons: list[ProductButton] = []  # the pool; the first ``shown`` are in use
        self.shown = 0
        self._columns = 0
        self._products: tuple[object, ...] | None = None
        grid_widget = QWidget()
        grid_widget.setObjectName("ProductGrid")
        self._grid = QGridLayout()
        self._grid.setSpacing(8)
        rows = QVBoxLayout(grid_widget)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addLayout(self._grid)
        rows.addStretch(1)  # rows keep to the top
        self.nothing = label("NoProducts", align=Qt.AlignmentFlag.AlignCenter, wrap=True)
        self.area = touch_scroll("ProductScroll", grid_widget)
        self.area.viewport().installEventFilter(self)  # columns follow its width
        self.recent_button = touch_button("RecentButton", words.RECENT_SALES)
        self.recent_button.clicked.connect(self.recent_pressed.emit)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.recent_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(top)
        box.addWidget(self._tab_scroll)
        box.addWidget(self.nothing)
        box.addWidget(self.area, 1)

    def _enter(self) -> None:
        self.scanned.emit(self.search.text())

    def _tapped(self, product_id: int) -> None:
        self.product_tapped.emit(product_id)
        # The results stay, and the next scan or search replaces what was typed.
        self.search.selectAll()

    # -- showing the view ----------------------------------------------------------------

    def show_view(self, view: SaleView) -> None:
        if self.search.text() != view.query:  # never rewrite what is being typed
            self.search.setText(view.query)
        self._show_tabs(view.categories)
        if view.products is not self._products:
            self._products = view.products
            self._show_products(view)

    def _show_tabs(self, categories: tuple[tuple[int | None, str, bool], ...]) -> None:
        ids = [c[0] for c in categories]
        if ids != self._tab_ids or [t.text() for t in self.tabs] != [c[1] for c in categories]:
            discard(self.tabs)
            self.tabs = []
            for at, (category_id, name, _) in enumerate(categories):
                tab = touch_button("CategoryTab", name, checkable=True)
                tab.clicked.connect(lambda _=False, c=category_id: self.category_chosen.emit(c))
                self._tab_layout.insertWidget(at, tab)
                self.tabs.append(tab)
            self._tab_ids = ids
            self._fit_tab_row()
        for tab, (_, _, chosen) in zip(self.tabs, categories, strict=True):
            tab.setChecked(chosen)
        self._tab_scroll.setVisible(bool(self.tabs))

    def _fit_tab_row(self) -> None:
        # A horizontal scroll area does not size itself to its row: it is as tall as a tab.
        self._tab_row.adjustSize()
        bar = self._tab_scroll.horizontalScrollBar().sizeHint().height()
        height = self._tab_row.sizeHint().height()
        if self._tab_row.sizeHint().width() > self._tab_scroll.viewport().width():
            height += bar
        self._tab_scroll.setFixedHeight(height)

    def _show_products(self, view: SaleView) -> None:
        products = view.products
        while len(self.buttons) < len(products):
            button = ProductButton()
            button.clicked.connect(lambda _=False, b=button: self._tapped(b.product_id))
            self.buttons.append(button)
        for button, product in zip(self.buttons, products, strict=False):
            button.show_product(product.id, product.name, product.price)
        self.shown = len(products)
        self._lay_out(force=True)
        self.nothing.setText("" if products or not view.query else words.no_such_product(
            view.query))
        self.nothing.setVisible(not products and bool(view.query))
        self.area.verticalScrollBar().setValue(0)

    def _lay_out(self, *, force: bool = False) -> None:
        """The buttons in as many columns as fit (at least two)."""
        width = self.area.viewport().width()
        columns = max(2, width // max(1, int(BUTTON_WIDTH * current_scale(self))))
        if columns == self._columns and not force:
            return
        self._columns = columns
        for button in self.buttons:
            self._grid.removeWidget(button)
        for index, button in enumerate(self.buttons):
            if index < self.shown:
                self._grid.addWidget(button, index // columns, index % columns)
                button.show()
            else:
                button.hide()
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if event.type() is QEvent.Type.Resize and watched is self.area.viewport():
            self._lay_out()
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_tab_row()

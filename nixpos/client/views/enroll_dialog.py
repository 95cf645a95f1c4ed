"""``EnrollDialog``: first run — server address and one-time code from IT.

It styles itself for its screen (``views.scaling``), centres itself on it and
grows to show an error in full, never taller than the screen. It stays on
top, so that a kiosk's full-screen lock screen cannot hide it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from nixpos.client.views.scaling import fit_style
from nixpos.client.views.widgets import button, label
from nixpos.core import words

WIDTH = 720  # px at scale 1.0 (a 1024×600 screen)
MARGIN = 16  # px kept free around it on a small screen


class EnrollDialog(QDialog):
    submitted = Signal(str, str, str)  # server URL, code, device name

    def __init__(self, server_url: str, device_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EnrollDialog")
        self.setWindowTitle(words.SET_UP_TITLE)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self._area: QRect | None = None
        self.heading = label("EnrollTitle", words.SET_UP_TITLE)
        self.intro = label("EnrollIntro", words.SET_UP_INTRO, wrap=True)
        self.server = QLineEdit(server_url, placeholderText="http://192.168.1.10:8765")
        self.code = QLineEdit(placeholderText="ABCD-EFGH-JKLM")
        self.device = QLineEdit(device_name)
        self.error = label("ErrorLine", wrap=True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.enroll_button = button("EnrollButton", words.ENROLL)
        self.enroll_button.clicked.connect(self._submit)
        form = QGridLayout()
        form.setColumnStretch(1, 1)
        fields = ((words.SERVER_ADDRESS, self.server), (words.ENROLLMENT_CODE, self.code),
                  (words.DEVICE_NAME, self.device))
        beside = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, (text, field) in enumerate(fields):
            name = QLabel(text)
            name.setBuddy(field)
            form.addWidget(name, row, 0, beside)
            form.addWidget(field, row, 1)
        self._box = QVBoxLayout(self)
        self._box.addWidget(self.heading)
        self._box.addWidget(self.intro)
        self._box.addLayout(form)
        self._box.addWidget(self.error)
        self._box.addWidget(self.enroll_button)

    def _submit(self) -> None:
        self.submitted.emit(self.server.text(), self.code.text(), self.device.text())

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        if self.isVisible():
            self.fit_screen()

    def place_on(self, area: QRect) -> None:
        """Fit ``area`` instead of the screen's free area (pictures of a small till)."""
        self._area = area
        if self.isVisible():
            self.fit_screen()

    def showEvent(self, event: QShowEvent) -> None:
        self.fit_screen()
        super().showEvent(event)

    def fit_screen(self) -> None:
        """Style for the screen, and size to show everything, error included, centred."""
        area = self._area or self.screen().availableGeometry()
        scale = fit_style(self, area.size())
        width = min(area.width() - 2 * MARGIN, int(WIDTH * scale))
        layout = self._box
        layout.activate()
        needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else 0
        height = min(area.height() - 2 * MARGIN,
                     max(needed, layout.totalMinimumSize().height()))
        box = QRect(0, 0, width, height)
        box.moveCenter(area.center())
        self.setGeometry(box)

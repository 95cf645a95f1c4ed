"""``EnrollDialog``: first run — server address and one-time code from IT."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from nixpos.client.views.widgets import button, label


class EnrollDialog(QDialog):
    submitted = Signal(str, str, str)  # server URL, code, device name

    def __init__(self, server_url: str, device_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EnrollDialog")
        self.setWindowTitle("Set up this till")
        self.intro = QLabel("Ask IT for this till's one-time enrollment code "
                            "(nixpos-server enrollment-code).", wordWrap=True)
        self.server = QLineEdit(server_url, placeholderText="http://192.168.1.10:8765")
        self.code = QLineEdit(placeholderText="ABCD-EFGH-JKLM")
        self.device = QLineEdit(device_name)
        self.error = label("ErrorLine", wrap=True)
        self.enroll_button = button("EnrollButton", "Enroll this till", height=56)
        self.enroll_button.clicked.connect(self._submit)
        form = QFormLayout(self)
        form.addRow(self.intro)
        form.addRow("Server address", self.server)
        form.addRow("Enrollment code", self.code)
        form.addRow("Device name", self.device)
        form.addRow(self.error)
        form.addRow(self.enroll_button)
        self.error.setAlignment(Qt.AlignmentFlag.AlignLeft)

    def _submit(self) -> None:
        self.submitted.emit(self.server.text(), self.code.text(), self.device.text())

    def show_error(self, text: str) -> None:
        self.error.setText(text)

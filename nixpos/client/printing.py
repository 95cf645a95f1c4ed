"""``ReceiptPrinter``: a receipt's lines on the OS's default printer (Qt print support).

No print dialog: a till prints the receipt where IT set the default printer
(CUPS on Linux, the Windows spooler), as a receipt printer's driver presents
it. The lines are already laid out for ``core.receipt.WIDTH`` characters, so
they are printed in a monospace font sized to fit that many across the page.
``pdf`` prints to a PDF file instead (tests, and a till without a printer
that IT wants to check).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from nixpos.core import words
from nixpos.core.receipt import WIDTH

log = logging.getLogger("nixpos.client")

FONT = "DejaVu Sans Mono"
LARGEST_POINTS = 11.0  # on a wide page the receipt stays receipt-sized
PAPER_MM = 80.0  # a receipt roll, for a PDF
MARGIN_MM = 4.0


class ReceiptPrinter:
    def __init__(self, pdf: Path | None = None) -> None:
        self.pdf = pdf

    def _printer(self, lines: int) -> QPrinter | None:
        if self.pdf is not None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(self.pdf))
            # A roll of receipt paper, as long as the receipt.
            length = 2 * MARGIN_MM + 5.0 * (lines + 2)
            printer.setPageSize(QPageSize(QSizeF(PAPER_MM, length), QPageSize.Unit.Millimeter,
                                          "receipt"))
            printer.setPageMargins(QMarginsF(*[MARGIN_MM] * 4), QPageLayout.Unit.Millimeter)
            return printer
        default = QPrinterInfo.defaultPrinter()
        if default.isNull():
            return None
        return QPrinter(default, QPrinter.PrinterMode.HighResolution)

    def print_lines(self, lines: Sequence[str]) -> str | None:
        """Print ``lines``; None when done, else what went wrong and what to do, in words."""
        printer = self._printer(len(lines))
        if printer is None:
            return words.NO_PRINTER
        painter = QPainter()
        if not painter.begin(printer):
            log.warning("the printer %r did not start a job", printer.printerName())
            return words.PRINT_FAILED
        try:
            page = printer.pageRect(QPrinter.Unit.DevicePixel)
            font = QFont(FONT)
            font.setStyleHint(QFont.StyleHint.Monospace)
            font.setPointSizeF(LARGEST_POINTS)
            font.setPointSizeF(LARGEST_POINTS * min(1.0, page.width() / QFontMetricsF(
                font, printer).horizontalAdvance("0" * WIDTH)))
            painter.setFont(font)
            step = QFontMetricsF(font, printer).lineSpacing()
            y = step
            for line in lines:
                if y > page.height():
                    printer.newPage()
                    y = step
                painter.drawText(0, int(y), line)
                y += step
        finally:
            painter.end()
        return None

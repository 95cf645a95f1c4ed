"""The till's widgets on their own, driven like a person would: taps and key presses."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from nixpos.client.views.banner import KickBanner
from nixpos.client.views.idle_warning import IdleWarning
from nixpos.client.views.keypad import BACKSPACE, CLEAR, ENTER, PinKeypad
from nixpos.client.views.main_window import MainWindow
from nixpos.client.views.override_dialog import OverrideDialog
from nixpos.client.views.scaling import fit_style


def keypad(qtbot: QtBot, length: int = 4) -> PinKeypad:
    widget = PinKeypad(length)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def tap(qtbot: QtBot, pad: PinKeypad, *keys: str) -> None:
    for key in keys:
        qtbot.mouseClick(pad.buttons[key], Qt.MouseButton.LeftButton)


def test_tapped_digits_show_as_dots_and_enter_submits_the_pin(qtbot: QtBot) -> None:
    pad = keypad(qtbot)
    tap(qtbot, pad, "1", "9")
    assert pad.dots.text() == "●●○○"
    assert not pad.buttons[ENTER].isEnabled()  # not a whole PIN yet
    tap(qtbot, pad, "0", "7")
    assert pad.buttons[ENTER].isEnabled()
    with qtbot.waitSignal(pad.submitted) as signal:
        tap(qtbot, pad, ENTER)
    assert signal.args == ["1907"]
    assert pad.entered == "" and pad.dots.text() == "○○○○"  # nothing left on screen


def test_the_pin_never_appears_in_clear(qtbot: QtBot) -> None:
    pad = keypad(qtbot)
    tap(qtbot, pad, "5", "8", "3")
    assert not any(digit in pad.dots.text() for digit in "583")


def test_backspace_and_clear_by_touch(qtbot: QtBot) -> None:
    pad = keypad(qtbot)
    tap(qtbot, pad, "1", "2", "3", BACKSPACE)
    assert pad.entered == "12"
    tap(qtbot, pad, CLEAR)
    assert pad.entered == ""


def test_more_digits_than_the_pin_length_are_ignored(qtbot: QtBot) -> None:
    pad = keypad(qtbot)
    tap(qtbot, pad, "1", "2", "3", "4", "5", "6")
    assert pad.entered == "1234"


def test_the_physical_keyboard_works(qtbot: QtBot) -> None:
    pad = keypad(qtbot)
    qtbot.keyClicks(pad, "42a7")  # a letter is not a PIN digit
    assert pad.entered == "427"
    qtbot.keyClick(pad, Qt.Key.Key_Backspace)
    assert pad.entered == "42"
    qtbot.keyClick(pad, Qt.Key.Key_Escape)
    assert pad.entered == ""
    qtbot.keyClicks(pad, "8016")
    with qtbot.waitSignal(pad.submitted) as signal:
        qtbot.keyClick(pad, Qt.Key.Key_Return)
    assert signal.args == ["8016"]
    qtbot.keyClicks(pad, "2468")
    with qtbot.waitSignal(pad.submitted) as signal:
        qtbot.keyClick(pad, Qt.Key.Key_Enter)  # the number pad's Enter
    assert signal.args == ["2468"]


def test_non_ascii_digits_are_not_typed(qtbot: QtBot) -> None:
    pad = keypad(qtbot)
    for char in "١٢٣":  # Arabic-Indic digits, as a keyboard layout may send them
        QApplication.sendEvent(pad, QKeyEvent(QEvent.Type.KeyPress, 0,
                                              Qt.KeyboardModifier.NoModifier, char))
    assert pad.entered == ""


def test_a_disabled_keypad_takes_nothing(qtbot: QtBot) -> None:
    pad = keypad(qtbot)
    pad.setEnabled(False)
    pad.press("1")
    qtbot.keyClicks(pad, "2")
    assert pad.entered == ""


def test_enter_with_a_short_pin_does_nothing(qtbot: QtBot) -> None:
    pad = keypad(qtbot)
    tap(qtbot, pad, "1", "2")
    with qtbot.assertNotEmitted(pad.submitted):
        qtbot.keyClick(pad, Qt.Key.Key_Return)
    assert pad.entered == "12"


def test_keys_are_big_enough_to_touch_even_styled_for_the_smallest_screen(qtbot: QtBot) -> None:
    pad = keypad(qtbot, 8)
    fit_style(pad, QSize(640, 400))  # the smallest scale
    pad.resize(pad.minimumSizeHint())  # squeezed as far as its layout allows
    for key in pad.buttons.values():
        assert key.height() >= 44 and key.width() >= 44, key.text()


def test_a_new_pin_length_starts_over(qtbot: QtBot) -> None:
    pad = keypad(qtbot)
    tap(qtbot, pad, "1", "2")
    pad.set_pin_length(6)
    assert pad.entered == "" and pad.dots.text() == "○" * 6


def test_the_banner_shows_its_text_and_dismisses(qtbot: QtBot) -> None:
    banner = KickBanner()
    qtbot.addWidget(banner)
    banner.show_text("Sokha Lim signed in on another device (Till 2) at 14:03.")
    assert not banner.isHidden()
    assert "another device" in banner.text.text()
    with qtbot.waitSignal(banner.dismissed):
        qtbot.mouseClick(banner.dismiss_button, Qt.MouseButton.LeftButton)
    banner.show_text(None)
    assert banner.isHidden()


def test_the_idle_warning_counts_down_and_offers_to_stay(qtbot: QtBot) -> None:
    warning = IdleWarning()
    qtbot.addWidget(warning)
    warning.show_countdown("This register locks in 0:59")
    assert warning.countdown.text() == "This register locks in 0:59"
    with qtbot.waitSignal(warning.stay):
        qtbot.mouseClick(warning.stay_button, Qt.MouseButton.LeftButton)


def test_a_kiosk_window_asks_before_closing(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.may_close = False
    with qtbot.waitSignal(window.close_attempted):
        assert window.close() is False
    assert window.isVisible()
    window.may_close = True
    assert window.close() is True


def test_the_override_dialog_says_what_it_is_for(qtbot: QtBot) -> None:
    dialog = OverrideDialog("Manager approval: Refund", "A manager enters their PIN.", 8)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.isModal()
    assert dialog.title.text() == "Manager approval: Refund"
    assert dialog.explanation.text() == "A manager enters their PIN."
    dialog.show_error("Invalid PIN")
    assert dialog.error.text() == "Invalid PIN"
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

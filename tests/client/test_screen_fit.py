"""Every till screen fits an 800×480 and a 1024×600 touch screen and grows on a 1920×1080 one.

Each screen is shown in its fullest state — the lock screen with the kick
banner, a long error and the offline badge at once; the override dialog open
with its error; the idle warning over the active screen; each sale screen
with a full cart, a discount, a split payment with change, notes above it —
and then every button and text field must lie entirely inside the till's
window (in a scrolling list: the list must, and the row fit across it) and be
at least 44×44 px, every text must show in full, and the keypad's keys must
not overlap and stay large (≥ 56 px tall). Product buttons are ≥ 64 px tall.
The sale screens' states come from the real core (``sale_states``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, QSize
from pytestqt.qtbot import QtBot

from nixpos.client.views.enroll_dialog import EnrollDialog
from nixpos.client.views.keypad import PinKeypad
from nixpos.client.views.main_window import MainWindow
from nixpos.client.views.override_dialog import OverrideDialog
from nixpos.client.views.products import ProductButton
from nixpos.client.window import name_window
from nixpos.core.pricing import DiscountKind
from nixpos.core.till_state import ActiveView, TillState
from tests.client import sale_states
from tests.client.screen_checks import assert_fits, on_screen

SMALL, SHORT, BIG = QSize(800, 480), QSize(1024, 600), QSize(1920, 1080)
SIZES = [pytest.param(size, id=f"{size.width()}x{size.height()}") for size in (SMALL, SHORT, BIG)]
KEY_PX = 56

# The longest words each place shows today (a two-line banner at 1024×600).
BANNER = ("Sokha Lim ended Mealea Sok's session from the back office at 14:03. "
          "This register was locked.")
LOCK_ERROR = "Cannot reach the server. Check the network cable or Wi-Fi and try again."
DIALOG_TITLE = "Manager approval: Open drawer without a sale"
DIALOG_TEXT = ("A manager or owner enters their PIN to approve this. "
               "Mealea Sok stays signed in.")
DIALOG_ERROR = "That is not a manager's PIN. Ask a manager or the owner."
ENROLL_ERROR = ("Cannot reach the server at http://192.168.1.10:8765. "
                "Check the address and that nixpos-server is running.")


def assert_keys_large_and_apart(keypad: PinKeypad) -> None:
    keys = list(keypad.buttons.values())
    for key in keys:
        assert key.height() >= KEY_PX, f"key {key.text()!r} is only {key.height()} px tall"
    for index, key in enumerate(keys):
        for other in keys[index + 1:]:
            assert not on_screen(key).intersects(on_screen(other)), (key.text(), other.text())


@pytest.fixture
def till_window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = MainWindow()
    qtbot.addWidget(window)
    name_window(window, "Till 1", "Lumière Coffee")
    yield window


def show_at(qtbot: QtBot, window: MainWindow, size: QSize) -> None:
    window.resize(size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(1)  # let the restyling and layout requests run
    # The window really is that size: no minimum size pushed it past the screen.
    assert window.size() == size
    minimum = window.minimumSizeHint()
    assert minimum.width() <= size.width() and minimum.height() <= size.height(), minimum


def sign_in(window: MainWindow) -> None:
    window.active_screen.show_view(ActiveView(
        person="Mealea Sok", role="Cashier", countdown="Locks in 15:00 if idle",
        connection="Offline — reconnecting", offline=True,
        notice="Open drawer without a sale — approved by Sokha Lim."))
    window.show_active()


@pytest.mark.parametrize("size", SIZES)
def test_the_lock_screen_fits_with_banner_error_and_offline_badge(
    qtbot: QtBot, till_window: MainWindow, size: QSize
) -> None:
    lock = till_window.lock_screen
    lock.clock.setText("14:03")
    lock.banner.show_text(BANNER)
    lock.show_error(LOCK_ERROR)
    lock.offline.show()
    show_at(qtbot, till_window, size)
    assert_fits(till_window, lock)
    assert lock.banner.text.isVisible() and lock.offline.isVisible()
    assert_keys_large_and_apart(lock.keypad)


@pytest.mark.parametrize("size", SIZES)
def test_the_active_screen_fits(qtbot: QtBot, till_window: MainWindow, size: QSize) -> None:
    sign_in(till_window)
    show_at(qtbot, till_window, size)
    assert_fits(till_window, till_window.active_screen)


@pytest.mark.parametrize("size", SIZES)
def test_the_idle_warning_fits(qtbot: QtBot, till_window: MainWindow, size: QSize) -> None:
    sign_in(till_window)
    show_at(qtbot, till_window, size)
    till_window.show_warning(True)
    till_window.warning.show_countdown("This register locks in 0:47")
    qtbot.wait(1)
    assert on_screen(till_window.warning) == on_screen(till_window)  # covers the whole till
    assert_fits(till_window, till_window.warning)


@pytest.mark.parametrize("size", SIZES)
def test_the_override_dialog_fits_inside_the_window(
    qtbot: QtBot, till_window: MainWindow, size: QSize
) -> None:
    sign_in(till_window)
    show_at(qtbot, till_window, size)
    dialog = OverrideDialog(DIALOG_TITLE, DIALOG_TEXT, 8, till_window)
    dialog.open()
    dialog.show_error(DIALOG_ERROR)
    qtbot.waitExposed(dialog)
    qtbot.wait(1)
    assert on_screen(till_window).contains(on_screen(dialog)), on_screen(dialog)
    assert_fits(till_window, dialog)
    assert_keys_large_and_apart(dialog.keypad)
    dialog.reject()


def test_the_override_dialog_follows_the_window(qtbot: QtBot, till_window: MainWindow) -> None:
    show_at(qtbot, till_window, BIG)
    dialog = OverrideDialog(DIALOG_TITLE, DIALOG_TEXT, 8, till_window)
    dialog.open()
    qtbot.waitExposed(dialog)
    till_window.resize(SMALL)
    qtbot.wait(1)
    assert on_screen(till_window).contains(on_screen(dialog)), on_screen(dialog)
    dialog.reject()


def test_keys_and_type_grow_with_the_screen(qtbot: QtBot, till_window: MainWindow) -> None:
    """A big screen gets big keys and type, not a small keypad in a sea of grey."""
    keypad = till_window.lock_screen.keypad
    measured = {}
    for size in (SMALL, SHORT, BIG):
        show_at(qtbot, till_window, size)
        key = keypad.buttons["5"]
        measured[size.height()] = (key.height(), key.font().pixelSize(),
                                   till_window.lock_screen.prompt.font().pixelSize())
        # The keypad takes most of the screen's height, whatever the screen.
        assert keypad.height() >= 0.8 * size.height(), (size, keypad.height())
    for small, big in ((480, 600), (600, 1080)):
        for before, after in zip(measured[small], measured[big], strict=True):
            assert after >= before * big / small * 0.85, measured


def test_the_set_up_dialog_shows_a_long_error_in_full_on_a_small_screen(qtbot: QtBot) -> None:
    dialog = EnrollDialog("http://192.168.1.10:8765", "front-counter")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.show_error(ENROLL_ERROR)
    qtbot.wait(1)
    assert dialog.error.text() == ENROLL_ERROR and dialog.error.isVisible()
    assert_fits(dialog, dialog)  # the error shows whole; fields and button touchable
    # And on an 800×480 till's screen: all of it on the screen, type still large.
    screen = QRect(0, 0, SMALL.width(), SMALL.height())
    dialog.place_on(screen)
    qtbot.wait(1)
    assert screen.contains(on_screen(dialog)), on_screen(dialog)
    assert_fits(dialog, dialog)
    for field in (dialog.server, dialog.code, dialog.device):
        assert field.font().pixelSize() >= 16, "type too small for a touch screen"


# -- the sale screens ------------------------------------------------------------------------

PRODUCT_PX = 64


def sale_scene(name: str) -> TillState:
    """The till's state on one sale screen, at its fullest."""
    state = sale_states.busy(sale_states.signed_in())
    match name:
        case "selling":
            sale_states.full_cart(state)
            state.sale.scanned("9780306406157")  # the message shows above the cart
        case "discount pad":
            sale_states.full_cart(state)
            state.sale.edit_discount(1)
            state.sale.entry_kind(DiscountKind.AMOUNT)
            for key in "99999":
                state.sale.entry_key(key)
            state.entry_done()  # more than the line: the pad stays, saying why
            assert state.sale.entry is not None and state.sale.entry.error
        case "quantity pad":
            sale_states.full_cart(state)
            state.sale.edit_quantity(0)
            state.sale.entry_key("4")
        case "price changes":
            sale_states.full_cart(state)
            sale_states.prices_changed(state)
        case "tender":
            sale_states.tendering(state)
        case "receipt":
            sale_states.receipt(state)
        case "recent":
            sale_states.recent(state)
        case "refund":
            sale_states.refunding(state)
            state.sale.refund_refused(sale_states.OVER_REFUND)  # the server's words
    return state


SCENES = ["selling", "discount pad", "quantity pad", "price changes", "tender", "receipt",
          "recent", "refund"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scene", SCENES)
def test_every_sale_screen_fits_at_its_fullest(
    qtbot: QtBot, till_window: MainWindow, size: QSize, scene: str
) -> None:
    state = sale_scene(scene)
    till_window.show_view(state.view())
    show_at(qtbot, till_window, size)
    view = state.view().sale
    assert view is not None
    screen = till_window.active_screen.sale
    assert screen.pages.currentWidget() is screen._page_for[view.mode]
    assert_fits(till_window, till_window.active_screen)
    if scene != "selling":
        return
    buttons = [b for b in screen.findChildren(ProductButton) if b.isVisible()]
    assert len(buttons) == len(view.products) > 0
    for product in buttons:
        assert product.height() >= PRODUCT_PX, (product.name, product.height())
    assert screen.message.isVisible() and screen.sending.isVisible()
    assert till_window.active_screen.notice.isVisible()


def test_the_sale_screen_uses_a_big_screen(qtbot: QtBot, till_window: MainWindow) -> None:
    """On 1920×1080 the products, the pads and the total grow; the cart gets its share."""
    measured: dict[int, tuple[int, ...]] = {}
    for size in (SHORT, BIG):
        till_window.show_view(sale_scene("selling").view())
        show_at(qtbot, till_window, size)
        screen = till_window.active_screen.sale
        product = next(b for b in screen.findChildren(ProductButton) if b.isVisible())
        total = screen.selling.cart.total
        cart = screen.selling.cart
        measured[size.height()] = (product.height(), product.width(), total.font().pixelSize())
        assert cart.width() >= 0.35 * size.width(), cart.width()
        till_window.show_view(sale_scene("tender").view())
        qtbot.wait(1)
        key = screen.tender.pad.buttons["5"]
        measured[size.height()] += (key.height(), screen.tender.change.font().pixelSize())
    for before, after in zip(measured[600], measured[1080], strict=True):
        assert after >= before * 1.5, measured


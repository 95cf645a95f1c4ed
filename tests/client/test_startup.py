"""Starting a till: the keyring rule, enrollment against a real server, and what IT is told."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from nixpos.client import app, secrets
from nixpos.client.config import ConfigError, TillConfig, check_server_url
from nixpos.client.enrollment import StartupError, enroll
from nixpos.client.till import ensure_enrolled
from nixpos.client.till import run as run_till
from nixpos.client.views.enroll_dialog import EnrollDialog
from nixpos.client.views.fatal_screen import FatalScreen
from nixpos.client.window import prepare_window, show_window
from nixpos.server.services import terminals
from tests.client.conftest import MemoryKeyring
from tests.client.screen_checks import assert_fits
from tests.helpers import TENANT, Shop
from tests.live_server import LiveServer

Run = Callable[[Awaitable[Any]], Any]


@pytest.fixture
def no_keyring() -> Any:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def till_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The till's log directory, in a scratch place; its handler is removed afterwards."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    logger = logging.getLogger("nixpos")
    handlers, level = list(logger.handlers), logger.level
    yield tmp_path / "state" / "nixpos" / "log"
    for handler in logger.handlers[len(handlers):]:
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(level)


def kiosk_args() -> argparse.Namespace:
    """What ``nixpos`` with no flags parses to: a kiosk."""
    return app.build_parser().parse_args([])


def shown_fatal_screen() -> FatalScreen | None:
    shown = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, FatalScreen) and w.isVisible()]
    return shown[0] if shown else None


def assert_fills_the_screen_on_top(window: QWidget) -> None:
    screen = QApplication.primaryScreen().geometry()
    assert window.geometry() == screen
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert QApplication.topLevelAt(screen.center()) is window  # nothing covers it
    assert_fits(window, window)  # every word shows whole; Close is big enough to touch


def test_help_names_every_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        app.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--server", "--enroll", "--profile", "--windowed"):
        assert flag in out


def test_without_a_secure_keyring_the_till_refuses_to_start_and_says_how(
    no_keyring: None, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # From a console (--windowed, --enroll) stderr says it, and no window opens.
    for flags in (["--windowed"], ["--server", "http://127.0.0.1:9", "--enroll", "ABCD"]):
        assert app.main(flags) == 2
        err = capsys.readouterr().err
        assert "No secure keyring" in err and "PYTHON_KEYRING_BACKEND" in err
        assert shown_fatal_screen() is None


def test_a_kiosk_without_a_secure_keyring_says_why_on_screen_until_closed(
    no_keyring: None, config_dir: Path, till_log: Path, capsys: pytest.CaptureFixture[str],
    qtbot: QtBot
) -> None:
    """First start, no console to read: the reason and the fix fill the screen."""
    seen: dict[str, Any] = {}
    tries = iter(range(250))  # 5 s: no screen at all must fail, not wait for ever

    def close_when_shown() -> None:
        screen = shown_fatal_screen()
        if screen is None:
            if next(tries, None) is not None:
                QTimer.singleShot(20, close_when_shown)
            return
        try:
            QApplication.processEvents()  # its layout, as before its first paint
            seen["text"] = screen.message.text()
            assert_fills_the_screen_on_top(screen)
        except AssertionError as error:
            seen["error"] = error
        finally:  # closing it is what lets app.main return
            qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, close_when_shown)
    assert app.main([]) == 2  # returns once Close is pressed
    if "error" in seen:
        raise seen["error"]
    assert "text" in seen, "no full-screen message appeared"
    assert "No secure keyring" in seen["text"] and "PYTHON_KEYRING_BACKEND" in seen["text"]
    assert "No secure keyring" in capsys.readouterr().err
    assert "No secure keyring" in (till_log / "till-default.log").read_text(encoding="utf-8")
    assert shown_fatal_screen() is None


def test_an_enrolled_kiosk_whose_keyring_vanished_says_why_above_its_lock_screen(
    no_keyring: None, config_dir: Path, till_log: Path, capsys: pytest.CaptureFixture[str],
    run: Run, qtbot: QtBot, qapp: QApplication
) -> None:
    config = TillConfig("http://127.0.0.1:9", "Till 9", "lumiere-coffee", "Lumière Coffee")
    config.save("default")
    window = prepare_window(config, kiosk=True)  # the lock screen, painted early (gui.py)
    qtbot.addWidget(window)
    show_window(window, kiosk_args())
    started = asyncio.ensure_future(run_till(qapp, kiosk_args(), window))
    qtbot.waitUntil(lambda: shown_fatal_screen() is not None)
    screen = shown_fatal_screen()
    assert screen is not None
    assert not window.isVisible()  # the useless lock screen does not cover the reason
    assert_fills_the_screen_on_top(screen)
    assert "No secure keyring" in screen.message.text()
    assert "till-default.log" in screen.hint.text()  # where IT finds more
    qtbot.keyClick(screen, Qt.Key.Key_Return)  # a keyboard closes it too
    assert run(started) == 2
    assert "No secure keyring" in capsys.readouterr().err


def test_a_kiosk_window_covers_its_screen_and_follows_it(qtbot: QtBot) -> None:
    """Without a window manager showFullScreen() alone leaves the default size."""
    window = prepare_window(TillConfig("http://127.0.0.1:9", "Till 9"), kiosk=True)
    qtbot.addWidget(window)
    show_window(window, kiosk_args())
    qtbot.waitExposed(window)
    assert_fills_the_screen_on_top(window)
    screen = window.screen()
    smaller = QRect(0, 0, 1024, 600)
    screen.geometryChanged.emit(smaller)  # as when the display's mode changes
    assert window.geometry() == smaller
    window.may_close = True


def test_a_file_keyring_counts_only_when_chosen_explicitly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no keyringrc.cfg there
        with pytest.raises(secrets.KeyringUnavailable):
            secrets.check_backend()
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", secrets.FILE_BACKEND)
        assert secrets.check_backend() is backend
    finally:
        keyring.set_keyring(previous)


def test_a_bad_profile_or_server_address_is_refused_with_an_example(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    assert app.main(["--profile", "../till"]) == 2
    assert "--profile till-2" in capsys.readouterr().err
    assert app.main(["--server", "192.168.1.10"]) == 2
    assert "http://192.168.1.10:8765" in capsys.readouterr().err


def test_server_addresses_are_tidied() -> None:
    assert check_server_url(" http://till.local:8765/ ") == "http://till.local:8765"
    with pytest.raises(ConfigError):
        check_server_url("ftp://till.local")


def test_a_damaged_settings_file_says_what_to_do(config_dir: Path) -> None:
    path = TillConfig("http://x:1").save("till-1")
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="Delete it and enroll again"):
        TillConfig.load("till-1")


def code_for(shop: Shop, till: str) -> str:
    return str(terminals.issue_enrollment_code(shop.ctx, TENANT, till)["code"])


def test_enrollment_keeps_the_key_in_the_keyring_and_the_rest_in_settings(
    live_shop: Shop, live_server: LiveServer, memory_keyring: MemoryKeyring, config_dir: Path,
    run: Run
) -> None:
    enrolled = run(enroll("till-9", live_server.url, code_for(live_shop, "Till 9"), "Front PC"))
    assert enrolled.config.terminal_name == "Till 9"
    assert enrolled.config.tenant_name == "Lumière Coffee"
    assert memory_keyring.secrets[("nixpos", "terminal-key:till-9")] == enrolled.key
    settings = (config_dir / "till-9" / "till.json").read_text(encoding="utf-8")
    assert enrolled.key not in settings  # the key lives in the keyring only
    # The next start needs no flags: settings and key are found again.
    args = argparse.Namespace(profile="till-9", server=None, enroll=None)
    again = run(ensure_enrolled(args))
    assert again.key == enrolled.key and again.config == enrolled.config


def test_a_used_or_wrong_code_is_refused_clearly(
    live_shop: Shop, live_server: LiveServer, memory_keyring: MemoryKeyring, config_dir: Path,
    run: Run
) -> None:
    code = code_for(live_shop, "Till 9")
    run(enroll("till-9", live_server.url, code, ""))
    with pytest.raises(StartupError) as error:
        run(enroll("till-10", live_server.url, code, ""))
    assert "code" in str(error.value).lower()
    assert ("nixpos", "terminal-key:till-10") not in memory_keyring.secrets


def test_an_unreachable_server_is_named_in_the_error(
    live_server: LiveServer, memory_keyring: MemoryKeyring, config_dir: Path, run: Run
) -> None:
    live_server.stop()
    with pytest.raises(StartupError, match=f"Cannot reach the server at {live_server.url}"):
        run(enroll("till-9", live_server.url, "ABCD-EFGH", ""))


def test_the_first_enrollment_needs_the_server_address(
    memory_keyring: MemoryKeyring, config_dir: Path, run: Run
) -> None:
    args = argparse.Namespace(profile="till-9", server=None, enroll="ABCD-EFGH")
    with pytest.raises(StartupError, match="--server"):
        run(ensure_enrolled(args))


def test_profiles_keep_tills_apart(config_dir: Path, memory_keyring: MemoryKeyring) -> None:
    for n in (1, 2):
        secrets.store_key(f"till-{n}", f"key-{n}")
        TillConfig("http://shop.local:8765", f"Till {n}").save(f"till-{n}")
    for n in (1, 2):
        assert secrets.load_key(f"till-{n}") == f"key-{n}"
        loaded = TillConfig.load(f"till-{n}")
        assert loaded is not None and loaded.terminal_name == f"Till {n}"


def test_the_real_program_enrolls_then_starts_again_without_flags(
    live_shop: Shop, live_server: LiveServer, tmp_path: Path
) -> None:
    """``nixpos`` as IT runs it, in its own process: first with --enroll, then bare."""
    seen: list[tuple[str, str | None]] = []
    inner = live_server.app.wsgi_app

    def recording(environ: dict[str, Any], start_response: Any) -> Any:
        seen.append((environ["PATH_INFO"], environ.get("HTTP_X_TERMINAL_KEY")))
        return inner(environ, start_response)

    live_server.app.wsgi_app = recording  # type: ignore[method-assign]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"), NIXPOS_CONFIG_DIR=str(tmp_path / "cfg"),
               PYTHON_KEYRING_BACKEND=secrets.FILE_BACKEND)

    def run_till(*flags: str) -> str:
        """Start the till, wait for its first status call, stop it; the key it used."""
        seen.clear()
        process = subprocess.Popen([sys.executable, "-m", "nixpos", "--windowed",
                                    "--profile", "till-9", *flags], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 30
            while not any(path == "/api/v1/terminal" for path, _ in seen):
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the till never asked for its status"
                time.sleep(0.05)
        finally:
            process.terminate()
            process.wait(timeout=10)
            if process.stderr:
                process.stderr.close()
        return next(key for path, key in seen if path == "/api/v1/terminal" and key)

    first = run_till("--server", live_server.url, "--enroll", code_for(live_shop, "Till 9"))
    assert ("/api/v1/terminals/enroll", None) in seen
    again = run_till()  # no flags: settings and the key in the keyring are found
    assert again == first
    assert all(path != "/api/v1/terminals/enroll" for path, _ in seen)
    log = (tmp_path / "state" / "nixpos" / "log" / "till-till-9.log").read_text()
    assert "keypad on screen after" in log  # the second start painted before loading the rest


def test_first_run_without_flags_asks_for_the_server_and_code_on_screen(
    live_shop: Shop, live_server: LiveServer, memory_keyring: MemoryKeyring, config_dir: Path,
    run: Run, qtbot: QtBot
) -> None:
    args = argparse.Namespace(profile="till-9", server=None, enroll=None)
    started = asyncio.ensure_future(ensure_enrolled(args))

    def dialog() -> EnrollDialog:
        found = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, EnrollDialog) and w.isVisible()]
        assert found
        return found[0]

    qtbot.waitUntil(lambda: bool(dialog()))
    form = dialog()
    form.server.setText(live_server.url)
    form.code.setText("WRONG-CODE")
    qtbot.mouseClick(form.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.error.text() != "")
    assert "code" in form.error.text().lower()  # said on screen; the dialog stays
    form.code.setText(code_for(live_shop, "Till 9"))
    qtbot.mouseClick(form.enroll_button, Qt.MouseButton.LeftButton)
    enrolled = run(started)
    assert enrolled.config.terminal_name == "Till 9"
    assert memory_keyring.secrets[("nixpos", "terminal-key:till-9")] == enrolled.key

"""Kiosk mode on a real X server with no window manager (a bare kiosk X session).

The real ``nixpos`` program runs under Xvfb, which has no window manager: the
window must still cover the whole screen (``showFullScreen()`` alone leaves it
at its default size there), and when the till cannot start its reason must be
the window on top — the one a touch or a key reaches — until it is closed.
"""

from __future__ import annotations

import os
import random
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyrings.alt.file import PlaintextKeyring

from nixpos.client import secrets
from nixpos.client.config import TillConfig

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None or shutil.which("xdotool") is None,
    reason="needs Debian's xvfb and xdotool (.ci/run installs them)")

SCREEN = (1024, 600)
FAIL_BACKEND = "keyring.backends.fail.Keyring"  # what keyring falls back to on a bare kiosk


@pytest.fixture
def display() -> Iterator[str]:
    """A fresh Xvfb (no window manager). Display numbers are picked at random well
    above those xvfb-run (99 up) and ``-displayfd`` (0 up) take, since other test
    runs on this machine may start X servers at the same time."""
    for _ in range(10):
        number = random.randrange(200, 900)
        read, write = os.pipe()
        server = subprocess.Popen(
            ["Xvfb", f":{number}", "-displayfd", str(write), "-nolisten", "tcp", "-noreset",
             "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        ready, _, _ = select.select([read], [], [], 20)  # it writes the number once ready
        if ready and os.read(read, 32).strip() == str(number).encode():
            break
        os.close(read)
        server.kill()
        server.wait(timeout=10)
    else:
        raise AssertionError("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        os.close(read)  # only now: Xvfb may write to it again, and dies if nobody reads


@pytest.fixture
def till_env(tmp_path: Path, display: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in (("XDG_DATA_HOME", tmp_path / "data"), ("XDG_STATE_HOME",
                        tmp_path / "state"), ("NIXPOS_CONFIG_DIR", tmp_path / "config")):
        monkeypatch.setenv(name, str(value))  # here too: the test writes the till's files
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    return env | {"DISPLAY": display}


def xdotool(env: dict[str, str], *args: str) -> str:
    return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True,
                          timeout=30, check=True).stdout


def wait_for_window(env: dict[str, str], title: str, process: subprocess.Popen[str]) -> str:
    """The X window id of the visible window called ``title``."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
                               env=env, capture_output=True, text=True, timeout=30)
        if found.stdout.split():
            time.sleep(0.3)  # mapped; let it take its place
            return found.stdout.split()[0]
        time.sleep(0.1)
    raise AssertionError(f"no window {title!r} appeared")


def geometry(env: dict[str, str], window: str) -> tuple[int, int, int, int]:
    out = xdotool(env, "getwindowgeometry", window)
    place = re.search(r"Position: (\d+),(\d+)", out)
    size = re.search(r"Geometry: (\d+)x(\d+)", out)
    assert place and size, out
    return int(place[1]), int(place[2]), int(size[1]), int(size[2])


def window_on_top_at_centre(env: dict[str, str]) -> str:
    xdotool(env, "mousemove", str(SCREEN[0] // 2), str(SCREEN[1] // 2))
    out = xdotool(env, "getmouselocation", "--shell")
    found = re.search(r"WINDOW=(\d+)", out)
    assert found, out
    return found[1]


def start_till(env: dict[str, str], keyring_backend: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "nixpos"],  # no flags: a kiosk
                            env=env | {"PYTHON_KEYRING_BACKEND": keyring_backend},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def enroll_offline() -> None:
    """The settings and key of an enrolled till (its server need not answer to paint)."""
    TillConfig("http://127.0.0.1:9", "Till 9", "lumiere-coffee", "Lumière Coffee").save("default")
    PlaintextKeyring().set_password(secrets.SERVICE, "terminal-key:default", "not-a-real-key")


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
    process.communicate(timeout=10)


def test_the_kiosk_covers_the_whole_screen_without_a_window_manager(
    till_env: dict[str, str]
) -> None:
    enroll_offline()
    till = start_till(till_env, secrets.FILE_BACKEND)
    try:
        window = wait_for_window(till_env, "nixpos — Till 9", till)
        assert geometry(till_env, window) == (0, 0, *SCREEN)
        assert window_on_top_at_centre(till_env) == window
    finally:
        stop(till)


@pytest.mark.parametrize("enrolled", [False, True], ids=["first-start", "keyring-vanished"])
def test_a_kiosk_without_a_keyring_shows_why_on_top_until_closed(
    till_env: dict[str, str], enrolled: bool
) -> None:
    if enrolled:
        enroll_offline()  # its lock screen paints first; then the keyring is found missing
    till = start_till(till_env, FAIL_BACKEND)
    try:
        window = wait_for_window(till_env, "nixpos cannot start", till)
        assert geometry(till_env, window) == (0, 0, *SCREEN)
        assert window_on_top_at_centre(till_env) == window  # not behind the lock screen
        xdotool(till_env, "key", "Return")
        _, err = till.communicate(timeout=20)
    finally:
        stop(till)
    assert till.returncode == 2
    assert "No secure keyring" in err

"""The README's run command: demo shop, a real server, a quiet terminal, till commands that work."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from nixpos.quickstart import shell_line, till_command
from tests.live_server import free_port


def test_without_a_screen_it_serves_the_demo_quietly_and_prints_pasteable_till_commands(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "PYTHON_KEYRING_BACKEND")}
    env |= {"XDG_STATE_HOME": str(tmp_path / "state"),  # the logs stay in the test
            "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path / "home")}
    quickstart = subprocess.Popen(
        [sys.executable, "-m", "nixpos.quickstart", "--data-dir", str(tmp_path / "demo"),
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert quickstart.stdout is not None and quickstart.stderr is not None
    lines: list[str] = []
    till: subprocess.Popen[bytes] | None = None
    try:
        for line in quickstart.stdout:
            lines.append(line.rstrip())
            if line.startswith("Stop with Ctrl+C"):
                break
        output = "\n".join(lines)
        assert "Sokha Lim" in output and "PIN" in output
        assert f"http://127.0.0.1:{port}" in output and "No screen found" in output
        assert "INFO" not in output and "nixpos.server" not in output  # no server log here
        till_lines = [line.strip() for line in lines if "--enroll" in line]
        assert len(till_lines) == 2
        for line in till_lines:
            words = shlex.split(line)
            assert words[words.index("--server") + 1] == f"http://127.0.0.1:{port}"
            assert "PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring" in line
            assert "nixpos" in words[2]  # the program itself, not a bare "python -m"
        # Pasted into a shell as printed, the first line really starts a till that enrolls.
        till = subprocess.Popen(["sh", "-c", till_lines[0]], env=env | {
            "QT_QPA_PLATFORM": "offscreen"}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        settings = tmp_path / "demo" / "tills" / "demo-till-1" / "till.json"
        deadline = time.monotonic() + 30
        while not settings.exists() and till.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert settings.exists(), "the pasted till command did not enroll"
        words = shlex.split(till_lines[0])
        reused = httpx.post(f"http://127.0.0.1:{port}/api/v1/terminals/enroll", json={
            "code": words[words.index("--enroll") + 1], "device_name": "t", "os": "t"})
        assert reused.status_code == 401  # the till used its one-time code
        quickstart.send_signal(signal.SIGINT)
        assert quickstart.wait(timeout=15) == 0
        assert quickstart.stderr.read() == ""  # nothing flooded the terminal
    finally:
        for process in (quickstart, till):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    quickstart.stdout.close()
    quickstart.stderr.close()


def test_the_two_demo_tills_sit_side_by_side_with_their_own_profiles() -> None:
    first, second = (till_command("http://127.0.0.1:8765", "CODE", i) for i in (0, 1))
    assert first[first.index("--profile") + 1] != second[second.index("--profile") + 1]
    place = [cmd[cmd.index("--geometry") + 1] for cmd in (first, second)]
    x0, x1 = (int(p.split("+")[1]) for p in place)
    width = int(place[0].split("x")[0])
    assert x1 >= x0 + width  # no overlap


def test_a_printed_command_quotes_what_a_shell_would_split() -> None:
    line = shell_line(["/opt/my tills/nixpos", "--profile", "a b"], {"X": "1 2"})
    assert shlex.split(line) == ["X=1 2", "/opt/my tills/nixpos", "--profile", "a b"]

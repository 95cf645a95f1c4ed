"""The README's run command: demo shop, a real server, and till commands that work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from nixpos.quickstart import till_command
from tests.live_server import free_port


def test_without_a_screen_it_serves_the_demo_and_prints_working_till_commands(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")  # the server's log stays in the test
    quickstart = subprocess.Popen(
        [sys.executable, "-m", "nixpos.quickstart", "--data-dir", str(tmp_path / "demo"),
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert quickstart.stdout is not None
    lines: list[str] = []
    try:
        for line in quickstart.stdout:
            lines.append(line.rstrip())
            if line.startswith("Stop with Ctrl+C"):
                break
        output = "\n".join(lines)
        assert "Sokha Lim" in output and "PIN" in output
        assert "No screen found" in output
        till_lines = [line.split() for line in lines if "--enroll" in line]
        assert len(till_lines) == 2
        for words in till_lines:
            code = words[words.index("--enroll") + 1]
            server = words[words.index("--server") + 1]
            assert server == f"http://127.0.0.1:{port}"
            enrolled = httpx.post(f"{server}/api/v1/terminals/enroll",
                                  json={"code": code, "device_name": "t", "os": "t"})
            assert enrolled.status_code == 201, enrolled.text
        quickstart.send_signal(signal.SIGINT)
        assert quickstart.wait(timeout=15) == 0
    finally:
        if quickstart.poll() is None:
            quickstart.kill()
            quickstart.wait()
    quickstart.stdout.close()


def test_the_two_demo_tills_sit_side_by_side_with_their_own_profiles() -> None:
    first, second = (till_command("http://127.0.0.1:8765", "CODE", i) for i in (0, 1))
    assert first[first.index("--profile") + 1] != second[second.index("--profile") + 1]
    place = [cmd[cmd.index("--geometry") + 1] for cmd in (first, second)]
    x0, x1 = (int(p.split("+")[1]) for p in place)
    width = int(place[0].split("x")[0])
    assert x1 >= x0 + width  # no overlap

"""``nixpos-server`` as a real process: set up through its CLI, served, killed with -9, restarted.

Shared by the fault tests (``tests/faults``) and the benchmarks that need a
server they can crash: ``ServerProcess`` owns one database URL, one secret
file and one loopback port, so a restart after ``kill()`` comes back on the
same address with the same data, as a server restarted by systemd would.
Everything the server writes (its log, the secret) stays in ``directory``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from nixpos.quickstart import wait_for_port
from nixpos.server.serving import free_port

START_TIMEOUT_S = 30.0


class ServerProcess:
    def __init__(self, database_url: str, directory: Path, *, threads: int = 4) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.directory = directory
        self.secret_file = directory / "server.secret"
        self.port = free_port()
        self.threads = threads
        self._process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        # The server's log and default data paths land in this run's directory, not $HOME.
        return os.environ | {"XDG_STATE_HOME": str(self.directory / "state"),
                             "XDG_DATA_HOME": str(self.directory / "data"),
                             "XDG_CACHE_HOME": str(self.directory / "cache")}

    def cli(self, *args: str) -> dict[str, Any]:
        """``nixpos-server ARGS --json`` on this database; its JSON answer."""
        command = [sys.executable, "-m", "nixpos.server", *args, "--db", self.database_url,
                   "--secret-file", str(self.secret_file), "--json"]
        done = subprocess.run(command, env=self._env(), capture_output=True, text=True,
                              timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"nixpos-server {' '.join(args)} failed ({done.returncode}): "
                               f"{done.stderr.strip() or done.stdout.strip()}")
        answer = json.loads(done.stdout or "{}")
        return answer if isinstance(answer, dict) else {"result": answer}

    def start(self) -> None:
        """``nixpos-server serve`` on this port; returns once it accepts connections."""
        if self.running:
            raise RuntimeError("the server is already running; kill() or stop() it first")
        log = (self.directory / f"serve-{self.starts}.log").open("wb")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "nixpos.server", "serve", "--db", self.database_url,
             "--secret-file", str(self.secret_file), "--port", str(self.port),
             "--threads", str(self.threads)],
            env=self._env(), stdout=log, stderr=subprocess.STDOUT)
        log.close()  # the child holds its own descriptor
        self.starts += 1
        if not wait_for_port(self.port, self._process, START_TIMEOUT_S):
            self.kill()
            raise RuntimeError(f"nixpos-server serve did not listen on {self.port}: see "
                               f"{self.directory}/serve-{self.starts - 1}.log")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def kill(self) -> None:
        """``kill -9``: no shutdown handler runs, open connections just die."""
        if self._process is not None:
            if self._process.poll() is None:
                os.kill(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=10)
            self._process = None

    def restart(self) -> None:
        self.kill()
        self.start()

    def stop(self) -> None:
        """A polite stop (SIGTERM), then -9 if it does not go."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=10)
        self.kill()

    def serve_log(self) -> str:
        """Everything the server processes printed (for a failing test's message)."""
        return "\n".join(path.read_text(errors="replace")
                         for path in sorted(self.directory.glob("serve-*.log")))

"""The packaged build, as IT gets it: the PyInstaller bundle and the .deb made from it.

Runs when ``NIXPOS_BUNDLE`` names a built bundle (``.ci/run`` builds one per run:
``pyinstaller nixpos.spec``). Every program runs with ``env -i`` from another
directory, so nothing of this checkout or its virtualenv can help it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from nixpos.client import secrets
from nixpos.quickstart import wait_for_port
from tests.live_server import free_port

BUNDLE = Path(os.environ.get("NIXPOS_BUNDLE", "dist/nixpos")).resolve()
pytestmark = pytest.mark.skipif(
    "NIXPOS_BUNDLE" not in os.environ or not (BUNDLE / "nixpos").exists(),
    reason="set NIXPOS_BUNDLE to a bundle built by `pyinstaller nixpos.spec` (.ci/run does)")
FILE_KEYRING = secrets.FILE_BACKEND


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What ``env -i`` leaves, plus a home of its own."""
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", **extra}


def run(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=clean_env(home, **extra), cwd=home, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """The frozen server: init, demo, serve on a free port; its URL and the demo's answer."""
    home = tmp_path_factory.mktemp("server-home")
    db = f"sqlite:///{home}/nixpos.db"
    server_exe = str(BUNDLE / "nixpos-server")
    init = run(home, server_exe, "init", "--db", db)
    assert init.returncode == 0, init.stderr
    assert (home / "nixpos.db.secret").stat().st_mode & 0o777 == 0o600
    demo = run(home, server_exe, "demo", "--db", db, "--json")
    assert demo.returncode == 0, demo.stderr
    port = free_port()
    serving = subprocess.Popen([server_exe, "serve", "--db", db, "--port", str(port)],
                               env=clean_env(home), cwd=home, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    assert wait_for_port(port, serving, timeout_s=30), "serve did not start"
    assert httpx.get(f"{url}/api/v1/openapi.json").status_code == 200
    yield url, json.loads(demo.stdout)
    serving.terminate()
    serving.wait(timeout=10)


def test_the_frozen_server_serves_the_api_and_the_back_office(
    server: tuple[str, Any]
) -> None:
    url, _ = server
    assert httpx.get(f"{url}/signin").status_code == 200  # templates are in the bundle
    assert httpx.get(f"{url}/office-static/office.css").status_code == 200


def test_the_frozen_till_finds_the_keyring_it_was_told_to_use(tmp_path: Path) -> None:
    told = run(tmp_path, str(BUNDLE / "nixpos"), "--diagnose",
               PYTHON_KEYRING_BACKEND=FILE_KEYRING)
    assert told.returncode == 0, told.stdout + told.stderr
    assert f"keyring: {FILE_KEYRING} (usable)" in told.stdout
    untold = run(tmp_path, str(BUNDLE / "nixpos"), "--windowed", QT_QPA_PLATFORM="offscreen")
    assert untold.returncode == 2 and "No secure keyring" in untold.stderr


@pytest.mark.skipif(not shutil.which("xvfb-run") or not shutil.which("xdotool"),
                    reason="needs Debian's xvfb and xdotool (.ci/run installs them)")
def test_the_frozen_till_enrolls_and_a_cashier_unlocks_it(
    server: tuple[str, Any], tmp_path: Path
) -> None:
    url, demo = server
    codes = {c["terminal"]: c["code"] for c in demo["enrollment_codes"]}
    people = {p["name"]: p for p in demo["staff"]}
    pin = people["Mealea Sok"]["pin"]
    # The till on a real X server; xdotool types the PIN as a keyboard would.
    script = (
        f'"{BUNDLE}/nixpos" --server {url} --enroll {codes["Till 1"]} --windowed & '
        'till=$!; '
        'window=$(timeout 60 xdotool search --sync --name "nixpos — Till 1" | head -n 1); '
        'sleep 2; xdotool windowfocus --sync "$window"; '
        f'xdotool type --delay 60 {pin}; xdotool key Return; sleep 5; '
        'kill $till; wait $till || true'
    )
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "sh", "-c", script],
                          env=clean_env(tmp_path, PYTHON_KEYRING_BACKEND=FILE_KEYRING),
                          cwd=tmp_path, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stderr[-2000:]
    owner = people["Sokha Lim"]
    login = httpx.post(f"{url}/api/v1/admin/login", json={
        "email": owner["email"], "password": owner["password"], "device_name": "smoke test"})
    live = httpx.get(f"{url}/api/v1/admin/sessions",
                     headers={"Authorization": f"Bearer {login.json()['token']}"}).json()
    tills = {(s["staff"]["name"], s["terminal"]["name"]) for s in live["pos"]}
    assert ("Mealea Sok", "Till 1") in tills, done.stderr[-2000:]
    assert (tmp_path / ".config" / "nixpos" / "default" / "till.json").exists()
    assert (tmp_path / ".local" / "state" / "nixpos" / "log" / "till-default.log").exists()


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb, built once from the bundle."""
    out = tmp_path_factory.mktemp("deb")
    built = subprocess.run(["bash", "packaging/linux/build-deb.sh", str(BUNDLE), str(out)],
                           capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stderr
    return Path(built.stdout.strip())


def test_the_deb_installs_the_documented_layout(deb: Path, tmp_path: Path) -> None:
    version = (BUNDLE / "VERSION").read_text().strip()
    assert deb.name.startswith(f"nixpos_{version}_")
    info = subprocess.run(["dpkg-deb", "-f", str(deb), "Package", "Version"],
                          capture_output=True, text=True, check=True).stdout
    assert f"Version: {version}" in info
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    for program in ("nixpos", "nixpos-server"):
        assert os.access(root / "opt/nixpos" / program, os.X_OK)
        assert os.readlink(root / "usr/bin" / program) == f"/opt/nixpos/{program}"
    unit = (root / "lib/systemd/system/nixpos-server.service").read_text()
    for line in ("User=nixpos", "StateDirectory=nixpos",
                 "Environment=NIXPOS_DATABASE_URL=sqlite:////var/lib/nixpos/nixpos.db",
                 "ExecStartPre=/opt/nixpos/nixpos-server init"):
        assert line in unit
    assert "Exec=/opt/nixpos/nixpos" in (root / "usr/share/applications/nixpos.desktop"
                                         ).read_text()
    assert (root / "usr/share/nixpos/nixpos-kiosk.desktop").exists()
    assert "PYTHON_KEYRING_BACKEND" in (root / "usr/share/nixpos/till.env").read_text()
    assert (root / "usr/share/doc/nixpos/deploy.md").exists()
    scripts = root / "control"
    subprocess.run(["dpkg-deb", "-e", str(deb), str(scripts)], check=True)
    for script in ("postinst", "prerm", "postrm"):  # upgrades and removal keep the data
        text = (scripts / script).read_text()
        assert not re.search(r"\brm\b|deluser|userdel", text), script


@pytest.mark.skipif(os.environ.get("NIXPOS_TEST_DEB_INSTALL") != "1" or os.geteuid() != 0,
                    reason="installs into this machine: only where NIXPOS_TEST_DEB_INSTALL=1 "
                           "as root (.ci/run on its throwaway machine)")
def test_installing_upgrading_and_removing_the_deb_keeps_the_data(deb: Path) -> None:
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

    def dpkg(*args: str) -> None:
        done = subprocess.run(args, env=apt, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    data = Path("/var/lib/nixpos")
    dpkg("apt-get", "install", "-y", "-qq", str(deb))
    try:
        assert subprocess.run(["getent", "passwd", "nixpos"], capture_output=True).returncode == 0
        version = subprocess.run(["nixpos-server", "--version"], capture_output=True, text=True)
        assert version.stdout.strip() == f"nixpos {(BUNDLE / 'VERSION').read_text().strip()}"
        data.mkdir(exist_ok=True)
        (data / "nixpos.db").write_text("the shop's data")
        dpkg("dpkg", "-i", str(deb))  # an upgrade (here: the same version again)
        assert (data / "nixpos.db").read_text() == "the shop's data"
        dpkg("dpkg", "--purge", "nixpos")
        assert not Path("/opt/nixpos").exists() and not Path("/usr/bin/nixpos").exists()
        assert (data / "nixpos.db").read_text() == "the shop's data"
    finally:
        subprocess.run(["dpkg", "--purge", "nixpos"], capture_output=True)
        (data / "nixpos.db").unlink(missing_ok=True)

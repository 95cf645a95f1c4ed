"""``nixpos-server``: every SPEC §4 command, and clear errors for IT."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nixpos.server import cli
from nixpos.server.serving import ServeOptions


@pytest.fixture
def db_args(tmp_path: Path) -> list[str]:
    return ["--db", f"sqlite:///{tmp_path / 'pos.db'}"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    status, out, err = run(capsys, *argv, "--json")
    assert status == 0, err
    return json.loads(out)


def test_init_creates_schema_and_a_private_secret_beside_the_database(
    capsys: pytest.CaptureFixture[str], db_args: list[str], tmp_path: Path
) -> None:
    status, out, _ = run(capsys, "init", *db_args)
    assert status == 0
    secret = tmp_path / "pos.db.secret"
    assert "Database ready" in out and str(secret) in out
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    original = secret.read_bytes()
    assert run(capsys, "init", *db_args)[0] == 0  # migrating again keeps the secret
    assert secret.read_bytes() == original


def test_commands_before_init_say_to_run_init(
    capsys: pytest.CaptureFixture[str], db_args: list[str]
) -> None:
    status, _, err = run(capsys, "demo", *db_args)
    assert status == 2
    assert "nixpos-server init" in err


def test_demo_creates_the_lumiere_coffee_shop(
    capsys: pytest.CaptureFixture[str], db_args: list[str]
) -> None:
    run(capsys, "init", *db_args)
    demo = run_json(capsys, "demo", *db_args)
    assert demo["tenant"] == {"code": "lumiere-coffee", "name": "Lumière Coffee"}
    people = {p["name"]: p for p in demo["staff"]}
    assert people["Sokha Lim"]["role"] == "owner"
    assert sorted(p["role"] for p in demo["staff"]) == ["cashier", "cashier", "manager", "owner"]
    assert len({p["pin"] for p in demo["staff"]}) == 4
    assert [c["terminal"] for c in demo["enrollment_codes"]] == ["Till 1", "Till 2"]
    again = run_json(capsys, "demo", *db_args)  # a second run hands out fresh PINs
    assert {p["name"] for p in again["staff"]} == set(people)
    assert again["staff"][0]["pin"] != demo["staff"][0]["pin"]
    _, text, _ = run(capsys, "demo", *db_args)
    assert "Sokha Lim" in text and "PIN" in text and "Till 2:" in text


def test_tenant_staff_code_and_policy_commands(
    capsys: pytest.CaptureFixture[str], db_args: list[str]
) -> None:
    run(capsys, "init", *db_args)
    assert run(capsys, "add-tenant", "--code", "cafe", "--name", "Café", *db_args)[0] == 0
    code = run_json(capsys, "enrollment-code", "--tenant", "cafe", "--terminal", "Front",
                    *db_args)
    assert code["created"] is True and len(code["code"]) == 14
    again = run_json(capsys, "enrollment-code", "--tenant", "cafe", "--terminal", "Front",
                     *db_args)
    assert again["created"] is False
    status, out, _ = run(capsys, "add-staff", "--tenant", "cafe", "--name", "Ana",
                         "--role", "cashier", "--pin", "31415926", "--terminals", "Front",
                         *db_args)
    assert status == 0 and "31415926" in out
    status, _, err = run(capsys, "add-staff", "--tenant", "cafe", "--name", "Ben",
                         "--role", "cashier", "--pin", "31415926", *db_args)
    assert status == 2 and "already in use" in err
    policy = run_json(capsys, "set-policy", "--tenant", "cafe", "--idle-timeout", "5",
                      "--warning", "2", "--poll-interval", "1", *db_args)
    assert (policy["idle_timeout_s"], policy["warning_s"], policy["poll_interval_s"]) == (5, 2, 1)
    assert policy["ask_before_takeover"] is True  # the default
    for answer, expected in (("no", False), ("yes", True), ("off", False)):
        policy = run_json(capsys, "set-policy", "--tenant", "cafe", "--ask-before-takeover",
                          answer, *db_args)
        assert policy["ask_before_takeover"] is expected
        assert policy["idle_timeout_s"] == 5  # the rest stays


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add-tenant", "--code", "Bad Code!", "--name", "X"], "lower-case"),
        (["add-staff", "--tenant", "nope", "--name", "A", "--role", "cashier"], "No shop"),
        (["enrollment-code", "--tenant", "nope", "--terminal", "T"], "No shop"),
        (["set-policy", "--tenant", "nope", "--idle-timeout", "5"], "No shop"),
    ],
)
def test_mistakes_get_one_clear_line_and_status_2(
    capsys: pytest.CaptureFixture[str], db_args: list[str], argv: list[str], message: str
) -> None:
    run(capsys, "init", *db_args)
    status, _, err = run(capsys, *argv, *db_args)
    assert status == 2
    assert message in err
    assert "Traceback" not in err


def test_set_policy_rejects_non_positive_seconds(
    capsys: pytest.CaptureFixture[str], db_args: list[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["set-policy", "--tenant", "x", "--idle-timeout", "0", *db_args])
    assert exit_info.value.code == 2
    assert "not a whole number of 1 or more" in capsys.readouterr().err


def test_an_unknown_database_kind_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "init", "--db", "mysql://x/y")
    assert status == 2
    assert "SQLite" in err and "PostgreSQL" in err


def test_the_database_url_can_come_from_the_environment(tmp_path: Path) -> None:
    env = os.environ | {"NIXPOS_DATABASE_URL": f"sqlite:///{tmp_path / 'env.db'}"}
    result = subprocess.run([sys.executable, "-m", "nixpos.server", "init"], env=env,
                            capture_output=True, text=True, check=True)
    assert "env.db" in result.stdout
    assert (tmp_path / "env.db.secret").exists()


def test_help_lists_every_command() -> None:
    text = cli.build_parser().format_help()
    for command in ("init", "demo", "add-tenant", "add-staff", "enrollment-code", "set-policy",
                    "serve"):
        assert command in text


def test_serve_takes_the_servers_limits_and_trusted_proxy_as_flags() -> None:
    defaults = cli.serve_options(cli.build_parser().parse_args(["serve"]))
    assert defaults == ServeOptions()
    assert (defaults.connection_limit, defaults.channel_timeout_s) == (1000, 30)
    assert defaults.trusted_proxy is None
    chosen = cli.serve_options(cli.build_parser().parse_args([
        "serve", "--host", "0.0.0.0", "--port", "9000", "--threads", "4",
        "--connection-limit", "2000", "--channel-timeout", "10", "--trusted-proxy", "10.0.0.1"]))
    assert chosen == ServeOptions("0.0.0.0", 9000, 4, 2000, 10, "10.0.0.1")

"""The access log says what happened without ever carrying a secret."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from nixpos.server import logs
from tests.helpers import Shop


def test_access_log_has_one_line_per_request_and_no_pin_or_token(
    shop: Shop, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="nixpos.server.access"):
        body = shop.unlock_ok("Till 1", "Mealea Sok")
        shop.poll("Till 1", body["token"])
    lines = [r.getMessage() for r in caplog.records if r.name == "nixpos.server.access"]
    assert len(lines) == 2
    assert lines[0].startswith("POST /api/v1/pos/unlock 200")
    text = "\n".join(lines)
    for secret in (shop.pins["Mealea Sok"], body["token"], shop.keys["Till 1"]):
        assert secret not in text


def test_logs_go_to_a_file_in_the_log_directory(tmp_path: Path) -> None:
    path = logs.configure(tmp_path / "log")
    try:
        logging.getLogger("nixpos.server").info("hello from the test")
    finally:
        logs.shutdown()
    assert path == tmp_path / "log" / "server.log"
    assert "hello from the test" in path.read_text()


def test_each_line_is_printed_once_even_beside_waitress_root_handler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root_handler = logging.StreamHandler()  # what waitress.serve()'s basicConfig adds
    logging.getLogger().addHandler(root_handler)
    logs.configure(tmp_path / "log")
    try:
        logging.getLogger("nixpos.server.access").info("GET /api/v1/terminal 200")
    finally:
        logs.shutdown()
        logging.getLogger().removeHandler(root_handler)
    assert capsys.readouterr().err.count("GET /api/v1/terminal 200") == 1

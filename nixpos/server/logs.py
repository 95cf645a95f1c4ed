"""Server logging: to stderr and to a rotating file in the platform's log directory.

The access log is one line per request — method, path, status, time — and
never carries a header, so no token, key or PIN can end up in it.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

import platformdirs

from nixpos.server.db import APP_NAME

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def default_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def configure(log_dir: Path | None = None, level: int = logging.INFO) -> Path:
    """Send ``nixpos`` logs to stderr and ``<log dir>/server.log``; returns the file."""
    directory = log_dir or default_log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "server.log"
    formatter = logging.Formatter(FORMAT)
    to_file = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=5)
    to_stderr = logging.StreamHandler(sys.stderr)
    logger = logging.getLogger(APP_NAME)
    shutdown()
    for handler in (to_file, to_stderr):
        handler.setFormatter(formatter)
        logger.addHandler(handler)
    logger.setLevel(level)
    # Our handlers say it all; waitress.serve() adds a root handler that would repeat it.
    logger.propagate = False
    return path


def shutdown() -> None:
    """Close and remove the handlers ``configure`` installed."""
    logger = logging.getLogger(APP_NAME)
    logger.propagate = True
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()

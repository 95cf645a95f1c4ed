"""Where the server finds its database and its secret.

The database URL comes from ``--db``, else ``NIXPOS_DATABASE_URL``, else a
SQLite file in the user data directory. The PIN secret lives in a file
*beside* the database, never inside it: next to a SQLite file as
``<file>.secret``, otherwise in the user data directory, unless
``--secret-file`` / ``NIXPOS_SECRET_FILE`` says where.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url

from nixpos.server.db import APP_NAME, default_database_url


@dataclass(frozen=True)
class ServerConfig:
    database_url: str
    secret_file: Path

    @classmethod
    def resolve(cls, db: str | None = None, secret_file: str | None = None) -> ServerConfig:
        url = db or os.environ.get("NIXPOS_DATABASE_URL") or default_database_url()
        secret = secret_file or os.environ.get("NIXPOS_SECRET_FILE")
        return cls(url, Path(secret) if secret else default_secret_file(url))


def default_secret_file(database_url: str) -> Path:
    try:
        parsed = make_url(database_url)
    except Exception:
        parsed = None
    if parsed is not None and parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            return Path(database).expanduser().with_name(Path(database).name + ".secret")
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "server.secret"

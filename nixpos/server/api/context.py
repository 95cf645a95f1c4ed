"""The ``ServerContext`` of the running app, for views."""

from __future__ import annotations

from typing import cast

from flask import current_app

from nixpos.server.services.context import ServerContext

EXTENSION = "nixpos"


def server() -> ServerContext:
    return cast(ServerContext, current_app.extensions[EXTENSION])

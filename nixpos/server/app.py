"""``create_app``: the Flask application, wired to its database, secret and clock."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import Any

from flask import Flask, Response, g, request

from nixpos.core.clock import Clock, SystemClock
from nixpos.server.api import admin, admin_selling, errors, openapi, pos, selling, terminals
from nixpos.server.api.context import EXTENSION
from nixpos.server.config import ServerConfig
from nixpos.server.db import Database
from nixpos.server.limits import MAX_BODY_BYTES
from nixpos.server.security import read_secret_file
from nixpos.server.services.context import ServerContext
from nixpos.server.web import views

access_log = logging.getLogger("nixpos.server.access")


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    config: ServerConfig | None = None,
    database: Database | None = None,
    clock: Clock | None = None,
    pin_secret: bytes | None = None,
) -> Flask:
    """Build the app. Collaborators default to the real ones named by ``config``."""
    app = Flask(__name__)
    # The same limit the WSGI server applies (``serving``): whichever sees the body
    # first refuses it with the same JSON 413.
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, JSON_SORT_KEYS=False)
    if test_config:
        app.config.update(test_config)
    config = config or ServerConfig.resolve()
    ctx = ServerContext(
        db=database or Database(config.database_url),
        pin_secret=pin_secret if pin_secret is not None else read_secret_file(config.secret_file),
        clock=clock or SystemClock(),
    )
    app.extensions[EXTENSION] = ctx
    # Signs Flask's own cookie (the back office's one-time notices), keyed off the secret.
    app.secret_key = hmac.new(ctx.pin_secret, b"nixpos flask cookie", hashlib.sha256).digest()
    for blueprint in (terminals.bp, pos.bp, selling.bp, admin.bp, admin_selling.bp,
                      openapi.bp, views.bp):
        app.register_blueprint(blueprint)
    errors.install(app)
    _install_access_log(app)
    return app


def _install_access_log(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        if access_log.isEnabledFor(logging.INFO):
            access_log.info(
                "%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed_ms
            )
        return response

"""The tests' real WSGI server: the app under nixpos's own configured waitress
(``nixpos.server.serving``), on a free loopback port, in a thread."""

from __future__ import annotations

from typing import Any

from flask import Flask

from nixpos.server.serving import BackgroundServer, ServeOptions, free_port

__all__ = ["LiveServer", "free_port"]


class LiveServer(BackgroundServer):
    """``BackgroundServer`` for a Flask app; ``options`` as ``ServeOptions`` takes them."""

    def __init__(self, app: Flask, threads: int = 4, **options: Any) -> None:
        super().__init__(app, ServeOptions(port=0, threads=threads, **options))
        self.app: Flask = app

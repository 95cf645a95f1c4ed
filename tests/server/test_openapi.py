"""The published OpenAPI document names exactly the app's routes."""

from __future__ import annotations

import re

from flask import Flask
from openapi_spec_validator import validate


def test_openapi_and_url_map_name_the_same_routes(app: Flask) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    documented = {(path, method.upper()) for path, ops in document["paths"].items()
                  for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue  # the back office's web pages are not part of the API
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        served |= {(path, m) for m in rule.methods or () if m not in {"HEAD", "OPTIONS"}}
    assert documented == served


def test_openapi_document_is_valid(app: Flask) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    assert document is not None
    validate(document)

"""The baseline for the poll benchmark: a bare Flask JSON endpoint, nothing else."""

from __future__ import annotations

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

app = Flask(__name__)


@app.get("/api/v1/pos/session")
def session() -> ResponseReturnValue:
    return jsonify(id=1, state="active", staff={"id": 1, "name": "Cashier", "role": "cashier"},
                   terminal={"id": 1, "name": "Till 1"}, started_at="2026-01-01T00:00:00.000Z",
                   last_activity_at="2026-01-01T00:00:00.000Z",
                   expires_at="2026-01-01T00:15:00.000Z", override=False)

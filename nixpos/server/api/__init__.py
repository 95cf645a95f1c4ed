"""HTTP API v1 (SPEC §3): Blueprints that translate requests into service calls.

Views check the shape of what arrives (``api.body``), call one service
function, and return its dict as JSON. Errors become ``{"error", "message"}``
with the status from ``api.errors``.
"""

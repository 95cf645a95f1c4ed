"""How much the server accepts from a client, in one place.

The WSGI server (``serving``) and Flask (``app``) refuse bodies over
``MAX_BODY_BYTES`` with the same JSON 413; ``api.body`` bounds JSON nesting and
text fields. Every API body is a small JSON object, so the limits are tight.
"""

from __future__ import annotations

MAX_BODY_BYTES = 64 * 1024
# Deeper JSON is refused before it is parsed: Python's parser recurses, and no
# request of this API nests more than three levels.
MAX_JSON_DEPTH = 32
# A text field a person types (a name, a device name) unless the field says otherwise.
MAX_TEXT = 200
# Audit-log entries in one answer of the JSON API.
AUDIT_PAGE_MAX = 500
# waitress's default; a request whose request line and headers are larger gets 431.
MAX_HEADER_BYTES = 256 * 1024


def kib(size: int) -> str:
    return f"{size // 1024} KiB"

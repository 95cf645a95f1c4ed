"""What text from outside the server accepts, in one place (``api.body`` and the services).

NUL and lone surrogates are never accepted anywhere: PostgreSQL refuses NUL in
text, a surrogate cannot be encoded as UTF-8, and neither can be shown. Text a
person types (names, device names, e-mail addresses) also has no control characters.
"""

from __future__ import annotations

import re

# As a JSON-Schema pattern, for the OpenAPI document.
TEXT_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f\ud800-\udfff]*$"
_NOT_TEXT = re.compile(r"[\u0000-\u001f\u007f-\u009f\ud800-\udfff]")
_UNSTORABLE = re.compile(r"[\u0000\ud800-\udfff]")


def is_storable(value: str) -> bool:
    """No NUL and no lone surrogate."""
    return _UNSTORABLE.search(value) is None


def is_text(value: str) -> bool:
    """Storable and free of control characters."""
    return _NOT_TEXT.search(value) is None

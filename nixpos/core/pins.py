"""PIN rules: what a well-formed PIN is, and server-side generation of safe ones.

PINs are ASCII digits only (``"١٢٣٤٥٦٧٨".isdigit()`` is True in Python, so
``str.isdigit`` is not enough) and exactly the tenant's ``pin_length`` long.
Generated PINs avoid the ones people guess first: one digit repeated and
runs that climb or fall by one.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable

ASCII_DIGITS = frozenset("0123456789")
MIN_PIN_LENGTH = 4
MAX_PIN_LENGTH = 12
DEFAULT_PIN_LENGTH = 8


def is_well_formed(pin: str, length: int) -> bool:
    return len(pin) == length and set(pin) <= ASCII_DIGITS


def format_problem(pin: str, length: int) -> str | None:
    """A sentence for a person saying what is wrong with ``pin``, or None if nothing."""
    if is_well_formed(pin, length):
        return None
    return f"A PIN is exactly {length} digits 0–9."


def is_trivial(pin: str) -> bool:
    """True for PINs such as 00000000, 12345678 or 87654321 (wrapping 8901… too)."""
    if len(set(pin)) == 1:
        return True
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    return steps in ({1}, {9})


def generate_pin(length: int, randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A random PIN of ``length`` ASCII digits that is not trivial."""
    while True:
        pin = "".join(str(randbelow(10)) for _ in range(length))
        if not is_trivial(pin):
            return pin

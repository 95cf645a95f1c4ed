"""The till key in the OS keyring (SPEC rule 13), and refusing to run without one.

The key is stored with the ``keyring`` package: Windows Credential Locker,
macOS Keychain, Secret Service on Linux. Where no secure backend exists,
keyring falls back to a backend that cannot store anything; the client then
refuses to start and says how IT can choose a file backend explicitly.
"""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.core
import keyring.errors
from keyring.backends import fail, null

SERVICE = "nixpos"
# The file backend IT may choose for a till with no desktop keyring: a 0600 file.
FILE_BACKEND = "keyrings.alt.file.PlaintextKeyring"

NO_KEYRING = (
    "No secure keyring is available to keep this till's key. Start a Secret Service "
    "(e.g. gnome-keyring) or, if this till has none, choose a file backend explicitly: "
    f"set PYTHON_KEYRING_BACKEND={FILE_BACKEND} (a 0600 file) in the "
    "till's environment. See docs/deploy.md."
)


class KeyringUnavailable(RuntimeError):
    pass


def _account(profile: str) -> str:
    return f"terminal-key:{profile}"


# Backends that keep secrets in a plain or weakly protected file. keyring picks
# them on its own when nothing better exists, so they count only when IT chose
# one explicitly (PYTHON_KEYRING_BACKEND or keyringrc.cfg).
_FILE_BACKENDS = ("keyrings.alt.",)


def _chosen_explicitly() -> bool:
    return keyring.core.load_env() is not None or keyring.core.load_config() is not None


def check_backend() -> keyring.backend.KeyringBackend:
    """The keyring to keep the till key in, or ``KeyringUnavailable`` saying what to do."""
    backend = keyring.get_keyring()
    chained = getattr(backend, "backends", None)
    if isinstance(backend, fail.Keyring | null.Keyring) or (chained is not None and not chained):
        raise KeyringUnavailable(NO_KEYRING)
    if type(backend).__module__.startswith(_FILE_BACKENDS) and not _chosen_explicitly():
        raise KeyringUnavailable(NO_KEYRING)
    return backend


def load_key(profile: str) -> str | None:
    check_backend()
    try:
        return keyring.get_password(SERVICE, _account(profile))
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"The keyring refused to read the till key: {exc}") from exc


def store_key(profile: str, key: str) -> None:
    check_backend()
    try:
        keyring.set_password(SERVICE, _account(profile), key)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"The keyring refused to store the till key: {exc}") from exc

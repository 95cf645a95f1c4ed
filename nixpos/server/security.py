"""Secrets: random tokens, their stored hashes, the keyed PIN index and passwords.

- Session tokens and terminal keys are 32 random bytes; only SHA-256 is stored.
- A PIN is stored only as HMAC-SHA256(server secret, tenant id + PIN). The
  same value is the lookup index, so an unlock is one indexed query however
  many people a shop has, and a stolen database alone does not reveal PINs.
- Back-office passwords use argon2id.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SECRET_BYTES = 32
# Unambiguous to read aloud and type: no 0/O, 1/I/L.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 12

_password_hasher = PasswordHasher()  # argon2id with the library's current defaults
_DUMMY_HASH = _password_hasher.hash("nixpos-timing-equaliser")


def new_token() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def pin_index(secret: bytes, tenant_id: int, pin: str) -> str:
    return hmac.new(secret, f"{tenant_id}:{pin}".encode("ascii"), hashlib.sha256).hexdigest()


def hash_password(password: str) -> str:
    return _password_hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; costs the same whether or not the account exists."""
    try:
        return _password_hasher.verify(password_hash or _DUMMY_HASH, password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def new_enrollment_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def normalise_enrollment_code(code: str) -> str:
    """What people type varies (case, dashes, spaces); the stored hash does not."""
    return "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())


def enrollment_code_hash(code: str) -> str:
    return token_hash(normalise_enrollment_code(code))


class SecretFileError(RuntimeError):
    """The server secret is missing or unreadable; the message says what to do."""


def create_secret_file(path: Path) -> bool:
    """Create the server secret (mode 0600) unless it exists. True if it was created."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_bytes(SECRET_BYTES))
    return True


def read_secret_file(path: Path) -> bytes:
    try:
        secret = path.read_bytes()
    except FileNotFoundError:
        raise SecretFileError(
            f"The server secret {path} does not exist. Run `nixpos-server init` with the "
            "same --db (and --secret-file) first."
        ) from None
    except OSError as exc:
        raise SecretFileError(f"Cannot read the server secret {path}: {exc.strerror}.") from exc
    if len(secret) < SECRET_BYTES:
        raise SecretFileError(f"The server secret {path} is too short; restore it from backup.")
    return secret

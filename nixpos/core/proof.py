"""The proof that an offline sale comes from the session it names (SPEC §7.4).

A till restarted while sales wait no longer has the session's token (it never
touches the disk), only this proof made while it still had it. The server holds
the token's SHA-256 and computes the same HMAC, so it needs no token either.
"""

from __future__ import annotations

import hashlib
import hmac


def sale_proof_from_hash(token_sha256: bytes, client_id: str) -> str:
    """The proof, keyed with the token's SHA-256 as raw bytes (the server stores it as hex)."""
    return hmac.new(token_sha256, client_id.encode("utf-8"), hashlib.sha256).hexdigest()


def sale_proof(token: str, client_id: str) -> str:
    """Hex HMAC-SHA256 of ``client_id`` keyed with SHA-256(``token``)."""
    return sale_proof_from_hash(hashlib.sha256(token.encode("utf-8")).digest(), client_id)


def proof_matches(token_sha256: bytes, client_id: str, proof: str) -> bool:
    return hmac.compare_digest(sale_proof_from_hash(token_sha256, client_id), proof)

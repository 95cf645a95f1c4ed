"""The offline sale proof: SPEC §7.4's HMAC, checkable from the stored token hash alone."""

from __future__ import annotations

import hashlib
import hmac

from nixpos.core.proof import proof_matches, sale_proof
from nixpos.server.security import token_hash


def test_the_proof_is_the_specs_hmac() -> None:
    key = hashlib.sha256(b"tok-123").digest()
    expected = hmac.new(key, b"sale-1", hashlib.sha256).hexdigest()
    assert sale_proof("tok-123", "sale-1") == expected


def test_the_server_checks_a_proof_from_the_hash_it_stores() -> None:
    stored = bytes.fromhex(token_hash("tok-123"))
    assert proof_matches(stored, "sale-1", sale_proof("tok-123", "sale-1"))
    assert not proof_matches(stored, "sale-2", sale_proof("tok-123", "sale-1"))
    assert not proof_matches(stored, "sale-1", sale_proof("tok-124", "sale-1"))

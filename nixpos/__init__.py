"""nixpos: PIN-unlocked point-of-sale tills and the server that owns their sessions.

Layers (each imports only the ones above it):

- ``nixpos.core``   — the session rules in plain Python (no Qt, no HTTP, no SQL).
- ``nixpos.server`` — the Flask server: ``services`` hold the rules against the
  database, ``api`` translates HTTP to service calls, ``cli`` is ``nixpos-server``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nixpos")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

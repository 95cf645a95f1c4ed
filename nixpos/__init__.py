"""nixpos: PIN-unlocked point-of-sale tills and the server that owns their sessions.

Layers (each imports only the ones above it):

- ``nixpos.core``   — the session rules in plain Python (no Qt, no HTTP, no SQL).
- ``nixpos.server`` — the Flask server: ``services`` hold the rules against the
  database, ``api`` translates HTTP to service calls, ``cli`` is ``nixpos-server``.
"""

# The one place the version is written (pyproject.toml reads it from here); not read
# through importlib.metadata, which costs a till ~70 ms at every start.
__version__ = "0.1.0"

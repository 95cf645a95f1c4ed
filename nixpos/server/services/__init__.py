"""The server's rules, as functions over one database transaction each.

Each public function takes a ``ServerContext`` (database, clock, PIN secret)
and plain values, enforces SPEC §2, and returns JSON-ready dicts or raises a
``nixpos.server.errors.NixposError``. Nothing here knows about HTTP.
"""

"""The nixpos server: the authority on who is signed in on which till.

- ``models`` / ``db`` / ``migrations`` — the data and how it is stored.
- ``services`` — every session rule, as functions over a database transaction.
- ``api`` — Flask Blueprints that turn HTTP into service calls and back.
- ``app`` — ``create_app``; ``cli`` — ``nixpos-server``.
"""

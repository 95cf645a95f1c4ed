"""The kiosk client that runs on each till.

- ``api`` — the server's HTTP API as async calls with typed errors (no Qt).
- ``config`` / ``secrets`` — per-profile settings and the till key in the OS keyring.
- ``controller`` — connects the core ``TillSession`` to the API and the views.
- ``views`` — Qt widgets that show state and forward input, nothing more.
- ``app`` — ``nixpos``: command line, event loop, main window.
"""

"""The session rules in plain Python: no Qt, no HTTP, no database.

Everything here is deterministic given a clock, so it is tested exhaustively
with a fake one.
"""

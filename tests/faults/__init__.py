"""Fault tests with real processes: a server killed with -9, answers lost on the way, many
tills at once (issue 11). Each asserts the exact set of sales in the database afterwards."""

"""The back office as web pages (issues 4 and 10): Jinja templates over the same services
as the JSON admin API, so there is one set of rules.

- ``signin`` — the session cookie, CSRF tokens and the ``signed_in`` decorator.
- ``pages`` — the blueprint and how a view answers: a page, a sentence, a refusal.
- ``present`` — times in the shop's zone, money in its currency, audit events in words.
- ``views`` — sign-in, live sessions (with today's figures), staff, tills, audit, policy.
- ``products`` — the menu: products and categories, in the till's order.
- ``sales`` — a range of days with its totals and sales, a sale's detail, the CSV.
"""

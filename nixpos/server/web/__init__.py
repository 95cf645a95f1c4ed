"""The back office as web pages (issue 4): Jinja templates over the same services as the
JSON admin API, so there is one set of rules.

- ``signin`` — the session cookie, CSRF tokens and the ``page``/``action`` decorators.
- ``present`` — times, durations, devices and audit events in words for people.
- ``views`` — the routes: sign-in, live sessions, staff, tills, audit log, policy.
"""

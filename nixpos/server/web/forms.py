"""What the back office accepts from a form: text that a database can store and a page
can show.

A browser never types NUL or other control characters, but a crafted request can; PostgreSQL
cannot store NUL at all and would fail the whole request. Such a form is refused with a
400 page that says what to do, before any view or service sees it.
"""

from __future__ import annotations

from flask import abort, request

from nixpos.server.web.present import UNSHOWABLE


def refuse_unstorable_text() -> None:
    if request.method != "POST":
        return
    for values in request.form.listvalues():
        if any(UNSHOWABLE.search(value) for value in values):
            abort(400, "This form holds control characters (such as NUL) that cannot be "
                       "stored. Retype the text without them and send the form again.")

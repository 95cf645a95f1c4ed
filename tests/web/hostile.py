"""Names an attacker would choose, and people and tills in the shop that carry them.

Shared by the Flask-client tests (``tests/server/test_web.py``) and the browser tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.helpers import TENANT, Shop

# Each breaks out of a different place a name used to land in: a JavaScript string inside
# an attribute, the attribute itself, the HTML around it, a <script> element.
HOSTILE_NAMES = (
    "O'Neil",
    "Tep');alert(1);//",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    'Back\\slash "Quote" Sok',
    '"><svg onload=window.__pwned=1>',
)


@dataclass(frozen=True)
class Hostile:
    """A cashier with a hostile name, signed in on a till with a hostile name."""

    name: str
    till: str
    pin: str
    session_id: int
    token: str

    @property
    def end_question(self) -> str:
        return (f"End {self.name}'s session on {self.till}? "
                "The till locks and says you ended it.")


def add_hostile_people(shop: Shop) -> list[Hostile]:
    """Enroll a till and add a cashier per hostile name, each signed in on their till."""
    people = []
    for number, name in enumerate(HOSTILE_NAMES):
        till = f"{name} till"
        pin = f"2{number}6{number}1{number}8{number}"  # distinct, none of them trivial
        shop.enroll(TENANT, till)
        shop.add(name, "cashier", pin)
        live = shop.unlock_ok(till, name)
        people.append(Hostile(name, till, pin, live["session"]["id"], live["token"]))
    return people

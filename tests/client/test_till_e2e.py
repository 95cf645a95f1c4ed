"""Two real tills against a real server (waitress on a free port, in this process).

Sokha unlocks Till 1, then Till 2 → Till 1 is back on the lock screen within
one poll, and its KickBanner names her and Till 2 and says "another device".
Forced ends from the admin API reach the till with their own words; the idle
lock works with a short policy; a server outage shows the offline badge and
signs nobody out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from nixpos.client.till import Till
from nixpos.core.session import Phase
from nixpos.server.services import tenants
from tests.helpers import PASSWORD, TENANT, Shop, until
from tests.live_server import LiveServer

Run = Callable[[Any], Any]
MakeTill = Callable[[str], Till]


def type_pin(till: Till, pin: str) -> None:
    """A person taps the PIN on the keypad and presses Enter."""
    keypad = till.window.lock_screen.keypad
    for digit in pin:
        keypad.buttons[digit].click()
    keypad.buttons["Enter"].click()


def unlock(run: Run, till: Till, pin: str) -> None:
    type_pin(till, pin)
    run(until(lambda: till.session.is_live))


def banner(till: Till) -> str | None:
    widget = till.window.lock_screen.banner
    return None if widget.isHidden() else widget.text.text()


def admin_token(server: LiveServer, email: str) -> str:
    response = httpx.post(f"{server.url}/api/v1/admin/login",
                          json={"email": email, "password": PASSWORD, "device_name": "Office"})
    return str(response.json()["token"])


def admin_post(server: LiveServer, token: str, path: str) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/admin/{path}", json={},
                      headers={"Authorization": f"Bearer {token}"})


def fast_polls(shop: Shop) -> None:
    tenants.set_policy(shop.ctx, TENANT, poll_interval_s=1)


def test_signing_in_on_till_2_kicks_till_1_with_a_banner(
    live_shop: Shop, make_till: MakeTill, run: Run
) -> None:
    fast_polls(live_shop)
    till_1, till_2 = make_till("Till 1"), make_till("Till 2")
    unlock(run, till_1, live_shop.pins["Sokha Lim"])
    assert till_1.window.active_screen.person.text() == "Sokha Lim"
    assert not till_1.window.is_locked_view

    unlock(run, till_2, live_shop.pins["Sokha Lim"])
    run(until(lambda: till_1.session.phase is Phase.LOCKED, timeout=1 + 2))
    assert till_1.window.is_locked_view
    text = banner(till_1)
    assert text is not None
    assert "Sokha Lim" in text and "Till 2" in text and "another device" in text
    assert till_2.session.is_live and banner(till_2) is None

    till_1.window.lock_screen.banner.dismiss_button.click()
    assert banner(till_1) is None


def test_a_pin_reset_reaches_the_till_with_its_own_words(
    live_shop: Shop, live_server: LiveServer, make_till: MakeTill, run: Run
) -> None:
    fast_polls(live_shop)
    till = make_till("Till 1")
    unlock(run, till, live_shop.pins["Mealea Sok"])
    token = admin_token(live_server, "dara@lumiere.example")
    assert admin_post(live_server, token,
                      f"staff/{live_shop.ids['Mealea Sok']}/reset-pin").status_code == 200
    run(until(lambda: till.session.phase is Phase.LOCKED, timeout=3))
    assert banner(till) is not None
    assert "Mealea Sok's PIN was reset by Dara Chan" in (banner(till) or "")


def test_deactivating_the_till_locks_it_for_good(
    live_shop: Shop, live_server: LiveServer, make_till: MakeTill, run: Run
) -> None:
    fast_polls(live_shop)
    till = make_till("Till 1")
    unlock(run, till, live_shop.pins["Mealea Sok"])
    token = admin_token(live_server, "dara@lumiere.example")
    admin_post(live_server, token, f"terminals/{live_shop.till_ids['Till 1']}/deactivate")
    run(until(lambda: till.session.phase is Phase.LOCKED, timeout=3))
    assert "This terminal has been deactivated by Dara Chan" in (banner(till) or "")
    assert not till.window.lock_screen.keypad.isEnabled()
    assert till.window.lock_screen.error.text() == "This terminal has been deactivated"


def test_wrong_pins_show_the_spec_errors_and_the_lockout_countdown(
    live_shop: Shop, make_till: MakeTill, run: Run
) -> None:
    till = make_till("Till 2")
    error = till.window.lock_screen.error
    type_pin(till, live_shop.pins["Vannak Kim"])  # assigned to Till 1 only
    run(till.controller.settle())
    assert error.text() == "Not assigned to this terminal"
    for _ in range(4):
        type_pin(till, "13572460")
        run(till.controller.settle())
        assert error.text() == "Invalid PIN"
        assert till.session.phase is Phase.LOCKED
    type_pin(till, "13572460")  # the fifth failure locks the keypad
    run(till.controller.settle())
    assert error.text() == "Terminal locked — try again in 0:30 or ask a manager"
    assert not till.window.lock_screen.keypad.isEnabled()
    assert not till.window.lock_screen.override_button.isEnabled()


def test_manager_override_unlocks_a_till_the_manager_is_not_assigned_to(
    live_shop: Shop, make_till: MakeTill, run: Run
) -> None:
    till = make_till("Till 2")
    till.window.lock_screen.override_button.click()
    dialog = till.controller.dialog
    assert dialog is not None and dialog.isModal()
    for digit in live_shop.pins["Mealea Sok"]:
        dialog.keypad.press(digit)
    dialog.keypad.press("Enter")
    run(till.controller.settle())
    assert "not a manager" in dialog.error.text()
    for digit in live_shop.pins["Dara Chan"]:
        dialog.keypad.press(digit)
    dialog.keypad.press("Enter")
    run(until(lambda: till.session.is_live))
    assert till.window.active_screen.role.text() == "Manager · manager override"


def test_open_drawer_needs_a_manager_and_the_cashier_stays(
    live_shop: Shop, make_till: MakeTill, run: Run
) -> None:
    till = make_till("Till 1")
    unlock(run, till, live_shop.pins["Mealea Sok"])
    till.window.active_screen.drawer_button.click()
    dialog = till.controller.dialog
    assert dialog is not None
    for digit in live_shop.pins["Dara Chan"]:
        dialog.keypad.press(digit)
    dialog.keypad.press("Enter")
    run(until(lambda: till.controller.dialog is None))
    assert till.window.active_screen.notice.text() == (
        "Open drawer without a sale — approved by Dara Chan.")
    assert till.session.person is not None and till.session.person.name == "Mealea Sok"


def test_the_till_locks_itself_when_idle_after_a_warning(
    live_shop: Shop, make_till: MakeTill, run: Run
) -> None:
    tenants.set_policy(live_shop.ctx, TENANT, idle_timeout_s=3, warning_s=2, poll_interval_s=1)
    till = make_till("Till 1")
    run(until(lambda: till.session.policy.idle_timeout_s == 3))  # learned from the server
    unlock(run, till, live_shop.pins["Mealea Sok"])
    run(until(lambda: till.session.phase is Phase.WARNING, timeout=3))
    assert till.window.warning.isVisible()
    assert till.window.warning.countdown.text().startswith("This register locks in 0:0")
    run(until(lambda: till.session.phase is Phase.LOCKED, timeout=4))
    assert banner(till) == "Locked after 3 seconds without activity."


def test_stay_signed_in_keeps_the_session(
    live_shop: Shop, make_till: MakeTill, run: Run
) -> None:
    tenants.set_policy(live_shop.ctx, TENANT, idle_timeout_s=3, warning_s=2, poll_interval_s=1)
    till = make_till("Till 1")
    run(until(lambda: till.session.policy.idle_timeout_s == 3))
    unlock(run, till, live_shop.pins["Mealea Sok"])
    run(until(lambda: till.session.phase is Phase.WARNING, timeout=3))
    till.window.warning.stay_button.click()
    assert till.session.phase is Phase.ACTIVE
    run(until(lambda: till.session.take_activity() is False, timeout=2))
    assert till.session.is_live


def test_a_server_outage_shows_offline_and_signs_nobody_out(
    live_shop: Shop, live_server: LiveServer, make_till: MakeTill, run: Run
) -> None:
    fast_polls(live_shop)
    till = make_till("Till 1")
    unlock(run, till, live_shop.pins["Mealea Sok"])
    live_server.stop()
    run(until(lambda: not till.state.connection.online, timeout=4))
    assert till.window.active_screen.connection.text() == "Offline — reconnecting"
    assert till.session.is_live
    # While the till cannot hear, a manager ends its session from the back office.
    live_server.start()
    token = admin_token(live_server, "dara@lumiere.example")
    live_server.stop()
    session_id = till.session.session_id
    live_server.start()
    admin_post(live_server, token, f"pos-sessions/{session_id}/end")
    # Back within 2 × poll_interval_s (1 s here) of the server answering again.
    run(until(lambda: till.state.connection.online, timeout=2 * 1 + 0.5))
    run(until(lambda: till.session.phase is Phase.LOCKED, timeout=2))
    assert "ended Mealea Sok's session from the back office" in (banner(till) or "")


def test_clearing_a_lockout_in_the_back_office_reaches_the_locked_till_within_a_poll(
    live_shop: Shop, live_server: LiveServer, make_till: MakeTill, run: Run
) -> None:
    fast_polls(live_shop)
    till = make_till("Till 2")
    for _ in range(5):
        type_pin(till, "13572460")
        run(till.controller.settle())
    keypad = till.window.lock_screen.keypad
    assert not keypad.isEnabled() and not till.window.lock_screen.override_button.isEnabled()
    token = admin_token(live_server, "dara@lumiere.example")
    admin_post(live_server, token, f"terminals/{live_shop.till_ids['Till 2']}/clear-lockout")
    run(until(keypad.isEnabled, timeout=1 + 0.5))
    assert till.window.lock_screen.override_button.isEnabled()
    assert till.window.lock_screen.error.text() == ""


def session_ends(shop: Shop, terminal: str) -> list[dict[str, Any]]:
    """The audit log's session ends on ``terminal``, newest first."""
    token = shop.login("sokha@lumiere.example")
    events = shop.admin("GET", "audit?limit=50", token).json["events"]
    return [e["detail"] | {"actor": (e["actor"] or {}).get("name")} for e in events
            if e["kind"] == "session_ended" and e["terminal"]["name"] == terminal]


def test_a_lock_while_the_server_is_down_reaches_it_when_it_is_back(
    live_shop: Shop, live_server: LiveServer, make_till: MakeTill, run: Run
) -> None:
    fast_polls(live_shop)
    till = make_till("Till 1")
    unlock(run, till, live_shop.pins["Mealea Sok"])
    session_id = till.session.session_id
    live_server.stop()
    till.window.active_screen.lock_button.click()
    assert till.window.is_locked_view
    run(until(lambda: not till.state.connection.online, timeout=3))
    assert till.state.pending_ends  # still owed to the server
    live_server.start()
    run(until(lambda: not till.state.pending_ends, timeout=2 * 1 + 1))
    ends = session_ends(live_shop, "Till 1")
    assert ends[0]["session_id"] == session_id and ends[0]["reason"] == "logout"
    assert ends[0]["actor"] == "Mealea Sok"


def test_closing_the_program_ends_the_session_on_the_server(
    live_shop: Shop, make_till: MakeTill, run: Run
) -> None:
    till = make_till("Till 1")
    unlock(run, till, live_shop.pins["Mealea Sok"])
    session_id = till.session.session_id
    run(till.close())
    ends = session_ends(live_shop, "Till 1")
    assert ends[0]["session_id"] == session_id and ends[0]["reason"] == "logout"


def test_a_policy_change_reaches_a_signed_in_till_within_a_poll(
    live_shop: Shop, make_till: MakeTill, run: Run
) -> None:
    fast_polls(live_shop)
    till = make_till("Till 1")
    unlock(run, till, live_shop.pins["Mealea Sok"])
    tenants.set_policy(live_shop.ctx, TENANT, idle_timeout_s=600, warning_s=30)
    run(until(lambda: till.session.policy.idle_timeout_s == 600, timeout=1 + 0.5))
    assert till.window.active_screen.countdown.text() in (
        "Locks in 10:00 if idle", *(f"Locks in 9:5{s} if idle" for s in range(10)))

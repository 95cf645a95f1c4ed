"""The back-office JSON API: multi-device sign-in, forced ends, roles (SPEC rules 4, 9)."""

from __future__ import annotations

from tests.helpers import PASSWORD, Shop

OWNER = "sokha@lumiere.example"
MANAGER = "dara@lumiere.example"


def test_web_logins_are_multi_device_and_each_sees_itself_as_current(shop: Shop) -> None:
    laptop = shop.login(OWNER, "Laptop")
    phone = shop.login(OWNER, "Phone")
    for token, device in ((laptop, "Laptop"), (phone, "Phone")):
        web = shop.admin("GET", "sessions", token).json["web"]
        assert sorted(w["device_name"] for w in web) == ["Laptop", "Phone"]
        assert [w["device_name"] for w in web if w["current"]] == [device]


def test_pos_unlock_and_web_login_never_end_each_other(shop: Shop) -> None:
    web = shop.login(OWNER)
    till = shop.unlock_ok("Till 1", "Sokha Lim")
    assert shop.admin("GET", "me", web).status_code == 200
    shop.login(OWNER, "Phone")
    assert shop.poll("Till 1", till["token"])["state"] == "active"


def test_sessions_list_shows_device_and_os_of_live_tills(shop: Shop) -> None:
    shop.unlock_ok("Till 1", "Mealea Sok")
    token = shop.login(MANAGER)
    [live] = shop.admin("GET", "sessions", token).json["pos"]
    assert live["staff"]["name"] == "Mealea Sok"
    assert live["device"] == {"name": "Till 1 PC", "os": "Debian 12"}


def test_a_manager_ends_a_till_session(shop: Shop) -> None:
    till = shop.unlock_ok("Till 1", "Mealea Sok")
    token = shop.login(MANAGER)
    ended = shop.admin("POST", f"pos-sessions/{till['session']['id']}/end", token)
    assert ended.status_code == 200
    polled = shop.poll("Till 1", till["token"])
    assert polled["reason"] == "force_ended"
    assert polled["ended_by"]["name"] == "Dara Chan"


def test_reset_pin_shows_a_new_pin_once_and_ends_pos_sessions(shop: Shop) -> None:
    till = shop.unlock_ok("Till 1", "Mealea Sok")
    token = shop.login(MANAGER)
    reset = shop.admin("POST", f"staff/{shop.ids['Mealea Sok']}/reset-pin", token)
    new_pin = reset.json["pin"]
    assert len(new_pin) == 8 and new_pin.isascii() and new_pin.isdigit()
    assert shop.poll("Till 1", till["token"])["reason"] == "pin_reset"
    assert shop.unlock("Till 2", shop.pins["Mealea Sok"]).json["error"] == "invalid_pin"
    assert shop.unlock("Till 2", new_pin).status_code == 200


def test_deactivating_a_person_ends_their_sessions_and_their_pin(shop: Shop) -> None:
    till = shop.unlock_ok("Till 1", "Mealea Sok")
    token = shop.login(OWNER)
    response = shop.admin("POST", f"staff/{shop.ids['Mealea Sok']}/deactivate", token)
    assert response.status_code == 200
    assert shop.poll("Till 1", till["token"])["reason"] == "staff_deactivated"
    assert shop.unlock("Till 1", shop.pins["Mealea Sok"]).json["error"] == "invalid_pin"


def test_deactivating_a_manager_signs_them_out_of_the_back_office(shop: Shop) -> None:
    manager = shop.login(MANAGER)
    owner = shop.login(OWNER)
    assert shop.admin("POST", f"staff/{shop.ids['Dara Chan']}/deactivate", owner).status_code == 200
    assert shop.admin("GET", "me", manager).status_code == 401


def test_deactivating_a_till_ends_its_session_and_its_key(shop: Shop) -> None:
    till = shop.unlock_ok("Till 1", "Mealea Sok")
    token = shop.login(MANAGER)
    response = shop.admin("POST", f"terminals/{shop.till_ids['Till 1']}/deactivate", token)
    assert response.json == {"id": shop.till_ids["Till 1"], "name": "Till 1"}
    polled = shop.pos("GET", "session", "Till 1", till["token"])
    assert polled.status_code == 403
    assert polled.json["error"] == "terminal_deactivated"
    # The till still learns who ended its session, for its banner.
    assert polled.json["session"]["reason"] == "terminal_deactivated"
    assert polled.json["session"]["ended_by"]["name"] == "Dara Chan"
    unlock = shop.unlock("Till 1", shop.pins["Mealea Sok"])
    assert unlock.status_code == 403
    assert unlock.json["error"] == "terminal_deactivated"


def test_sign_out_everywhere_ends_web_and_pos_sessions_of_that_person(shop: Shop) -> None:
    laptop = shop.login(OWNER, "Laptop")
    phone = shop.login(OWNER, "Phone")
    till = shop.unlock_ok("Till 2", "Sokha Lim")
    other = shop.unlock_ok("Till 1", "Mealea Sok")
    response = shop.admin("POST", "signout-everywhere", laptop)
    assert response.json == {"ended": 3}
    assert shop.admin("GET", "me", laptop).status_code == 401
    assert shop.admin("GET", "me", phone).status_code == 401
    assert shop.poll("Till 2", till["token"])["reason"] == "signed_out_everywhere"
    assert shop.poll("Till 1", other["token"])["state"] == "active"


def test_managers_cannot_change_managers_or_owners(shop: Shop) -> None:
    token = shop.login(MANAGER)
    response = shop.admin("POST", f"staff/{shop.ids['Sokha Lim']}/reset-pin", token)
    assert response.status_code == 403
    assert response.json["error"] == "forbidden"


def test_owners_can_reset_a_managers_pin(shop: Shop) -> None:
    token = shop.login(OWNER)
    assert shop.admin("POST", f"staff/{shop.ids['Dara Chan']}/reset-pin", token).status_code == 200


def test_no_one_deactivates_themselves(shop: Shop) -> None:
    token = shop.login(OWNER)
    response = shop.admin("POST", f"staff/{shop.ids['Sokha Lim']}/deactivate", token)
    assert response.status_code == 400
    assert "yourself" in response.json["message"]


def test_ids_of_another_shop_are_not_found(shop: Shop) -> None:
    token = shop.login(OWNER)
    other = shop.ids["Other Cashier"]
    assert shop.admin("POST", f"staff/{other}/reset-pin", token).status_code == 404
    till = shop.till_ids["Other Till"]
    assert shop.admin("POST", f"terminals/{till}/deactivate", token).status_code == 404
    assert shop.admin("POST", f"staff/{2**70}/reset-pin", token).status_code == 404


def test_admin_calls_need_a_signed_in_manager(shop: Shop) -> None:
    assert shop.admin("GET", "sessions", "nonsense").status_code == 401
    response = shop.client.get("/api/v1/admin/sessions")
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"


def test_wrong_password_and_unknown_email_look_the_same(shop: Shop) -> None:
    for email, password in ((OWNER, "wrong password!"), ("nobody@x.example", PASSWORD)):
        response = shop.client.post("/api/v1/admin/login", json={
            "email": email, "password": password, "device_name": "Laptop"})
        assert response.status_code == 401
        assert response.json["error"] == "invalid_credentials"


def test_the_audit_log_records_who_did_what(shop: Shop) -> None:
    shop.unlock("Till 1", "13572460")
    till = shop.unlock_ok("Till 1", "Mealea Sok")
    shop.unlock_ok("Till 2", "Mealea Sok")
    token = shop.login(MANAGER)
    shop.admin("POST", f"staff/{shop.ids['Mealea Sok']}/reset-pin", token)
    events = shop.admin("GET", "audit", token).json["events"]
    kinds = [e["kind"] for e in reversed(events)]
    assert kinds[-7:] == ["unlock_failed", "unlock", "session_ended", "unlock", "web_signin",
                          "session_ended", "pin_reset"]
    kick = next(e for e in events if e["detail"].get("session_id") == till["session"]["id"]
                and e["kind"] == "session_ended")
    assert kick["detail"]["reason"] == "signed_in_elsewhere"
    assert kick["actor"]["name"] == "Mealea Sok"
    assert kick["detail"]["ended_on"] == "Till 2"
    reset = events[0]
    assert (reset["kind"], reset["actor"]["name"], reset["subject"]["name"]) == (
        "pin_reset", "Dara Chan", "Mealea Sok")
    page = shop.admin("GET", f"audit?limit=2&before={events[1]['id']}", token).json["events"]
    assert [e["id"] for e in page] == [events[2]["id"], events[3]["id"]]


def test_bad_audit_paging_is_a_400(shop: Shop) -> None:
    token = shop.login(MANAGER)
    for query in ("limit=0", "limit=abc", "before=-1", "limit=100000"):
        assert shop.admin("GET", f"audit?{query}", token).status_code == 400


def test_the_audit_log_checks_who_asks_before_its_query(shop: Shop) -> None:
    stranger = shop.client.get("/api/v1/admin/audit?limit=abc")
    assert stranger.status_code == 401 and stranger.json["error"] == "unauthorized"
    token = shop.login("dara@lumiere.example")
    signed_in = shop.admin("GET", "audit?limit=abc", token)
    assert signed_in.status_code == 400 and "limit" in signed_in.json["message"]


def test_an_empty_audit_query_parameter_is_refused_not_ignored(shop: Shop) -> None:
    token = shop.login("dara@lumiere.example")
    for query in ("before=", "limit="):
        assert shop.admin("GET", f"audit?{query}", token).status_code == 400

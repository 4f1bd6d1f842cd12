"""Authentication: API key, sessions (login, logout, header, cookie, expiry) and API-key management."""

from __future__ import annotations

from emulator.wfhttp import data, error

LOGIN = {"username": "admin@example.com", "password": "password"}


def test_api_key_header_and_parameter(emulator, anon):
    assert data(anon.get("/task/count", headers={"apiKey": emulator.api_key}))["count"] == 60
    assert data(anon.get("/task/count", params={"apiKey": emulator.api_key}))["count"] == 60


def test_wrong_or_missing_key_is_401(anon):
    err = error(anon.get("/task/count", headers={"apiKey": "wrong"}), 401)
    assert err["class"] == "com.attask.common.AuthenticationException"
    assert "wrong" not in err["message"]  # the key is never echoed
    error(anon.get("/task/count"), 401)


def test_login_session_header_parameter_and_logout(anon):
    session = data(anon.post("/login", params=LOGIN))["sessionID"]
    assert data(anon.get("/task/count", headers={"sessionID": session}))["count"] == 60
    assert data(anon.get("/task/count", params={"sessionID": session}))["count"] == 60
    assert data(anon.get("/logout", headers={"sessionID": session})) == {"success": True}
    error(anon.get("/task/count", headers={"sessionID": session}), 401)


def test_wrong_password(anon):
    err = error(anon.post("/login", params={**LOGIN, "password": "nope"}), 401)
    assert err["message"].startswith("That username/password combination")


def test_cookie_reads_but_cannot_write(emulator):
    import httpx

    from emulator.conftest import API

    with httpx.Client(base_url=f"{emulator.base_url}{API}") as browser:
        login = browser.post("/login", params=LOGIN)
        assert "attask" in login.cookies  # the client keeps it
        assert data(browser.get("/task/count"))["count"] == 60
        task = data(browser.get("/task/search", params={"$$LIMIT": 1}))[0]
        err = error(browser.put(f"/task/{task['ID']}", params={"name": "via cookie"}), 403)
        assert "sessionID" in err["message"]
        session = login.json()["data"]["sessionID"]
        assert data(browser.put(f"/task/{task['ID']}", params={"name": "via header"},
                                headers={"sessionID": session}))["name"] == "via header"


def test_session_expiry_through_the_control_api(emulator, anon):
    session = data(anon.post("/login", params=LOGIN))["sessionID"]
    assert anon.get("/task/count", headers={"sessionID": session}).status_code == 200
    assert emulator.control.expire_sessions() >= 1
    error(anon.get("/task/count", headers={"sessionID": session}), 401)
    assert anon.get("/task/count", headers={"apiKey": emulator.api_key}).status_code == 200  # keys do not expire


def test_get_generate_and_clear_api_key(emulator, anon):
    assert data(anon.put("/user", params={"action": "getApiKey", **LOGIN}))["result"] == emulator.api_key
    new_key = data(anon.put("/user/generateApiKey", params=LOGIN))["result"]
    assert new_key != emulator.api_key
    error(anon.get("/task/count", headers={"apiKey": emulator.api_key}), 401)
    assert data(anon.get("/task/count", headers={"apiKey": new_key}))["count"] == 60
    assert data(anon.put("/user", params={"action": "getApiKey", **LOGIN}))["result"] == new_key
    data(anon.put("/user/clearApiKey", params=LOGIN))
    error(anon.get("/task/count", headers={"apiKey": new_key}), 401)
    error(anon.put("/user/getApiKey", params={**LOGIN, "password": "nope"}), 401)
    # The emulator fixture's reset binds the configured key again for the next test.

"""AsyncWorkfrontClient against respx-mocked httpx: same requests and errors as the sync client."""

from __future__ import annotations

import httpx
import pytest
import respx

from airflow_workfront.client import AsyncWorkfrontClient, SessionAuth
from airflow_workfront.client.errors import (
    WorkfrontAuthenticationError,
    WorkfrontNotFoundError,
    WorkfrontRateLimitError,
    WorkfrontResponseError,
    WorkfrontTransportError,
)
from client.conftest import API, API_KEY, load_fixture, make_config


class AsyncSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def asleep() -> AsyncSleep:
    return AsyncSleep()


@pytest.fixture
async def aclient(asleep):
    async with AsyncWorkfrontClient(make_config(max_retries=2), sleep=asleep) as wf:
        yield wf


def _page(total: int):
    def answer(request: httpx.Request) -> httpx.Response:
        first = int(request.url.params["$$FIRST"])
        limit = int(request.url.params["$$LIMIT"])
        return httpx.Response(200, json={"data": [{"ID": f"{n:06d}"} for n in range(first, min(total, first + limit))]})
    return answer


@pytest.mark.parametrize(("total", "requests"), [(0, 1), (1, 1), (1999, 1), (2000, 2), (2001, 2), (4500, 3)])
async def test_async_search_paging_edges(aclient, total, requests):
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(f"{API}/TASK/search").mock(side_effect=_page(total))
        rows = [row async for row in aclient.search("TASK", {"status": "CUR"})]
    assert len(rows) == total and route.call_count == requests
    sent = route.calls.last.request
    assert sent.url.params["status"] == "CUR"
    assert sent.url.params["ID_1_Sort"] == "asc"
    assert sent.headers["apiKey"] == API_KEY


async def test_async_get_count_request(aclient):
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{API}/PROJ/p1").respond(json=load_fixture("get.json"))
        mock.get(f"{API}/TASK/count").respond(json=load_fixture("count.json"))
        mock.get(f"{API}/USER/search").respond(json={"data": [{"ID": "u1"}]})
        assert (await aclient.get("PROJ", "p1", fields=["name"]))["objCode"] == "PROJ"
        assert await aclient.count("TASK", {"status": "CUR"}) == 147
        assert await aclient.request("GET", "USER/search", {"isActive": True}) == [{"ID": "u1"}]
        assert len(mock.calls) == 3
    assert aclient.stats.by_operation == {"get": 1, "count": 1, "request": 1}


async def test_async_errors(aclient):
    with respx.mock() as mock:
        mock.get(f"{API}/TASK/t1").respond(json=load_fixture("exception.json"))
        mock.get(f"{API}/TASK/t2").respond(404, json={"error": {"class": "NotFoundException", "message": "gone"}})
        mock.get(f"{API}/TASK/t3").respond(200, text="<html>maintenance</html>")
        with pytest.raises(WorkfrontAuthenticationError):
            await aclient.get("TASK", "t1")
        with pytest.raises(WorkfrontNotFoundError, match="get TASK t2 failed"):
            await aclient.get("TASK", "t2")
        with pytest.raises(WorkfrontResponseError, match="<html>maintenance"):
            await aclient.get("TASK", "t3")
        assert len(mock.calls) == 3


async def test_async_retry_after_and_give_up(aclient, asleep):
    with respx.mock() as mock:
        route = mock.get(f"{API}/TASK/t1").mock(side_effect=[
            httpx.Response(429, headers={"Retry-After": "4"}, json={"error": {"message": "busy"}}),
            httpx.Response(200, json={"data": {"ID": "t1"}}),
        ])
        assert await aclient.get("TASK", "t1") == {"ID": "t1"}
        assert route.call_count == 2 and asleep.calls == [4.0]
        busy = mock.get(f"{API}/TASK/t2").respond(429, json={"error": {"message": "busy"}})
        with pytest.raises(WorkfrontRateLimitError):
            await aclient.get("TASK", "t2")
        assert busy.call_count == 3  # max_retries=2
        down = mock.get(f"{API}/TASK/t3").mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(WorkfrontTransportError):
            await aclient.get("TASK", "t3")
        assert down.call_count == 3


async def test_async_session_renewal_and_logout(asleep):
    auth = SessionAuth("ann", "pw-SECRET")
    with respx.mock(assert_all_called=True) as mock:
        login = mock.post(f"{API}/login").mock(side_effect=[
            httpx.Response(200, json=load_fixture("login.json")),
            httpx.Response(200, json={"data": {"sessionID": "second"}}),
        ])
        task = mock.get(f"{API}/TASK/t1").mock(side_effect=[
            httpx.Response(401, json={"error": {"class": "AuthenticationException", "message": "expired"}}),
            httpx.Response(200, json={"data": {"ID": "t1"}}),
        ])
        logout = mock.post(f"{API}/logout").respond(json=load_fixture("logout.json"))
        async with AsyncWorkfrontClient(make_config(auth), sleep=asleep) as wf:
            assert await wf.get("TASK", "t1") == {"ID": "t1"}
        assert login.call_count == 2 and task.call_count == 2 and logout.call_count == 1
        assert task.calls[1].request.headers["sessionID"] == "second"
        assert logout.calls.last.request.headers["sessionID"] == "second"
        assert b"pw-SECRET" in login.calls[0].request.content
        assert all("pw-SECRET" not in str(c.request.url) for c in mock.calls)


async def test_async_one_login_for_many_coroutines_and_one_renewal_on_expiry(asleep):
    import asyncio

    logins: list[str] = []
    valid: set[str] = set()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/login"):
            await asyncio.sleep(0.01)
            session_id = f"s{len(logins) + 1}"
            logins.append(session_id)
            valid.add(session_id)
            return httpx.Response(200, json={"data": {"sessionID": session_id}})
        if request.url.path.endswith("/logout"):
            return httpx.Response(200, json={"data": {"success": True}})
        await asyncio.sleep(0.01)
        if request.headers.get("sessionID") not in valid:
            return httpx.Response(401, json={"error": {"class": "x.AuthenticationException", "message": "expired"}})
        return httpx.Response(200, json={"data": {"count": 1}})

    config = make_config(SessionAuth("ann", "pw"))
    async with AsyncWorkfrontClient(config, transport=httpx.MockTransport(handler), sleep=asleep) as wf:
        assert await asyncio.gather(*(wf.count("TASK") for _ in range(10))) == [1] * 10
        assert logins == ["s1"]
        valid.clear()  # every session expires at once
        assert await asyncio.gather(*(wf.count("TASK") for _ in range(10))) == [1] * 10
        assert logins == ["s1", "s2"]
        assert wf.stats.by_operation["count"] == 30  # 10 + 10 refused + 10 repeated

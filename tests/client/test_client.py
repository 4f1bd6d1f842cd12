"""Every operation of WorkfrontClient against mocked HTTP: URL, method, parameters, headers,
answer, and the exact number of requests."""

from __future__ import annotations

import io
import json
import math
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest

from airflow_workfront.client import WorkfrontClient
from airflow_workfront.client.errors import WorkfrontError
from airflow_workfront.client.limits import MAX_URL_BYTES

from .conftest import API, API_KEY, HOST, load_fixture, make_config

SUBS = f"{HOST}/attask/eventsubscription/api/v1/subscriptions"


def query(request) -> list[tuple[str, str]]:
    """The query string of a recorded request, decoded, case kept (requests-mock's ``qs`` lowercases)."""
    return parse_qsl(urlsplit(request.url).query, keep_blank_values=True)


def form(request) -> list[tuple[str, str]]:
    """The form body of a recorded request, decoded."""
    return parse_qsl(request.text or "", keep_blank_values=True)


def path(request) -> str:
    return urlsplit(request.url).path


def test_get_by_id(client, requests_mock):
    answer = load_fixture("get.json")
    requests_mock.get(f"{API}/PROJ/58d389be000000deb46805b72b41e3b4", json=answer)
    got = client.get("proj", "58d389be000000deb46805b72b41e3b4", fields=["name", "owner:name", "DE:Cost"])
    assert got == answer["data"]
    [sent] = requests_mock.request_history
    assert sent.method == "GET"
    assert query(sent) == [("fields", "name,owner:name,DE:Cost")]
    assert sent.headers["apiKey"] == API_KEY
    assert API_KEY not in sent.url
    assert client.stats.by_operation["get"] == 1 and client.stats.total == 1


def test_get_quotes_the_id_as_one_path_segment(client, requests_mock):
    requests_mock.get(f"{API}/TASK/a%2Fb%3Fc", json={"data": {"ID": "a/b?c"}})
    assert client.get("TASK", "a/b?c") == {"ID": "a/b?c"}
    assert requests_mock.call_count == 1


def test_get_many_keeps_input_order_and_drops_missing(client, requests_mock):
    requests_mock.get(f"{API}/TASK", json={"data": [{"ID": "b"}, {"ID": "a"}]})
    assert client.get_many("TASK", ["a", "b", "missing", "a"]) == [{"ID": "a"}, {"ID": "b"}]
    [sent] = requests_mock.request_history
    assert query(sent) == [("id", "a,b,missing")]


def test_get_many_recorded_fixture(client, requests_mock):
    answer = load_fixture("get_multiple.json")
    requests_mock.get(f"{API}/PROJ", json=answer)
    ids = [item["ID"] for item in answer["data"]]
    assert [item["ID"] for item in client.get_many("PROJ", ids)] == list(dict.fromkeys(ids))
    assert requests_mock.call_count == 1


def test_get_many_chunks_so_each_url_fits(client, requests_mock):
    ids = [f"{n:032x}" for n in range(1000)]
    requests_mock.get(f"{API}/TASK", json=lambda req, ctx: {"data": [{"ID": i} for i in dict(query(req))["id"].split(",")]})
    got = client.get_many("TASK", ids, fields="name")
    assert [item["ID"] for item in got] == ids
    history = requests_mock.request_history
    # The URL is f"{API}/TASK?id=<ids joined by %2C>&fields=name": 32 bytes per ID, 3 per comma.
    fixed = len(f"{API}/TASK?id=") + len("&fields=name")
    per_request = (MAX_URL_BYTES - fixed + 3) // 35
    assert len(history) == math.ceil(len(ids) / per_request)
    assert all(len(req.url.encode()) <= MAX_URL_BYTES for req in history)
    assert len(history[0].url.encode()) > MAX_URL_BYTES - 35  # chunks are filled, not just small
    assert all(req.method == "GET" for req in history)


def _paged_server(requests_mock, total: int, obj: str = "TASK"):
    """A search endpoint holding ``total`` objects that honours $$FIRST/$$LIMIT."""

    def answer(request, context):
        params = dict(query(request))
        first, limit = int(params["$$FIRST"]), int(params["$$LIMIT"])
        return {"data": [{"ID": f"{n:08d}"} for n in range(first, min(total, first + limit))]}

    return requests_mock.get(f"{API}/{obj}/search", json=answer)


@pytest.mark.parametrize("total, requests", [(0, 1), (1, 1), (1999, 1), (2000, 2), (2001, 2), (4500, 3)])
def test_search_pages_at_the_edges(client, requests_mock, total, requests):
    route = _paged_server(requests_mock, total)
    rows = list(client.search("TASK", {"status": "CUR"}, fields=["name"]))
    assert [row["ID"] for row in rows] == [f"{n:08d}" for n in range(total)]
    assert route.call_count == requests
    assert client.stats.by_operation["search"] == requests
    firsts = [int(dict(query(r))["$$FIRST"]) for r in route.request_history]
    assert firsts == [2000 * n for n in range(requests)]
    assert all(dict(query(r))["$$LIMIT"] == "2000" for r in route.request_history)


def test_search_is_lazy(client, requests_mock):
    route = _paged_server(requests_mock, 4500)
    rows = client.search("TASK", page_size=1000)
    assert route.call_count == 0
    next(rows)
    assert route.call_count == 1


def test_search_max_results_and_page_size(client, requests_mock):
    route = _paged_server(requests_mock, 4500)
    rows = list(client.search("TASK", page_size=1000, max_results=2500))
    assert len(rows) == 2500
    assert [dict(query(r))["$$LIMIT"] for r in route.request_history] == ["1000", "1000", "500"]
    assert route.call_count == 3


def test_search_max_results_on_page_boundary_sends_no_extra_request(client, requests_mock):
    route = _paged_server(requests_mock, 4500)
    assert len(list(client.search("TASK", page_size=1000, max_results=2000))) == 2000
    assert route.call_count == 2


@pytest.mark.parametrize("size", [0, -1, 2001])
def test_search_page_size_validated_before_sending(client, requests_mock, size):
    with pytest.raises(ValueError, match="page_size"):
        list(client.search("TASK", page_size=size))
    assert requests_mock.call_count == 0


def test_search_appends_stable_id_sort(client, requests_mock):
    route = _paged_server(requests_mock, 3)
    list(client.search("TASK", {"name": "x", "name_Mod": "contains"}, sort=[("lastUpdateDate", "desc")]))
    sent = query(route.request_history[0])
    assert sent == [("name", "x"), ("name_Mod", "contains"), ("lastUpdateDate_1_Sort", "desc"),
                    ("ID_2_Sort", "asc"), ("$$FIRST", "0"), ("$$LIMIT", "2000")]
    list(client.search("TASK"))
    assert ("ID_1_Sort", "asc") in query(route.request_history[1])
    list(client.search("TASK", sort=[("ID", "desc")]))  # already ends on ID: kept as is
    assert [k for k, _ in query(route.request_history[2]) if k.endswith("_Sort")] == ["ID_1_Sort"]
    assert ("ID_1_Sort", "desc") in query(route.request_history[2])


def test_search_filters_pass_through_and_values_are_encoded(client, requests_mock):
    requests_mock.get(f"{API}/TASK/search", json=load_fixture("search.json"))
    since = datetime(2020, 5, 18, 17, 0, tzinfo=timezone.utc)
    rows = client.search_page("TASK", {
        "assignedTo:name": "Ann", "status": ["NEW", "INP"], "status_Mod": "in", "OR:1:status": "CUR",
        "lastUpdateDate": since, "lastUpdateDate_Mod": "gte", "done": True, "skip": None,
        "entryDate_Range": "$$TODAY", "username": "joe",
    }, fields="*", limit=50)
    assert rows == load_fixture("search.json")["data"]
    assert query(requests_mock.last_request) == [
        ("assignedTo:name", "Ann"), ("status", "NEW"), ("status", "INP"), ("status_Mod", "in"),
        ("OR:1:status", "CUR"), ("lastUpdateDate", "2020-05-18T17:00:00.000Z"), ("lastUpdateDate_Mod", "gte"),
        ("done", "true"), ("entryDate_Range", "$$TODAY"),
        ("filters", '{"username":"joe"}'),  # auth parameter names travel inside filters= JSON
        ("fields", "*"), ("$$FIRST", "0"), ("$$LIMIT", "50"),
    ]
    sent = dict(query(requests_mock.last_request))
    assert sent["filters"] == '{"username":"joe"}' and "username" not in sent


@pytest.mark.parametrize("limit", [0, 2001, 5000])
def test_limit_above_2000_rejected_before_sending(client, requests_mock, limit):
    with pytest.raises(ValueError, match=r"\$\$LIMIT"):
        client.search_page("TASK", limit=limit)
    assert requests_mock.call_count == 0


def test_search_page_accepts_map_answers(client, requests_mock):
    requests_mock.get(f"{API}/TASK/search", json={"data": {"a": {"ID": "a"}, "b": {"ID": "b"}}})
    assert client.search_page("TASK") == [{"ID": "a"}, {"ID": "b"}]


def test_count(client, requests_mock):
    requests_mock.get(f"{API}/TASK/count", json=load_fixture("count.json"))
    assert client.count("task", {"status": "CUR"}) == 147
    assert query(requests_mock.last_request) == [("status", "CUR")]
    assert requests_mock.call_count == 1


def test_report_params(client, requests_mock):
    answer = load_fixture("report.json")
    requests_mock.get(f"{API}/TASK/report", json=answer)
    got = client.report("TASK", {"status_Mod": "notblank"}, group_by=["status", "project:name"],
                        aggregates={"ID": "dcount", "work": "sum"}, rollup=True)
    assert got == answer["data"]
    assert query(requests_mock.last_request) == [
        ("status_Mod", "notblank"), ("status_1_GroupBy", "true"), ("project:name_2_GroupBy", "true"),
        ("ID_AggFunc", "dcount"), ("work_AggFunc", "sum"), ("$$ROLLUP", "true"),
    ]
    client.report("TASK", group_by="status")
    assert query(requests_mock.last_request) == [("status_1_GroupBy", "true")]
    assert requests_mock.call_count == 2


def test_named_query(client, requests_mock):
    answer = load_fixture("namedQuery.json")
    requests_mock.get(f"{API}/PROJ/statusOptions", json=answer)
    assert client.named_query("PROJ", "statusOptions", fields=["label"]) == answer["data"]
    assert query(requests_mock.last_request) == [("fields", "label")]


def test_create_sends_updates_as_json(client, requests_mock):
    answer = load_fixture("create.json")
    requests_mock.post(f"{API}/TASK", json=answer)
    got = client.create("TASK", {"name": "test", "projectID": "p1", "plannedStartDate": datetime(2017, 3, 7, 5, tzinfo=timezone.utc)},
                        fields=["ID", "name"])
    assert got == answer["data"]
    sent = requests_mock.last_request
    assert sent.method == "POST"
    params = dict(query(sent))
    assert json.loads(params["updates"]) == {"name": "test", "projectID": "p1", "plannedStartDate": "2017-03-07T05:00:00.000Z"}
    assert params["fields"] == "ID,name"
    assert client.stats.by_operation["create"] == 1


def test_update_and_delete(client, requests_mock):
    requests_mock.put(f"{API}/PROJ/58d389be000000deb46805b72b41e3b4", json=load_fixture("edit.json"))
    requests_mock.delete(f"{API}/PROJ/58d389be000000deb46805b72b41e3b4", json=load_fixture("remove.json"))
    got = client.update("PROJ", "58d389be000000deb46805b72b41e3b4", {"name": "api test 2"})
    assert got["name"] == "api test 2"
    assert json.loads(dict(query(requests_mock.last_request))["updates"]) == {"name": "api test 2"}
    assert client.delete("PROJ", "58d389be000000deb46805b72b41e3b4") is None
    assert query(requests_mock.last_request) == []
    client.delete("PROJ", "58d389be000000deb46805b72b41e3b4", force=True)
    assert query(requests_mock.last_request) == [("force", "true")]
    assert [r.method for r in requests_mock.request_history] == ["PUT", "DELETE", "DELETE"]


def test_empty_id_rejected_before_sending(client, requests_mock):
    for call in (lambda: client.get("TASK", ""), lambda: client.update("TASK", "", {}), lambda: client.delete("TASK", "")):
        with pytest.raises(ValueError):
            call()
    with pytest.raises(ValueError, match="object code"):
        client.get("TASK/../USER", "x")
    assert requests_mock.call_count == 0


def test_copy(client, requests_mock):
    requests_mock.post(f"{API}/TASK", json=load_fixture("copy.json"))
    got = client.copy("TASK", "58d288690000005c97840b30e1e10bc5", {"name": "aaa"}, options=["clearApprovers"], fields="name")
    assert got["name"] == "aaa"
    assert query(requests_mock.last_request) == [
        ("copySourceID", "58d288690000005c97840b30e1e10bc5"), ("updates", '{"name":"aaa"}'),
        ("options", '["clearApprovers"]'), ("fields", "name"),
    ]


def test_actions(client, requests_mock):
    requests_mock.put(f"{API}/TASK/t1/move", json={"data": {"success": True}})
    requests_mock.put(f"{API}/PROJ/p1/calculateTimeline", json={"data": None})
    requests_mock.put(f"{API}/PROJ/approveApproval", json=load_fixture("execute.json"))
    assert client.action("TASK", "move", "t1", {"projectID": "p2", "skip": None}) == {"success": True}
    assert query(requests_mock.last_request) == [("projectID", "p2")]
    assert client.action("PROJ", "calculateTimeline", "p1") is None
    assert client.action("PROJ", "approveApproval", arguments={"objID": "p1", "options": ["a"]}) == {"result": "a56583cd42fd98eb70d204465517c82e"}
    assert query(requests_mock.last_request) == [("objID", "p1"), ("options", '["a"]')]
    assert requests_mock.call_count == 3
    with pytest.raises(ValueError, match="action name"):
        client.action("TASK", "../delete", "t1")
    assert requests_mock.call_count == 3


def test_share(client, requests_mock):
    requests_mock.put(f"{API}/PROJ/p1/share", json={"data": {"ID": "p1"}})
    assert client.share("PROJ", "p1", "u1", core_action="EDIT") == {"ID": "p1"}
    assert query(requests_mock.last_request) == [("accessorID", "u1"), ("accessorObjCode", "USER"), ("coreAction", "EDIT")]


def _multipart_file(request) -> tuple[str, bytes]:
    """The ``uploadedFile`` part of a multipart body: (filename, content)."""
    body = request.body if isinstance(request.body, bytes) else request.body.encode()
    head, _, rest = body.partition(b"\r\n\r\n")
    assert b'name="uploadedFile"' in head
    filename = head.split(b'filename="', 1)[1].split(b'"', 1)[0].decode()
    content = rest.rsplit(b"\r\n--", 1)[0]
    return filename, content


def test_upload_path_bytes_and_file_object(client, requests_mock, tmp_path):
    requests_mock.post(f"{API}/upload", json=load_fixture("upload.json"))
    handle = "d3a8326bf9bf4208862b98e8a350a070"
    doc = tmp_path / "plan.pdf"
    doc.write_bytes(b"%PDF-1 plan")
    assert client.upload(doc) == handle
    assert _multipart_file(requests_mock.last_request) == ("plan.pdf", b"%PDF-1 plan")
    assert client.upload(b"raw bytes", filename="notes.txt") == handle
    assert _multipart_file(requests_mock.last_request) == ("notes.txt", b"raw bytes")
    with open(doc, "rb") as fh:
        assert client.upload(fh) == handle
    assert _multipart_file(requests_mock.last_request) == ("plan.pdf", b"%PDF-1 plan")
    assert client.upload(io.BytesIO(b"x"), filename="x.bin") == handle
    assert requests_mock.call_count == 4
    assert all(r.method == "POST" and r.headers["apiKey"] == API_KEY for r in requests_mock.request_history)
    with pytest.raises(ValueError, match="filename"):
        client.upload(b"no name")
    assert requests_mock.call_count == 4


def test_create_document_from_handle(client, requests_mock):
    requests_mock.post(f"{API}/DOCU", json={"data": {"ID": "d1", "name": "plan.pdf"}})
    assert client.create_document("plan.pdf", "h1", "proj", "p1", fields=["ID"]) == {"ID": "d1", "name": "plan.pdf"}
    assert json.loads(dict(query(requests_mock.last_request))["updates"]) == {
        "name": "plan.pdf", "handle": "h1", "docObjCode": "PROJ", "objID": "p1",
        "currentVersion": {"version": "v1.0", "fileName": "plan.pdf"},
    }
    assert requests_mock.call_count == 1


def test_metadata(client, requests_mock):
    answer = load_fixture("metadata.json")
    requests_mock.get(f"{API}/ROLE/metadata", json=answer)
    requests_mock.get(f"{API}/metadata", json={"data": {"objects": {}}})
    assert client.metadata("role")["objCode"] == "ROLE"
    assert client.metadata() == {"objects": {}}
    assert [path(r) for r in requests_mock.request_history] == ["/attask/api/v21.0/ROLE/metadata", "/attask/api/v21.0/metadata"]


def test_request_escape_hatch(client, requests_mock):
    requests_mock.get(f"{API}/USER/search", json={"data": [{"ID": "u"}]})
    assert client.request("get", "/USER/search", {"isActive": True, "x": None}, operation="users") == [{"ID": "u"}]
    assert query(requests_mock.last_request) == [("isActive", "true")]
    assert client.stats.by_operation["users"] == 1


def test_long_search_switches_to_post_with_method_get(client, requests_mock):
    requests_mock.post(f"{API}/TASK/search", json={"data": []})
    ids = [f"{n:032x}" for n in range(400)]
    assert client.search_page("TASK", {"ID": ids, "ID_Mod": "in"}) == []
    [sent] = requests_mock.request_history
    assert sent.method == "POST"
    assert urlsplit(sent.url).query == ""  # every parameter is in the body
    body = form(sent)
    assert ("method", "GET") in body
    assert [v for k, v in body if k == "ID"] == ids
    assert ("$$LIMIT", "2000") in body
    assert API_KEY not in sent.url and API_KEY not in sent.text
    assert sent.headers["apiKey"] == API_KEY


def test_long_update_and_delete_switch_to_post(client, requests_mock):
    requests_mock.post(f"{API}/TASK/t1", json={"data": {"ID": "t1"}})
    requests_mock.post(f"{API}/TASK", json={"data": {"success": True}})
    requests_mock.delete(f"{API}/TASK", json={"data": {"success": True}})
    client.update("TASK", "t1", {"description": "x" * 9000})
    sent = requests_mock.last_request
    assert sent.method == "POST" and ("method", "PUT") in form(sent)
    assert json.loads(dict(form(sent))["updates"]) == {"description": "x" * 9000}
    result = client.bulk_delete("TASK", [f"{n:032x}" for n in range(100)] * 3, atomic=False)
    # 3 chunks of 100 IDs of 35 bytes each fit the URL, so they stay DELETE; a 300-byte ID does not.
    assert result.requests == 3
    assert [r.method for r in requests_mock.request_history[-3:]] == ["DELETE"] * 3
    client.bulk_delete("TASK", ["y" * 300 for _ in range(40)])
    sent = requests_mock.last_request
    assert sent.method == "POST" and ("method", "DELETE") in form(sent)


def test_short_requests_stay_get(client, requests_mock):
    requests_mock.get(f"{API}/TASK/search", json={"data": []})
    client.search_page("TASK", {"name": "x" * 8000})
    assert requests_mock.last_request.method == "GET"
    assert len(requests_mock.last_request.url) <= MAX_URL_BYTES


# -- event subscriptions ----------------------------------------------------------------------


def test_create_event_subscription_returns_id_from_location(client, requests_mock):
    sub_id = "750a636c-5628-48f5-ba26-26b7ce537ac2"
    requests_mock.post(SUBS, status_code=201, text="", headers={"Location": f"{SUBS}/{sub_id}"})
    got = client.create_event_subscription("PROJ", "update", "https://hooks.example.com/wf", "tok-123",
                                           filters=[{"fieldName": "status", "fieldValue": "CUR"}],
                                           filter_connector="AND", base64_encoding=False)
    assert got == sub_id
    sent = requests_mock.last_request
    assert sent.method == "POST" and query(sent) == []
    assert sent.json() == {"objCode": "PROJ", "eventType": "UPDATE", "url": "https://hooks.example.com/wf",
                           "authToken": "tok-123", "filters": [{"fieldName": "status", "fieldValue": "CUR"}],
                           "filterConnector": "AND", "base64Encoding": "false"}
    assert sent.headers["apiKey"] == API_KEY
    assert requests_mock.call_count == 1
    assert client.stats.by_operation["create_event_subscription"] == 1


def test_create_event_subscription_body_id_fallback_and_error(client, requests_mock):
    requests_mock.post(SUBS, [{"status_code": 201, "json": {"id": "s2", "version": "v2"}},
                              {"status_code": 201, "text": ""},
                              {"status_code": 400, "text": "The URL field of the subscription resource was deemed invalid"}])
    assert client.create_event_subscription("TASK", "CREATE", "https://x", "t", obj_id="t1") == "s2"
    assert requests_mock.last_request.json()["objId"] == "t1"
    with pytest.raises(WorkfrontError, match="without a Location"):
        client.create_event_subscription("TASK", "CREATE", "https://x", "t")
    with pytest.raises(WorkfrontError, match="deemed invalid"):
        client.create_event_subscription("TASK", "CREATE", "not a url", "t")
    assert requests_mock.call_count == 3


def test_list_event_subscriptions_pages(client, requests_mock):
    subs = [{"id": f"s{n}"} for n in range(5)]

    def page(request, context):
        params = dict(query(request))
        number, limit = int(params["page"]), int(params["limit"])
        chunk = subs[(number - 1) * limit:number * limit]
        return {"subscriptions": chunk, "page": number, "limit": limit,
                "page_count": math.ceil(len(subs) / limit), "total_count": len(subs)}

    requests_mock.get(SUBS, json=page)
    assert list(client.list_event_subscriptions(page_size=2)) == subs
    assert [dict(query(r))["page"] for r in requests_mock.request_history] == ["1", "2", "3"]
    subs[:] = subs[:4]  # exactly two full pages: page_count stops the paging, no empty third page
    assert len(list(client.list_event_subscriptions(page_size=2))) == 4
    assert requests_mock.call_count == 5
    with pytest.raises(ValueError):
        list(client.list_event_subscriptions(page_size=1001))


def test_list_event_subscriptions_bare_list(client, requests_mock):
    requests_mock.get(SUBS, json=[{"id": "a"}, {"id": "b"}])
    assert [s["id"] for s in client.list_event_subscriptions()] == ["a", "b"]
    assert requests_mock.call_count == 1


def test_get_delete_and_version_switch(client, requests_mock):
    requests_mock.get(f"{SUBS}/s1", json={"id": "s1", "objCode": "PROJ", "authToken": "****1234"})
    requests_mock.delete(f"{SUBS}/s1", status_code=204)
    requests_mock.put(f"{SUBS}/s1/version", status_code=200, json={"id": "s1", "version": "v2"})
    assert client.get_event_subscription("s1")["objCode"] == "PROJ"
    assert client.delete_event_subscription("s1") is None
    assert client.set_event_subscription_version("s1", "v2") is None
    assert requests_mock.last_request.json() == {"version": "v2"}
    assert [r.method for r in requests_mock.request_history] == ["GET", "DELETE", "PUT"]
    requests_mock.delete(f"{SUBS}/gone", status_code=404, text="")
    with pytest.raises(WorkfrontError) as err:
        client.delete_event_subscription("gone")
    assert err.value.status_code == 404 and "gone" in str(err.value)


def test_client_repr_and_context_manager(requests_mock):
    with WorkfrontClient(make_config()) as wf:
        assert API_KEY not in repr(wf)
    assert requests_mock.call_count == 0  # nothing to log out with an API key


def test_bulk_stops_sending_after_a_chunk_that_could_not_be_sent(requests_mock, sleep):
    # Chunk 0 is written, chunk 1 is still rate limited after retries: chunk 2 is never sent,
    # and the result says so record by record.
    answers = [{"json": {"data": {"success": True}}},
               {"status_code": 429, "json": {"error": {"message": "busy"}}}]
    route = requests_mock.post(f"{API}/TASK", answers)
    written = [{"ID": f"t{n}", "name": str(n)} for n in range(100)]
    requests_mock.get(f"{API}/TASK/search", json={"data": written[::-1]})
    with WorkfrontClient(make_config(max_concurrency=1, max_retries=1), sleep=sleep) as wf:
        result = wf.bulk_create("TASK", [{"name": str(n)} for n in range(250)])
    assert route.call_count == 3  # chunk 0, chunk 1 and its one retry
    assert result.requests == 3  # chunk 0 and the search for its IDs, chunk 1
    assert result.succeeded[:100] == written
    assert [f.index for f in result.failures] == list(range(100, 250))
    assert "busy" in result.failures[0].error and result.failures[0].chunk == 1
    assert result.failures[-1].error == "not sent: chunk 1 failed with WorkfrontRateLimitError"
    assert result.failures[-1].chunk == 2


def test_request_with_form_data_and_a_long_url_keeps_both(client, requests_mock):
    requests_mock.post(f"{API}/TASK/t1/setCustomEnums", json={"data": {"success": True}})
    client.request("PUT", "TASK/t1/setCustomEnums", {"note": "n" * 9000}, data={"extra": [1, 2]})
    body = dict(form(requests_mock.last_request))
    assert body == {"note": "n" * 9000, "method": "PUT", "extra": "[1,2]"}
    assert requests_mock.call_count == 1

"""More client operations through real HTTP against the emulator: reports, named queries, copy,
actions, sharing, documents, metadata, the long-URL switch, retries under injected faults, and
the OAuth2/IMS modes. ``test_client_against_emulator.py`` has paging, CRUD, bulk and sessions.

The emulator and the client are independent readings of the API docs; a failure here means one
of them misread (see the shared reference, ``../shared/reference/docs/api-basics.md``, outside
this repository).
"""

from __future__ import annotations

import pytest

from airflow_workfront.client import (
    ApiKeyAuth,
    ClientConfig,
    ImsAuth,
    OAuth2JwtAuth,
    OAuth2RefreshTokenAuth,
    WorkfrontClient,
)
from airflow_workfront.client.errors import WorkfrontAuthenticationError
from airflow_workfront.client.operations import get_many_chunks

from .keys import rsa_key_pair

pytestmark = pytest.mark.emulator


class NoSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def project(wf) -> dict:
    return next(iter(wf.search("PROJ", fields=["name"], max_results=1)))


def test_report_group_by_aggregate_and_rollup(wf):
    tasks = list(wf.search("TASK", fields=["status"]))
    report = wf.report("TASK", group_by="status", aggregates={"ID": "count"}, rollup=True)
    assert "$$ROLLUP" in report
    grouped = {key: value for key, value in report.items() if key != "$$ROLLUP"}
    by_status: dict[str, int] = {}
    for task in tasks:
        by_status[task["status"]] = by_status.get(task["status"], 0) + 1
    counts = {key: next(v for k, v in value.items() if k.endswith("ID")) for key, value in grouped.items()}
    assert counts == by_status
    assert next(v for k, v in report["$$ROLLUP"].items() if k.endswith("ID")) == len(tasks)


def test_named_query_my_work(wf):
    assert isinstance(wf.named_query("WORK", "myWork", fields=["name"]), list)


def test_copy_creates_a_new_object(wf, project):
    task = wf.create("TASK", {"name": "original", "projectID": project["ID"]})
    copy = wf.copy("TASK", task["ID"], {"name": "the copy"}, fields=["projectID"])
    assert copy["ID"] != task["ID"] and copy["name"] == "the copy" and copy["projectID"] == project["ID"]


def test_move_calculate_timeline_and_share(wf, project):
    other = wf.create("PROJ", {"name": "move target"})
    task = wf.create("TASK", {"name": "to move", "projectID": project["ID"]})
    wf.action("TASK", "move", task["ID"], {"projectID": other["ID"]})
    assert wf.get("TASK", task["ID"], fields=["projectID"])["projectID"] == other["ID"]
    wf.action("PROJ", "calculateTimeline", other["ID"])
    user = next(iter(wf.search("USER", max_results=1)))
    wf.share("PROJ", other["ID"], user["ID"], core_action="VIEW")
    rules = wf.get("PROJ", other["ID"], fields=["accessRules:*"]).get("accessRules", [])
    assert any(rule.get("accessorID") == user["ID"] for rule in rules)


def test_upload_and_create_document(wf, project, tmp_path):
    path = tmp_path / "brief.txt"
    path.write_bytes(b"hello workfront")
    handle = wf.upload(path)
    document = wf.create_document("brief.txt", handle, "PROJ", project["ID"], fields=["docObjCode", "objID"])
    assert document["name"] == "brief.txt"
    assert (document.get("docObjCode"), document.get("objID")) == ("PROJ", project["ID"])


def test_metadata(wf):
    task = wf.metadata("TASK")
    assert task["objCode"] == "TASK" and "name" in task["fields"]
    assert wf.metadata()  # the API-wide metadata answers something


def test_long_urls_switch_to_post_and_still_work(wf, emulator, project):
    ids = [row["ID"] for row in wf.search("TASK")]
    padding = [f"{n:032x}" for n in range(300)]  # unknown IDs: they only make the URL long
    emulator.control.reset_stats()
    rows = wf.search_page("TASK", {"ID": ids + padding, "ID_Mod": "in"})
    assert sorted(r["ID"] for r in rows) == sorted(ids)
    task = wf.create("TASK", {"name": "long", "projectID": project["ID"]})
    updated = wf.update("TASK", task["ID"], {"description": "d" * 9000})
    assert updated["ID"] == task["ID"]
    assert wf.get("TASK", task["ID"], fields=["description"])["description"] == "d" * 9000
    # get_many: enough real IDs that one URL cannot hold them (a missing ID fails the whole call,
    # with NotFoundException "primary key value(s) ... not found", so only real ones are asked).
    made = wf.bulk_create("TASK", [{"name": f"gm {n}", "projectID": project["ID"]} for n in range(300)]).ids
    wanted = (ids + made)[::-1]
    before = wf.stats.by_operation["get"]
    assert [r["ID"] for r in wf.get_many("TASK", wanted)] == wanted
    chunks = len(get_many_chunks(wf.config, "TASK", wanted))
    assert chunks >= 2 and wf.stats.by_operation["get"] - before == chunks


def test_bulk_update_in_input_order(wf, project):
    created = wf.bulk_create("TASK", [{"name": f"bu {n}", "projectID": project["ID"]} for n in range(120)])
    result = wf.bulk_update("TASK", [{"ID": i, "description": f"#{n}"} for n, i in enumerate(created.ids)])
    assert result.ok and result.requests == 2
    assert [r["ID"] for r in result.succeeded] == created.ids
    assert wf.get("TASK", created.ids[119], fields=["description"])["description"] == "#119"


def test_retries_through_injected_429s_and_500s(emulator):
    sleep = NoSleep()
    config = ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(emulator.api_key), max_retries=8)
    emulator.control.set_faults(rate=0.5, kinds=("429", "500"), random_seed=3)
    with WorkfrontClient(config, sleep=sleep) as wf:
        rows = list(wf.search("TASK", page_size=4))
        emulator.control.set_faults()
        assert len(rows) == wf.count("TASK")
        assert wf.stats.retries > 0 and len(sleep.calls) == wf.stats.retries


def test_in_flight_cap_seen_by_the_server(emulator):
    from concurrent.futures import ThreadPoolExecutor

    emulator.control.set_faults(latency_ms=30)
    emulator.control.reset_stats()
    config = ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(emulator.api_key), max_concurrency=3)
    with WorkfrontClient(config) as wf, ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda _: wf.count("TASK"), range(20)))
    stats = emulator.control.stats()
    assert stats["total"] == 20 and stats["max_in_flight"] <= 3 and stats["rejected_429"] == 0


# -- OAuth2 and IMS: an emulator of their own, with an OAuth2 app and a registered public key ----


@pytest.fixture(scope="module")
def oauth_emulator():
    from airflow_workfront.emulator.testing import EmulatorServer

    _, public = rsa_key_pair()
    with EmulatorServer(api_key="oauth-emu-key", seed="demo", oauth_clients={"app-id": "app-secret"},
                        jwt_public_key=public, refresh_tokens=["first-refresh-token"],
                        ims_org_id="ORG@AdobeOrg", shuffle_seed=13) as server:
        yield server


def test_oauth2_jwt_against_the_emulator(oauth_emulator):
    from airflow_workfront.emulator.auth import CUSTOMER_ID

    private, _ = rsa_key_pair()
    admin = oauth_emulator.emulator.auth.admin_id
    auth = OAuth2JwtAuth("app-id", "app-secret", private, customer_id=CUSTOMER_ID, user_id=admin)
    with WorkfrontClient(ClientConfig(host=oauth_emulator.base_url, auth=auth)) as wf:
        assert wf.count("PROJ") >= 1
        oauth_emulator.control.expire_sessions()
        assert wf.count("PROJ") >= 1  # re-minted once, call repeated
        assert wf.stats.by_operation["login"] == 2
    wrong = OAuth2JwtAuth("app-id", "app-secret", private, customer_id="someone-else", user_id=admin)
    with WorkfrontClient(ClientConfig(host=oauth_emulator.base_url, auth=wrong)) as wf:
        with pytest.raises(WorkfrontAuthenticationError, match="iss"):
            wf.count("PROJ")


def test_refresh_token_rotation_against_the_emulator(oauth_emulator):
    auth = OAuth2RefreshTokenAuth("app-id", "app-secret", "first-refresh-token")
    with WorkfrontClient(ClientConfig(host=oauth_emulator.base_url, auth=auth)) as wf:
        assert wf.count("PROJ") >= 1
        assert auth.refresh_token != "first-refresh-token"  # rotated, and kept
        oauth_emulator.control.expire_sessions()
        assert wf.count("PROJ") >= 1  # the rotated token is accepted
        assert wf.stats.by_operation["login"] == 2


def test_ims_against_the_emulator(oauth_emulator):
    auth = ImsAuth("app-id", "app-secret", "ORG@AdobeOrg", token_url=f"{oauth_emulator.base_url}/ims/token/v3")
    with WorkfrontClient(ClientConfig(host=oauth_emulator.base_url, auth=auth)) as wf:
        for _ in range(3):
            assert wf.count("PROJ") >= 1
        assert wf.stats.by_operation["login"] == 1  # one token for many calls


def test_event_subscription_version_switch_and_paged_list(wf):
    made = [wf.create_event_subscription("PROJ", "CREATE", f"http://127.0.0.1:9/hook/{n}", f"token-{n}") for n in range(5)]
    wf.set_event_subscription_version(made[0], "v1")
    assert wf.get_event_subscription(made[0])["version"] == "v1"
    before = wf.stats.by_operation["list_event_subscriptions"]
    listed = [s["id"] for s in wf.list_event_subscriptions(page_size=2)]
    assert set(made) <= set(listed) and len(listed) == len(set(listed))
    assert wf.stats.by_operation["list_event_subscriptions"] - before == -(-len(listed) // 2)
    assert "token-0" not in str(wf.get_event_subscription(made[0]))  # the auth token is never returned
    for sub_id in made:
        wf.delete_event_subscription(sub_id)

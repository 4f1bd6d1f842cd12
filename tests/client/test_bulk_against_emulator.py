"""Bulk calls with a bad record, against the emulator (which, like Workfront without
``atomic=true``, keeps the records before a bad one and answers only an error): no written record
is reported failed, ``ids`` names every created object, and re-sending the failures duplicates
nothing."""

from __future__ import annotations

import uuid

import pytest

from airflow_workfront.client import WorkfrontClient


@pytest.fixture
def project_id(wf) -> str:
    return next(iter(wf.search("PROJ", max_results=1)))["ID"]


def tasks(project_id: str, count: int, bad: int | None = None) -> tuple[str, list[dict]]:
    """``count`` task records with a run-unique name prefix; record ``bad`` has an empty name."""
    prefix = f"bulk-{uuid.uuid4().hex[:8]}"
    records = [{"name": f"{prefix} {n}", "projectID": project_id} for n in range(count)]
    if bad is not None:
        records[bad]["name"] = ""
    return prefix, records


def created(wf: WorkfrontClient, prefix: str) -> list[dict]:
    return list(wf.search("TASK", {"name": prefix, "name_Mod": "contains"}, fields=["name"]))


def test_non_atomic_reports_only_the_bad_record_and_a_retry_does_not_duplicate(wf, project_id):
    prefix, records = tasks(project_id, 250, bad=150)
    result = wf.bulk_create("TASK", records, atomic=False)

    assert [f.index for f in result.failures] == [150]
    assert "name" in result.failures[0].error
    assert result.summary()["succeeded"] == 249 and result.summary()["unidentified"] == 0
    in_workfront = created(wf, prefix)
    assert len(in_workfront) == 249
    assert sorted(result.ids) == sorted(task["ID"] for task in in_workfront)
    names = {task["ID"]: task["name"] for task in in_workfront}
    expected = [r["name"] for n, r in enumerate(records) if n != 150]
    assert [names[i] for i in result.ids] == expected  # ids in input order

    # The caller fixes the failed record and re-sends exactly the reported failures.
    retry = [dict(records[f.index], name=f"{prefix} 150") for f in result.failures]
    again = wf.bulk_create("TASK", retry, atomic=False)
    assert again.ok and len(again.ids) == 1
    assert sorted(task["name"] for task in created(wf, prefix)) == sorted(f"{prefix} {n}" for n in range(250))


def test_atomic_ids_name_every_created_object(wf, project_id):
    prefix, records = tasks(project_id, 250)
    result = wf.bulk_create("TASK", records, atomic=True)
    assert result.ok and len(result.ids) == 250 and len(set(result.ids)) == 250
    assert [task["name"] for task in wf.get_many("TASK", result.ids, fields=["name"])] == [r["name"] for r in records]
    assert result.requests == 6  # three chunks, each with one search for its IDs


def test_atomic_refused_chunk_wrote_nothing_and_is_reported_whole(wf, project_id):
    prefix, records = tasks(project_id, 250, bad=150)
    result = wf.bulk_create("TASK", records, atomic=True)
    assert [f.index for f in result.failures] == list(range(100, 200))
    assert len(result.ids) == 150 and len(created(wf, prefix)) == 150


def test_identical_records_get_distinct_ids(wf, project_id):
    prefix = f"same-{uuid.uuid4().hex[:8]}"
    records = [{"name": prefix, "projectID": project_id}] * 5
    result = wf.bulk_create("TASK", records, atomic=True)
    assert sorted(result.ids) == sorted(task["ID"] for task in created(wf, prefix))
    assert len(set(result.ids)) == 5


def test_non_atomic_update_and_delete_settle_per_record(wf, project_id):
    prefix, records = tasks(project_id, 120)
    ids = wf.bulk_create("TASK", records).ids
    updates = [{"ID": task_id, "description": "updated"} for task_id in ids]
    updates[30]["ID"] = "f" * 32  # no such task
    result = wf.bulk_update("TASK", updates, atomic=False)
    assert [f.index for f in result.failures] == [30]
    described = list(wf.search("TASK", {"name": prefix, "name_Mod": "contains", "description": "updated"}, fields=["ID"]))
    assert len(described) == 119

    doomed = [*ids[:60], "e" * 32, *ids[60:]]
    deleted = wf.bulk_delete("TASK", doomed, atomic=False)
    assert [f.index for f in deleted.failures] == [60]
    assert created(wf, prefix) == []

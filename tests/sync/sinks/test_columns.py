"""Column names: plain where free, a hash suffix where taken (ignoring case), never reused."""

from __future__ import annotations

import hashlib

from airflow_workfront.sync.sinks.columns import MAX_NAME, ColumnMap, name_new_fields, plain_name


def test_plain_names_and_the_suffix_for_taken_ones():
    assert plain_name("DE:Cost Center") == "DE_Cost_Center" and plain_name("9 lives") == "f_9_lives"
    assert plain_name("::") == "field" and plain_name("_wf_synced_at") == "wf_synced_at"
    names = name_new_fields(["DE:region", "DE:Region", "DE:Cost-Center", "DE:Cost Center"], taken=["ID"])
    digest = hashlib.sha1(b"DE:region").hexdigest()[:8]
    assert names == {"DE:Cost Center": "DE_Cost_Center",
                     "DE:Cost-Center": "DE_Cost_Center_" + hashlib.sha1(b"DE:Cost-Center").hexdigest()[:8],
                     "DE:Region": "DE_Region", "DE:region": "DE_region_" + digest}


def test_long_names_fit_and_stay_distinct():
    a, b = "DE:" + "x" * 100 + "a", "DE:" + "x" * 100 + "b"
    names = name_new_fields([a, b], taken=[])
    assert len({n.lower() for n in names.values()}) == 2 and all(len(n) <= MAX_NAME for n in names.values())


def test_a_map_never_renames_and_avoids_reserved_names():
    columns = ColumnMap(reserved=["_wf_synced_at"])
    columns.add_fields({"DE:Cost-Center": "text"})
    columns.add_fields({"DE:Cost Center": "number", "DE:Cost-Center": "json"})
    assert columns["DE:Cost-Center"].name == "DE_Cost_Center" and columns["DE:Cost-Center"].kind == "text"
    assert columns["DE:Cost Center"].name.startswith("DE_Cost_Center_")


def test_snake_case_names_are_what_analysts_type():
    from airflow_workfront.sync.sinks.columns import SNAKE_CASE, snake_case

    cases = {"lastUpdateDate": "last_update_date", "DE:Cost Center": "de_cost_center", "projectID": "project_id",
             "ID": "id", "URL": "url", "URLPath": "url_path", "approvalProcess:ID": "approval_process_id",
             "numberOpenOpTasks": "number_open_op_tasks", "DE:Budget 2026": "de_budget_2026",
             "accessorIDs": "accessor_ids", "auditUserIDs": "audit_user_ids", "IDs": "ids"}
    assert {field: snake_case(field) for field in cases} == cases
    assert plain_name("_wf_synced_at", SNAKE_CASE) == "wf_synced_at"  # never a bookkeeping column
    # two fields that meet in snake_case still get a column each
    names = name_new_fields(["DE:costCenter", "DE:Cost Center"], taken=["id"], style=SNAKE_CASE)
    assert names["DE:Cost Center"] == "de_cost_center"
    assert names["DE:costCenter"].startswith("de_cost_center_") and len(set(names.values())) == 2

"""Counts that check themselves (sync/counts.py)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from airflow_workfront.sync.counts import check_on_mismatch, count_check

END = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)


class Counting:
    def __init__(self, total: int, changed: int = 0, deleted: int = 0) -> None:
        self.answers = {"total": total, "changed": changed, "deleted": deleted}
        self.asked: list[tuple[str, dict]] = []

    def count(self, obj_code, filters):
        self.asked.append((obj_code, filters))
        if obj_code == "JRNLE":
            return self.answers["deleted"]
        return self.answers["changed"] if any(k.endswith("_Mod") for k in filters) else self.answers["total"]


def test_matching_counts_cost_one_request():
    client = Counting(total=60)
    check = count_check(client, "TASK", 60, "lastUpdateDate", END)
    assert check.matches and len(client.asked) == 1 and check.as_dict() == {"workfront": 60, "table": 60, "matches": True}


def test_a_difference_explained_by_later_changes_is_the_next_runs_to_settle():
    client = Counting(total=61, changed=1)
    check = count_check(client, "TASK", 60, "lastUpdateDate", END)
    assert not check.matches and check.settled_later
    assert client.asked[1] == ("TASK", {"lastUpdateDate": "2026-03-02T10:00:00.000Z", "lastUpdateDate_Mod": "gte"})
    assert client.asked[2][1]["changeType"] == "D" and "next run" in check.describe()


def test_a_difference_nothing_explains_is_a_mismatch():
    check = count_check(Counting(total=59), "TASK", 60, "lastUpdateDate", END)
    assert not check.matches and not check.settled_later and "nothing changed" in check.describe()
    assert check.as_dict()["settled_by_next_run"] is False


def test_on_count_mismatch_takes_warn_or_fail():
    assert check_on_mismatch("fail") == "fail"
    with pytest.raises(ValueError, match="on_count_mismatch"):
        check_on_mismatch("ignore")

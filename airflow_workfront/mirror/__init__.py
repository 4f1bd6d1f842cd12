"""The whole of Workfront in a warehouse, from one declaration.

    from airflow_workfront.mirror import WorkfrontMirror

    with DAG("workfront_mirror", schedule=CronDataIntervalTimetable("@hourly", timezone="UTC"), ...):
        WorkfrontMirror(group_id="workfront", sql_conn_id="warehouse")

See docs/mirror.md.
"""

from __future__ import annotations

from airflow_workfront.mirror.group import WorkfrontMirror
from airflow_workfront.mirror.objects import DEFAULT_OBJECTS, OBJECTS, MirrorObject

__all__ = ["DEFAULT_OBJECTS", "OBJECTS", "MirrorObject", "WorkfrontMirror"]

"""Deprecated home of the sensors' change detection: use :mod:`airflow_workfront.changes`.

The functions moved below ``sensors/`` and ``triggers/`` (issue 23); this module keeps the path the
API reference documented working.
"""

from __future__ import annotations

import warnings

from airflow_workfront.changes import DEFAULT_MAX_RESULTS, change_query, journal_query, judge
from airflow_workfront.client.objects import ENTRY_DATE_OBJECTS, date_field_for

__all__ = ["DEFAULT_MAX_RESULTS", "ENTRY_DATE_OBJECTS", "change_query", "date_field_for", "journal_query", "judge"]

warnings.warn("airflow_workfront.sensors.conditions moved to airflow_workfront.changes",
              DeprecationWarning, stacklevel=2)

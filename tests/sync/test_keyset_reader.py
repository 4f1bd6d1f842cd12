"""The keyset reader: rows outside a range are dropped, rows without a key are refused."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from airflow_workfront.sync.keyset import KeyRange, record_key
from airflow_workfront.sync.paging import KeysetReader

START = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
END = START + timedelta(hours=2)


class CannedClient:
    """Answers every search with the same rows, whatever the filters say (a misbehaving server)."""

    def __init__(self, rows):
        self.rows = rows

    def search_page(self, obj_code, filters=None, fields=None, sort=None, first=0, limit=2000):
        return [dict(r) for r in self.rows[first:first + limit]]


def _row(n: int, minutes: int) -> dict:
    stamp = (START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S:000+0000")
    return {"ID": f"{n:032x}", "lastUpdateDate": stamp}


def _reader(rows) -> KeysetReader:
    return KeysetReader(CannedClient(rows), "TASK", ["ID", "lastUpdateDate"], "lastUpdateDate", {}, 2000)


def test_rows_all_inside_come_back_unchanged():
    rows = [_row(n, n) for n in range(5)]
    assert _reader(rows).search(KeyRange(START, END), limit=10) == rows


def test_rows_past_the_upper_key_are_dropped():
    rows = [_row(n, n) for n in range(5)]
    upto = record_key(rows[2], "lastUpdateDate")
    assert _reader(rows).search(KeyRange(START, END).bounded_by(upto), limit=10) == rows[:3]


def test_rows_outside_the_window_are_dropped_wherever_they_are():
    rows = [_row(0, -5), _row(1, 1), _row(2, 200)]
    assert _reader(rows).search(KeyRange(START, END), limit=10) == [rows[1]]


def test_a_row_without_its_date_is_refused_by_id():
    rows = [_row(0, 1), {"ID": "f" * 32, "lastUpdateDate": None}, _row(2, 3)]
    with pytest.raises(ValueError, match="f{32}.*'lastUpdateDate'"):
        _reader(rows).search(KeyRange(START, END), limit=10)


def test_a_server_repeating_rows_already_read_ends_the_range_without_duplicates():
    rows = [_row(n, n) for n in range(6)]
    reader = KeysetReader(CannedClient(rows), "TASK", ["ID", "lastUpdateDate"], "lastUpdateDate", {}, 3)
    # The canned server ignores the cursor, so the second page repeats the first: all dropped.
    assert list(reader.pages(KeyRange(START, END))) == [rows[:3]]

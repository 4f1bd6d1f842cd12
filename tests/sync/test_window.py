from datetime import datetime, timedelta, timezone

import pytest

from airflow_workfront.sync.window import SyncWindow, date_field_for, iso_ms

UTC = timezone.utc


def test_bounds_are_utc_and_truncated_to_milliseconds():
    plus2 = timezone(timedelta(hours=2))
    w = SyncWindow(datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=plus2), datetime(2026, 3, 1, 13, tzinfo=plus2))
    assert w.start == datetime(2026, 3, 1, 10, 0, 0, 123000, tzinfo=UTC)
    assert w.last_ms == datetime(2026, 3, 1, 10, 59, 59, 999000, tzinfo=UTC)
    assert str(w) == "[2026-03-01T10:00:00.123Z, 2026-03-01T11:00:00.000Z)"
    assert w.as_dict() == {"start": "2026-03-01T10:00:00.123Z", "end": "2026-03-01T11:00:00.000Z"}


def test_half_open_membership():
    w = SyncWindow(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 1, 1, tzinfo=UTC))
    assert w.contains(datetime(2026, 3, 1, tzinfo=UTC))
    assert w.contains(w.last_ms)
    assert not w.contains(w.end)


def test_naive_and_inverted_windows_are_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        SyncWindow(datetime(2026, 3, 1), datetime(2026, 3, 2, tzinfo=UTC))
    with pytest.raises(ValueError, match="ends before it starts"):
        SyncWindow(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))


def test_overlap_widens_backwards_only():
    w = SyncWindow(datetime(2026, 3, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, 2, tzinfo=UTC))
    o = w.with_overlap(timedelta(minutes=5))
    assert (o.start, o.end) == (datetime(2026, 3, 1, 0, 55, tzinfo=UTC), w.end)
    with pytest.raises(ValueError):
        w.with_overlap(timedelta(minutes=-1))


def test_empty_window():
    t = datetime(2026, 3, 1, tzinfo=UTC)
    assert SyncWindow(t, t).is_empty


@pytest.mark.parametrize(
    ("obj_code", "field"),
    [("TASK", "lastUpdateDate"), ("proj", "lastUpdateDate"), ("JRNLE", "entryDate"), ("NOTE", "entryDate"),
     ("GROUP", "entryDate"), ("DOCV", "entryDate"), ("HOUR", "lastUpdateDate")],
)
def test_date_field_for(obj_code, field):
    assert date_field_for(obj_code) == field


def test_iso_ms_formats_utc():
    assert iso_ms(datetime(2020, 5, 18, 17, 0, tzinfo=timezone(timedelta(hours=-6)))) == "2020-05-18T23:00:00.000Z"

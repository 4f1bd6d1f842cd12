from datetime import datetime, timedelta, timezone

import pytest

from airflow_workfront.sync.keyset import (
    Key,
    KeyRange,
    build_filters,
    check_user_filters,
    record_key,
    sort_spec,
)

UTC = timezone.utc
S = datetime(2026, 3, 1, 0, tzinfo=UTC)
E = datetime(2026, 3, 1, 1, tzinfo=UTC)
MS = timedelta(milliseconds=1)
D = "lastUpdateDate"


def between(lo, hi):
    return {D: lo, f"{D}_Mod": "between", f"{D}_Range": hi}


def eq_id(date, obj_id, mod):
    return {D: date, f"{D}_Mod": "eq", "ID": obj_id, "ID_Mod": mod}


def test_whole_window_is_one_inclusive_between():
    assert KeyRange(S, E).alternatives(D) == [between(S, E - MS)]


def test_after_a_cursor_reads_later_dates_then_ties_after_the_id():
    c = Key(S + timedelta(minutes=5), "b")
    assert KeyRange(S, E, after=c).alternatives(D) == [between(c.date + MS, E - MS), eq_id(c.date, "b", "gt")]


def test_cursor_on_the_last_millisecond_keeps_only_the_tie_branch():
    c = Key(E - MS, "b")
    assert KeyRange(S, E, after=c).alternatives(D) == [eq_id(c.date, "b", "gt")]


def test_bounded_partition_adds_an_inclusive_upper_key():
    c, u = Key(S + timedelta(minutes=1), "a"), Key(S + timedelta(minutes=9), "z")
    assert KeyRange(S, E, after=c, upto=u).alternatives(D) == [
        between(c.date + MS, u.date - MS), eq_id(c.date, "a", "gt"), eq_id(u.date, "z", "lte"),
    ]
    assert KeyRange(S, E, upto=u).alternatives(D) == [between(S, u.date - MS), eq_id(u.date, "z", "lte")]


def test_lower_and_upper_key_on_one_timestamp_use_the_tie_branch_and_cut_client_side():
    t = S + timedelta(minutes=3)
    r = KeyRange(S, E, after=Key(t, "b"), upto=Key(t, "d"))
    assert r.alternatives(D) == [eq_id(t, "b", "gt")]
    assert r.contains(Key(t, "c")) and r.contains(Key(t, "d"))
    assert not r.contains(Key(t, "e")) and not r.contains(Key(t, "b"))


def test_a_range_of_one_millisecond_still_reads_that_millisecond():
    # ``between`` is inclusive at both ends: lo == hi is one millisecond, not an empty range.
    assert KeyRange(S, S + MS).alternatives(D) == [between(S, S)]
    c = Key(E - 2 * MS, "b")
    assert KeyRange(S, E, after=c).alternatives(D) == [between(E - MS, E - MS), eq_id(c.date, "b", "gt")]
    lo, hi = Key(S + timedelta(minutes=1), "a"), Key(S + timedelta(minutes=1) + 2 * MS, "z")
    assert KeyRange(S, E, after=lo, upto=hi).alternatives(D) == [
        between(lo.date + MS, lo.date + MS), eq_id(lo.date, "a", "gt"), eq_id(hi.date, "z", "lte"),
    ]


def test_upper_key_on_the_first_millisecond_keeps_only_its_tie_branch():
    u = Key(S, "m")
    assert KeyRange(S, E, upto=u).alternatives(D) == [eq_id(S, "m", "lte")]
    assert KeyRange(S, E, upto=Key(S - MS, "m")).alternatives(D) == []  # ends before the window starts


def test_a_cursor_at_the_window_end_leaves_nothing_to_read():
    assert KeyRange(S, E, after=Key(E, "b")).alternatives(D) == []
    assert build_filters(KeyRange(S, E, after=Key(E, "b")), D, {}) is None


def test_empty_ranges_have_no_alternatives():
    assert KeyRange(S, S).alternatives(D) == []
    k = Key(S + timedelta(minutes=3), "m")
    assert KeyRange(S, E, after=k, upto=k).alternatives(D) == []
    assert build_filters(KeyRange(S, S), D, {}) is None


def test_contains_respects_half_open_dates():
    r = KeyRange(S, E)
    assert r.contains(Key(S, "a")) and r.contains(Key(E - MS, "z")) and not r.contains(Key(E, "a"))
    assert not r.contains(Key(S - MS, "z"))  # before the start
    after = KeyRange(S, E, after=Key(S + MS, "m"))
    assert not after.contains(Key(S + MS, "m")) and after.contains(Key(S + MS, "n"))
    assert not after.contains(Key(S, "z"))  # behind the cursor, even inside the window


def test_user_filters_are_repeated_in_every_alternative():
    c = Key(S + timedelta(minutes=5), "b")
    params = build_filters(KeyRange(S, E, after=c), D, {"status": "CUR", "projectID": "p1"})
    assert params == {
        "status": "CUR", "projectID": "p1", **between(c.date + MS, E - MS),
        "OR:1:status": "CUR", "OR:1:projectID": "p1", "OR:1:" + D: c.date, f"OR:1:{D}_Mod": "eq",
        "OR:1:ID": "b", "OR:1:ID_Mod": "gt",
    }


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"OR:1:status": "NEW"}, "OR group"),
        ({"or:2:status": "NEW"}, "OR group"),
        ({"lastUpdateDate": "x"}, "window date or ID"),
        ({"ID_Mod": "in"}, "window date or ID"),
        ({"$$LIMIT": 5}, "paging/sorting"),
        ({"name_Sort": "asc"}, "paging/sorting"),
    ],
)
def test_user_filters_that_would_break_paging_are_rejected(filters, message):
    with pytest.raises(ValueError, match=message):
        check_user_filters(filters, D)


def test_a_refused_filter_is_explained_in_one_message():
    with pytest.raises(ValueError) as err:
        check_user_filters({"OR:1:status": "CUR", D: "x"}, D)
    assert str(err.value) == (
        "sync filters cannot be used with keyset paging: 'OR:1:status' is part of an OR group; "
        f"'{D}' filters the window date or ID the sync pages on. Use plain AND filters; express an OR as "
        "separate syncs or a named query.")


def test_plain_user_filters_pass_and_are_copied():
    f = {"status": "CUR", "name_Mod": "contains", "name": "x"}
    out = check_user_filters(f, D)
    assert out == f and out is not f


def test_sort_is_date_then_id():
    assert sort_spec("entryDate") == [("entryDate", "asc"), ("ID", "asc")]


def test_a_records_key_is_its_utc_date_to_the_millisecond_then_its_id():
    assert record_key({"ID": "abc", D: "2026-03-01T00:05:00:123-0700"}, D) == Key(
        datetime(2026, 3, 1, 7, 5, 0, 123000, tzinfo=UTC), "abc")
    assert record_key({"ID": 42, D: "2026-03-01T00:05:00.123456Z"}, D) == Key(
        datetime(2026, 3, 1, 0, 5, 0, 123000, tzinfo=UTC), "42")  # cut to the millisecond; the ID as text
    local = datetime(2026, 3, 1, 0, 5, 0, 999999, tzinfo=timezone(timedelta(hours=-7)))
    assert record_key({"ID": "a", D: local}, D) == Key(datetime(2026, 3, 1, 7, 5, 0, 999000, tzinfo=UTC), "a")
    assert record_key({"ID": "a", "entryDate": "2026-03-01T00:05:00.000Z"}, "entryDate").date == S + timedelta(minutes=5)
    assert record_key({"ID": "a", D: "2026-03-01T00:05:00.123123Z"}, D).date.microsecond == 123000  # 123123 = 1001 x 123


@pytest.mark.parametrize("record", [{"ID": "abc"}, {D: "2026-03-01T00:05:00.000Z"}, {"ID": None, D: None}, {}])
def test_a_record_without_its_date_or_id_is_named_in_the_error(record):
    with pytest.raises(ValueError, match=f"has no '{D}' or 'ID'; the sync needs both to page") as err:
        record_key(record, D)
    assert str(err.value).startswith(f"record {record.get('ID') or record!r} ")


def test_resuming_and_bounding_a_range_set_only_their_own_end():
    r = KeyRange(S, E)
    k, u = Key(S + MS, "a"), Key(E - MS, "z")
    assert r.resume_after(k) == KeyRange(S, E, after=k, upto=None)
    assert r.bounded_by(u) == KeyRange(S, E, after=None, upto=u)
    assert r.resume_after(k).bounded_by(u) == KeyRange(S, E, after=k, upto=u)

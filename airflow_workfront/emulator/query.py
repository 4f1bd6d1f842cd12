"""Workfront's query language: filters, OR groups, sorting, fields, paging, counts and reports.

Parameters arrive as a list of ``(name, value)`` pairs, exactly as in the query string or form
body. The rules follow the API docs: modifiers ``_Mod``/``_Range`` are case-sensitive, plain
filters form one alternative and each ``OR:n:`` prefix another, ``$$LIMIT`` defaults to 100 and
may not pass 2000, fields nest with colons up to four levels.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from airflow_workfront.emulator import timefmt
from airflow_workfront.emulator.catalog import ObjectType, catalog
from airflow_workfront.emulator.errors import bad_request
from airflow_workfront.emulator.ordering import is_total
from airflow_workfront.emulator.store import Store, is_date_field

DEFAULT_LIMIT = 100
MAX_LIMIT = 2000
MAX_FIELD_DEPTH = 4
MODIFIERS = frozenset({"eq", "ne", "gt", "gte", "lt", "lte", "contains", "cicontains", "notcontains",
                       "cinotcontains", "isnull", "notnull", "in", "notin", "between", "notbetween", "like", "cilike"})
# Parameters that are not filters.
RESERVED = frozenset({"fields", "$$FIRST", "$$LIMIT", "$$ROLLUP", "map", "method", "apiKey", "apikey", "sessionID",
                      "sessionid", "filters", "updates", "atomic", "force", "action", "copySourceID", "options",
                      "password", "_", "id"})
# Parameters that authenticate rather than filter, as the docs warn; filters= JSON still filters on them.
PARAMETER_ONLY = frozenset({"username"})
_OR = re.compile(r"^OR:(\d+):(.+)$")
# Modifiers whose test of a text value (an ID) cannot fail: the ID fast path takes only these.
_ID_MODS = frozenset({"eq", "ne", "gt", "gte", "lt", "lte", "in", "notin"})
_SORT = re.compile(r"^(.+?)(?:_(\d+))?_Sort$")
_GROUP = re.compile(r"^(.+?)(?:_(\d+))?_GroupBy$")


@dataclass
class Condition:
    """One filter: a field path, a modifier, its values and an optional range end."""

    path: tuple[str, ...]
    mod: str = "eq"
    values: list[str] = field(default_factory=list)
    range_end: str | None = None


@dataclass
class Query:
    """A parsed search: alternatives of conditions, sort keys, paging, fields and report terms."""

    alternatives: list[list[Condition]]
    sort: list[tuple[tuple[str, ...], str]]
    first: int
    limit: int
    fields: list[str]
    as_map: bool = False
    group_by: list[str] = field(default_factory=list)
    aggregates: list[tuple[str, str]] = field(default_factory=list)
    rollup: bool = False


def _split_modifier(name: str) -> tuple[str, str | None]:
    for suffix in ("_Mod", "_Range"):
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    for wrong in ("_mod", "_range", "_MOD", "_RANGE"):
        if name.endswith(wrong):
            raise bad_request(
                f"{name}: modifiers are case-sensitive; use {name[: -len(wrong)]}_{wrong[1:].capitalize()}"
            )
    return name, None


def parse_query(obj_type: ObjectType, params: list[tuple[str, str]], *, paging: bool = True) -> Query:
    """Parse search/count/report parameters against an object type (raises on anything invalid)."""
    groups: dict[int, dict[str, Condition]] = {}
    sort_keys: list[tuple[int, int, tuple[str, ...], str]] = []
    group_by: list[tuple[int, int, str]] = []
    aggregates: list[tuple[str, str]] = []
    first, limit, as_map, rollup = 0, DEFAULT_LIMIT, False, False
    fields: list[str] = []

    expanded: list[tuple[str, str]] = []
    for name, value in params:
        if name == "filters":
            expanded.extend(_json_filters(value))
        elif name == "listOptions":
            expanded.extend(_list_options(value))
        elif name not in PARAMETER_ONLY:
            expanded.append((name, value))

    for position, (name, value) in enumerate(expanded):
        if name == "$$FIRST":
            first = _int(name, value, minimum=0)
        elif name == "$$LIMIT":
            limit = _int(name, value, minimum=1)
            if limit > MAX_LIMIT:
                raise bad_request(f"The requested limit {limit} is greater than the maximum allowed limit of {MAX_LIMIT}")
        elif name == "fields":
            fields.extend(field_names(value))
        elif name == "map":
            as_map = value.lower() == "true"
        elif name == "$$ROLLUP":
            rollup = value.lower() == "true"
        elif name in RESERVED or name.startswith("$$"):
            continue
        elif name.endswith("_Sort"):
            match = _SORT.match(name)
            if match is None:
                raise bad_request(f"{name}: a sort names a field, as in name_Sort or name_1_Sort")
            direction = value.lower()
            if direction not in ("asc", "desc"):
                raise bad_request(f"{name}: sort direction must be asc or desc, got {value!r}")
            number = int(match[2]) if match[2] else 10_000
            sort_keys.append((number, position, _path(obj_type, match[1]), direction))
        elif name.endswith("_GroupBy"):
            match = _GROUP.match(name)
            if match is None:
                raise bad_request(f"{name}: a grouping names a field, as in status_GroupBy")
            if value.lower() == "true":
                group_by.append((int(match[2]) if match[2] else 10_000, position, match[1]))
        elif name.endswith("_AggFunc"):
            aggregates.append((name[: -len("_AggFunc")], value.lower()))
        else:
            group = 0
            match = _OR.match(name)
            if match:
                group, name = int(match[1]), match[2]
            base, suffix = _split_modifier(name)
            cond = groups.setdefault(group, {}).setdefault(base, Condition(_path(obj_type, base)))
            if suffix == "_Mod":
                if value not in MODIFIERS:
                    raise bad_request(f"{base}_Mod: unknown modifier {value!r} (modifiers are case-sensitive)")
                cond.mod = value
            elif suffix == "_Range":
                cond.range_end = value
            else:
                cond.values.append(value)

    if not paging:
        first, limit = 0, 0
    alternatives = [list(conds.values()) for _, conds in sorted(groups.items())] or [[]]
    for conditions in alternatives:
        for cond in conditions:
            if cond.mod not in ("isnull", "notnull") and not cond.values:
                raise bad_request(f"{':'.join(cond.path)}_Mod={cond.mod} needs a value")
    return Query(
        alternatives=alternatives,
        sort=[(path, direction) for _, _, path, direction in sorted(sort_keys)],
        first=first,
        limit=limit,
        fields=fields,
        as_map=as_map,
        group_by=[name for _, _, name in sorted(group_by)],
        aggregates=aggregates,
        rollup=rollup,
    )


def field_names(value: str) -> list[str]:
    """The names of a ``fields=`` value: comma-separated (``ID,name``) or a JSON array
    (``["ID","name"]``, the form of Adobe's OpenAPI description)."""
    text = value.strip()
    if text.startswith("["):
        try:
            listed = json.loads(text)
        except ValueError:
            raise bad_request("fields: not a valid JSON array of field names") from None
        if not isinstance(listed, list) or not all(isinstance(name, str) for name in listed):
            raise bad_request("fields: a JSON array must hold field names (strings)")
        return [name.strip() for name in listed if name.strip()]
    return [name.strip() for name in text.split(",") if name.strip()]


def _list_options(raw: str) -> list[tuple[str, str]]:
    """``listOptions={"$$LIMIT": 1, "$$FIRST": 0}`` (the OpenAPI form) as the parameters it stands for."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise bad_request("listOptions: not valid JSON") from None
    if not isinstance(data, dict):
        raise bad_request("listOptions: must be a JSON object such as {\"$$LIMIT\": 100, \"$$FIRST\": 0}")
    pairs = []
    for key, value in data.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (int, float, str)):
            text = str(value)
        else:
            raise bad_request(f"listOptions: {key} must be a number, text or true/false, got {json.dumps(value)}")
        pairs.append((key, text))
    return pairs


def _json_filters(raw: str) -> list[tuple[str, str]]:
    try:
        data = json.loads(raw)
    except ValueError:
        raise bad_request("filters: not valid JSON") from None
    if not isinstance(data, dict):
        raise bad_request("filters: must be a JSON object")
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item if isinstance(item, str) else json.dumps(item)))
    return pairs


def _int(name: str, value: str, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise bad_request(f"{name} must be a whole number, got {value!r}") from None
    if number < minimum:
        raise bad_request(f"{name} must be at least {minimum}, got {number}")
    return number


@lru_cache(maxsize=4096)
def _path_cached(code: str, text: str) -> tuple[str, ...]:
    obj_type = catalog()[code]
    parts = tuple(text.split(":"))
    if len(parts) > MAX_FIELD_DEPTH + 1 or (len(parts) > MAX_FIELD_DEPTH and not parts[-1]):
        raise bad_request(f"{text}: fields may not be more than {MAX_FIELD_DEPTH} levels deep")
    current: ObjectType | None = obj_type
    for n, part in enumerate(parts):
        if current is None:
            break
        last = n == len(parts) - 1
        if part.startswith("DE:") or (last and part == "*"):
            break
        if part.startswith("DE") and n + 1 < len(parts):  # "DE:Name" split on its colon
            break
        if not current.knows(part):
            raise current.unknown_field(part)
        if not last:
            if part in current.references:
                target = current.reference_target(part)
            elif part in current.collections:
                target = _collection_target(current, part)
            else:
                raise bad_request(f"{part} is not a reference or collection of {current.name}")
            current = catalog().get(target) if target else None
    return _join_custom(parts)


def _join_custom(parts: tuple[str, ...]) -> tuple[str, ...]:
    """Re-join ``DE`` and its name, which the colon split apart."""
    out: list[str] = []
    skip = False
    for n, part in enumerate(parts):
        if skip:
            skip = False
            continue
        if part == "DE" and n + 1 < len(parts):
            out.append(f"DE:{parts[n + 1]}")
            skip = True
        else:
            out.append(part)
    return tuple(out)


def _collection_target(obj_type: ObjectType, name: str) -> str | None:
    from airflow_workfront.emulator.catalog import COLLECTIONS

    spec = COLLECTIONS.get((obj_type.code, name))
    return spec[0] if spec else None


def _path(obj_type: ObjectType, text: str) -> tuple[str, ...]:
    return _path_cached(obj_type.code, text)


# -- evaluation ------------------------------------------------------------------------------


class Evaluator:
    """Evaluates parsed queries against a store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def values_at(self, obj_type: ObjectType, record: dict, path: tuple[str, ...]) -> list[Any]:
        """Every value at a field path (collections fan out)."""
        current: list[tuple[ObjectType | None, dict]] = [(obj_type, record)]
        for part in path[:-1]:
            following: list[tuple[ObjectType | None, dict]] = []
            for kind, item in current:
                if kind is None:
                    continue
                if part in kind.references:
                    target = kind.reference_target(part)
                    found = self.store.find(target, item.get(f"{part}ID")) if target else None
                    if target and found is not None:
                        following.append((catalog().get(target), found))
                else:
                    member = _collection_target(kind, part)
                    member_type = catalog().get(member) if member else None
                    following.extend((member_type, m) for m in self.store.members(kind, item, part))
            current = following
        last = path[-1]
        return [item.get(last) for _, item in current]

    def matcher(self, obj_type: ObjectType, alternatives: list[list[Condition]]) -> Callable[[dict], bool]:
        """A test of a record against the alternatives (any of them, each with all its conditions),
        built once for a query: the filter values are read once, not once per record."""
        now = self.store.clock.now_ms()
        tests = [[self._condition_test(obj_type, cond, now) for cond in conditions] for conditions in alternatives]
        if len(tests) == 1 and len(tests[0]) == 1:
            return tests[0][0]

        def match(record: dict) -> bool:
            for conditions in tests:
                for test in conditions:
                    if not test(record):
                        break
                else:
                    return True
            return False

        return match

    def _condition_test(self, obj_type: ObjectType, cond: Condition, now: int) -> Callable[[dict], bool]:
        compare = _comparer(cond, cond.path[-1], now)
        if len(cond.path) == 1:
            name = cond.path[0]
            return lambda record: compare(record.get(name))
        negative = cond.mod in ("ne", "notcontains", "cinotcontains", "notin", "notbetween")

        def test(record: dict) -> bool:
            values = self.values_at(obj_type, record, cond.path) or [None]
            results = (compare(value) for value in values)
            return all(results) if negative else any(results)

        return test

    def count(self, obj_type: ObjectType, query: Query) -> int:
        """How many records match (the sizes of index spans when the filters allow)."""
        spans = self._index_spans(obj_type, query)
        if spans is not None:
            return sum(end - start for start, end in spans)
        if not any(query.alternatives):  # no filters: every object
            return len(self.store.objects[obj_type.code])
        return len(self._select_in_order(obj_type, query))

    def page(self, obj_type: ObjectType, query: Query) -> list[dict]:
        """The matching records from ``$$FIRST``, at most ``$$LIMIT`` of them, in the requested order."""
        first, limit = query.first, query.limit
        return self.select(obj_type, query, first + limit, skip=first)[:limit]

    def select(self, obj_type: ObjectType, query: Query, enough: int | None = None, skip: int = 0) -> list[dict]:
        """Matching records, sorted, before paging.

        With shuffling on and a sort that leaves ties (or no sort), every match is drawn in a fresh
        random order first and then stably sorted, so only what the sort fixes stays fixed.
        Otherwise see :meth:`_select_in_order`.
        """
        order = self.store.order
        if not order.shuffling or is_total(query.sort):
            return self._select_in_order(obj_type, query, enough, skip)
        matched = order.shuffled(self._select_in_order(obj_type, replace(query, sort=[])))
        self._sort(obj_type, matched, query.sort)
        return matched[skip:] if skip else matched

    def _select_in_order(self, obj_type: ObjectType, query: Query, enough: int | None = None,
                         skip: int = 0) -> list[dict]:
        """Matching records in the requested order, else the store's, before paging (a bisect over
        the date index when possible).

        :param enough: the caller needs only this many leading records (``$$FIRST + $$LIMIT``); when
            the candidates already come in the requested order, matching stops there.
        :param skip: leave out this many leading records (``$$FIRST``).
        """
        records = self.store.objects[obj_type.code]
        spans = self._index_spans(obj_type, query)
        if spans is not None:
            return [records[i] for i in _read_spans(self.store.index[obj_type.code], spans, enough, skip)]
        keyed = self._select_on_index(obj_type, query, enough)
        if keyed is None:
            keyed = self._select_on_ids(obj_type, query, enough)
        if keyed is not None:
            return [records[i] for i in keyed[skip:]]
        candidates = self._candidates(obj_type, query)
        alternatives = query.alternatives
        in_order = not query.sort or self._index_sorted(obj_type, query, candidates) or (
            query.sort == [(("ID",), "asc")] and isinstance(candidates, _IdOrder))
        matched: list[dict] = []
        if not any(alternatives):  # no filters: every candidate matches
            if in_order and enough is not None:
                return [records[i] for i in itertools.islice(candidates, skip, enough)]
            matched = [records[i] for i in candidates]
        else:
            match = self.matcher(obj_type, alternatives)
            for record in (records[i] for i in candidates):
                if not match(record):
                    continue
                matched.append(record)
                if in_order and enough is not None and len(matched) >= enough:
                    break
        if not in_order:
            self._sort(obj_type, matched, query.sort)
        return matched[skip:] if skip else matched

    def _sort(self, obj_type: ObjectType, records: list[dict], sort: list[tuple[tuple[str, ...], str]]) -> None:
        """Sort records in place by the sort keys (stable: ties keep the order they came in)."""
        now = self.store.clock.now_ms()
        for path, direction in reversed(sort):
            if len(path) == 1:  # a field of the object itself: no reference walk
                name = path[0]
                key = lambda r, f=name: _sort_key([r.get(f)], f, now)  # noqa: E731
            else:
                key = lambda r, p=path: _sort_key(self.values_at(obj_type, r, p)[:1] or [None], p[-1], now)  # noqa: E731
            records.sort(key=key, reverse=direction == "desc")

    def _index_tests(self, obj_type: ObjectType, query: Query) -> list[tuple[tuple[int, int], list[Condition]]] | None:
        """Each alternative as ``((lo ms, hi ms), ID conditions)`` when every filter is on the date
        and ``ID`` and the order wanted is the index order (the sync's keyset pages, counts and
        offset pages); ``None`` when the records themselves must be tested."""
        date_field = obj_type.date_field
        if not query.alternatives or not all(query.alternatives):
            return None
        if query.sort and [(p, d) for p, d in query.sort] not in (
                [((date_field,), "asc"), (("ID",), "asc")], [((date_field,), "asc")]):
            return None
        now = self.store.clock.now_ms()
        tests = []
        for conditions in query.alternatives:
            bound = _date_bounds(date_field, conditions, now)
            if bound is None or any(c.path not in ((date_field,), ("ID",)) for c in conditions):
                return None
            if any(c.mod not in ("eq", "gt", "gte", "lt", "lte", "between", "in") or not c.values
                   for c in conditions):
                return None
            tests.append((bound, [c for c in conditions if c.path == ("ID",)]))
        return tests

    def _index_spans(self, obj_type: ObjectType, query: Query) -> list[tuple[int, int]] | None:
        """The matches as disjoint slices of the ``(date, ID)`` index, found by bisection, when
        every alternative is one slice; ``None`` otherwise."""
        tests = self._index_tests(obj_type, query)
        if tests is None:
            return None
        keys = self.store.index[obj_type.code]
        spans = []
        for bound, ids in tests:
            span = _index_span(keys, bound, ids)
            if span is None:
                return None
            spans.append(span)
        return _merge_spans(spans)

    def _select_on_index(self, obj_type: ObjectType, query: Query, enough: int | None) -> list[str] | None:
        """Matching IDs read off the ``(date, ID)`` index entry by entry, when every filter is on
        those two fields but some alternative is not one slice of it (ID lists, ID ranges over
        several dates); ``None`` when the records themselves must be tested."""
        tests = self._index_tests(obj_type, query)
        if tests is None:
            return None
        now = self.store.clock.now_ms()
        lo = min(b[0] for b, _ in tests)
        hi = max(b[1] for b, _ in tests)
        compiled = [(bound, [_comparer(c, "ID", now) for c in id_conditions]) for bound, id_conditions in tests]
        found: list[str] = []
        for ms, obj_id in self.store.index_keys(obj_type.code, lo, hi):
            for (a, b), id_tests in compiled:
                if a <= ms <= b and all(test(obj_id) for test in id_tests):
                    found.append(obj_id)
                    break
            if enough is not None and len(found) >= enough:
                break
        return found

    def _select_on_ids(self, obj_type: ObjectType, query: Query, enough: int | None) -> list[str] | None:
        """Matching IDs when every filter is on ``ID`` and the order is ``ID`` ascending (or none):
        the IDs alone are tested, in the store's ID order from the lowest bound any alternative
        allows (the sync's ID reconciliation, ``ID_Mod=gt&ID_Sort=asc``); ``None`` otherwise.

        The modifiers taken here compare text and cannot fail, so testing fewer IDs than a scan
        changes no answer, errors included.
        """
        alternatives = query.alternatives
        if not all(alternatives) or query.sort not in ([], [(("ID",), "asc")]):
            return None
        if any(c.path != ("ID",) or c.mod not in _ID_MODS or not c.values for a in alternatives for c in a):
            return None
        match = self.matcher(obj_type, alternatives)
        if not query.sort:  # the store's order, as the scan it replaces
            ids: Iterable[str] = self.store.objects[obj_type.code]
        else:
            ordered = self.store.sorted_ids(obj_type.code)
            lows, highs = [], []
            for conditions in alternatives:  # each alternative holds one ID condition
                cond = conditions[0]
                if cond.mod in ("gt", "gte", "eq", "in"):
                    lows.append(cond.values[0] if cond.mod in ("gt", "gte") else min(cond.values))
                if cond.mod in ("lt", "lte", "eq", "in"):
                    highs.append(cond.values[0] if cond.mod in ("lt", "lte") else max(cond.values))
            start = bisect.bisect_left(ordered, min(lows)) if len(lows) == len(alternatives) else 0
            stop = bisect.bisect_right(ordered, max(highs)) if len(highs) == len(alternatives) else len(ordered)
            if len(alternatives) == 1 and alternatives[0][0].mod in ("gt", "gte", "lt", "lte"):
                # One range: its ends bisected exactly, the slice is the answer.
                cond = alternatives[0][0]
                at = bisect.bisect_right if cond.mod in ("gt", "lte") else bisect.bisect_left
                if cond.mod in ("gt", "gte"):
                    start = at(ordered, cond.values[0])
                else:
                    stop = at(ordered, cond.values[0])
                return ordered[start:stop if enough is None else min(stop, start + enough)]
            ids = itertools.islice(ordered, start, stop)
        found: list[str] = []
        for obj_id in ids:
            if match({"ID": obj_id}):
                found.append(obj_id)
                if enough is not None and len(found) >= enough:
                    break
        return found

    def _candidates(self, obj_type: ObjectType, query: Query) -> Iterable[str]:
        """IDs to test: an index range when every alternative bounds the type's date field."""
        ranges = []
        now = self.store.clock.now_ms()
        for conditions in query.alternatives:
            bound = _date_bounds(obj_type.date_field, conditions, now)
            if bound is None:
                if query.sort:
                    return _IdOrder(self.store.sorted_ids(obj_type.code))
                return list(self.store.objects[obj_type.code])
            ranges.append(bound)
        ranges.sort()
        merged: list[list[int]] = []
        for lo, hi in ranges:
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        ids: list[str] = []
        for lo, hi in merged:
            ids.extend(self.store.index_range(obj_type.code, lo, hi))
        return _IndexOrder(ids)

    @staticmethod
    def _index_sorted(obj_type: ObjectType, query: Query, candidates: Iterable[str]) -> bool:
        """Whether candidates already come in the requested order (index order = (date, ID) asc)."""
        wanted = [(p, d) for p, d in query.sort]
        return isinstance(candidates, _IndexOrder) and wanted in (
            [((obj_type.date_field,), "asc"), (("ID",), "asc")], [((obj_type.date_field,), "asc")])


class _IndexOrder(list):
    """A list of IDs in (date, ID) index order."""


class _IdOrder(list):
    """A list of IDs in ascending ID order."""


def _index_span(keys: list[tuple[int, str]], bound: tuple[int, int],
                id_conditions: list[Condition]) -> tuple[int, int] | None:
    """Where one alternative's matches lie in the sorted ``(date ms, ID)`` index, as ``[start, end)``.

    A date range alone is one slice, and so is one millisecond with ID comparisons (the sync's
    ``date eq AND ID gt`` tie-breaker); both are found by bisection, so counts and offset pages cost
    no scan. Anything else (ID conditions over a date range, ``in`` lists) is not one slice:
    ``None``, and the caller tests the entries one by one.
    """
    lo, hi = bound
    start, end = bisect.bisect_left(keys, (lo, "")), bisect.bisect_right(keys, (hi, "\uffff"))
    if not id_conditions:
        return start, end
    if lo != hi:
        return None
    for cond in id_conditions:
        if cond.mod not in ("eq", "gt", "gte", "lt", "lte") or len(cond.values) != 1:
            return None
        at = (lo, cond.values[0])
        if cond.mod in ("eq", "gte"):
            start = max(start, bisect.bisect_left(keys, at))
        if cond.mod == "gt":
            start = max(start, bisect.bisect_right(keys, at))
        if cond.mod in ("eq", "lte"):
            end = min(end, bisect.bisect_right(keys, at))
        if cond.mod == "lt":
            end = min(end, bisect.bisect_left(keys, at))
    return start, max(start, end)


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Index spans made disjoint and sorted (alternatives may overlap: each entry counts once)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _read_spans(keys: list[tuple[int, str]], spans: list[tuple[int, int]], enough: int | None,
                skip: int) -> list[str]:
    """The IDs at positions ``[skip, enough)`` of the disjoint ``spans``, in index order."""
    found: list[str] = []
    position = 0  # rank of the first entry of the current span among all matches
    for start, end in spans:
        size = end - start
        lo = max(0, skip - position)
        hi = size if enough is None else min(size, enough - position)
        if lo < hi:
            found.extend(obj_id for _, obj_id in keys[start + lo:start + hi])
        position += size
        if enough is not None and position >= enough:
            break
    return found


def _date_bounds(date_field: str, conditions: list[Condition], now: int) -> tuple[int, int] | None:
    lo, hi = None, None
    for cond in conditions:
        if cond.path != (date_field,) or not cond.values:
            continue
        try:
            value = timefmt.parse_time(cond.values[0], now)
        except ValueError:
            return None
        if cond.mod == "eq":
            lo, hi = value, value
        elif cond.mod == "gte":
            lo = value
        elif cond.mod == "gt":
            lo = value + 1
        elif cond.mod == "lte":
            hi = timefmt.parse_end(cond.values[0], now)
        elif cond.mod == "lt":
            hi = value - 1
        elif cond.mod == "between" and cond.range_end:
            try:
                lo, hi = value, timefmt.parse_end(cond.range_end, now)
            except ValueError:
                return None
    if lo is None and hi is None:
        return None
    return (lo if lo is not None else -(2**62), hi if hi is not None else 2**62)


def _coerce(value: Any, field_name: str, now: int) -> Any:
    if value is None:
        return None
    if is_date_field(field_name) or field_name in ("entryDate", "lastUpdateDate"):
        try:
            return timefmt.parse_time(value, now)
        except ValueError:
            return value
    return value


def _sort_key(values: list[Any], field_name: str, now: int) -> tuple:
    value = _coerce(values[0], field_name, now)
    if value is None:
        return (1, 0)
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    return (0, str(value))


def _as_type(reference: Any, text: str, field_name: str, now: int, *, end: bool = False) -> Any:
    """Turn a filter's text into the type of the stored value (``end``: the upper end of a range,
    where ``$$TODAY`` covers the whole day)."""
    if is_date_field(field_name):
        return timefmt.parse_end(text, now) if end else timefmt.parse_time(text, now)
    if isinstance(reference, bool):
        return text.lower() in ("true", "1")
    if isinstance(reference, (int, float)):
        try:
            return float(text)
        except ValueError:
            raise bad_request(f"{field_name}: {text!r} is not a number") from None
    return text


def _comparer(cond: Condition, field_name: str, now: int) -> Callable[[Any], bool]:
    """The test of a stored value against ``cond``, made once for a query: a filter's values are
    turned into the stored value's type once per kind of value (text, number, true/false), not
    once per record; a conversion that fails fails on every record of its kind, as before."""
    mod = cond.mod
    values = cond.values
    date = is_date_field(field_name)
    wanted_by_kind: dict[Any, list[Any]] = {}
    end_by_kind: dict[Any, Any] = {}

    def kind(stored: Any) -> Any:
        return None if date else bool if isinstance(stored, bool) else float if isinstance(stored, (int, float)) else str

    def wanted_for(stored: Any) -> list[Any]:
        key = kind(stored)
        wanted = wanted_by_kind.get(key)
        if wanted is None:
            try:
                wanted = [_as_type(stored, v, field_name, now) for v in values]
            except ValueError:
                raise bad_request(f"{field_name}: {values[0]!r} is not a valid value") from None
            wanted_by_kind[key] = wanted
        return wanted

    def end_for(stored: Any, text: str) -> Any:
        key = kind(stored)
        if key not in end_by_kind:
            end_by_kind[key] = _as_type(stored, text, field_name, now, end=True)
        return end_by_kind[key]

    def compare(stored: Any) -> bool:
        if mod == "isnull":
            return stored in (None, "")
        if mod == "notnull":
            return stored not in (None, "")
        if isinstance(stored, list):  # multi-select custom fields
            return any(compare(item) for item in stored) if stored else mod in ("ne", "notin")
        if stored is None:
            return mod in ("ne", "notcontains", "cinotcontains", "notin", "notbetween")
        value = _coerce(stored, field_name, now)
        wanted = wanted_for(stored)
        text = str(stored)
        if mod in ("eq", "in"):
            return value in wanted
        if mod in ("ne", "notin"):
            return value not in wanted
        if mod == "contains":
            return any(str(w) in text for w in values)
        if mod == "cicontains":
            return any(str(w).lower() in text.lower() for w in values)
        if mod == "notcontains":
            return all(str(w) not in text for w in values)
        if mod == "cinotcontains":
            return all(str(w).lower() not in text.lower() for w in values)
        if mod in ("like", "cilike"):
            pattern = re.escape(values[0]).replace("%", ".*").replace("_", ".")
            return re.fullmatch(pattern, text, re.I if mod == "cilike" else 0) is not None
        first = wanted[0]
        if mod in ("between", "notbetween"):
            if cond.range_end is None:
                raise bad_request(f"{field_name}_Mod={mod} needs {field_name}_Range")
            end = end_for(stored, cond.range_end)
            inside = _ordered(first, value) and _ordered(value, end)
            return inside if mod == "between" else not inside
        if mod == "gt":
            return _ordered(first, value) and value != first
        if mod == "gte":
            return _ordered(first, value)
        if mod == "lt":
            return _ordered(value, first) and value != first
        if mod == "lte":
            return _ordered(value, end_for(stored, values[0]))
        raise bad_request(f"{mod} is not a supported modifier")

    if mod in ("eq", "in") and not date:
        texts = list(values)  # what a text value is compared with (see _as_type)

        def equal(stored: Any) -> bool:
            if stored.__class__ is str:
                return stored in texts
            return compare(stored)

        return equal
    return compare


def _ordered(a: Any, b: Any) -> bool:
    """``a <= b``, comparing mismatched types as text (lexicographic, as decided for strings)."""
    try:
        return a <= b
    except TypeError:
        return str(a) <= str(b)

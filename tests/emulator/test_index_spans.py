"""Keyset filters answered from the (date, ID) index agree with testing every entry.

The sync's pages, counts and offset pages are answered by bisecting the index; these tests draw
random keyset filters (including ties on one millisecond and overlapping alternatives) and
compare the answers with a plain scan of the index written here.
"""

from __future__ import annotations

import random

import pytest

from airflow_workfront.emulator.app import Emulator, EmulatorConfig
from airflow_workfront.emulator.catalog import resolve
from airflow_workfront.emulator.query import parse_query
from airflow_workfront.emulator.timefmt import format_wf

TASK = resolve("TASK")


@pytest.fixture(scope="module")
def emulator():
    emu = Emulator(EmulatorConfig(seed="empty", seed_size=600, clock="2026-03-02T10:00:00Z"))
    keys = emu.store.index["TASK"]
    # Ties: give a run of tasks the same millisecond, as a bulk edit does.
    for _ms, obj_id in keys[100:140]:
        emu.store.objects["TASK"][obj_id]["lastUpdateDate"] = format_wf(keys[100][0])
    emu.store.index["TASK"] = sorted((keys[100][0] if 100 <= n < 140 else ms, obj_id)
                                     for n, (ms, obj_id) in enumerate(keys))
    return emu


def _alternative(rng: random.Random, keys: list[tuple[int, str]]) -> tuple[list[tuple[str, str]], callable]:
    """One random keyset alternative as request pairs, and the predicate it stands for."""
    (ms_a, id_a), (ms_b, _) = sorted(rng.sample(keys, 2))
    kind = rng.choice(["between", "eq_gt", "eq_lte", "eq_gte", "eq_lt", "eq_in"])
    if kind == "between":
        return ([("lastUpdateDate", format_wf(ms_a)), ("lastUpdateDate_Mod", "between"),
                 ("lastUpdateDate_Range", format_wf(ms_b))], lambda ms, i: ms_a <= ms <= ms_b)
    mod = kind.split("_")[1]
    if mod == "in":
        chosen = {i for m, i in keys if m == ms_a}
        wanted = sorted(rng.sample(sorted(chosen), max(1, len(chosen) // 2)))
        pairs = [("lastUpdateDate", format_wf(ms_a)), ("lastUpdateDate_Mod", "eq")]
        pairs += [("ID", w) for w in wanted] + [("ID_Mod", "in")]
        return pairs, lambda ms, i: ms == ms_a and i in wanted
    tests = {"gt": lambda i: i > id_a, "lte": lambda i: i <= id_a, "gte": lambda i: i >= id_a,
             "lt": lambda i: i < id_a}
    return ([("lastUpdateDate", format_wf(ms_a)), ("lastUpdateDate_Mod", "eq"), ("ID", id_a), ("ID_Mod", mod)],
            lambda ms, i: ms == ms_a and tests[mod](i))


@pytest.mark.parametrize("seed", range(40))
def test_index_answers_match_a_scan(emulator, seed):
    rng = random.Random(seed)
    keys = emulator.store.index["TASK"]
    tie = [k for k in keys if k[0] == keys[100][0]]
    pool = tie if seed % 4 == 0 else keys  # every fourth draw stays inside the tie
    pairs, predicates = [], []
    for n in range(rng.randint(1, 3)):
        alt, predicate = _alternative(rng, pool)
        pairs += [(f"OR:{n}:{k}" if n else k, v) for k, v in alt]
        predicates.append(predicate)
    first, limit = rng.randint(0, 50), rng.randint(1, 40)
    pairs += [("lastUpdateDate_1_Sort", "asc"), ("ID_2_Sort", "asc"), ("$$FIRST", str(first)),
              ("$$LIMIT", str(limit)), ("fields", "ID")]
    expected = [i for ms, i in keys if any(p(ms, i) for p in predicates)]

    query = parse_query(TASK, pairs)
    assert emulator.api.evaluator.count(TASK, query) == len(expected)
    assert [r["ID"] for r in emulator.api.evaluator.page(TASK, query)] == expected[first:first + limit]

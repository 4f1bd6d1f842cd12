"""The relaxed JSON of the docs' ``updates=`` examples."""

from __future__ import annotations

import pytest

from airflow_workfront.emulator.relaxedjson import RelaxedJsonError, loads


@pytest.mark.parametrize(("text", "expected"), [
    ('{ name: "x" }', {"name": "x"}),
    ("{accessorID: 'abc123', coreAction: 'VIEW'}", {"accessorID": "abc123", "coreAction": "VIEW"}),
    ("{ queueDef: { isPublic: 1 } }", {"queueDef": {"isPublic": 1}}),
    ("{version:v1.0,fileName:aFileName}", {"version": "v1.0", "fileName": "aFileName"}),
    ("[{\u201cname\u201d:\u201dP1\u201d}]", [{"name": "P1"}]),
    ("{a: -2.5, b: true, c: null, d: 'it\\'s'}", {"a": -2.5, "b": True, "c": None, "d": "it's"}),
    ('{"strict": [1, 2.0, "3"]}', {"strict": [1, 2.0, "3"]}),
])
def test_parses_the_docs_forms(text, expected):
    assert loads(text) == expected


@pytest.mark.parametrize("text", ['{ name: "x"', "{name 'x'}", "[1 2]", "{a: 'open}", "{} extra"])
def test_refuses_what_is_not_json_even_relaxed(text):
    with pytest.raises(RelaxedJsonError, match="character"):
        loads(text)

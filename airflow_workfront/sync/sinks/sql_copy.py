"""Loading a page into PostgreSQL with ``COPY``: the fastest way in, for the SQL sink.

A page's converted columns become ``COPY ... FROM STDIN`` text (tab-separated, ``\\N`` for NULL,
backslash escapes) and go into a temporary table with the target columns' types, dropped at
commit; one ``INSERT ... SELECT`` then moves them into the table, with the sink's usual
``ON CONFLICT`` rules. PostgreSQL parses every value once, with the type's own input function,
instead of casting text arrays.

Escaping is done a column at a time on one joined string (a few ``str.replace`` calls in C per
column, not a call per value): the values are joined with NUL, which PostgreSQL text can never
hold, so the join splits back exactly. A value that does hold a NUL is refused with its field
named.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

#: ``COPY`` text format's NULL.
NULL = "\\N"
#: The per-page temporary table (each session has its own; dropped at commit).
PAGE_TABLE = "_wf_page"
_NONE = type(None)
_NUMBERS = {int, float, _NONE}  # exact types: bool, a subclass of int, is written as true/false
_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _text(value: Any) -> str:
    """A value that is not text, as PostgreSQL reads it (booleans, numbers, nested JSON)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def copy_fields(values: Sequence[Any], field: str) -> list[str]:
    """One column's values as ``COPY`` text fields: escaped, ``None`` as :data:`NULL`."""
    types = set(map(type, values))
    if types <= _NUMBERS:  # nothing to escape in a number's text
        return list(map(str, values)) if _NONE not in types else [NULL if v is None else str(v) for v in values]
    texts: list[Any] = list(values) if types <= {str} else [
        v if v.__class__ is str or v is None else _text(v) for v in values
    ]
    nulls = None in texts
    joined = "\0".join(["" if t is None else t for t in texts] if nulls else texts)
    if joined.count("\0") != len(texts) - 1:
        bad = next(t for t in texts if t is not None and "\0" in t)
        raise ValueError(f"field {field!r} holds a NUL character, which PostgreSQL cannot store: {bad[:80]!r}")
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        for char, escaped in _ESCAPES:
            joined = joined.replace(char, escaped)
        fields = joined.split("\0")
    elif nulls:
        fields = joined.split("\0")
    else:
        return texts
    return [NULL if t is None else f for t, f in zip(texts, fields, strict=True)] if nulls else fields


def copy_text(columns: Sequence[Sequence[Any]], fields: Sequence[str]) -> str:
    """The rows of these ``columns`` (one list of values per field) as ``COPY`` text."""
    escaped = [copy_fields(values, field) for values, field in zip(columns, fields, strict=True)]
    return "\n".join(map("\t".join, zip(*escaped, strict=True))) + "\n"


def copy_into(cursor: Any, sql: str, text: str) -> None:
    """Run ``COPY ... FROM STDIN`` with ``text`` on a psycopg 3 or psycopg2 cursor."""
    if hasattr(cursor, "copy"):  # psycopg 3
        with cursor.copy(sql) as copy:
            copy.write(text)
    elif hasattr(cursor, "copy_expert"):  # psycopg2
        cursor.copy_expert(sql, io.StringIO(text), size=max(len(text), 8192))  # encoded as the connection's
    else:
        raise TypeError(f"the PostgreSQL driver's cursor {type(cursor).__name__} has no COPY support")

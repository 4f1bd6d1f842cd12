"""Reading the records a bulk operator writes: a list, JSON text (an XCom), or a JSON, JSON Lines or
CSV file on local disk or object storage."""

from __future__ import annotations

import csv
import io
import json
from typing import Any


def _open_text(path: str) -> str:
    if "://" in path:
        from airflow.sdk import ObjectStoragePath

        return ObjectStoragePath(path).read_text()
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def load_records(source: Any) -> list[Any]:
    """Turn a bulk operator's ``records`` argument into a list.

    - a list or tuple is used as is;
    - a string that parses as a JSON array is used (a templated XCom rendered as text);
    - any other string is a path (``file:///``, ``s3://conn@bucket/...`` or local) to a ``.json``
      array, ``.jsonl`` lines or ``.csv`` with a header row (empty cells are left out).
    """
    if isinstance(source, (list, tuple)):
        return list(source)
    if not isinstance(source, str):
        raise TypeError(f"records must be a list, JSON text or a file path, got {type(source).__name__}")
    text = source.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError as err:
            raise ValueError(f"records look like JSON but do not parse: {err}") from None
        return list(value)
    path = text
    lower = path.lower()
    if not lower.endswith((".csv", ".jsonl", ".ndjson", ".json")):
        raise ValueError(f"records path {path!r} must end in .json, .jsonl or .csv")
    content = _open_text(path)
    if lower.endswith(".csv"):
        return [{k: v for k, v in row.items() if v not in (None, "")} for row in csv.DictReader(io.StringIO(content))]
    if lower.endswith((".jsonl", ".ndjson")):
        return [json.loads(line) for line in content.splitlines() if line.strip()]
    value = json.loads(content)  # .json
    if not isinstance(value, list):
        raise ValueError(f"{path} must hold a JSON array of records")
    return value

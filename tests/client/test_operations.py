"""Pure request builders: get_many chunking fits each URL and fills it."""

from __future__ import annotations

import pytest

from airflow_workfront.client import ApiKeyAuth, ClientConfig
from airflow_workfront.client.limits import MAX_URL_BYTES
from airflow_workfront.client.operations import get_many, get_many_chunks
from airflow_workfront.client.request import url_length

CONFIG = ClientConfig(host="https://acme.my.workfront.com", auth=ApiKeyAuth("k"))
FIELDS = ["name", "DE:Cost Center", "project:name"]


def _length(ids: list[str]) -> int:
    url = get_many(CONFIG, "TASK", ids[:1], FIELDS).url
    return url_length(url, [("id", ",".join(ids)), ("fields", ",".join(FIELDS))])


@pytest.mark.parametrize(
    "ids",
    [[f"{n:032x}" for n in range(2000)],  # Workfront's 32-hex IDs
     [f"ïd/{n}&x" * (1 + n % 5) for n in range(1500)]],  # IDs that need percent-encoding
)
def test_chunks_fit_and_are_full(ids):
    chunks = get_many_chunks(CONFIG, "TASK", ids, FIELDS)
    assert [i for chunk in chunks for i in chunk] == ids
    for chunk in chunks:
        assert _length(chunk) <= MAX_URL_BYTES
        assert get_many(CONFIG, "TASK", chunk, FIELDS).method == "GET"
    for chunk, following in zip(chunks, chunks[1:], strict=False):
        assert _length([*chunk, following[0]]) > MAX_URL_BYTES  # one more ID would not fit


def test_few_ids_one_chunk_and_none_no_chunk():
    assert get_many_chunks(CONFIG, "TASK", ["a", "b"]) == [["a", "b"]]
    assert get_many_chunks(CONFIG, "TASK", []) == []

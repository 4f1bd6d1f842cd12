"""Bulk create, update and delete: chunks of at most 100 records, and what became of each record.

Workfront answers a bulk call that contains one bad record with an error, and without
``atomic=true`` the records before the bad one may already be written: the answer does not say
which. A client that reports the whole chunk as failed then invites duplicates when the caller
re-sends the failures. So every chunk of more than one record goes out with ``atomic=true``: a
refused chunk wrote nothing. When the caller asked for ``atomic=False`` (partial success allowed),
a refused chunk is split in halves and each half re-sent, down to the bad records, so every good
record is written and only the bad ones are reported. An atomic answer is only ``success``, so
the IDs of created objects are read back (see :func:`match_created`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from airflow_workfront.client.errors import (
    WorkfrontAuthenticationError,
    WorkfrontError,
    WorkfrontRateLimitError,
    WorkfrontTransportError,
)
from airflow_workfront.client.limits import MAX_PAGE_SIZE

log = logging.getLogger("airflow_workfront.client")

# After these a chunk is not worth splitting, and the chunks after it are not sent.
_STOPPING = (WorkfrontTransportError, WorkfrontAuthenticationError, WorkfrontRateLimitError)


@dataclass
class BulkFailure:
    """One record that Workfront refused (it was not written).

    :param index: Position of the record in the caller's input.
    :param chunk: Number of the chunk (0-based) the record was sent in.
    :param record: The record (or ID) as the caller gave it.
    :param error: What Workfront answered.
    """

    index: int
    chunk: int
    record: Any
    error: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able summary (the record itself is left out: it may be large)."""
        return {"index": self.index, "chunk": self.chunk, "error": self.error}


@dataclass
class BulkResult:
    """What a bulk create, update or delete did, in the caller's input order.

    ``succeeded[i]`` is what is known of the written object for input ``i``: Workfront's answer,
    the object read back, or ``{"ID": ...}``; ``None`` where the record failed. A written record
    whose ID could not be read back holds ``{"ID": None}``: it counts as succeeded (re-sending it
    would duplicate it) and is counted in :attr:`unidentified`.
    """

    total: int
    succeeded: list[Any] = field(default_factory=list)
    failures: list[BulkFailure] = field(default_factory=list)
    requests: int = 0

    def __post_init__(self) -> None:
        if not self.succeeded:
            self.succeeded = [None] * self.total
        self._lock = threading.Lock()

    @property
    def ok(self) -> bool:
        """True when no record failed."""
        return not self.failures

    @property
    def ids(self) -> list[str]:
        """IDs of every written object that is known, in input order."""
        return [item["ID"] for item in self.succeeded if isinstance(item, dict) and item.get("ID")]

    @property
    def unidentified(self) -> int:
        """Written records whose ID is unknown (the read-back did not find them)."""
        return sum(1 for item in self.succeeded if isinstance(item, dict) and not item.get("ID"))

    def summary(self) -> dict[str, Any]:
        """A small JSON-able summary for logs and XCom."""
        return {
            "total": self.total,
            "succeeded": self.total - len(self.failures),
            "failed": len(self.failures),
            "ids": self.ids,
            "unidentified": self.unidentified,
            "failures": [f.as_dict() for f in self.failures],
            "requests": self.requests,
        }

    def count_request(self) -> None:
        """Count one request sent (chunks go out from several threads)."""
        with self._lock:
            self.requests += 1

    def record_chunk(self, start: int, chunk: int, items: list[Any], answer: Any) -> None:
        """Store a written chunk's answer (or the objects read back) against its inputs."""
        if isinstance(answer, list) and len(answer) == len(items):
            self.succeeded[start:start + len(items)] = [
                item if isinstance(item, dict) else {"ID": None} for item in answer
            ]
        else:  # an atomic answer is only {"success": true}: keep the inputs' IDs where known
            self.succeeded[start:start + len(items)] = [{"ID": _input_id(item)} for item in items]

    def record_failure(self, start: int, chunk: int, items: list[Any], error: Exception) -> None:
        """Mark every record of a chunk that wrote nothing as failed, with Workfront's answer."""
        with self._lock:
            for offset, item in enumerate(items):
                self.failures.append(BulkFailure(start + offset, chunk, item, str(error)))


def _input_id(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and item.get("ID"):
        return str(item["ID"])
    return None


Send = Callable[[Sequence[Any], bool], Any]
ReadBack = Callable[[Sequence[Any]], list[Any]]


class BulkRun:
    """Sends one bulk call's chunks and settles each record's fate.

    :param send: Sends one chunk; the flag says whether to ask for ``atomic=true``.
    :param what: The operation, for logs and errors (``bulk_create``...).
    :param split: Split a refused chunk to write its good records (the caller's ``atomic=False``).
    :param read_back: For creates: the objects an atomic chunk created, aligned with its records
        (``None`` where not found).
    :param workers: Chunks in flight at once.
    """

    def __init__(self, send: Send, what: str, *, split: bool, read_back: ReadBack | None = None,
                 workers: int = 1) -> None:
        self._send, self.what, self.split, self._read_back, self.workers = send, what, split, read_back, workers
        self._stopped: str | None = None
        self._lock = threading.Lock()

    def run(self, chunks: list[tuple[int, Sequence[Any]]], total: int) -> BulkResult:
        """Send every ``(start, chunk)`` and return the result, failures in input order."""
        result = BulkResult(total=total)

        def one(numbered: tuple[int, tuple[int, Sequence[Any]]]) -> None:
            chunk_no, (start, chunk) = numbered
            self._settle(result, chunk_no, start, list(chunk))

        workers = min(self.workers, len(chunks))
        if workers <= 1:
            for numbered in enumerate(chunks):
                one(numbered)
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wf-bulk") as pool:
                list(pool.map(one, enumerate(chunks)))
        result.failures.sort(key=lambda failure: failure.index)
        return result

    def _settle(self, result: BulkResult, chunk_no: int, start: int, items: list[Any]) -> None:
        with self._lock:
            stopped = self._stopped
        if stopped is not None:
            result.record_failure(start, chunk_no, items, RuntimeError(f"not sent: {stopped}"))
            return
        # One record is atomic by nature, and a plain write answers the object with its ID.
        atomic = len(items) > 1
        result.count_request()
        try:
            answer = self._send(items, atomic)
        except WorkfrontError as err:
            self._refused(result, chunk_no, start, items, err)
            return
        if atomic and self._read_back is not None:
            answer = self._read(result, items)
        result.record_chunk(start, chunk_no, items, answer)

    def _refused(self, result: BulkResult, chunk_no: int, start: int, items: list[Any], err: WorkfrontError) -> None:
        if isinstance(err, _STOPPING):
            with self._lock:
                self._stopped = self._stopped or f"chunk {chunk_no} failed with {type(err).__name__}"
        elif self.split and len(items) > 1:
            # Nothing of an atomic chunk was written: halve it and try again, down to the bad records.
            log.info("Workfront %s: records %d-%d refused (%s); sending them in halves", self.what, start,
                     start + len(items) - 1, err)
            half = len(items) // 2
            self._settle(result, chunk_no, start, items[:half])
            self._settle(result, chunk_no, start + half, items[half:])
            return
        log.warning("Workfront %s: chunk %d (records %d-%d) refused: %s", self.what, chunk_no, start,
                    start + len(items) - 1, err)
        result.record_failure(start, chunk_no, items, err)

    def _read(self, result: BulkResult, items: list[Any]) -> list[Any]:
        """The created objects of an atomic chunk; written records stay written if this fails."""
        assert self._read_back is not None
        result.count_request()
        try:
            found = self._read_back(items)
        except WorkfrontError as err:
            log.warning("Workfront %s: %d records written, but reading back their IDs failed: %s", self.what,
                        len(items), err)
            return [None] * len(items)
        missing = sum(1 for item in found if item is None)
        if missing:
            log.warning("Workfront %s: %d of %d written records not found when reading back their IDs", self.what,
                        missing, len(items))
        return found


def comparable_fields(record: Any) -> dict[str, Any]:
    """The fields of a record to recognise its object by: plain values, dates left out (Workfront
    answers a date in its own format, so it would not compare equal to what was sent)."""
    if not isinstance(record, dict):
        return {}
    return {key: value for key, value in record.items()
            if isinstance(value, (str, int, float, bool)) and key != "ID" and not key.lower().endswith("date")}


def _same(sent: Any, answered: Any) -> bool:
    if isinstance(sent, bool) or isinstance(answered, bool):
        return str(sent).lower() == str(answered).lower()
    if isinstance(sent, (int, float)) and isinstance(answered, (int, float)):
        return float(sent) == float(answered)
    return str(sent) == str(answered)


def match_created(records: Sequence[Any], candidates: Sequence[dict]) -> list[dict | None]:
    """Pair each record with the object it created, among ``candidates`` (newest first).

    An atomic chunk creates its records in order, so the newest objects whose fields equal a
    record's are its own: the records are matched from the last, each to the newest unused
    candidate. Identical records get distinct objects. ``None`` where nothing matches.
    """
    used: set[int] = set()
    found: list[dict | None] = [None] * len(records)
    for n in range(len(records) - 1, -1, -1):
        wanted = comparable_fields(records[n])
        for c, candidate in enumerate(candidates):
            if c not in used and all(_same(v, candidate.get(k)) for k, v in wanted.items()):
                used.add(c)
                found[n] = candidate
                break
    return found


SearchPage = Callable[..., list[dict]]
# How far back a read-back looks for the objects a chunk just created, on Workfront's own clock
# ($$NOW is evaluated by Workfront, so the scheduler's clock does not matter).
READ_BACK_SINCE = "$$NOW-1h"


def read_back_created(search_page: SearchPage, obj_code: str, records: Sequence[Any]) -> list[dict | None]:
    """The objects an atomic create of ``records`` made, found by one search and
    :func:`match_created`: objects entered in the last hour (narrowed to the records' names
    when every record has one), newest first, compared on the fields the records set."""
    fields = sorted({key for record in records for key in comparable_fields(record)})
    filters: dict[str, Any] = {"entryDate": READ_BACK_SINCE, "entryDate_Mod": "gte"}
    names = [record.get("name") if isinstance(record, dict) else None for record in records]
    if all(isinstance(name, str) and name for name in names):
        filters.update(name=sorted(set(names)), name_Mod="in")  # type: ignore[type-var]
    # A full page whatever the connection's page_size: a chunk needs as many rows as it has records.
    rows = search_page(obj_code, filters, ["ID", "entryDate", *fields], [("entryDate", "desc"), ("ID", "desc")],
                       0, MAX_PAGE_SIZE)
    return match_created(records, rows)

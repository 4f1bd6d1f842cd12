"""Results of bulk calls, which Workfront takes in chunks of at most 100 records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class BulkFailure:
    """Records of one bulk chunk that Workfront refused.

    :param index: Position of the first failed record in the caller's input.
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

    ``succeeded[i]`` is Workfront's answer for input ``i`` (the created or updated object, or
    ``{"ID": ...}`` for a delete), or ``None`` where that record failed or Workfront did not
    return it per record (an atomic chunk answers only success).
    """

    total: int
    succeeded: list[Any] = field(default_factory=list)
    failures: list[BulkFailure] = field(default_factory=list)
    requests: int = 0

    def __post_init__(self) -> None:
        if not self.succeeded:
            self.succeeded = [None] * self.total

    @property
    def ok(self) -> bool:
        """True when no record failed."""
        return not self.failures

    @property
    def ids(self) -> list[str]:
        """IDs of the records Workfront returned, in input order."""
        return [item["ID"] for item in self.succeeded if isinstance(item, dict) and item.get("ID")]

    def summary(self) -> dict[str, Any]:
        """A small JSON-able summary for logs and XCom."""
        return {
            "total": self.total,
            "succeeded": self.total - len(self.failures),
            "failed": len(self.failures),
            "ids": self.ids,
            "failures": [f.as_dict() for f in self.failures],
            "requests": self.requests,
        }

    def record_chunk(self, start: int, chunk: int, items: list[Any], answer: Any) -> None:
        """Store a successful chunk's answer against the inputs it covers."""
        if isinstance(answer, list) and len(answer) == len(items):
            self.succeeded[start:start + len(items)] = answer
        else:  # atomic chunks answer {"success": true}; keep the inputs' IDs where known
            self.succeeded[start:start + len(items)] = [
                {"ID": item} if isinstance(item, str) else ({"ID": item["ID"]} if isinstance(item, dict) and item.get("ID") else None)
                for item in items
            ]

    def record_failure(self, start: int, chunk: int, items: list[Any], error: Exception) -> None:
        """Mark every record of a refused chunk as failed with Workfront's answer."""
        for offset, item in enumerate(items):
            self.failures.append(BulkFailure(start + offset, chunk, item, str(error)))

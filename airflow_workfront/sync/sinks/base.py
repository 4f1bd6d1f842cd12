"""What a sync destination implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_workfront.sync.summary import SyncSummary
    from airflow_workfront.sync.window import SyncWindow


@dataclass(frozen=True)
class SyncTarget:
    """What a run is about to write: object type, requested fields, window and its date field."""

    obj_code: str
    fields: tuple[str, ...]
    date_field: str
    window: SyncWindow


class Sink(ABC):
    """A destination for synced objects.

    The engine calls :meth:`open` once, then :meth:`write_page` per page (serialised: never two at
    once, though pages of different partitions arrive interleaved), :meth:`delete` for deletions,
    and :meth:`close` with the summary when the run succeeded. Each call must be atomic: a crash
    between calls leaves whole pages, and re-running the window converges.
    """

    #: Whether :meth:`iter_ids` is implemented (needed for ``deletes="reconcile"``).
    supports_reconcile: bool = False

    def open(self, target: SyncTarget) -> None:  # noqa: B027 - optional hook, default does nothing
        """Prepare for a run (create a table, clear a previous run's files...)."""

    @abstractmethod
    def write_page(self, records: list[dict[str, Any]], *, partition: int, page: int) -> int:
        """Upsert one page of records by ``ID``; return how many rows were inserted or changed."""

    @abstractmethod
    def delete(self, ids: Sequence[str], *, batch: int) -> int:
        """Remove objects by ``ID`` (``batch`` numbers the calls of one run); return rows removed."""

    def iter_ids(self) -> Iterator[str]:
        """Yield every stored ``ID`` in ascending order (for ID reconciliation)."""
        raise NotImplementedError(f"{type(self).__name__} cannot list stored IDs, so it cannot reconcile")

    def close(self, summary: SyncSummary) -> None:  # noqa: B027 - optional hook, default does nothing
        """Finish a successful run (write a manifest...)."""

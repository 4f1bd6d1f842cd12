"""What a sync destination implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_workfront.sync.summary import SyncSummary
    from airflow_workfront.sync.window import SyncWindow

#: How a sink keeps rows (``mode=``): ``upsert`` (one row per object, deletes remove it),
#: ``soft_delete`` (deletes set ``_wf_deleted``), ``history`` (a row per version, type-2 SCD).
MODES = ("upsert", "soft_delete", "history")

# Bookkeeping columns: fixed names users type in SQL. No Workfront field can take them
# (column names never start with "_").
SYNCED_AT, DELETED, DELETED_AT = "_wf_synced_at", "_wf_deleted", "_wf_deleted_at"
VALID_FROM, VALID_TO, CURRENT = "_wf_valid_from", "_wf_valid_to", "_wf_current"


def check_mode(mode: str) -> str:
    """``mode`` if it is one of :data:`MODES`, else a clear error."""
    from airflow_workfront.sync.choices import check_choice

    return check_choice(mode, MODES, "mode")


@dataclass(frozen=True)
class SyncTarget:
    """What a run is about to write: object type, requested fields, window and its date field.

    ``field_kinds`` maps field names to kinds (:mod:`~airflow_workfront.sync.sinks.fieldtypes`)
    from the object's ``/metadata``, read once per run; ``None`` when it could not be read, and
    sinks then store fields as their values look (never parsing text as a date).
    """

    obj_code: str
    fields: tuple[str, ...]
    date_field: str
    window: SyncWindow
    field_kinds: Mapping[str, str] | None = None


class Sink(ABC):
    """A destination for synced objects.

    The engine calls :meth:`open` once, then :meth:`write_page` per page (serialised: never two at
    once, though pages of different partitions arrive interleaved), :meth:`delete` for deletions,
    and :meth:`close` with the summary when the run succeeded. Each call must be atomic: a crash
    between calls leaves whole pages, and re-running the window converges.
    """

    #: Whether :meth:`iter_ids` is implemented (needed for ``deletes="reconcile"``).
    supports_reconcile: bool = False
    #: Whether the sink types fields from ``/metadata`` (the engine then reads it, one request a run).
    uses_metadata: bool = False

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

    def holds_no_objects(self) -> bool:
        """Whether the sink is sure it holds no live object (asked once it is open, before the run's
        first write). ``False`` when it holds some or cannot tell cheaply, the safe answer: a
        ``True`` lets the run skip looking for deletions, since every row it will hold is one the
        run read."""
        return False

    def close(self, summary: SyncSummary) -> None:  # noqa: B027 - optional hook, default does nothing
        """Finish a successful run (write a manifest...)."""

"""Pages written in a thread of their own, so that readers send their next request meanwhile.

The engine's readers used to write each page themselves, one at a time under a lock: with ten
partitions whose pages arrive together, the tenth waited for nine writes before asking for its
next page, every round. A :class:`PageWriter` takes the pages instead and writes them, in the
order they came, one at a time, in one thread; a reader waits only when ``depth`` pages are
already waiting (so memory holds at most ``depth`` pages more than the readers do).

A failed write stops the run: the error is kept, the readers' ``stop`` event is set (they stop
before their next request), pages still waiting are dropped, and :meth:`PageWriter.close` raises
the error. Pages written before it stay written, as before.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from airflow_workfront.sync.paging import SyncCancelled


class PageWriter:
    """Write pages with ``write(*page)`` in a thread of its own, in the order they are put.

    :param write: Writes one page (the engine's: ``(sink, rows, partition, page number, summary)``,
        which hands it to the sink and counts it).
    :param depth: Pages that may wait to be written before :meth:`put` blocks.
    :param stop: Set when a write fails, so that readers stop before their next request.
    :param what: Names the sync in messages (``"TASK"``).
    """

    def __init__(self, write: Callable[..., None], depth: int, stop: threading.Event,
                 what: str = "the") -> None:
        self._write = write
        self._waiting: queue.Queue[tuple[Any, ...] | None] = queue.Queue(maxsize=max(1, depth))
        self._stop = stop
        self._what = what
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="wf-sync-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._waiting.get()
            if item is None:
                return
            if self.error is not None:
                continue  # after a failure, pages still waiting are dropped
            try:
                self._write(*item)
            except BaseException as exc:  # kept for close(); the readers stop
                self.error = exc
                self._stop.set()

    def put(self, *page: Any) -> None:
        """Hand a page over: the arguments of one ``write`` (waits while ``depth`` pages wait).

        :raises SyncCancelled: when a write has failed (the run is stopping).
        """
        while True:
            if self.error is not None:
                raise SyncCancelled(f"{self._what} sync stopped because writing a page failed")
            try:
                self._waiting.put(page, timeout=0.05)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """Wait until every page handed over is written; raise the error of a write that failed."""
        self._waiting.put(None)  # the thread takes pages until this one, so room comes
        self._thread.join()
        if self.error is not None:
            raise self.error

"""Result order as Workfront promises it: none, unless a sort makes it total.

Workfront returns an unsorted search, records that tie on every sort key, and the members of a
nested collection (``fields=tasks``) in whatever order its database reads them; the docs tell
clients to sort (by ``ID`` when paging). With shuffling
on, the emulator hands out exactly that lack of promise: each search draws a fresh permutation
from a seeded generator, so code that relies on an order it never asked for fails in tests.
"""

from __future__ import annotations

import random
import threading
from typing import Any


class ResultOrder:
    """Whether searches shuffle unsorted results and ties within a sort, and the generator they draw from."""

    def __init__(self, shuffle_seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(shuffle_seed)

    def configure(self, shuffle_seed: int | None) -> None:
        """Shuffle with this seed, or keep the store's order when ``None``."""
        with self._lock:
            self.seed = shuffle_seed
            self._rng = random.Random(shuffle_seed) if shuffle_seed is not None else None

    @property
    def shuffling(self) -> bool:
        """True when results are shuffled."""
        return self._rng is not None

    def shuffled(self, records: list[Any]) -> list[Any]:
        """``records`` in a fresh random order (one draw per search, reproducible from the seed)."""
        with self._lock:
            if self._rng is None:
                return records
            salt = self._rng.getrandbits(64)
        out = list(records)
        random.Random(salt).shuffle(out)
        return out


def is_total(sort: list[tuple[tuple[str, ...], str]]) -> bool:
    """Whether a sort leaves no ties: one of its keys is the object's own ``ID``."""
    return any(path == ("ID",) for path, _ in sort)

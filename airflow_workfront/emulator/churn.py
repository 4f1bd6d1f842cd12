"""A fault for tests: objects edited and deleted between search requests, as other users of a
busy tenant would, so that paging code meets a data set that moves under it."""

from __future__ import annotations

import random

from airflow_workfront.emulator.catalog import ObjectType
from airflow_workfront.emulator.store import Store


class Churn:
    """Edits and deletes random objects of the searched type between search requests (tests);
    journal entries are never churned."""

    def __init__(self) -> None:
        self.every_n_searches = 0
        self.edits = 0
        self.deletes = 0
        self.rng = random.Random(0)
        self.searches = 0

    def configure(self, spec: dict | None, random_seed: int) -> None:
        """``{"every_n_searches": n, "edits": e, "deletes": d}``; none switches churn off."""
        spec = spec or {}
        self.every_n_searches = int(spec.get("every_n_searches", 0))
        self.edits = int(spec.get("edits", 0))
        self.deletes = int(spec.get("deletes", 0))
        self.rng = random.Random(random_seed)
        self.searches = 0

    def maybe_apply(self, store: Store, obj_type: ObjectType) -> None:
        """Count one search of ``obj_type``; every n-th one edits and deletes some of its objects."""
        # Journal entries are written by Workfront itself; nobody edits or deletes them, and a
        # churned-away "D" entry would hide a deletion from a journal-driven sync.
        if not self.every_n_searches or obj_type.code == "JRNLE":
            return
        self.searches += 1
        if self.searches % self.every_n_searches:
            return
        with store.lock:
            ids = sorted(store.objects[obj_type.code])
            for obj_id in self.rng.sample(ids, min(self.edits, len(ids))):
                record = store.objects[obj_type.code][obj_id]
                change = {"name": f"{record.get('name') or 'object'}*"} if "name" in obj_type.fields else {}
                store.update(obj_type, obj_id, change)
            ids = sorted(store.objects[obj_type.code])
            for obj_id in self.rng.sample(ids, min(self.deletes, len(ids))):
                store.delete(obj_type, obj_id, force=True)

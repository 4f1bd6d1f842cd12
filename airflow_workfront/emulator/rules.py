"""Rules the emulator can enforce that the reference docs do not state: each off unless asked for.

The emulator models what the docs say. A rule found in an earlier version of the emulator, but not
in the docs, is kept here by name so that a test can still switch it on (to check how code copes
with a stricter tenant), but by default the emulator does not invent refusals Workfront may not make.
"""

from __future__ import annotations

import threading

from airflow_workfront.emulator.errors import bad_request

INVENTED_RULES = {
    "delete_needs_force": (
        "a delete without force=true is refused (422) while the object still has tasks, issues or "
        "hours; the docs only say that force=true also removes the object's dependants"
    ),
}


class InventedRules:
    """Which invented rules are on (none by default); shared by every store of one emulator."""

    def __init__(self, enabled: tuple[str, ...] | list[str] = ()) -> None:
        self._lock = threading.Lock()
        self.enabled: frozenset[str] = frozenset()
        self.set(enabled)

    def set(self, enabled: tuple[str, ...] | list[str]) -> None:
        """Turn exactly these rules on (unknown names are refused with the known ones)."""
        unknown = sorted(set(enabled) - set(INVENTED_RULES))
        if unknown:
            raise bad_request(f"unknown invented rules {unknown}; known: {', '.join(sorted(INVENTED_RULES))}")
        with self._lock:
            self.enabled = frozenset(enabled)

    def __contains__(self, name: object) -> bool:
        return name in self.enabled

"""One check for the settings that take one of a few words (mode, column names, on mismatch)."""

from __future__ import annotations

from collections.abc import Sequence


def check_choice(value: str, choices: Sequence[str], name: str) -> str:
    """``value`` if it is one of ``choices``, else a ``ValueError`` naming the setting and the choices."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value

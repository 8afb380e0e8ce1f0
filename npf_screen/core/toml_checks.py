"""Validation of TOML tables that collects every problem instead of stopping at the first.

A :class:`Checker` reads values out of parsed TOML tables; a value of the wrong type or range is
recorded as ``file: key: reason`` and replaced by the default, so a whole file is checked in one
pass (used by :mod:`npf_screen.runs.definitions`).
"""

from __future__ import annotations

import math
import string
from typing import Any

__all__ = ["Checker", "placeholders"]


class Checker:
    """Collects ``file: key: reason`` problems while reading values."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []

    def add(self, key: str, reason: str) -> None:
        """Record a problem with ``key``."""
        self.problems.append(f"{self.origin}: {key}: {reason}")

    def table(self, raw: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        """``raw`` as a table (``{}`` when absent or not a table); keys outside ``allowed`` are problems."""
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add(where, f"must be a table ({where} ...), not {type(raw).__name__}.")
            return {}
        for key in raw:
            if key not in allowed:
                self.add(
                    f"{where}.{key}" if where else key, f"unknown key; allowed: {', '.join(sorted(allowed))}."
                )
        return raw

    def boolean(self, table: dict[str, Any], where: str, key: str, default: bool) -> bool:
        """``table[key]`` if it is true or false, else ``default``."""
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.add(f"{where}.{key}", f"{value!r} is not true or false.")
            return default
        return value

    def text(self, table: dict[str, Any], where: str, key: str, default: str | None = None) -> str | None:
        """``table[key]`` if it is a non-empty string, else ``default``."""
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            self.add(f"{where}.{key}", f"{value!r} must be a non-empty string.")
            return default
        return value

    def number(
        self,
        table: dict[str, Any],
        where: str,
        key: str,
        default: float | None,
        *,
        low: float,
        integer: bool = False,
    ) -> Any:
        """``table[key]`` if it is a finite number (an integer with ``integer``) of at least ``low``."""
        value = table.get(key, default)
        if value is None:
            return None
        kind = int if integer else int | float
        if isinstance(value, bool) or not isinstance(value, kind) or not math.isfinite(value):
            self.add(f"{where}.{key}", f"{value!r} is not {'an integer' if integer else 'a number'}.")
            return default
        if value < low:
            self.add(f"{where}.{key}", f"{value!r} is below the minimum {low:g}.")
            return default
        return value

    def strings(
        self, table: dict[str, Any], where: str, key: str, choices: tuple[str, ...] = ()
    ) -> tuple[str, ...]:
        """``table[key]`` as distinct non-empty strings, those among ``choices`` when it is given."""
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(f"{where}.{key}", f'{value!r} must be a list of non-empty strings, e.g. ["a", "b"].')
            return ()
        bad = [v for v in value if choices and v not in choices]
        if bad:
            self.add(
                f"{where}.{key}",
                f"unknown value(s) {', '.join(map(repr, bad))}; choose from {', '.join(choices)}.",
            )
        return tuple(dict.fromkeys(v for v in value if v not in bad))


def placeholders(text: str) -> set[str]:
    """The ``{names}`` of a format string (``{"<malformed braces>"}`` when it does not parse)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<malformed braces>"}

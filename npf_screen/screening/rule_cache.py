"""Parsed and compiled theme rules, remembered on disk keyed by the rule files' content.

Every command line call would otherwise read, validate and compile the ~110 bundled themes again
(about 0.15 s). :func:`load_compiled_themes` hashes the bytes of every rule file it would read
(bundled and the user's own, in order), together with the package, Python and NumPy versions; on a
hit it unpickles the :class:`~npf_screen.rules.model.ThemeSet` and its
:class:`~npf_screen.screening.matching.CompiledRules` (rebuilding only the automaton), on a miss it
loads and compiles as usual and writes the entry atomically. Any change to any rule file is a
different key; invalid rules are never cached (they raise as always). The cache lives in
``<cache root>/compiled-rules/`` (:func:`npf_screen.core.cache_dir.cache_root`), keeps the newest
few entries, and an unreadable entry or an unwritable directory only costs the time it saves.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
import platform
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType

import numpy as np

from npf_screen.core.atomic import atomic_write_bytes
from npf_screen.core.cache_dir import cache_root, code_digest
from npf_screen.core.version import __version__
from npf_screen.rules.loader import load_themes, rule_files
from npf_screen.rules.model import ThemeSet
from npf_screen.screening.matching import CompiledRules, compile_rules, remember_compiled

__all__ = ["KEEP", "load_compiled_themes", "rules_key"]

#: How many compiled rule sets the cache keeps (the newest by use).
KEEP = 8
_FORMAT = 1


def _code() -> str:
    from npf_screen.rules import loader, model, validation
    from npf_screen.screening import matching, texts

    return code_digest(loader, model, validation, matching, texts)


def rules_key(files: Iterable[Path]) -> str:
    """The cache key of these rule files: their names and bytes, and the versions that shape a pickle."""
    versions = f"{_FORMAT}|{__version__}|{platform.python_version()}|{np.__version__}|{_code()}"
    digest = hashlib.sha256(versions.encode())
    for file in files:
        data = file.read_bytes()
        digest.update(f"|{file.resolve()}|{len(data)}|".encode())
        digest.update(data)
    return digest.hexdigest()[:32]


def load_compiled_themes(
    rules: Iterable[str | Path] | str | Path | None = None, *, cache_dir: str | Path | None = None
) -> ThemeSet:
    """:func:`~npf_screen.rules.loader.load_themes` whose compiled form comes from the disk cache.

    Parameters
    ----------
    rules : path or iterable of paths, optional
        As for :func:`load_themes`.
    cache_dir : path, optional
        Where the entries live (default ``<cache root>/compiled-rules``).

    Returns
    -------
    ThemeSet
        The same themes :func:`load_themes` returns; :func:`screen` finds them compiled.

    Examples
    --------
    >>> import tempfile
    >>> from npf_screen.screening.rule_cache import load_compiled_themes
    >>> with tempfile.TemporaryDirectory() as cache:
    ...     first = load_compiled_themes(cache_dir=cache)   # parses, compiles, writes the entry
    ...     again = load_compiled_themes(cache_dir=cache)   # reads it back
    >>> first.ids == again.ids
    True
    """
    folder = Path(cache_dir) if cache_dir is not None else cache_root() / "compiled-rules"
    try:
        key = rules_key(rule_files(rules))
    except OSError:
        return load_themes(rules)  # an unreadable file: let the loader report it
    entry = folder / f"{key}.pickle"
    try:
        themes, compiled = pickle.loads(entry.read_bytes())
        if isinstance(themes, ThemeSet) and isinstance(compiled, CompiledRules):
            remember_compiled(themes, compiled)
            entry.touch()
            return themes
    except Exception:
        pass
    themes = load_themes(rules)
    compiled = compile_rules(themes)
    try:
        atomic_write_bytes(entry, _dumps((themes, dataclasses.replace(compiled, matcher=None))))
        _prune(folder)
    except Exception:  # a read-only cache or an unpicklable rule: work without it
        pass
    return themes


def _read_only(mapping: dict) -> MappingProxyType:
    return MappingProxyType(mapping)


class _Pickler(pickle.Pickler):
    """Pickles read-only mappings (a theme's default field weights) as such."""

    def reducer_override(self, obj: object) -> object:
        if isinstance(obj, MappingProxyType):
            return _read_only, (dict(obj),)
        return NotImplemented


def _dumps(value: object) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=5).dump(value)
    return buffer.getvalue()


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)

"""Company tables read from files, remembered on disk with their prepared texts.

A command line screen of the whole market would otherwise parse a 10 MB CSV into the canonical
schema (about 0.3 s) and fold its texts for matching (about 0.15 s) on every call.
:func:`load_universe_cached` keys an entry by the file's bytes (plus the package, pandas, pyarrow and
Python versions that shape it); on a hit it unpickles the canonical frame and its
:class:`~npf_screen.screening.texts.PreparedTexts`, which :func:`~npf_screen.screening.engine.screen`
then finds without preparing anything. A changed file is a new key; errors in a file are never cached
(they raise from :func:`~npf_screen.universe.loader.load_universe` as always). Entries live in
``<cache root>/universes/`` (:func:`npf_screen.core.cache_dir.cache_root`), the newest few are kept;
an unreadable entry or an unwritable directory only costs the time it saves.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import platform
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa

from npf_screen.core.atomic import atomic_write_bytes
from npf_screen.core.cache_dir import cache_root, code_digest
from npf_screen.core.version import __version__
from npf_screen.screening.texts import PreparedTexts, prepared_texts, remember_prepared
from npf_screen.universe.loader import SAMPLE_FILE, load_sample, load_universe

__all__ = ["KEEP", "load_sample_cached", "load_universe_cached"]

#: How many universes the cache keeps (the newest by use).
KEEP = 3
_FORMAT = 1


def _code() -> str:
    from npf_screen.screening import texts
    from npf_screen.universe import loader, schema

    return code_digest(texts, loader, schema)


def load_universe_cached(
    path: str | Path,
    *,
    loader: Callable[[Path], pd.DataFrame] = load_universe,
    cache_dir: str | Path | None = None,
) -> pd.DataFrame:
    """``loader(path)`` — by default :func:`~npf_screen.universe.loader.load_universe` — through the
    disk cache, with the universe's prepared texts registered for :func:`screen`.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from npf_screen import load_sample
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     file = Path(tmp) / "companies.csv"
    ...     load_sample().head(20).to_csv(file, index=False)
    ...     first = load_universe_cached(file, cache_dir=tmp)   # parses, prepares, writes the entry
    ...     again = load_universe_cached(file, cache_dir=tmp)   # reads it back
    >>> first.equals(again)
    True
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError:
        return loader(file)  # missing or unreadable: the loader says so
    digest = hashlib.sha256(
        f"{_FORMAT}|{__version__}|{pd.__version__}|{pa.__version__}|{platform.python_version()}|"
        f"{getattr(loader, '__qualname__', loader)}|{file.suffix.lower()}|{_code()}|".encode()
    )
    digest.update(data)
    folder = Path(cache_dir) if cache_dir is not None else cache_root() / "universes"
    entry = folder / f"{digest.hexdigest()[:32]}.pickle"
    try:
        frame, texts = pickle.loads(entry.read_bytes())
        if isinstance(frame, pd.DataFrame) and isinstance(texts, PreparedTexts):
            remember_prepared(frame, texts)
            entry.touch()
            return frame
    except Exception:
        pass
    frame = loader(file)
    texts = prepared_texts(frame)
    try:
        atomic_write_bytes(entry, pickle.dumps((frame, dataclasses.replace(texts, _derived={})), protocol=5))
        entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only cache: work without it
    return frame


def _sample(_: Path) -> pd.DataFrame:
    return load_sample()


def load_sample_cached(*, cache_dir: str | Path | None = None) -> pd.DataFrame:
    """:func:`~npf_screen.universe.loader.load_sample` through the same cache."""
    from importlib import resources

    ref = resources.files("npf_screen.universe.data").joinpath(SAMPLE_FILE)
    with resources.as_file(ref) as file:
        return load_universe_cached(file, loader=_sample, cache_dir=cache_dir)

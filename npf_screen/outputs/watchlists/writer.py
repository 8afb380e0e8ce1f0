"""Watchlists: screen results written for spreadsheets, programs and trading terminals.

One dispatch, :func:`write_watchlist`, writes a frame of stocks in any format of :data:`FORMATS`;
:func:`write_candidates` does the same for a one-off :class:`~npf_screen.ScreenResult` (the
``screen --format ... -o PATH`` command). Every write validates the codes first
(:func:`~npf_screen.outputs.watchlists.codes.validate_codes`), refuses a path outside the chosen output
directory, and is atomic: the old file stays until the new one is complete. Several watchlists
are written together with :func:`plan_watchlist` + :func:`commit`: if any of them fails, none is
replaced.

======== ======================================= ==================================
format   file                                    module
======== ======================================= ==================================
csv      UTF-8 with BOM, CRLF                    :mod:`~npf_screen.outputs.table_writer`
xlsx     a sheet per theme + evidence            :mod:`.tables`
json     a list of row objects                   :mod:`~npf_screen.outputs.table_writer`
parquet  the frame                               :mod:`~npf_screen.outputs.table_writer`
tdx      通达信 ``.blk`` (+ ``blocknew.cfg``)     :mod:`.terminals`
ebk      东方财富 ``.ebk``                        :mod:`.terminals`
em       东方财富 import ``.txt``                 :mod:`.terminals`
ths      同花顺 import ``.txt``                   :mod:`.terminals`
======== ======================================= ==================================
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from npf_screen.core.atomic import USER_ERRNOS
from npf_screen.core.errors import OutputError
from npf_screen.core.transaction import commit_files
from npf_screen.outputs import table_writer
from npf_screen.outputs.watchlists import tables, terminals
from npf_screen.outputs.watchlists.codes import check_inside, validate_codes

__all__ = [
    "FORMATS",
    "SUFFIXES",
    "PlannedWrite",
    "commit",
    "format_of",
    "plan_watchlist",
    "write_candidates",
    "write_watchlist",
]

#: Formats :func:`write_watchlist` knows.
FORMATS: tuple[str, ...] = ("csv", "xlsx", "json", "parquet", "tdx", "ebk", "em", "ths")
#: The usual file suffix of each format; ``tdx``, ``ebk`` and ``xlsx`` require theirs.
SUFFIXES: dict[str, str] = {
    "csv": ".csv", "xlsx": ".xlsx", "json": ".json", "parquet": ".parquet",
    "tdx": ".blk", "ebk": ".ebk", "em": ".txt", "ths": ".txt",
}  # fmt: skip
_REQUIRED_SUFFIX = ("tdx", "ebk", "xlsx")
_JOURNAL = ".npf-screen-commit.json"
_TEXT_RENDERERS: dict[str, Callable[[list[str]], bytes]] = {
    "tdx": terminals.tdx_bytes,
    "ebk": terminals.ebk_bytes,
    "em": terminals.em_bytes,
    "ths": terminals.ths_bytes,
}


@dataclass(frozen=True)
class PlannedWrite:
    """One file to write: ``render`` writes the whole content to a temporary path.

    For ``blocknew.cfg`` registration ``render`` is ``None`` and ``block`` holds ``(name, stem)``;
    :func:`commit` merges every registration of the same file into one write.
    """

    target: Path
    render: Callable[[Path], None] | None = None
    block: tuple[str, str] | None = None


def format_of(path: str | Path) -> str:
    """Guess the format from a file suffix (``.txt`` is ambiguous and refused).

    Raises
    ------
    OutputError
        For a suffix that names no single format.
    """
    suffix = Path(path).suffix.lower()
    matches = [f for f, s in SUFFIXES.items() if s == suffix]
    if len(matches) != 1:
        raise OutputError(f"cannot tell the watchlist format of {path}; pass one of {', '.join(FORMATS)}.")
    return matches[0]


def _bytes_writer(data: bytes) -> Callable[[Path], None]:
    return lambda tmp: tmp.write_bytes(data)


def plan_watchlist(
    frame: pd.DataFrame,
    fmt: str,
    path: str | Path,
    *,
    name: str | None = None,
    base_dir: str | Path | None = None,
    evidence: pd.DataFrame | None = None,
    register: bool = False,
    overwrite_main: bool = False,
) -> list[PlannedWrite]:
    """Validate a watchlist and return the writes it needs, without touching the disk.

    Parameters are those of :func:`write_watchlist`.

    Returns
    -------
    list of PlannedWrite
        The file itself, then (``tdx`` with ``register``) its ``blocknew.cfg`` registration.
    """
    if fmt not in FORMATS:
        raise OutputError(f"unknown watchlist format {fmt!r}; choose from {', '.join(FORMATS)}.")
    if "code" not in frame.columns:
        present = ", ".join(map(str, frame.columns))
        raise OutputError(f"a watchlist needs a 'code' column; the frame has {present}.")
    target = check_inside(path, base_dir)
    if fmt in _REQUIRED_SUFFIX and target.suffix.lower() != SUFFIXES[fmt]:
        raise OutputError(f"{fmt} watchlists must be named *{SUFFIXES[fmt]}, not {target.name}.")
    codes = validate_codes(frame["code"].tolist(), source=str(target))
    title = name if name is not None else target.stem
    if fmt in _TEXT_RENDERERS:
        if fmt == "tdx":
            terminals.check_block_stem(target.stem, overwrite_main=overwrite_main)
        plans = [PlannedWrite(target, _bytes_writer(_TEXT_RENDERERS[fmt](codes)))]
        if fmt == "tdx" and register and target.stem.upper() != terminals.MAIN_BLOCK_STEM:
            short = terminals.shorten_block_name(title)
            if short != title:
                warnings.warn(
                    f"通达信 block name {title!r} is longer than {terminals.CFG_NAME_SIZE - 1} GBK bytes; "
                    f"registered as {short!r}",
                    UserWarning,
                    stacklevel=3,
                )
                title = short
            terminals.blocknew_record(title, target.stem)  # validate the name now, not at commit
            plans.append(PlannedWrite(target.with_name(terminals.BLOCKNEW_CFG), block=(title, target.stem)))
        return plans
    data = frame.reset_index(drop=True)
    if fmt == "csv":
        return [PlannedWrite(target, _bytes_writer(table_writer.csv_bytes(data)))]
    if fmt == "json":
        return [PlannedWrite(target, _bytes_writer(table_writer.json_bytes(data)))]
    if fmt == "parquet":
        return [PlannedWrite(target, lambda tmp: table_writer.write_parquet(data, tmp))]
    return [PlannedWrite(target, lambda tmp: tables.write_xlsx(data, tmp, evidence=evidence))]


def commit(plans: Iterable[PlannedWrite], journal: Path | None = None) -> list[Path]:
    """Write planned files all-or-nothing: all staged, then switched at once (even across a kill).

    The switch is :func:`npf_screen.core.transaction.commit_files`: a kill before its journal is
    written leaves every file old, a kill after it is completed by the next commit with the same
    ``journal`` (default ``.npf-screen-commit.json`` in the folder the files share), and staged
    or temporary files a killed commit left beside these targets are removed.

    Registrations of the same ``blocknew.cfg`` are merged (read once, each block upserted) under a
    lock (a file in the temporary directory named after the folder, so nothing is left in the
    terminal's folder), so concurrent screens sharing a 通达信 folder do not lose each other's records.

    Returns
    -------
    list of pathlib.Path
        The files written, in order.

    Raises
    ------
    OutputError
        If two watchlists name the same file, or ``blocknew.cfg`` is malformed. Nothing is replaced.
    """
    files: dict[Path, Callable[[Path], None]] = {}
    blocks: dict[Path, list[tuple[str, str]]] = {}
    for plan in plans:
        if plan.block is not None:
            blocks.setdefault(plan.target, []).append(plan.block)
        elif plan.target in files or plan.target in blocks:
            raise OutputError(f"two watchlists would write {plan.target}; give each its own path.")
        else:
            files[plan.target] = plan.render  # type: ignore[assignment]
    with contextlib.ExitStack() as locks:
        for cfg, entries in blocks.items():
            if cfg in files:
                raise OutputError(f"a watchlist would overwrite {cfg}; choose another path.")
            locks.enter_context(_cfg_lock(cfg))
            data = cfg.read_bytes() if cfg.is_file() else b""
            for block_name, stem in entries:
                data = terminals.register_block(data, block_name, stem)
            files[cfg] = _bytes_writer(data)
        if journal is None:
            journal = Path(os.path.commonpath([t.parent for t in files] or [Path.cwd()])) / _JOURNAL
        try:
            return commit_files(files, journal)
        except OSError as exc:
            if exc.errno not in USER_ERRNOS:
                raise
            where = exc.filename or journal.parent
            raise OutputError(f"cannot write {where}: {exc.strerror or exc}; nothing was replaced.") from exc


def _cfg_lock(cfg: Path) -> Any:
    """A lock for ``blocknew.cfg`` so two screens registering blocks at once lose no record.

    The lock file lives in the temporary directory, keyed by the folder's resolved path: the
    terminal's ``blocknew`` folder gets only the files 通达信 knows.
    """
    import hashlib
    import tempfile

    from filelock import FileLock

    cfg.parent.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(str(cfg.resolve()).encode("utf-8")).hexdigest()[:20]
    return FileLock(Path(tempfile.gettempdir()) / f"npf-screen-blocknew-{key}.lock", timeout=60)


def write_watchlist(
    frame: pd.DataFrame,
    fmt: str,
    path: str | Path,
    *,
    name: str | None = None,
    base_dir: str | Path | None = None,
    evidence: pd.DataFrame | None = None,
    register: bool = False,
    overwrite_main: bool = False,
) -> Path:
    """Write one watchlist file atomically.

    Parameters
    ----------
    frame : pandas.DataFrame
        The stocks, with a ``code`` column (6-digit text); other columns are kept by the table
        formats (e.g. name, theme, score, rank, evidence_summary) and ignored by terminal formats.
    fmt : str
        One of :data:`FORMATS`.
    path : str or pathlib.Path
        The file; relative paths are taken under ``base_dir`` when it is given.
    name : str, optional
        Display name: the JSON ``name`` and the 通达信 block name in ``blocknew.cfg`` (GBK, at most
        49 bytes). Defaults to the file stem.
    base_dir : str or pathlib.Path, optional
        The chosen output directory; a path resolving outside it is refused.
    evidence : pandas.DataFrame, optional
        Evidence rows for the ``xlsx`` evidence sheet (``ScreenResult.evidence``).
    register : bool, default False
        ``tdx`` only: also register the block in ``blocknew.cfg`` beside the file.
    overwrite_main : bool, default False
        ``tdx`` only: allow writing ``ZXG.blk``, 通达信's main 自选股 list.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    OutputError
        Unknown format, invalid codes, a refused path or name; nothing is written then.
    """
    plans = plan_watchlist(
        frame, fmt, path, name=name, base_dir=base_dir, evidence=evidence,
        register=register, overwrite_main=overwrite_main,
    )  # fmt: skip
    return commit(plans)[0]


def write_candidates(
    result_or_frame: Any,
    fmt: str,
    path: str | Path,
    *,
    top: int | None = None,
    name: str | None = None,
    evidence: pd.DataFrame | None = None,
    register: bool = False,
    overwrite_main: bool = False,
) -> Path:
    """Write a one-off screen's candidates as a watchlist (``npf-screen screen --format F -o PATH``).

    Parameters
    ----------
    result_or_frame : ScreenResult or pandas.DataFrame
        A screen result (its ``candidates``, and ``evidence`` for xlsx) or a candidates frame.
    fmt : str
        One of :data:`FORMATS` (the screen command offers tdx, ebk, em, ths, xlsx and the tables).
    path : str or pathlib.Path
        The output file; its folder is created if needed.
    top : int, optional
        Keep only candidates with ``rank <= top`` within their theme.
    evidence : pandas.DataFrame, optional
        Evidence rows for the xlsx evidence sheet; default the result's ``evidence`` (none for a
        bare frame).
    name, register, overwrite_main
        As in :func:`write_watchlist`.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    frame = getattr(result_or_frame, "candidates", result_or_frame)
    if evidence is None:
        evidence = getattr(result_or_frame, "evidence", None)
    if not isinstance(frame, pd.DataFrame):
        kind = type(result_or_frame).__name__
        raise OutputError(f"cannot write {kind} as a watchlist; pass a ScreenResult or a DataFrame.")
    if top is not None:
        if "rank" not in frame.columns:
            raise OutputError("top needs a 'rank' column in the candidates.")
        frame = frame[frame["rank"] <= top]
    return write_watchlist(
        frame, fmt, path, name=name, evidence=evidence, register=register, overwrite_main=overwrite_main
    )

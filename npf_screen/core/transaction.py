"""Several files switched all at once, surviving a kill at any moment.

:func:`commit_files` stages every file beside its target (``.NAME.npf-stage.tmp``), fsyncs them,
then writes a journal naming every staged file: writing the journal is the commit point. Only
then are the staged files renamed over their targets and the journal removed. A kill before
the journal leaves every target untouched (the next commit removes the staged files); a kill
after it is completed by :func:`recover`, which the next commit (or run) calls first, so the
targets end up all old or all new, never a mix.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> writes = {folder / "a.txt": lambda p: p.write_text("A"), folder / "b.txt": lambda p: p.write_text("B")}
>>> [p.name for p in commit_files(writes, folder / ".journal.json")]
['a.txt', 'b.txt']
>>> sorted(p.name for p in folder.iterdir())
['a.txt', 'b.txt']
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from npf_screen.core.atomic import _mode_for, atomic_write_text

__all__ = ["STAGE_SUFFIX", "commit_files", "recover", "remove_leftovers", "staged_path"]

#: The suffix of a staged file (``.NAME.npf-stage.tmp`` beside ``NAME``).
STAGE_SUFFIX = ".npf-stage.tmp"


def staged_path(target: Path) -> Path:
    """Where ``target``'s new content is staged before the switch."""
    return target.with_name(f".{target.name}{STAGE_SUFFIX}")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_leftovers(targets: Iterable[Path]) -> list[Path]:
    """Remove staged and temporary files a killed writer left beside ``targets``; return them.

    Matches only names derived from the targets' own names (``.NAME.npf-stage.tmp`` and the
    ``.NAME.*.tmp`` of :func:`npf_screen.core.atomic.atomic_path`), never anything else.
    """
    removed: list[Path] = []
    for target in targets:
        if not target.parent.is_dir():
            continue
        for leftover in target.parent.glob(f".{_glob_escape(target.name)}.*tmp"):
            if leftover.name.endswith(".tmp") and leftover.is_file():
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
    return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)


def recover(journal: Path) -> list[Path]:
    """Complete a switch a kill interrupted (roll forward); return the targets it completed.

    Every staged file the journal names was complete and synced before the journal was
    written, so finishing the renames is always safe. A journal that cannot be read was never
    committed (it is written atomically), so it cannot exist half-written; it is removed.
    """
    if not journal.is_file():
        return []
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))["files"]
        pairs = [(Path(t), Path(s)) for t, s in entries]
    except (OSError, ValueError, KeyError, TypeError):
        journal.unlink(missing_ok=True)
        return []
    done: list[Path] = []
    for target, staged in pairs:
        if staged.is_file():
            os.replace(staged, target)
            done.append(target)
    for folder in {t.parent for t, _ in pairs}:
        _fsync_dir(folder)
    journal.unlink(missing_ok=True)
    return done


def commit_files(writes: Mapping[Path, Callable[[Path], None]], journal: Path) -> list[Path]:
    """Write every file of ``writes`` (``target -> render(path)``) all at once; see the module docs.

    Parameters
    ----------
    writes : mapping of pathlib.Path to callable
        Each target and a function that writes its whole new content to the path it is given.
    journal : pathlib.Path
        The journal file; give every commit over the same files the same journal, so the next one
        completes a killed one.

    Returns
    -------
    list of pathlib.Path
        The targets, in order.

    Raises
    ------
    Exception
        Whatever a ``render`` or the file system raises while staging; then no target has changed
        and every staged file is removed.
    """
    recover(journal)
    targets = list(writes)
    remove_leftovers([*targets, journal])
    staged: dict[Path, Path] = {}
    try:
        for target, render in writes.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            stage = staged_path(target)
            staged[target] = stage
            render(stage)
            with open(stage, "rb") as handle:
                os.fsync(handle.fileno())
            os.chmod(stage, _mode_for(target))
    except BaseException:
        for stage in staged.values():
            stage.unlink(missing_ok=True)
        raise
    for folder in {t.parent for t in targets}:
        _fsync_dir(folder)
    payload = {"files": [[str(t), str(s)] for t, s in staged.items()]}
    atomic_write_text(journal, json.dumps(payload, ensure_ascii=False) + "\n")  # the commit point
    recover(journal)
    return targets

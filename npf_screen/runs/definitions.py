"""Screen definitions: the TOML files that describe a scheduled screen and where its results go.

A definition names the themes (or lines) to screen, the universe to screen, filters, how many
stocks each theme keeps, the stability buffer, and the watchlists to write. Loading validates
everything and raises one :class:`~npf_screen.core.errors.DefinitionError` listing every problem as
``file: key: reason``. Relative paths are relative to the definition file. Example
(``examples/screens/choke_points.toml`` is a complete one)::

    [screen]
    name = "choke_points"          # history folder name; default: the file stem
    description = "卡脖子 top 10"
    lines = ["choke_point"]        # and/or themes = ["cp_lithography", ...]; neither: all themes
    rules = []                     # extra theme rule files/folders (as --rules)
    bundled_rules = true           # start from the bundled themes (false: only `rules`)
    top = 10                       # members per theme
    buffer = 1.2                   # incumbents within rank 1.2 × top keep a preference (1 = none)
    output_dir = "watchlists"      # every watchlist path must stay inside it
    history_dir = "history"        # default: the per-user data folder, one sub-folder per screen

    [universe]
    source = "live"                # live (refresh if stale) | latest (newest snapshot) | file | sample
    # path = "companies.csv"       # source = "file"
    # snapshot = "20260301-..."    # source = "latest": pin one snapshot id

    [filters]
    exclude_st = true              # drop ST and *ST names
    min_days_listed = 120          # listed at least this many days before the run date
    market_cap_min = 30            # 亿元
    market_cap_max = 5000
    boards = ["主板", "创业板", "科创板", "北交所"]
    missing = "pass"               # unknown list date / market cap: pass | fail

    [[watchlist]]
    format = "tdx"                 # csv | xlsx | json | parquet | tdx | ebk | em | ths
    path = "tdx/NPF_{theme}.blk"   # {theme} → one file per theme ({theme_name} allowed in name)
    name = "新质·{theme_name}"      # display name (JSON name, 通达信 block name)
    themes = []                    # restrict to some of the screened themes
    register = true                # tdx: register in blocknew.cfg beside the file
    overwrite_main = false         # tdx: allow ZXG.blk, the terminal's main list
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from npf_screen.core.errors import DefinitionError, OutputError
from npf_screen.core.toml_checks import Problems, format_specs, parse_toml, placeholders
from npf_screen.outputs.watchlists.codes import NAME_MAX_BYTES, check_inside
from npf_screen.outputs.watchlists.terminals import check_block_stem
from npf_screen.outputs.watchlists.writer import FORMATS, SUFFIXES
from npf_screen.rules.model import LINES

__all__ = [
    "BOARDS",
    "SOURCES",
    "Filters",
    "ScreenDefinition",
    "UniverseSpec",
    "WatchlistSpec",
    "load_definition",
    "parse_definition",
]

#: Universe sources a definition can name.
SOURCES: tuple[str, ...] = ("live", "latest", "file", "sample")
#: Listing boards (see :func:`npf_screen.universe.schema.board_of`).
BOARDS: tuple[str, ...] = ("主板", "创业板", "科创板", "北交所")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
#: The keys each table of a definition file may hold (checked by
#: :class:`~npf_screen.core.toml_checks.Problems`).
_KEYS: dict[str, set[str]] = {
    "": {"screen", "universe", "filters", "watchlist"},
    "[screen]": {
        "name",
        "description",
        "themes",
        "lines",
        "rules",
        "bundled_rules",
        "top",
        "buffer",
        "output_dir",
        "history_dir",
    },
    "[universe]": {"source", "path", "snapshot"},
    "[filters]": {"exclude_st", "min_days_listed", "market_cap_min", "market_cap_max", "boards", "missing"},
    "[[watchlist]]": {"format", "path", "name", "themes", "register", "overwrite_main"},
}
_PLACEHOLDERS = {"theme", "theme_name"}
_THEME_ID_MAX = 64  # theme ids are at most 64 characters (rules.validation)
_TOP_MAX, _BUFFER_MAX, _DAYS_MAX = 10_000, 100.0, 36_600  # members per theme, buffer, 100 years


@dataclass(frozen=True)
class UniverseSpec:
    """Where the companies come from: ``live``, ``latest`` snapshot, a ``file`` or the ``sample``."""

    source: str = "live"
    path: Path | None = None
    snapshot: str | None = None


@dataclass(frozen=True)
class Filters:
    """Universe filters applied before screening; ``missing`` decides for unknown values."""

    exclude_st: bool = True
    min_days_listed: int = 0
    market_cap_min: float | None = None
    market_cap_max: float | None = None
    boards: tuple[str, ...] = ()
    missing: str = "pass"


@dataclass(frozen=True)
class WatchlistSpec:
    """One watchlist to write; ``path``/``name`` may hold ``{theme}`` and ``{theme_name}``."""

    format: str
    path: str
    name: str | None = None
    themes: tuple[str, ...] = ()
    register: bool = False
    overwrite_main: bool = False

    @property
    def per_theme(self) -> bool:
        """Whether the path names one file per theme."""
        return "{theme" in self.path


@dataclass(frozen=True)
class ScreenDefinition:
    """A validated screen definition (see the module docs for the file format)."""

    name: str
    origin: Path
    digest: str
    output_dir: Path
    description: str = ""
    themes: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    rules: tuple[Path, ...] = ()
    bundled_rules: bool = True
    top: int = 20
    buffer: float = 1.0
    history_dir: Path | None = None
    universe: UniverseSpec = field(default_factory=UniverseSpec)
    filters: Filters = field(default_factory=Filters)
    watchlists: tuple[WatchlistSpec, ...] = ()


def _watchlists(c: Problems, raw: Any, output_dir: Path) -> tuple[WatchlistSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        c.add("watchlist", "must be an array of tables ([[watchlist]]).")
        return ()
    specs: list[WatchlistSpec] = []
    seen: dict[Path, str] = {}
    for i, item in enumerate(raw):
        where = f"[[watchlist]][{i}]"
        table = c.table(item, where, _KEYS["[[watchlist]]"])
        if not isinstance(item, dict):
            continue
        fmt, path, name = (
            c.text(table, where, "format"),
            c.text(table, where, "path"),
            c.text(table, where, "name"),
        )
        if fmt is None or path is None:
            c.add(where, f"needs format (one of {', '.join(FORMATS)}) and path.")
            continue
        if fmt not in FORMATS:
            c.add(f"{where}.format", f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}.")
            continue
        templates_ok = True
        for key, value in (("path", path), ("name", name)):
            unknown = placeholders(value or "") - _PLACEHOLDERS
            if unknown:
                templates_ok = False
                c.add(
                    f"{where}.{key}",
                    f"unknown placeholder(s) {sorted(unknown)}; use {{theme}} or {{theme_name}}.",
                )
            fancy = format_specs(value or "")
            if fancy:
                templates_ok = False
                c.add(
                    f"{where}.{key}", f"format specs are not allowed ({', '.join(fancy)}); write {{theme}}."
                )
        if not templates_ok:
            continue
        if "{theme_name}" in path:
            c.add(f"{where}.path", "use {theme} (the id) in file names; {theme_name} is for name.")
        longest = path.replace("{theme}", "t" * _THEME_ID_MAX)
        if any(len(part.encode("utf-8")) > NAME_MAX_BYTES for part in Path(longest).parts):
            c.add(f"{where}.path", f"a file or folder name would exceed {NAME_MAX_BYTES} bytes; shorten it.")
            continue
        sample = path.replace("{theme}", "theme")
        try:
            target = check_inside(sample, output_dir)
        except OutputError as exc:
            c.add(f"{where}.path", str(exc))
            continue
        if fmt in ("tdx", "ebk", "xlsx") and target.suffix.lower() != SUFFIXES[fmt]:
            c.add(f"{where}.path", f"{fmt} watchlists must end in {SUFFIXES[fmt]}.")
        if target in seen:
            c.add(f"{where}.path", f"the same file as {seen[target]}; give each watchlist its own path.")
        seen[target] = where
        register = c.boolean(table, where, "register", False)
        overwrite_main = c.boolean(table, where, "overwrite_main", False)
        if fmt != "tdx" and (register or overwrite_main):
            c.add(where, 'register and overwrite_main apply to format = "tdx" only.')
        if fmt == "tdx":
            stem = Path(path.replace("{theme}", "theme")).stem
            try:
                check_block_stem(stem, overwrite_main=overwrite_main)
            except OutputError as exc:
                c.add(f"{where}.path", str(exc))
        themes = c.strings(table, where, "themes")
        specs.append(WatchlistSpec(fmt, path, name, themes, register, overwrite_main))
    return tuple(specs)


def _universe(c: Problems, raw: Any, base: Path) -> UniverseSpec:
    table = c.table(raw, "[universe]", _KEYS["[universe]"])
    source = c.text(table, "[universe]", "source", "live") or "live"
    if source not in SOURCES:
        c.add("[universe].source", f"unknown source {source!r}; choose from {', '.join(SOURCES)}.")
        source = "live"
    path = c.text(table, "[universe]", "path")
    snapshot = c.text(table, "[universe]", "snapshot")
    if (source == "file") != (path is not None):
        c.add("[universe].path", 'is required with source = "file" and only allowed with it.')
    if snapshot is not None and source != "latest":
        c.add("[universe].snapshot", 'is only allowed with source = "latest".')
    return UniverseSpec(source, (base / path).expanduser() if path else None, snapshot)


def _filters(c: Problems, raw: Any) -> Filters:
    w = "[filters]"
    table = c.table(raw, w, _KEYS[w])
    low = c.number(table, w, "market_cap_min", None, low=0)
    high = c.number(table, w, "market_cap_max", None, low=0)
    if low is not None and high is not None and low > high:
        c.add(f"{w}.market_cap_min", f"{low!r} is above market_cap_max {high!r}.")
    missing = c.text(table, w, "missing", "pass") or "pass"
    if missing not in ("pass", "fail"):
        c.add(f"{w}.missing", f'{missing!r} must be "pass" or "fail".')
    return Filters(
        exclude_st=c.boolean(table, w, "exclude_st", True),
        min_days_listed=c.number(table, w, "min_days_listed", 0, low=0, high=_DAYS_MAX, integer=True),
        market_cap_min=None if low is None else float(low),
        market_cap_max=None if high is None else float(high),
        boards=c.strings(table, w, "boards", BOARDS),
        missing=missing,
    )


def parse_definition(
    text: str, origin: str | Path = "<string>", base_dir: str | Path | None = None
) -> ScreenDefinition:
    """Parse and validate definition text.

    Parameters
    ----------
    text : str
        The TOML text.
    origin : str or pathlib.Path
        The file it came from (named in errors; its stem is the default screen name).
    base_dir : str or pathlib.Path, optional
        What relative paths are relative to; default the folder of ``origin``.

    Returns
    -------
    ScreenDefinition

    Raises
    ------
    DefinitionError
        Listing every problem as ``file: key: reason``.
    """
    c = Problems(str(origin), text)
    base = Path(base_dir) if base_dir is not None else Path(origin).parent
    base = base.expanduser().resolve()
    raw = parse_toml(text, c)
    if raw is None:
        raise DefinitionError(c.problems)
    if not raw:
        raise DefinitionError(
            [f"{origin}: the definition is empty; it needs [screen] or [[watchlist]] (see examples/screens)."]
        )
    c.table(raw, "", _KEYS[""])
    w = "[screen]"
    screen = c.table(raw.get("screen"), w, _KEYS[w])
    name = c.text(screen, w, "name", Path(origin).stem) or "screen"
    if not _NAME.match(name):
        c.add(f"{w}.name", f"{name!r} must be 1-64 letters, digits, _ . - (it names the history folder).")
    output_dir = (base / (c.text(screen, w, "output_dir", ".") or ".")).expanduser().resolve()
    history = c.text(screen, w, "history_dir")
    definition = ScreenDefinition(
        name=name,
        origin=Path(origin),
        digest=hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest(),
        output_dir=output_dir,
        description=c.text(screen, w, "description", "") or "",
        themes=c.strings(screen, w, "themes"),
        lines=c.strings(screen, w, "lines", LINES),
        rules=tuple((base / p).expanduser() for p in c.strings(screen, w, "rules")),
        bundled_rules=c.boolean(screen, w, "bundled_rules", True),
        top=c.number(screen, w, "top", 20, low=1, high=_TOP_MAX, integer=True),
        buffer=float(c.number(screen, w, "buffer", 1.0, low=1.0, high=_BUFFER_MAX)),
        history_dir=(base / history).expanduser().resolve() if history else None,
        universe=_universe(c, raw.get("universe"), base),
        filters=_filters(c, raw.get("filters")),
        watchlists=_watchlists(c, raw.get("watchlist"), output_dir),
    )
    if c.problems:
        raise DefinitionError(c.problems)
    return definition


def load_definition(path: str | Path) -> ScreenDefinition:
    """Read and validate a screen definition file (see the module docs).

    Raises
    ------
    DefinitionError
        If the file is missing, unreadable, not TOML or invalid; every problem is listed.
    """
    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([f"{file}: cannot be read: {exc}"]) from exc
    return parse_definition(text, file)

"""Reading theme rule files (TOML) into validated :class:`~npf_screen.rules.model.Theme` objects.

Loading collects *every* problem in every file and raises one :class:`~npf_screen.core.errors.RuleError`
listing them, each as ``file:line: theme 'id': field: value: how to fix``.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from npf_screen.core.errors import RuleError
from npf_screen.core.toml_checks import MAX_TOML_BYTES, Problems, parse_toml
from npf_screen.rules.model import Theme, ThemeSet
from npf_screen.rules.validation import unknown_keys, validate_theme

__all__ = ["bundled_rule_files", "load_themes", "parse_rule_text", "rule_files"]


def parse_rule_text(text: str, origin: str = "<string>") -> tuple[list[Theme], list[str]]:
    """Parse one rule file's text into themes and a list of problems (empty when valid).

    Examples
    --------
    >>> themes, problems = parse_rule_text('''
    ... [[theme]]
    ... id = "demo"
    ... name = "演示"
    ... line = "emerging"
    ... rationale = "A demonstration theme."
    ... source = "doctest"
    ... [[theme.keywords]]
    ... weight = 30
    ... terms = ["光刻机"]
    ... ''')
    >>> [t.id for t in themes], problems
    (['demo'], [])
    """
    p = Problems(origin, text)
    document = parse_toml(text, p)
    if document is None:
        return [], p.problems
    unknown_keys(p, None, "top level: ", document, {"theme"})
    raw_themes = document.get("theme", [])
    if not isinstance(raw_themes, list):
        p.about(None, "theme", "must be an array of tables ([[theme]]).")
        raw_themes = []
    themes = [t for i, raw in enumerate(raw_themes) if (t := validate_theme(p, raw, i)) is not None]
    if not raw_themes and not p.problems:
        p.add("", "defines no theme; a rule file needs at least one [[theme]] table (see seeds/README.md).")
    return themes, p.problems


def bundled_rule_files() -> list[Path]:
    """The theme rule files shipped inside the installed package, sorted by name."""
    root = resources.files("npf_screen.seeds")
    return sorted((Path(str(f)) for f in root.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def _expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    files: list[Path] = []
    problems: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                problems.append(f"{path}: directory holds no *.toml rule files.")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: no such rule file or directory.")
    return files, problems


def rule_files(rules: Iterable[str | Path] | str | Path | None = None, *, bundled: bool = True) -> list[Path]:
    """The files :func:`load_themes` reads for these arguments, in reading order.

    Raises
    ------
    RuleError
        When a path does not exist or a folder holds no ``*.toml`` file (as :func:`load_themes`).
    """
    files = bundled_rule_files() if bundled else []
    if rules is not None:
        found, problems = _expand([rules] if isinstance(rules, str | Path) else list(rules))
        if problems:
            raise RuleError(problems)
        files.extend(found)
    return files


def _load_files(files: list[Path], problems: list[str]) -> dict[str, Theme]:
    themes: dict[str, Theme] = {}
    for file in files:
        try:
            size = file.stat().st_size
            if size > MAX_TOML_BYTES:
                problems.append(
                    f"{file}: is {size:,} bytes; rule files over {MAX_TOML_BYTES:,} bytes are refused."
                )
                continue
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{file}: cannot be read as UTF-8 text: {exc}")
            continue
        parsed, found = parse_rule_text(text, str(file))
        problems.extend(found)
        for theme in parsed:
            if theme.id in themes:
                problems.append(
                    f"{file}: theme {theme.id!r}: id: duplicate id, already defined in "
                    f"{themes[theme.id].origin}; rename one of them."
                )
            else:
                themes[theme.id] = theme
    return themes


def load_themes(rules: Iterable[str | Path] | str | Path | None = None, *, bundled: bool = True) -> ThemeSet:
    """Load and validate theme rules: the bundled seeds, plus or replaced by the user's own.

    Parameters
    ----------
    rules : path or iterable of paths, optional
        Extra rule files or directories of ``*.toml`` files. A theme whose id is already bundled
        replaces the bundled one; new ids are added.
    bundled : bool, default True
        Whether to start from the bundled seeds.

    Returns
    -------
    ThemeSet

    Raises
    ------
    RuleError
        Listing every problem in every file (file, line, theme id, field, value, how to fix).

    Examples
    --------
    >>> from npf_screen import load_themes
    >>> themes = load_themes()
    >>> themes["cp_lithography"].line
    'choke_point'
    """
    problems: list[str] = []
    themes = _load_files(bundled_rule_files(), problems) if bundled else {}
    if rules is not None:
        paths = [rules] if isinstance(rules, str | Path) else list(rules)
        files, missing = _expand(paths)
        problems.extend(missing)
        themes.update(_load_files(files, problems))
    if problems:
        raise RuleError(problems)
    return ThemeSet(themes.values())

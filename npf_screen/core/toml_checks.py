"""Reading TOML files that collects every problem instead of stopping at the first.

One collector, :class:`Problems`, serves every TOML file npf-screen reads (theme rule files and
screen definitions). A value of the wrong type or range is recorded as ``file[:line]: key: reason``
and replaced by a default, so a whole file is checked in one pass. :func:`parse_toml` caps the size
and the nesting depth it accepts, so no input can hang the checks or exhaust the stack.

Examples
--------
>>> p = Problems("demo.toml", 'a = 1\\n[[theme]]\\nid = "x1"\\n')
>>> document = parse_toml(p.source_text, p)
>>> p.about("x1", "name", "is missing.")
>>> p.problems
["demo.toml:3: theme 'x1': name: is missing."]
"""

from __future__ import annotations

import difflib
import math
import re
import string
import tomllib
from typing import Any

__all__ = [
    "MAX_TOML_BYTES",
    "MAX_TOML_DEPTH",
    "Problems",
    "control_characters",
    "did_you_mean",
    "format_specs",
    "parse_toml",
    "placeholders",
]

#: The largest TOML file accepted (bytes); the bundled rules are about 130 kB per file.
MAX_TOML_BYTES = 4 * 1024 * 1024
#: The deepest nesting of tables and arrays accepted (a rule file needs 4).
MAX_TOML_DEPTH = 16
_ID_LINE = re.compile(r"""^[ \t]*id[ \t]*=[ \t]*["']([^"'\n]*)["']""", re.M)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PROSE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # prose may hold tabs and newlines


def control_characters(text: str, *, prose: bool = False) -> list[str]:
    """The control characters in ``text`` (``prose`` allows tab and newline), as ``U+XXXX``.

    Examples
    --------
    >>> control_characters("光刻\\x00机"), control_characters("a\\nb", prose=True)
    (['U+0000'], [])
    """
    found = (_PROSE_CONTROL if prose else _CONTROL).findall(text)
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(found)]


def did_you_mean(word: object, choices: Any) -> str:
    """`` (did you mean 'x'?)`` for the choice closest to a misspelt ``word``, else ``""``.

    Examples
    --------
    >>> did_you_mean("topp", ["top", "buffer", "lines"])
    " (did you mean 'top'?)"
    >>> did_you_mean("zzz", ["top"])
    ''
    """
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Problems:
    """Collects ``file[:line]: key: reason`` problems for one TOML file while reading its values.

    ``text`` (optional, kept as ``source_text``) is the file's text; :meth:`about` then locates a
    problem by the line of the ``id = "..."`` of its subject, found by one linear scan on first use.
    """

    def __init__(self, origin: str, text: str = "") -> None:
        self.origin = origin
        self.source_text = text
        self.problems: list[str] = []
        self._id_lines: dict[str, int] | None = None

    @property
    def items(self) -> list[str]:
        """The problems found so far (alias of ``problems``)."""
        return self.problems

    def line_of(self, subject: object) -> int | None:
        """The line of the first ``id = "subject"`` in the text (one linear scan, then a lookup)."""
        if not isinstance(subject, str):
            return None
        if self._id_lines is None:
            self._id_lines = {}
            line, pos = 1, 0
            for match in _ID_LINE.finditer(self.source_text):
                line += self.source_text.count("\n", pos, match.start())
                pos = match.start()
                self._id_lines.setdefault(match.group(1), line)
        return self._id_lines.get(subject)

    def add(self, key: str, reason: str) -> None:
        """Record a problem with ``key`` (e.g. ``[filters].boards``)."""
        self.problems.append(f"{self.origin}: {key}: {reason}" if key else f"{self.origin}: {reason}")

    def about(self, subject: object, key: str, reason: str, *, kind: str = "theme") -> None:
        """Record a problem of one ``[[theme]]`` (``subject`` is its id, ``None`` when it has none)."""
        line = self.line_of(subject)
        loc = f"{self.origin}:{line}" if line else self.origin
        who = f"{kind} {subject!r}" if isinstance(subject, str) else f"{kind} without id"
        self.problems.append(f"{loc}: {who}: {key}: {reason}")

    # -- typed reads: a bad value is a problem and the default is returned --------------------------

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
                    f"{where}.{key}" if where else key,
                    f"unknown key{did_you_mean(key, allowed)}; allowed: {', '.join(sorted(allowed))}.",
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
        """``table[key]`` if it is a non-empty string without control characters, else ``default``."""
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            self.add(f"{where}.{key}", f"{_shown(value)} must be a non-empty string.")
            return default
        bad = control_characters(value)
        if bad:
            self.add(f"{where}.{key}", f"{_shown(value)} holds control character(s) {', '.join(bad)}.")
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
        high: float = math.inf,
        integer: bool = False,
    ) -> Any:
        """``table[key]`` if it is a finite number (an integer with ``integer``) in ``[low, high]``."""
        value = table.get(key, default)
        if value is None:
            return None
        kind = int if integer else int | float
        if isinstance(value, bool) or not isinstance(value, kind) or not math.isfinite(value):
            self.add(f"{where}.{key}", f"{_shown(value)} is not {'an integer' if integer else 'a number'}.")
            return default
        if not low <= value <= high:
            side = f"below the minimum {low:g}" if value < low else f"above the maximum {high:g}"
            self.add(f"{where}.{key}", f"{_shown(value)} is {side}.")
            return default
        return value

    def strings(
        self, table: dict[str, Any], where: str, key: str, choices: tuple[str, ...] = ()
    ) -> tuple[str, ...]:
        """``table[key]`` as distinct non-empty strings, those among ``choices`` when it is given."""
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(
                f"{where}.{key}", f'{_shown(value)} must be a list of non-empty strings, e.g. ["a", "b"].'
            )
            return ()
        bad = [v for v in value if (choices and v not in choices) or control_characters(v)]
        if bad:
            allowed = f"choose from {', '.join(choices)}" if choices else "remove control characters"
            self.add(f"{where}.{key}", f"unusable value(s) {', '.join(map(_shown, bad))}; {allowed}.")
        return tuple(dict.fromkeys(v for v in value if v not in bad))


def _shown(value: Any, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters so a huge value cannot flood the message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 5]}…{text[-4:]} ({len(text)} chars)"


def _depth(document: dict[str, Any]) -> int:
    """The nesting depth of tables and arrays, found without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_TOML_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return deepest


def parse_toml(text: str, p: Problems) -> dict[str, Any] | None:
    """Parse TOML text, or record why it cannot be used and return ``None``.

    Refused: more than :data:`MAX_TOML_BYTES`, nesting deeper than :data:`MAX_TOML_DEPTH`, and
    syntax errors (named with their line and offending text).
    """
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_TOML_BYTES:
        p.add("", f"is {size:,} bytes; TOML files over {MAX_TOML_BYTES:,} bytes are refused. Split it.")
        return None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        lines = text.splitlines()
        number = int(line.group(1)) if line else 0
        bad = lines[number - 1].strip()[:120] if 0 < number <= len(lines) else ""
        loc = f"{p.origin}:{number}" if line else p.origin
        p.problems.append(f"{loc}: not valid TOML (TOML syntax error): {exc}; offending text: {bad!r}")
        return None
    except RecursionError:
        p.add("", f"is nested too deeply; at most {MAX_TOML_DEPTH} levels of tables and arrays.")
        return None
    if _depth(document) > MAX_TOML_DEPTH:
        p.add("", f"is nested too deeply; at most {MAX_TOML_DEPTH} levels of tables and arrays.")
        return None
    return document


def placeholders(text: str) -> set[str]:
    """The ``{names}`` of a format string (``{"<malformed braces>"}`` when it does not parse)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<malformed braces>"}


def format_specs(text: str) -> list[str]:
    """The format specs and conversions of a format string's fields (``[]`` for a plain one)."""
    try:
        return [
            f"{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
            for _, name, spec, conv in string.Formatter().parse(text)
            if name is not None and (spec or conv)
        ]
    except ValueError:
        return []

"""Stock-code validation, terminal market digits and output-path safety for watchlists.

Every watchlist writer validates its codes here before a byte is written: a code must be six ASCII
digits with a known A-share exchange (the same rule as :func:`npf_screen.universe.schema.exchange_of`, so
the universe and the watchlists never disagree):

=========  ==============================  ==========  =========
exchange   codes                           通达信 digit  EBK digit
=========  ==============================  ==========  =========
SZ 深圳     0xxxxx, 2xxxxx, 3xxxxx           0           0
SH 上海     6xxxxx, 9xxxxx (not 92xxxx)      1           1
BJ 北京     4xxxxx, 8xxxxx, 92xxxx (920xxx)  2           0
=========  ==============================  ==========  =========

东方财富 numbers markets like its quote API's ``secid`` (``1.600519``, ``0.000001``, ``0.830799``):
Beijing shares share market 0 with Shenzhen, so EBK writes ``0`` for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from npf_screen.core.errors import OutputError
from npf_screen.universe.schema import exchange_of

__all__ = ["EBK_MARKET", "NAME_MAX_BYTES", "TDX_MARKET", "check_inside", "exchange_prefix", "validate_codes"]

#: The longest file or folder name (bytes) common file systems accept.
NAME_MAX_BYTES = 255

#: 通达信 market digit by exchange.
TDX_MARKET: dict[str, str] = {"SZ": "0", "SH": "1", "BJ": "2"}
#: 东方财富 (EBK) market digit by exchange.
EBK_MARKET: dict[str, str] = {"SZ": "0", "SH": "1", "BJ": "0"}


def exchange_prefix(code: str) -> str:
    """The exchange (``SH``/``SZ``/``BJ``) of a code already checked by :func:`validate_codes`."""
    exchange = exchange_of(code)
    if exchange is None:  # pragma: no cover - callers validate first
        raise OutputError(f"stock code {code!r} has no known exchange")
    return exchange


def validate_codes(codes: Iterable[object], *, source: str = "watchlist") -> list[str]:
    """Check that every code is a 6-digit A-share code with a known exchange; return them as text.

    Parameters
    ----------
    codes : iterable
        The codes, in order. Only ``str`` values are accepted: an integer has lost its leading
        zeros already, so guessing them back could silently write the wrong stock.
    source : str
        Named in the error message.

    Returns
    -------
    list of str
        The codes, unchanged and in order (duplicates kept; writers drop them where needed).

    Raises
    ------
    OutputError
        Listing every bad code with its position (at most ten shown).

    Examples
    --------
    >>> validate_codes(["000001", "600519", "920001"])
    ['000001', '600519', '920001']
    """
    out: list[str] = []
    bad: list[str] = []
    for i, code in enumerate(codes):
        if isinstance(code, str) and code.isascii() and exchange_of(code) is not None:
            out.append(code)
        else:
            bad.append(f"row {i + 1}: {code!r}")
    if bad:
        more = f" (+{len(bad) - 10} more)" if len(bad) > 10 else ""
        raise OutputError(
            f"{source}: {len(bad)} invalid stock code(s): {', '.join(bad[:10])}{more}; codes must be "
            "6-digit text with a known exchange (0/2/3 Shenzhen, 6/9 Shanghai, 4/8/92 Beijing). "
            "Nothing was written."
        )
    return out


def check_inside(path: str | Path, base_dir: str | Path | None) -> Path:
    """Resolve ``path`` (relative paths against ``base_dir``) and refuse it if it leaves ``base_dir``.

    Symbolic links are resolved before the check, so a link pointing outside is refused too.

    Parameters
    ----------
    path : str or pathlib.Path
        The output file.
    base_dir : str or pathlib.Path, optional
        The chosen output directory; ``None`` disables the check (``path`` is used as given).

    Returns
    -------
    pathlib.Path
        The absolute target path.

    Raises
    ------
    OutputError
        If the target lies outside ``base_dir`` or names a directory.
    """
    text = str(path)
    if not text.strip() or "\x00" in text:
        raise OutputError(f"refusing to write {text!r}: name a file (non-empty, without NUL characters).")
    long_parts = [part for part in Path(text).parts if len(part.encode("utf-8", "replace")) > NAME_MAX_BYTES]
    if long_parts:
        raise OutputError(
            f"refusing to write {text[:80]}…: the name {long_parts[0][:40]}… is longer than "
            f"{NAME_MAX_BYTES} bytes, more than file systems take; shorten it."
        )
    try:
        return _check_inside(Path(text), base_dir, path)
    except OSError as exc:
        raise OutputError(f"refusing to write {text}: {exc.strerror or exc}; choose another path.") from exc


def _check_inside(target: Path, base_dir: str | Path | None, path: str | Path) -> Path:
    target = target.expanduser()
    if base_dir is not None:
        base = Path(base_dir).expanduser().resolve()
        target = (base / target).resolve()
        if not target.is_relative_to(base) or target == base:
            raise OutputError(
                f"refusing to write {path}: it resolves to {target}, outside the output directory {base}; "
                "use a path inside it."
            )
    else:
        target = target.resolve()
    if target.is_dir():
        raise OutputError(f"refusing to write {target}: it is a directory; name a file.")
    blocking = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise OutputError(
            f"refusing to write {target}: {blocking} is a file, not a folder; choose another path."
        )
    return target

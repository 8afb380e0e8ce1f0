"""Watchlist files for Chinese trading terminals: 通达信, 东方财富 and 同花顺.

All of them are plain ASCII with Windows line ends (CRLF, the terminals are Windows programs),
one stock per line, in the order given, duplicates dropped (first occurrence kept). An empty
watchlist is written as an empty file (EBK: just its empty first line).

通达信 custom block (``tdx``, ``<STEM>.blk`` in ``T0002/blocknew``)
    One line per stock: the market digit (0 Shenzhen, 1 Shanghai, 2 Beijing) and the 6-digit code,
    e.g. ``1600519``. The block appears in the terminal once it is registered in ``blocknew.cfg``
    in the same folder: a sequence of 120-byte records, each the block's display name in GBK
    NUL-padded to 50 bytes (at most 49 used; a longer name is shortened by
    :func:`shorten_block_name` — bracketed parts dropped first, never cut inside a bracket — with a
    warning) followed by the file stem NUL-padded to 70 bytes. Registration updates
    the record whose stem matches (case-insensitively, Windows file names) or appends one; other
    records are kept byte for byte. ``ZXG.blk`` is the terminal's own 自选股 list and is never
    written unless explicitly asked (it needs no registration).
东方财富 EBK (``ebk``, ``*.ebk``)
    An empty first line, then one 7-digit code per line: the market digit (1 Shanghai, 0 Shenzhen
    and Beijing, as in 东方财富's ``secid``) and the 6-digit code.
东方财富 import (``em``, ``*.txt``)
    One 6-digit code per line, for 自选股 → 导入 → 从文本文件导入.
同花顺 import (``ths``, ``*.txt``)
    One exchange-prefixed code per line (``SH600519``, ``SZ000001``, ``BJ920001``), the code style
    of 同花顺's own exports, for 自选股 → 导入自选股 (文本文件). The prefix keeps stocks apart from
    indexes with the same digits (``000001`` is both 平安银行 and 上证指数). 同花顺 publishes no
    specification of this file; this is the layout its import wizard is documented by users to read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from npf_screen.core.errors import OutputError
from npf_screen.outputs.watchlists.codes import EBK_MARKET, TDX_MARKET, exchange_prefix

__all__ = [
    "BLOCKNEW_CFG",
    "CFG_NAME_SIZE",
    "CFG_RECORD_SIZE",
    "CFG_STEM_SIZE",
    "MAIN_BLOCK_STEM",
    "blocknew_record",
    "check_block_stem",
    "ebk_bytes",
    "em_bytes",
    "fit_block_name",
    "register_block",
    "shorten_block_name",
    "tdx_bytes",
    "ths_bytes",
]

BLOCKNEW_CFG = "blocknew.cfg"
CFG_RECORD_SIZE, CFG_NAME_SIZE, CFG_STEM_SIZE = 120, 50, 70
#: 通达信's own 自选股 block.
MAIN_BLOCK_STEM = "ZXG"
_STEM = re.compile(r"^[A-Za-z0-9_]{1,64}$")
CRLF = "\r\n"


def _unique(codes: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def _lines(items: Iterable[str]) -> bytes:
    return "".join(f"{item}{CRLF}" for item in items).encode("ascii")


def tdx_bytes(codes: Iterable[str]) -> bytes:
    """The bytes of a 通达信 ``.blk`` block for validated codes.

    Examples
    --------
    >>> tdx_bytes(["000001", "600519", "920001"])
    b'0000001\\r\\n1600519\\r\\n2920001\\r\\n'
    """
    return _lines(TDX_MARKET[exchange_prefix(c)] + c for c in _unique(codes))


def ebk_bytes(codes: Iterable[str]) -> bytes:
    """The bytes of a 东方财富 ``.ebk`` file for validated codes.

    Examples
    --------
    >>> ebk_bytes(["600519", "000001"])
    b'\\r\\n1600519\\r\\n0000001\\r\\n'
    """
    return CRLF.encode("ascii") + _lines(EBK_MARKET[exchange_prefix(c)] + c for c in _unique(codes))


def em_bytes(codes: Iterable[str]) -> bytes:
    """The bytes of a 东方财富 import list (one 6-digit code per line)."""
    return _lines(_unique(codes))


def ths_bytes(codes: Iterable[str]) -> bytes:
    """The bytes of a 同花顺 import list (``SH600519`` style, one per line).

    Examples
    --------
    >>> ths_bytes(["600519", "000001"])
    b'SH600519\\r\\nSZ000001\\r\\n'
    """
    return _lines(exchange_prefix(c) + c for c in _unique(codes))


def check_block_stem(stem: str, *, overwrite_main: bool = False) -> None:
    """Refuse a ``.blk`` file stem 通达信 cannot register, or its main list without ``overwrite_main``.

    Raises
    ------
    OutputError
        If the stem is not 1-64 ASCII letters, digits or ``_``, or is ``ZXG`` and not allowed.
    """
    if not _STEM.match(stem):
        raise OutputError(
            f"通达信 block file name {stem!r} is not usable: use 1-64 ASCII letters, digits or _ "
            "(e.g. NPFCP.blk); the display name can be Chinese."
        )
    if stem.upper() == MAIN_BLOCK_STEM and not overwrite_main:
        raise OutputError(
            f"refusing to overwrite {stem}.blk, 通达信's main 自选股 list; choose another file name "
            "or ask explicitly (overwrite_main=True / overwrite_main = true)."
        )


def _padded_stem(stem: str) -> bytes:
    raw = stem.encode("ascii")  # checked to be 1-64 ASCII letters, digits and _
    return raw + b"\x00" * (CFG_STEM_SIZE - len(raw))


_BRACKETED = re.compile(r"\s*[（(【\[][^）)】\]]*[）)】\]]")
_OPENERS, _CLOSERS = "（(【[", "）)】]"


def _gbk_size(text: str) -> int:
    return len(text.encode("gbk", errors="replace"))


def shorten_block_name(name: str, limit: int = CFG_NAME_SIZE - 1) -> str:
    """``name`` made to fit ``limit`` GBK bytes at a readable boundary (unchanged when it fits).

    Bracketed parts go first (``高端芯片（处理器/…）与先进制造`` → ``高端芯片与先进制造``); what
    is still too long is cut at a character boundary, and never inside an open bracket.

    Examples
    --------
    >>> shorten_block_name("高端芯片（处理器/AI/存储/FPGA/射频/高端模拟）与先进制造")
    '高端芯片与先进制造'
    >>> shorten_block_name("卡脖子")
    '卡脖子'
    """
    if _gbk_size(name) <= limit:
        return name
    plain = _BRACKETED.sub("", name).strip()
    if plain and _gbk_size(plain) <= limit:
        return plain
    text = plain or name
    out, depth, safe = "", 0, ""
    for char in text:
        if _gbk_size(out + char) > limit:
            break
        out += char
        depth += char in _OPENERS
        depth -= char in _CLOSERS and depth > 0
        if depth == 0:
            safe = out
    return (safe or out).rstrip(" /、,，-")


def fit_block_name(name: str) -> bytes:
    """A block display name in GBK, cut at a character boundary to fit 49 bytes, NUL-padded to 50.

    Characters GBK lacks become ``?``. The name is only a label in the terminal, so a long theme
    name is shortened (:func:`shorten_block_name`) rather than failing a scheduled run.

    Raises
    ------
    OutputError
        For an empty name or one containing NUL.

    Examples
    --------
    >>> fit_block_name("新" * 30)[-4:]
    b'\\xd0\\xc2\\x00\\x00'
    """
    if not name.strip() or "\x00" in name:
        raise OutputError(f"通达信 block name {name!r} must be non-empty text without NUL characters.")
    raw = shorten_block_name(name).encode("gbk", errors="replace")
    return raw + b"\x00" * (CFG_NAME_SIZE - len(raw))


def blocknew_record(name: str, stem: str) -> bytes:
    """One 120-byte ``blocknew.cfg`` record: GBK ``name`` in 50 bytes, ``stem`` in 70, NUL-padded.

    The name is fitted by :func:`fit_block_name`; the stem is checked by :func:`check_block_stem`.

    Examples
    --------
    >>> record = blocknew_record("卡脖子", "NPFCP")
    >>> len(record), record[:8], record[50:56]
    (120, b'\\xbf\\xa8\\xb2\\xb1\\xd7\\xd3\\x00\\x00', b'NPFCP\\x00')
    """
    check_block_stem(stem, overwrite_main=True)
    return fit_block_name(name) + _padded_stem(stem)


def register_block(existing: bytes, name: str, stem: str) -> bytes:
    """Return ``blocknew.cfg`` bytes with ``stem`` registered under ``name``.

    Parameters
    ----------
    existing : bytes
        The current file content (``b""`` when there is none).
    name, stem : str
        Display name and ``.blk`` file stem.

    Returns
    -------
    bytes
        ``existing`` with the record of ``stem`` replaced in place, or the new record appended.

    Raises
    ------
    OutputError
        If ``existing`` is not a whole number of 120-byte records (it is left alone), or the name
        or stem cannot be encoded.
    """
    if len(existing) % CFG_RECORD_SIZE:
        raise OutputError(
            f"{BLOCKNEW_CFG} is {len(existing)} bytes, not a whole number of {CFG_RECORD_SIZE}-byte records; "
            "refusing to modify a file this tool does not understand."
        )
    record = blocknew_record(name, stem)
    records = [existing[i : i + CFG_RECORD_SIZE] for i in range(0, len(existing), CFG_RECORD_SIZE)]
    for i, old in enumerate(records):
        old_stem = old[CFG_NAME_SIZE:].split(b"\x00", 1)[0].decode("gbk", errors="replace")
        if old_stem.upper() == stem.upper():
            records[i] = record
            break
    else:
        records.append(record)
    return b"".join(records)

"""Policy and research texts as the drafter reads them: a file, its sections, sentences and clauses.

A text is UTF-8 plain text or Markdown. Headings are Markdown ``#`` lines, Chinese numbered headings
(``三、新质生产力的发展方向``) and decimal ones (``3.2 投资映射``); a section runs from its heading to the
next heading of the same or a higher level. Lines broken in the middle of a sentence (texts extracted
from PDF) are joined back before the text is cut into sentences (``。！？；``) and clauses (``，、：``).

Examples
--------
>>> from npf_screen.ml.policy_text import select_section, sentences
>>> text = "# 一、总体\\n发展新材料。\\n## 1.1 氢能\\n推进氢能制储运，\\n建设加氢站。\\n# 二、其他\\n无关。"
>>> select_section(text, "氢能")
'推进氢能制储运，\\n建设加氢站。'
>>> sentences(select_section(text, "氢能"))
['推进氢能制储运，建设加氢站。']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from npf_screen.core.errors import DraftError

__all__ = [
    "Heading",
    "clauses",
    "focus_passages",
    "headings",
    "read_policy_text",
    "select_section",
    "sentences",
]

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_CN_HEADING = re.compile(r"^[一二三四五六七八九十]+、\s*\S.{0,48}$")
_DECIMAL_HEADING = re.compile(r"^(\d+(?:\.\d+)+)\s*[^\d\s.%].{0,58}$")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_CLAUSE_SPLIT = re.compile(r"[，,、：:（）()“”\"‘’《》【】\[\]]+")
_CONTINUES = re.compile(r"[^。！？；!?;:：]$")
_MARKDOWN = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: keep the text
    (re.compile(r"[*_`~]{1,3}"), ""),  # emphasis and code marks
    (re.compile(r"^\s*(?:>+|[-*+]|\d+[.)])\s+"), ""),  # quotes, bullets, ordered-list numbers
]


@dataclass(frozen=True)
class Heading:
    """A heading line: its text, level (1 = top) and line index in the text."""

    title: str
    level: int
    line: int


def read_policy_text(path: str | Path) -> str:
    """Read a UTF-8 text or Markdown file to draft from.

    Raises
    ------
    DraftError
        When the file is missing, empty, binary or not UTF-8, naming the file.
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise DraftError(f"{file}: no such file; give a UTF-8 text or Markdown policy text") from None
    except IsADirectoryError:
        raise DraftError(f"{file}: is a directory; give a UTF-8 text or Markdown file") from None
    if not data.strip():
        raise DraftError(f"{file}: the file is empty; give a policy text with at least one sentence")
    if b"\x00" in data[:8192]:
        raise DraftError(f"{file}: looks like a binary file (NUL bytes); give UTF-8 text or Markdown")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DraftError(
            f"{file}: not UTF-8 text (invalid byte at offset {exc.start}); convert it, "
            "e.g. `iconv -f GBK -t UTF-8`"
        ) from None
    if not any(_is_word_char(c) for c in text):
        raise DraftError(f"{file}: holds no words; give a policy text with at least one sentence")
    return text


def _is_word_char(char: str) -> bool:
    return char.isalpha() or "\u4e00" <= char <= "\u9fff"


def _heading(line: str, index: int) -> Heading | None:
    text = unicodedata.normalize("NFKC", line).strip()
    if m := _MD_HEADING.match(text):
        return Heading(m.group(2).strip(), len(m.group(1)), index)
    if _CN_HEADING.match(text) and not text.endswith(("。", "；", "，")):
        return Heading(text, 1, index)
    if (m := _DECIMAL_HEADING.match(text)) and not text.endswith(("。", "；", "，")):
        return Heading(text, m.group(1).count(".") + 1, index)
    return None


def headings(text: str) -> list[Heading]:
    """The heading lines of ``text``, in order."""
    return [h for i, line in enumerate(text.splitlines()) if (h := _heading(line, i)) is not None]


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def select_section(text: str, title: str, origin: str = "the text") -> str:
    """The body of the first section whose heading contains ``title`` (spaces and width ignored).

    Raises
    ------
    DraftError
        When no heading contains ``title`` (the message lists the headings there are), or the
        section is empty.
    """
    found = headings(text)
    wanted = _key(title)
    if not wanted:
        raise DraftError(f"--section {title!r}: give part of a heading's text")
    match = next((h for h in found if wanted in _key(h.title)), None)
    if match is None:
        listing = "; ".join(h.title for h in found[:20]) or "none (no '#', '一、' or '3.2' heading lines)"
        raise DraftError(f"{origin}: no section heading contains {title!r}; headings: {listing}")
    lines = text.splitlines()
    end = next((h.line for h in found if h.line > match.line and h.level <= match.level), len(lines))
    body = "\n".join(lines[match.line + 1 : end]).strip()
    if not body:
        raise DraftError(f"{origin}: section {match.title!r} is empty")
    return body


def _plain(line: str) -> str:
    for pattern, repl in _MARKDOWN:
        line = pattern.sub(repl, line)
    return line.strip()


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: lines broken mid-sentence joined, headings and blank lines dropped."""
    joined: list[str] = []
    carry = ""
    for index, raw in enumerate(text.splitlines()):
        if _heading(raw, index) is not None:
            if carry:
                joined.append(carry)
            carry = ""
            continue
        line = _plain(raw)
        if not line:
            continue
        carry = carry + line if carry and _CONTINUES.search(carry) else (joined.append(carry) or line)
    if carry:
        joined.append(carry)
    out: list[str] = []
    for chunk in filter(None, joined):
        out.extend(s.strip() for s in _SENTENCE_END.split(chunk) if s.strip())
    return out


def clauses(sentence: str) -> list[str]:
    """The clauses of one sentence: split at commas, enumeration commas, colons, brackets and quotes."""
    return [c.strip(" 。！？；!?;") for c in _CLAUSE_SPLIT.split(sentence) if c.strip(" 。！？；!?;")]


def focus_passages(sentences: list[str], focus: str | None) -> list[tuple[str, str]]:
    """(sentence, passage) pairs: the parts of the sentences that speak of ``focus``.

    Without a focus every sentence is its own passage. A province's passage runs from where the
    province is named to where the next one is (``云南推动绿色铝……，重庆提出……``); any other focus
    keeps the clauses that name it (one item of an enumeration).

    Examples
    --------
    >>> focus_passages(["云南推动绿色铝精深加工，重庆加快晶圆项目，推进整车。"], "重庆")
    [('云南推动绿色铝精深加工，重庆加快晶圆项目，推进整车。', '重庆加快晶圆项目，推进整车。')]
    >>> focus_passages(["发展氢能、新材料和创新药。"], "新材料")
    [('发展氢能、新材料和创新药。', '新材料和创新药')]
    """
    if not focus:
        return [(s, s) for s in sentences]
    from npf_screen.universe.regions import PROVINCES, normalize_province

    wanted = unicodedata.normalize("NFKC", focus).strip()
    province = normalize_province(wanted)
    out: list[tuple[str, str]] = []
    for sentence in sentences:
        if province is not None and province in sentence:
            start = sentence.find(province)
            ends = [i for p in PROVINCES if p != province and (i := sentence.find(p, start + 1)) > start]
            out.append((sentence, sentence[start : min(ends, default=len(sentence))]))
            continue
        named = [c for c in clauses(sentence) if wanted.lower() in unicodedata.normalize("NFKC", c).lower()]
        if named:
            out.append((sentence, "，".join(named)))
    return out

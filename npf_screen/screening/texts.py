"""A universe's texts made searchable: folded once per field, remembered per universe content.

:func:`prepare_texts` joins each field's company texts into one NFKC, lower-case string (companies
separated by NUL) with the offsets of every company, the list-mark counts that give a hit's list
position, and every (company, industry or concept label) pair; :func:`prepared_texts` remembers the
result for the last few universes, keyed by the content of their text columns.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from npf_screen.rules.model import FIELDS, normalize_term
from npf_screen.universe.schema import INDUSTRY_COLUMNS

__all__ = [
    "POSITIONED_FIELDS",
    "PreparedTexts",
    "company_labels",
    "label_key",
    "normalize_label",
    "prepare_texts",
    "prepared_texts",
    "remember_prepared",
]

_T = TypeVar("_T")
_LEVEL_MARK = re.compile(r"(?<=[^\x00-\x7f])(iii|ii)$")
_LABEL_SPLIT = re.compile(r"[,，;；|]")
_SEPARATOR = "\x00"
#: Fields whose texts are lists of businesses/products: a hit's list position is recorded.
POSITIONED_FIELDS: tuple[str, ...] = ("main_business", "products", "business_scope")
_LIST_MARKS = "、,，;；。/"
_MARK_CODES = np.array([ord(c) for c in _LIST_MARKS], dtype=np.uint32)


@functools.lru_cache(maxsize=65536)
def normalize_label(label: str) -> str:
    """Fold an industry or concept label: NFKC, lower case, no trailing level mark (Ⅱ, Ⅲ).

    Examples
    --------
    >>> normalize_label("半导体设备Ⅲ"), normalize_label("银行Ⅱ")
    ('半导体设备', '银行')
    """
    return _LEVEL_MARK.sub("", normalize_term(label))


def label_key(kind: str, label: str) -> str:
    """The key of an industry or concept label, as rules and companies both spell it: industry and
    concept labels live in separate namespaces, so an industry rule never matches a concept.

    Examples
    --------
    >>> label_key("industry", "半导体设备Ⅲ")
    'industry:半导体设备'
    """
    return f"{kind}:{normalize_label(label)}"


@dataclass(frozen=True)
class PreparedTexts:
    """A universe's searchable texts, one string per field with the companies' texts separated by NUL.

    ``folded`` is NFKC + lower case (what rules match); ``display`` the NFKC text with case kept
    (what snippets show); ``offsets[field][i]`` is where company ``i``'s text starts. Folding keeps
    lengths, so the offsets hold for both. Shared between screens of the same universe
    (:func:`prepared_texts`): treat as read-only.
    """

    folded: dict[str, str]
    display: dict[str, list[str]]
    offsets: dict[str, np.ndarray]
    label_company: np.ndarray  # company of each (company, label) pair
    label_code: np.ndarray  # index into ``label_values`` of each pair
    label_values: list[str]  # distinct "industry:<label>" / "concept:<label>" keys
    #: per positioned field: the running count of list marks (、，；。/) up to each character of
    #: ``folded``, so a hit's list position is ``marks[offset + start] - marks[offset]``
    marks: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)

    def list_position(self, field: str, company: np.ndarray, start: np.ndarray) -> np.ndarray:
        """How many list marks precede each hit in its company's text (0 = the head item)."""
        marks = self.marks.get(field)
        if marks is None or not len(company):
            return np.zeros(len(company), dtype="int64")
        base = self.offsets[field][company]
        return (marks[base + start] - marks[base]).astype("int64")

    def text_of(self, field: str, company: int) -> str:
        """One company's folded text of ``field``."""
        lo, hi = self.offsets[field][company], self.offsets[field][company + 1] - 1
        return self.folded[field][lo:hi]

    _derived: dict[str, object] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def remembered(self, key: str, compute: Callable[[], _T]) -> _T:
        """``compute()``, computed once per prepared texts: for values derived from the universe
        these texts were prepared from (its texts, codes, names or locations: the columns that key
        :func:`prepared_texts`), so that screening the same universe again reuses them."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]  # type: ignore[return-value]

    def nonblank(self, name: str) -> np.ndarray:
        """Per company: whether its ``name`` text has more than whitespace (computed once)."""
        return self.remembered(
            "nonblank:" + name, lambda: np.array([bool(t.strip()) for t in self.display[name]], dtype=bool)
        )

    def folded_codes(self, name: str) -> np.ndarray:
        """The code points of ``folded[name]`` (computed once)."""
        return self.remembered(
            "folded:" + name, lambda: np.frombuffer(self.folded[name].encode("utf-32-le"), dtype=np.uint32)
        )

    def pieces(self, count: int) -> list[tuple[int, int, str]]:
        """Every field's folded text cut at company starts into pieces of about 1/``count`` of all
        the text, as (field index, where the piece starts in the field's text, the piece), largest
        first: work for threads that should finish together (computed once per ``count``)."""

        def cut() -> list[tuple[int, int, str]]:
            size = max(-(-sum(len(self.folded[f]) for f in FIELDS) // max(count, 1)), 1)
            found: list[tuple[int, int, str]] = []
            for f_idx, field in enumerate(FIELDS):
                text, starts = self.folded[field], self.offsets[field]
                cuts = np.unique(starts[np.searchsorted(starts, np.arange(size, len(text), size))])
                bounds = [0, *cuts[(cuts > 0) & (cuts < len(text))].tolist(), len(text)]
                found += [(f_idx, lo, text[lo:hi]) for lo, hi in itertools.pairwise(bounds) if hi > lo]
            return sorted(found, key=lambda piece: -len(piece[2]))

        return self.remembered(f"pieces:{count}", cut)

    def display_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """(code points of every field's NUL-joined display text, one field after the other; the
        position where each field starts), for vectorised snippets (computed once)."""

        def join() -> tuple[np.ndarray, np.ndarray]:
            joined = [_SEPARATOR.join(self.display[f]) for f in FIELDS]
            bases = np.zeros(len(FIELDS), dtype="int64")
            np.cumsum([len(j) + 1 for j in joined[:-1]], out=bases[1:])
            codes = np.frombuffer(_SEPARATOR.join(joined).encode("utf-32-le"), dtype=np.uint32)
            return codes, bases

        return self.remembered("display", join)


def _field_values(universe: pd.DataFrame, field: str) -> list[str]:
    """The field's text per company, NFKC-folded (ASCII text is already in that form)."""
    if field == "industry":  # all classifications, " / "-joined (empty levels leave an empty slot)
        joined = universe[INDUSTRY_COLUMNS[0]].fillna("").to_numpy(dtype=object)
        for column in INDUSTRY_COLUMNS[1:]:
            joined = joined + " / " + universe[column].fillna("").to_numpy(dtype=object)
        values = joined.tolist()
    else:
        values = [v if isinstance(v, str) else "" for v in universe[field].astype("object").tolist()]
    return [v if v.isascii() else unicodedata.normalize("NFKC", v) for v in values]


def company_labels(universe: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Every (company row, label key) pair: industry labels of all classifications as
    ``industry:<label>`` and concept labels as ``concept:<label>``, folded by :func:`normalize_label`."""
    companies: list[np.ndarray] = []
    keys: list[np.ndarray] = []
    for column in INDUSTRY_COLUMNS:
        codes, uniques = pd.factorize(universe[column])
        folded = np.array([label_key("industry", str(u)) for u in uniques], dtype=object)
        present = np.flatnonzero(codes >= 0)
        companies.append(present)
        keys.append(folded[codes[present]] if len(folded) else np.array([], dtype=object))
    parts = universe["concepts"].reset_index(drop=True).str.split(_LABEL_SPLIT.pattern, regex=True).explode()
    parts = parts[parts.notna() & (parts.str.strip() != "")]
    codes, uniques = pd.factorize(parts)
    folded = np.array([label_key("concept", str(u)) for u in uniques], dtype=object)
    companies.append(parts.index.to_numpy(dtype="int64"))
    keys.append(folded[codes] if len(folded) else np.array([], dtype=object))
    return np.concatenate(companies).astype("int64"), np.concatenate(keys)


def prepare_texts(universe: pd.DataFrame) -> PreparedTexts:
    """Fold a canonical universe's texts for matching, one joined string per field."""
    folded: dict[str, str] = {}
    display: dict[str, list[str]] = {}
    offsets: dict[str, np.ndarray] = {}
    for field in FIELDS:
        parts = _field_values(universe, field)
        joined = _SEPARATOR.join(parts)
        if joined.count(_SEPARATOR) != max(len(parts) - 1, 0):  # a text holding the separator itself
            parts = [part.replace(_SEPARATOR, " ") for part in parts]
            joined = _SEPARATOR.join(parts)
        lower = joined.lower()
        if len(lower) != len(joined):  # a rare character whose lower case is longer: fold per company
            lower = _SEPARATOR.join(part.lower()[: len(part)].ljust(len(part)) for part in parts)
        starts = np.zeros(len(parts) + 1, dtype="int64")
        np.cumsum([len(p) + 1 for p in parts], out=starts[1:])
        folded[field], display[field], offsets[field] = lower, parts, starts
    label_company, label_key = company_labels(universe)
    label_code, label_values = pd.factorize(label_key)
    marks = {}
    for field in POSITIONED_FIELDS:
        codes = np.frombuffer(folded[field].encode("utf-32-le"), dtype=np.uint32)
        is_mark = np.isin(codes, _MARK_CODES)
        marks[field] = np.r_[0, np.cumsum(is_mark)].astype("int32")
    return PreparedTexts(folded, display, offsets, label_company, label_code, list(label_values), marks)


#: Columns :func:`prepared_texts` keys its cache by: those :func:`prepare_texts` reads, and the
#: codes and locations that values kept with :meth:`PreparedTexts.remembered` derive from.
_TEXT_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys([*(f for f in FIELDS if f != "industry"), *INDUSTRY_COLUMNS, "code", "province", "city"])
)
_PREPARED: OrderedDict[tuple, tuple[PreparedTexts, list]] = OrderedDict()
_PREPARED_KEEP = 4


def _column_key(values: pd.api.extensions.ExtensionArray | np.ndarray) -> tuple[tuple, object]:
    """(a key of a column's content, what must stay alive for the key to stay valid).

    Arrow-backed text is immutable: its buffers' addresses identify the content as long as the
    buffers live (the cache holds them). Anything else is hashed.
    """
    dtype = values.dtype
    if isinstance(dtype, pd.ArrowDtype) or (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        chunked = values.__arrow_array__()  # type: ignore[union-attr]
        chunks = getattr(chunked, "chunks", [chunked])
        key = tuple(
            (c.offset, len(c), *((b.address, b.size) if b is not None else None for b in c.buffers()))
            for c in chunks
        )
        return ("arrow", key), chunked
    hashed = pd.util.hash_array(np.asarray(values, dtype=object), categorize=True)
    return ("hash", hashlib.blake2b(hashed.tobytes(), digest_size=16).digest()), None


def prepared_texts(universe: pd.DataFrame) -> PreparedTexts:
    """:func:`prepare_texts`, remembered per universe content (the last few universes).

    A universe whose text columns hold the same values (the same frame, a copy, a re-ordering of
    other columns) reuses the folded texts; any change to a text, industry or concept value
    prepares them anew.
    """
    cache_key, alive = _universe_key(universe)
    found = _PREPARED.get(cache_key)
    if found is not None:
        _PREPARED.move_to_end(cache_key)
        return found[0]
    return _remember(cache_key, alive, prepare_texts(universe))


def remember_prepared(universe: pd.DataFrame, texts: PreparedTexts) -> None:
    """Make ``texts`` (e.g. read back from disk with ``universe``) what :func:`prepared_texts`
    returns for ``universe``."""
    _remember(*_universe_key(universe), texts)


def _universe_key(universe: pd.DataFrame) -> tuple[tuple, list]:
    keys, alive = [len(universe)], []
    for column in _TEXT_COLUMNS:
        key, keep = _column_key(universe[column].array)
        keys.append(key)
        alive.append(keep)
    return tuple(keys), alive


def _remember(cache_key: tuple, alive: list, texts: PreparedTexts) -> PreparedTexts:
    _PREPARED[cache_key] = (texts, alive)
    while len(_PREPARED) > _PREPARED_KEEP:
        _PREPARED.popitem(last=False)
    return texts

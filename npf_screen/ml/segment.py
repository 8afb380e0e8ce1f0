"""Chinese word segmentation for the learned and drafting signals.

One segmenter serves every word-level feature in the package: `rjieba
<https://pypi.org/project/rjieba/>`_, the Python binding of jieba-rs (a Rust port of jieba's dictionary and
HMM). It was chosen over ``jieba`` (pure Python, last released 2020, about 10x slower to cut a full-market
corpus) and ``pkuseg``/``hanlp`` (model downloads at run time, which this project cannot rely on).

Words are what a reader recognises ("光刻胶", "减速器"), unlike the character n-grams of
:mod:`npf_screen.ml.text_features`, so drivers and drafted terms read as vocabulary. Punctuation, digits
and one-character tokens carry little meaning and are dropped by :func:`words`.

Examples
--------
>>> from npf_screen.ml.segment import words
>>> words("公司主要从事光刻胶及谐波减速器的研发")
['公司', '主要', '从事', '光刻胶', '谐波', '减速器', '研发']
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["tagged", "words"]

_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$|^[a-z][a-z0-9+\-]{1,}$")


@cache
def _segmenter():  # type: ignore[no-untyped-def]
    import rjieba

    return rjieba.Jieba()


def words(text: str) -> list[str]:
    """The words of ``text`` in order: Chinese words of two or more characters and Latin words.

    Latin letters are lowercased; punctuation, numbers and single characters are dropped.
    """
    if not text:
        return []
    return [w for w in (t.strip().lower() for t in _segmenter().cut(text)) if _WORD.match(w)]


def tagged(text: str) -> list[tuple[str, str]]:
    """Every token of ``text`` in order with its part-of-speech tag (jieba's tag set: ``n`` noun, ``v``
    verb, ``x`` punctuation …), nothing dropped, so adjacent tokens can be joined back into phrases.

    Examples
    --------
    >>> from npf_screen.ml.segment import tagged
    >>> [w for w, _ in tagged("发展氢能，")]
    ['发展', '氢能', '，']
    """
    if not text:
        return []
    return [(w, t) for w, t in _segmenter().tag(text)]

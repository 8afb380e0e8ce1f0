"""China's 31 province-level regions under one canonical short name each.

The canonical name is the common short form used by the reference data and by Eastmoney region
boards without the "板块" suffix: ``广东``, ``内蒙古``, ``广西`` … Sources spell them many ways
(``广西壮族自治区``, ``内蒙``, ``上海市``, ``深圳`` folded into 广东), so every input goes through
:func:`normalize_province`.
"""

from __future__ import annotations

import re

__all__ = ["PROVINCES", "normalize_province"]

#: The 31 province-level regions of mainland China (A-share issuers), canonical short names.
PROVINCES: tuple[str, ...] = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江",
    "上海", "江苏", "浙江", "安徽", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广东", "广西", "海南",
    "重庆", "四川", "贵州", "云南", "西藏",
    "陕西", "甘肃", "青海", "宁夏", "新疆",
)  # fmt: skip

_ALIASES: dict[str, str] = {
    "内蒙": "内蒙古",
    "深圳": "广东",  # tushare keeps Shenzhen as its own area
    "黑龙": "黑龙江",
}
_SUFFIX = re.compile(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区|板块)$")


def normalize_province(value: object) -> str | None:
    """Return the canonical short name of a province-level region, or ``None``.

    Parameters
    ----------
    value : object
        A province as any source spells it; empty and missing values give ``None``.

    Returns
    -------
    str or None
        One of :data:`PROVINCES`, or ``None`` when ``value`` is empty or unknown.

    Examples
    --------
    >>> normalize_province("广西壮族自治区")
    '广西'
    >>> normalize_province("内蒙")
    '内蒙古'
    >>> normalize_province("广东板块")
    '广东'
    >>> normalize_province("Atlantis") is None
    True
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if text in _ALIASES:
        return _ALIASES[text]
    if text in PROVINCES:
        return text
    for _ in range(2):  # "广西壮族自治区" → "广西"; "广东板块" → "广东"
        text = _SUFFIX.sub("", text)
        for name in ("壮族", "回族", "维吾尔"):
            text = text.removesuffix(name)
        if text in PROVINCES:
            return text
        if text in _ALIASES:
            return _ALIASES[text]
    return None

"""The CJK font that ships with npf-screen, for charts and the HTML report.

Chinese needs a font with CJK glyphs, and many machines (servers, containers, fresh Linux installs)
have none. npf-screen depends on ``pylopdf-fonts-zh-cn``, a wheel from the package index that
carries Google's **Noto Sans SC** (Simplified Chinese, OpenType/CFF, SIL Open Font License 1.1;
the font file is 8 MB, the wheel 17 MB — the smallest maintained wheel we found that ships a
Simplified-Chinese Noto face as a plain OTF: ``noto-cjk-sans-otc`` is a collection whose first face
is the Japanese one, ``mplfonts`` is 85 MB). So ``pip install npf-screen`` is enough for Chinese
to render:

- :func:`font_path` is the font file; :mod:`npf_screen.outputs.charts` registers it with
  matplotlib (a system Noto Sans CJK SC, when installed, is still preferred);
- :func:`font_face_css` makes an ``@font-face`` rule holding a *subset* of the font — only the
  characters a page uses, as a ``data:`` URI — so the report renders in any browser offline.

Examples
--------
>>> from npf_screen.outputs.fonts import FAMILY, font_face_css
>>> css = font_face_css("光刻机")
>>> css.startswith("@font-face{font-family:" + repr(FAMILY).replace("'", '"'))
True
"""

from __future__ import annotations

import base64
import functools
import io
from pathlib import Path

__all__ = ["FAMILY", "font_face_css", "font_path", "subset_font"]

#: The CSS family name of the embedded subset.
FAMILY = "npf Noto Sans SC"


@functools.cache
def font_path() -> Path | None:
    """The bundled Noto Sans SC file, or ``None`` when ``pylopdf-fonts-zh-cn`` is not installed."""
    try:
        from pylopdf_fonts_zh_cn import sans_path
    except ImportError:
        return None
    path = Path(sans_path())
    return path if path.is_file() else None


def subset_font(text: str, flavor: str = "woff") -> bytes | None:
    """The bundled font cut down to the non-ASCII characters of ``text`` (WOFF), or ``None``.

    Characters the font lacks are left out (the browser falls back for them).
    """
    path = font_path()
    wanted = {ord(c) for c in text if ord(c) > 0x7F}
    if path is None or not wanted:
        return None
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=False)
    options = subset.Options()
    options.flavor = flavor
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = flavor
    font.save(buffer)
    return buffer.getvalue()


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule for :data:`FAMILY` embedding the glyphs ``text`` needs ("" if none)."""
    data = subset_font(text)
    if data is None:
        return ""
    uri = "data:font/woff;base64," + base64.b64encode(data).decode("ascii")
    return f'@font-face{{font-family:"{FAMILY}";src:url({uri}) format("woff");font-display:block}}'

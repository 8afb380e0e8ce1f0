"""Rich (HTML) display in Jupyter without an upward import.

Lower layers define the objects (a screen result, an explanation, a theme set); the HTML renderers live
in :mod:`npf_screen.outputs.display`, which registers one renderer per class here. Objects inherit
:class:`HtmlRepr`, whose ``_repr_html_`` asks this registry; with no renderer registered it returns
None, and Jupyter falls back to the plain ``repr``.

Examples
--------
>>> from npf_screen.core.html_repr import HtmlRepr, register_html
>>> class Box(HtmlRepr):
...     pass
>>> Box()._repr_html_() is None
True
>>> register_html(Box, lambda box: "<b>box</b>")
>>> Box()._repr_html_()
'<b>box</b>'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["HtmlRepr", "register_html"]

_RENDERERS: dict[type, Callable[[Any], str]] = {}


def register_html(cls: type, renderer: Callable[[Any], str]) -> None:
    """Render instances of ``cls`` (and its subclasses) with ``renderer`` in Jupyter."""
    _RENDERERS[cls] = renderer


class HtmlRepr:
    """Mixin: ``_repr_html_`` through the renderer registered for the class, if any."""

    __slots__ = ()

    def _repr_html_(self) -> str | None:
        for cls in type(self).__mro__:
            renderer = _RENDERERS.get(cls)
            if renderer is not None:
                return renderer(self)
        return None

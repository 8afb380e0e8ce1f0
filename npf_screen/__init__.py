"""npf-screen: screen China's A-share market against the 新质生产力 thesis, with evidence.

Typical use::

    import npf_screen as npf
    themes = npf.load_themes()
    result = npf.screen(npf.load_sample(), themes)
    result.top(10, theme="cp_lithography")
    result.explain("688630", theme="cp_lithography")
"""

from __future__ import annotations

from .engine import screen
from .errors import (
    NpfScreenError,
    OutputError,
    RuleError,
    UniverseError,
    UnknownCompanyError,
    UnknownThemeError,
)
from .results import Explanation, ScreenResult
from .rules import Theme, ThemeSet
from .rules_loader import load_themes
from .universe import load_sample, load_universe

__version__ = "0.1.0"

__all__ = [
    "Explanation",
    "NpfScreenError",
    "OutputError",
    "RuleError",
    "ScreenResult",
    "Theme",
    "ThemeSet",
    "UniverseError",
    "UnknownCompanyError",
    "UnknownThemeError",
    "load_sample",
    "load_themes",
    "load_universe",
    "screen",
]

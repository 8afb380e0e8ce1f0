"""npf-screen: screen China's A-share market against the 新质生产力 thesis, with evidence.

Typical use::

    import npf_screen as npf
    themes = npf.load_themes()
    result = npf.screen(npf.load_sample(), themes)
    result.top(10, theme="cp_lithography")
    result.explain("688630", theme="cp_lithography")
"""

from __future__ import annotations

from npf_screen.core.errors import (
    DefinitionError,
    DraftError,
    EmptyRunError,
    HistoryRecordError,
    NpfScreenError,
    OutputError,
    RuleError,
    RunError,
    RunLockedError,
    SchemaDriftError,
    SnapshotError,
    SourceError,
    UniverseError,
    UnknownCompanyError,
    UnknownRunError,
    UnknownThemeError,
    UpstreamRefusedError,
    UsageError,
)
from npf_screen.core.exit_codes import ExitCode
from npf_screen.core.version import __version__ as __version__
from npf_screen.outputs import display as _display  # noqa: F401 (registers the Jupyter HTML renderers)
from npf_screen.rules.loader import load_themes
from npf_screen.rules.model import Theme, ThemeSet
from npf_screen.screening.engine import screen
from npf_screen.screening.explanation import Explanation
from npf_screen.screening.results import ScreenResult
from npf_screen.universe.loader import load_sample, load_universe

#: Heavier entry points, imported on first use so ``import npf_screen`` (and the CLI) stays fast.
_LAZY: dict[str, str] = {
    "draft_theme": "npf_screen.ml.draft",
    "affinity_ranking": "npf_screen.ml.affinity",
    "expand": "npf_screen.ml.expansion",
    "explain_affinity": "npf_screen.ml.affinity",
    "fetch_business_text": "npf_screen.fetch.companies",
    "fetch_revenue_composition": "npf_screen.fetch.companies",
    "fetch_universe": "npf_screen.fetch.api",
    "first_stage_selector": "npf_screen.screening.first_stage",
    "list_snapshots": "npf_screen.fetch.api",
    "load_definition": "npf_screen.runs.definitions",
    "load_snapshot": "npf_screen.fetch.api",
    "revenue_exposure": "npf_screen.screening.exposure",
    "run_screen": "npf_screen.runs.runner",
    "similar_companies": "npf_screen.ml.similarity",
    "suggest_keywords": "npf_screen.ml.keyword_suggestions",
    "theme_affinity": "npf_screen.ml.affinity",
    "theme_similarity": "npf_screen.ml.similarity",
    "write_candidates": "npf_screen.outputs.watchlists.writer",
    "write_report": "npf_screen.outputs.report",
    "write_watchlist": "npf_screen.outputs.watchlists.writer",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'npf_screen' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "DefinitionError",
    "DraftError",
    "EmptyRunError",
    "ExitCode",
    "Explanation",
    "HistoryRecordError",
    "NpfScreenError",
    "OutputError",
    "RuleError",
    "RunError",
    "RunLockedError",
    "SchemaDriftError",
    "ScreenResult",
    "SnapshotError",
    "SourceError",
    "Theme",
    "ThemeSet",
    "UniverseError",
    "UnknownCompanyError",
    "UnknownRunError",
    "UnknownThemeError",
    "UpstreamRefusedError",
    "UsageError",
    "affinity_ranking",
    "draft_theme",
    "expand",
    "explain_affinity",
    "fetch_business_text",
    "fetch_revenue_composition",
    "fetch_universe",
    "first_stage_selector",
    "list_snapshots",
    "load_definition",
    "load_sample",
    "load_snapshot",
    "load_themes",
    "load_universe",
    "revenue_exposure",
    "run_screen",
    "screen",
    "similar_companies",
    "suggest_keywords",
    "theme_affinity",
    "theme_similarity",
    "write_candidates",
    "write_report",
    "write_watchlist",
]

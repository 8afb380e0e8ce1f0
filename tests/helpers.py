"""Small builders shared by tests: hand-made universes and rule files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from npf_screen.rules.loader import load_themes
from npf_screen.rules.model import ThemeSet
from npf_screen.screening.engine import screen
from npf_screen.screening.results import ScreenResult
from npf_screen.universe.schema import to_canonical

THEME_HEADER = """
[[theme]]
id = "{id}"
name = "测试主题"
line = "{line}"
rationale = "A theme written for a test."
source = "tests"
"""


def universe(rows: list[dict]) -> pd.DataFrame:
    """A canonical universe from a few hand-written rows (code and name required)."""
    return to_canonical(pd.DataFrame(rows), source="<test>")


def write_rules(tmp_path: Path, text: str, name: str = "rules.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rule_themes(tmp_path: Path, text: str) -> ThemeSet:
    """Only the themes of a rule text (no bundled ones), validated like any rule file."""
    return load_themes(write_rules(tmp_path, text), bundled=False)


def screen_rules(tmp_path: Path, text: str, companies: pd.DataFrame | list[dict]) -> ScreenResult:
    """Screen hand-made companies (a frame, or rows for :func:`universe`) with only these rules."""
    frame = universe(companies) if isinstance(companies, list) else companies
    return screen(frame, rule_themes(tmp_path, text))

"""Small builders shared by tests: hand-made universes and rule files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

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

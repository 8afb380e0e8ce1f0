"""Two small themes for tests of the data layer, independent of the bundled seeds."""

from __future__ import annotations

from typing import Any

THEMES_TOML = """
[[theme]]
id = "test_robotics"
name = "机器人"
line = "emerging"
rationale = "Robots and their core parts, for tests of the data layer."
source = "test"
industries = ["通用设备"]
concepts = ["机器人概念"]
[[theme.keywords]]
weight = 40
terms = ["机器人", "减速器"]

[[theme]]
id = "test_space"
name = "商业航天"
line = "future"
rationale = "Satellites and launchers, for tests of the data layer."
source = "test"
concepts = ["商业航天"]
[[theme.keywords]]
weight = 40
terms = ["卫星", "火箭"]
"""


def test_themes() -> Any:
    """Two small themes, independent of the bundled seeds."""
    from npf_screen.rules.loader import parse_rule_text
    from npf_screen.rules.model import ThemeSet

    themes, problems = parse_rule_text(THEMES_TOML, "<test themes>")
    assert not problems, problems
    return ThemeSet(themes)


test_themes.__test__ = False  # type: ignore[attr-defined]  # not a pytest test

"""Rule files: every documented problem is reported, all at once, with file, line, id and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from npf_screen import RuleError, load_themes
from npf_screen.rules.loader import bundled_rule_files, parse_rule_text

from .helpers import THEME_HEADER, write_rules

GOOD = (
    THEME_HEADER.format(id="t_good", line="emerging")
    + """
[[theme.keywords]]
weight = 30
terms = ["光刻机"]
"""
)


def problems_of(text: str) -> list[str]:
    _, problems = parse_rule_text(text, "demo.toml")
    return problems


def test_a_valid_file_parses_without_problems() -> None:
    themes, problems = parse_rule_text(GOOD, "demo.toml")
    assert problems == []
    assert themes[0].keywords[0].terms == ("光刻机",)


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ('colour = "red"', "colour: unknown field"),
        ('line = "sideways"', "unknown line 'sideways'"),
    ],
)
def test_theme_level_problems(patch: str, expected: str) -> None:
    key = patch.split(" = ")[0]
    text = (
        GOOD.replace('line = "emerging"', patch)
        if key == "line"
        else GOOD.replace("source", patch + "\nsource")
    )
    assert any(expected in p for p in problems_of(text))


def test_every_problem_is_listed_with_location() -> None:
    text = (
        THEME_HEADER.format(id="t_bad", line="regional")
        + """
unknown_key = 1
[[theme.keywords]]
weight = -5
terms = ["", "光刻机"]
fields = ["main_business", "nowhere"]
[[theme.keywords]]
weight = "heavy"
terms = ["光刻机"]
[theme.region]
provinces = ["Atlantis"]
[theme.filters]
ebitda = { min = 1 }
[[theme.exclude]]
terms = ["贸易"]
"""
    )
    problems = problems_of(text)
    joined = "\n".join(problems)
    for expected in [
        "unknown_key: unknown field",
        "keywords[0].weight: -5 is out of range",
        "keywords[0].terms[0]: '' is empty",
        "keywords[0].fields: unknown field 'nowhere'",
        "keywords[1].weight: 'heavy' is not a number",
        "unknown province 'Atlantis'",
        "filters.ebitda: unknown numeric column",
        "exclude[0]: has neither penalty nor veto",
    ]:
        assert expected in joined, expected
    line = text.splitlines().index('id = "t_bad"') + 1
    assert all(p.startswith(f"demo.toml:{line}: theme 't_bad'") for p in problems)


def test_duplicate_keyword_within_a_theme() -> None:
    text = GOOD + '[[theme.keywords]]\nweight = 10\nterms = ["光刻机"]\n'
    assert any("duplicate keyword '光刻机'" in p for p in problems_of(text))


def test_regional_theme_needs_a_region() -> None:
    text = GOOD.replace('line = "emerging"', 'line = "regional"')
    assert any("needs [theme.region]" in p for p in problems_of(text))


def test_syntax_error_names_line_and_text() -> None:
    problems = problems_of(GOOD + "\nweight = = 3\n")
    assert len(problems) == 1
    assert "TOML syntax error" in problems[0] and "weight = = 3" in problems[0]


def test_load_raises_one_error_listing_all_files(tmp_path: Path) -> None:
    a = write_rules(tmp_path, GOOD, "a.toml")
    b = write_rules(tmp_path, GOOD + '\n[[theme]]\nid = "Bad Id"\n', "b.toml")
    with pytest.raises(RuleError) as info:
        load_themes([a, b], bundled=False)
    err = info.value
    assert isinstance(err, ValueError)
    assert any("duplicate id" in p and "a.toml" in p for p in err.problems)
    assert any("'Bad Id' is not a valid id" in p for p in err.problems)
    assert str(err).startswith("invalid theme rules (")


def test_missing_rule_path_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no such rule file"):
        load_themes(tmp_path / "nope.toml")


def test_user_rules_replace_bundled_ids(tmp_path: Path) -> None:
    replacement = GOOD.replace("t_good", "cp_lithography")
    themes = load_themes(write_rules(tmp_path, replacement))
    assert themes["cp_lithography"].origin.endswith("rules.toml")
    assert len(themes) == len(load_themes())


def test_bundled_seeds_are_valid_and_cover_required_ids() -> None:
    required = [
        "cp_lithography",
        "cp_semiconductor_equipment",
        "cp_semiconductor_materials",
        "cp_eda",
        "cp_high_end_chips",
        "cp_power_semiconductors",
        "cp_advanced_packaging",
        "cp_industrial_software",
        "cp_basic_software",
        "cp_machine_tools",
        "cp_robot_components",
        "cp_aero_engines",
        "cp_large_aircraft",
        "cp_precision_instruments",
        "cp_advanced_materials",
        "em_intelligent_nev",
        "em_hydrogen",
        "em_new_materials",
        "em_innovative_drugs",
        "em_biomanufacturing",
        "em_commercial_aerospace",
        "em_low_altitude",
        "em_ai_computing",
        "em_data_economy",
        "fu_quantum",
        "fu_humanoid_robots",
        "fu_brain_computer",
        "fu_nuclear_fusion",
        "fu_6g",
        "rg_gx_autos",
        "rg_gx_steel",
        "rg_yn_green_aluminium",
        "rg_cq_vehicles",
        "rg_cq_wafer_fabs",
        "rg_gz_digital",
    ]
    themes = load_themes()
    assert not set(required) - set(themes.ids)
    prefixes = {"cp_": "choke_point", "em_": "emerging", "fu_": "future", "rg_": "regional"}
    for theme in themes:
        assert theme.line == prefixes[theme.id[:3]], theme.id
        assert len(theme.rationale) > 40, theme.id
    assert {f.name for f in bundled_rule_files()} >= {"choke_point.toml", "emerging.toml", "future.toml"}


def test_rules_never_name_stock_codes() -> None:
    import re

    for file in bundled_rule_files():
        text = file.read_text(encoding="utf-8")
        assert not re.search(r"(?<!\d)[036]\d{5}(?!\d)", text), (
            f"{file.name} names what looks like a stock code"
        )

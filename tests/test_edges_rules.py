"""Issue 13, rule files and screen definitions: bad input is refused at load time with exit 2,
naming the file, field and value; no input hangs, exhausts the stack or crosses companies."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from npf_screen import load_themes, screen
from npf_screen.cli.main import main
from npf_screen.core.errors import DefinitionError, RuleError
from npf_screen.core.toml_checks import MAX_TOML_BYTES, MAX_TOML_DEPTH, Problems
from npf_screen.rules.loader import parse_rule_text
from npf_screen.rules.model import KeywordGroup, Theme, ThemeSet
from npf_screen.runs.definitions import parse_definition

from .helpers import THEME_HEADER, universe, write_rules

GOOD = (
    THEME_HEADER.format(id="t_good", line="emerging")
    + '[[theme.keywords]]\nweight = 30\nterms = ["光刻机"]\n'
)


def problems_of(text: str) -> list[str]:
    return parse_rule_text(text, "demo.toml")[1]


# ------------------------------------------------------------------ rule values
@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("[theme.filters]\nroe = { min = nan }\n", "filters.roe.min: nan is not a finite number"),
        ("[theme.filters]\nroe = { max = inf }\n", "filters.roe.max: inf is not a finite number"),
        ("[theme.filters]\nroe = { min = 20, max = 5 }\n", "filters.roe: min 20 is above max 5"),
        ('[[theme.keywords]]\nweight = 5\nterms = ["x"]\nlabel = { a = 1 }\n', "keywords[1].label"),
        ('[[theme.keywords]]\nweight = 5\nterms = ["\\u0000"]\n', "control character(s) U+0000"),
        ('[[theme.keywords]]\nweight = 5\nterms = ["光\\u001f刻"]\n', "U+001F"),
        ('[[theme.exclude]]\nterms = ["x\\u0007"]\nveto = true\n', "exclude[0].terms[0]"),
    ],
)
def test_bad_rule_values_are_named(extra: str, expected: str) -> None:
    found = "\n".join(problems_of(GOOD + extra))
    assert expected in found and "demo.toml:3: theme 't_good'" in found


def test_table_where_a_string_is_expected_is_named() -> None:
    found = "\n".join(problems_of(GOOD.replace('name = "测试主题"', "name = { a = 1 }")))
    assert "theme 't_good': name: {'a': 1}" in found


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n# another\n"])
def test_an_empty_or_comment_only_rule_file_is_an_error(tmp_path: Path, text: str) -> None:
    path = write_rules(tmp_path, text)
    with pytest.raises(RuleError, match="defines no theme"):
        load_themes(path, bundled=False)
    assert main(["themes", "--rules", str(path)]) == 2


def test_an_id_with_a_trailing_newline_is_refused() -> None:
    found = "\n".join(problems_of(GOOD.replace('id = "t_good"', 'id = "t_good\\n"')))
    assert "is not a valid id" in found


# ------------------------------------------------------------------ sizes and nesting
def _invalid_file(size: int) -> str:
    block = THEME_HEADER + '[[theme.keywords]]\nweight = 500\nterms = ["词{i}"]\n'
    parts, total, i = [], 0, 0
    while total < size:
        part = block.format(id=f"t_{i:06d}", line="emerging", i=i)
        parts.append(part)
        total += len(part.encode())
        i += 1
    return "".join(parts)


def test_validation_is_linear_in_the_number_of_problems() -> None:
    small, large = _invalid_file(100_000), _invalid_file(800_000)
    started = time.perf_counter()
    n_small = len(problems_of(small))
    t_small = time.perf_counter() - started
    started = time.perf_counter()
    n_large = len(problems_of(large))
    t_large = time.perf_counter() - started
    assert n_large > 7 * n_small > 0
    # Quadratic validation took 86 s for 1 MB; linear takes about 8x the small file's time.
    assert t_large < 30 * max(t_small, 0.01)


def test_an_oversized_rule_file_is_refused_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text("# x\n" * (MAX_TOML_BYTES // 4 + 10), encoding="utf-8")
    with pytest.raises(RuleError, match="bytes are refused"):
        load_themes(path, bundled=False)
    found = problems_of("#" * (MAX_TOML_BYTES + 1))
    assert "bytes are refused" in found[0]


@pytest.mark.parametrize("levels", [MAX_TOML_DEPTH + 5, 5_000])
def test_deep_nesting_is_refused_in_rules_and_definitions(tmp_path: Path, levels: int) -> None:
    deep = "x = " + "[" * levels + "]" * levels + "\n"
    assert "nested too deeply" in problems_of(deep)[0]
    with pytest.raises(DefinitionError, match="nested too deeply"):
        parse_definition(deep, tmp_path / "d.toml")
    dotted = "a" + ".b" * levels + " = 1\n"
    assert "nested too deeply" in problems_of(dotted)[0]
    path = write_rules(tmp_path, deep)
    assert main(["themes", "--rules", str(path)]) == 2


def test_problems_locate_themes_by_one_linear_scan() -> None:
    p = Problems("f.toml", 'x = 1\nid = "a"\n\n  id = "b"\nid = "a"\n')
    assert (p.line_of("a"), p.line_of("b"), p.line_of("c"), p.line_of(None)) == (2, 4, None, None)


# ------------------------------------------------------------------ companies stay apart
def test_a_term_never_matches_across_company_boundaries() -> None:
    # Built through the Python API, which bypasses rule-file validation.
    theme = Theme(
        id="t_nul", name="NUL", line="emerging", rationale="r", source="s",
        keywords=(KeywordGroup(30.0, ("\x00", "末尾\x00开头", "尾开")),),
    )  # fmt: skip
    frame = universe(
        [
            {"code": "600001", "name": "甲", "main_business": "产品末尾"},
            {"code": "600002", "name": "乙", "main_business": "开头产品"},
            {"code": "600003", "name": "丙", "main_business": "a\x00b"},
        ]
    )
    result = screen(frame, ThemeSet([theme]))
    assert result.candidates.empty, result.candidates


# ------------------------------------------------------------------ definitions
def _definition_problems(text: str, tmp_path: Path) -> str:
    with pytest.raises(DefinitionError) as info:
        parse_definition(text, tmp_path / "d.toml")
    return str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the definition is empty"),
        ("# just a comment\n", "the definition is empty"),
        ("[screen]\nbuffer = 1e308\n", "[screen].buffer: 1e+308 is above the maximum 100"),
        ("[screen]\ntop = 99999999999\n", "[screen].top: 99999999999 is above the maximum"),
        ('[screen]\noutput_dir = "a\\u0000b"\n', "[screen].output_dir"),
        ('[universe]\nsource = "file"\npath = "c\\u0000.csv"\n', "[universe].path"),
        ('[screen]\nrules = ["r\\u0000"]\n', "[screen].rules"),
        ("[filters]\nmin_days_listed = 999999999999\n", "[filters].min_days_listed"),
        ('[[watchlist]]\nformat = "tdx"\npath = "ZXG.blk"\n', "main 自选股"),
        ('[[watchlist]]\nformat = "tdx"\npath = "a-b.blk"\n', "block file name 'a-b'"),
        ('[[watchlist]]\nformat = "csv"\npath = "{theme_name:>300000000}.csv"\n', "format specs"),
        ('[[watchlist]]\nformat = "csv"\npath = "{theme:>5000}.csv"\n', "format specs"),
        ('[[watchlist]]\nformat = "csv"\npath = "{theme!r}.csv"\n', "format specs"),
        ('[[watchlist]]\nformat = "json"\npath = "a.json"\nname = "{theme_name:>9}"\n', "format specs"),
        ('[[watchlist]]\nformat = "csv"\npath = "' + "n" * 300 + '.csv"\n', "exceed 255 bytes"),
        ('[[watchlist]]\nformat = "csv"\npath = "' + "n" * 200 + '{theme}.csv"\n', "exceed 255 bytes"),
    ],
)
def test_definitions_that_failed_at_run_time_are_refused_at_load(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert expected in _definition_problems(text, tmp_path)


def test_cli_run_exits_2_for_an_empty_definition(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    definition = tmp_path / "empty.toml"
    definition.write_text("", encoding="utf-8")
    assert main(["run", str(definition), "--history-dir", str(tmp_path / "h")]) == 2
    assert "empty.toml: the definition is empty" in capsys.readouterr().err


def test_misspelt_keys_and_fields_get_a_suggestion(tmp_path: Path) -> None:
    """A misspelt key names the closest allowed one, in rule files and in screen definitions."""
    text = GOOD.replace("weight = 30", 'wieght = 30\nfields = ["main_busines"]')
    _, problems = parse_rule_text(text, "r.toml")
    joined = "\n".join(problems)
    assert "wieght: unknown field (did you mean 'weight'?)" in joined
    assert "'main_busines' (did you mean 'main_business'?)" in joined
    definition = tmp_path / "d.toml"
    definition.write_text('[screen]\nname = "d"\ntopp = 5\n[universe]\nsource = "sample"\n', encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"topp: unknown key \(did you mean 'top'\?\)"):
        parse_definition(definition.read_text(encoding="utf-8"), definition)

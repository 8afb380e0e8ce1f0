"""Issue 13, property-based tests (hypothesis): the rule loader and the universe loader raise no
exception but the project's own over generated files, and every evidence term occurs in that
company's own text.

Example counts are bounded so the suite stays fast (figures per test in ``EXAMPLES``); raise them
locally with ``HYPOTHESIS_EXAMPLES=5000 python -m pytest tests/test_edges_fuzz.py``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npf_screen import screen
from npf_screen.core.errors import NpfScreenError, RuleError, UniverseError
from npf_screen.rules.loader import load_themes, parse_rule_text
from npf_screen.rules.model import FIELDS, normalize_term
from npf_screen.universe.loader import load_universe
from npf_screen.universe.schema import to_canonical

_SCALE = int(os.environ.get("HYPOTHESIS_EXAMPLES", "0")) or None
EXAMPLES = {"rule_text": 600, "rule_structured": 400, "universe_csv": 300, "evidence": 60}


def _settings(name: str) -> settings:
    return settings(
        max_examples=_SCALE or EXAMPLES[name],
        deadline=None,
        derandomize=True,  # the same examples on every run and in CI
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        database=None,
    )


# ------------------------------------------------------------------ rule files
_KEYS = ["id", "name", "line", "rationale", "source", "keywords", "industries", "concepts", "exclude",
         "region", "filters", "field_weights", "max_per_field", "min_score", "weight", "terms", "fields",
         "label", "min", "max", "missing", "veto", "penalty", "provinces", "cities"]  # fmt: skip
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=True),
    st.text(max_size=12), st.sampled_from(["emerging", "regional", "光刻机", "pass", "roe", "name", "广东"]),
)  # fmt: skip
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)
    ),
    max_leaves=20,
)


def _toml_value(value: object) -> str | None:
    """A TOML literal for ``value`` (None when TOML cannot express it)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -(2**63) <= value < 2**63 else None
    if isinstance(value, float):
        return (
            "nan"
            if value != value
            else ("inf" if value == float("inf") else "-inf" if value < -1e308 else repr(value))
        )
    if isinstance(value, str):
        return (
            '"'
            + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in value)
            + '"'
        )
    if isinstance(value, list):
        items = [_toml_value(v) for v in value]
        return None if None in items else "[" + ", ".join(items) + "]"  # type: ignore[arg-type]
    if isinstance(value, dict):
        items = [(k, _toml_value(v)) for k, v in value.items()]
        return "{" + ", ".join(f"{k} = {v}" for k, v in items if v is not None) + "}"
    return None


@st.composite
def _rule_files(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 3))):
        lines.append("[[theme]]")
        for key, value in draw(st.dictionaries(st.sampled_from(_KEYS), _values, max_size=8)).items():
            literal = _toml_value(value)
            if literal is not None:
                lines.append(f"{key} = {literal}")
    return "\n".join(lines) + "\n"


@_settings("rule_text")
@given(
    st.text(
        alphabet=st.sampled_from(list("[]{}=.,\"'#\n\\ \x00idnamelinetermsweight0123456789光刻机")),
        max_size=300,
    )
)
def test_any_text_as_a_rule_file_gives_problems_not_crashes(text: str) -> None:
    try:
        themes, problems = parse_rule_text(text, "fuzz.toml")
    except NpfScreenError:
        return
    assert themes or problems  # an empty or broken file is always reported
    assert all(p.startswith("fuzz.toml") for p in problems)


@_settings("rule_structured")
@given(_rule_files())
def test_structured_rule_files_give_problems_not_crashes(text: str) -> None:
    try:
        themes, problems = parse_rule_text(text, "fuzz.toml")
    except NpfScreenError:
        return
    assert themes or problems
    for theme in themes:  # what validates is usable: no control characters reach the matcher
        for group in theme.keywords:
            assert all(t.isprintable() for t in group.terms)


# ------------------------------------------------------------------ universes
_cells = st.one_of(
    st.text(max_size=8), st.sampled_from(["600519", "1", "60051", "", " ", "inf", "nan", "1e400", "贵州茅台"])
)
_columns = st.sampled_from(
    ["code", "name", "market_cap_yi", "pe", "list_date", "province", "main_business", "x"]
)


@_settings("universe_csv")
@given(
    st.lists(_columns, min_size=0, max_size=5, unique=True),
    st.lists(st.lists(_cells, min_size=5, max_size=5), max_size=5),
)
def test_any_company_table_loads_or_raises_a_universe_error(tmp_path_factory, header, rows) -> None:
    buffer = io.StringIO()
    pd.DataFrame([r[: len(header)] for r in rows], columns=header).to_csv(buffer, index=False)
    path = tmp_path_factory.mktemp("u") / "u.csv"
    path.write_text(buffer.getvalue() if header else "", encoding="utf-8")
    try:
        frame = load_universe(path)
    except UniverseError as exc:
        assert "u.csv" in str(exc)
        return
    assert len(frame) and frame["code"].str.fullmatch(r"\d{6}").all() and frame["name"].notna().all()


# ------------------------------------------------------------------ evidence stays with its company
_words = st.sampled_from(
    ["光刻", "光刻机", "刻机", "芯片", "氢能", "电池", "机器人", "eda", "ai", "光", "\x00"]
)


@_settings("evidence")
@given(
    st.lists(st.lists(_words, min_size=0, max_size=6), min_size=2, max_size=6),
    st.lists(_words.filter(lambda w: w != "\x00"), min_size=1, max_size=4, unique=True),
)
def test_every_evidence_term_occurs_in_that_companys_own_text(tmp_path_factory, texts, terms) -> None:
    rows = [
        {
            "code": f"6000{i:02d}",
            "name": f"公司{i}",
            "main_business": "".join(words),
            "products": "".join(words[::-1]),
        }
        for i, words in enumerate(texts)
    ]
    universe = to_canonical(pd.DataFrame(rows))
    rules = tmp_path_factory.mktemp("r") / "r.toml"
    quoted = ", ".join(f'"{t}"' for t in terms)
    rules.write_text(
        '[[theme]]\nid = "t_fuzz"\nname = "测"\nline = "emerging"\nrationale = "r"\nsource = "s"\n'
        f"[[theme.keywords]]\nweight = 10\nterms = [{quoted}]\n",
        encoding="utf-8",
    )
    result = screen(universe, load_themes(rules, bundled=False))
    evidence = (
        result.evidence[result.evidence["kind"] == "keyword"]
        if "kind" in result.evidence
        else result.evidence
    )
    by_code = universe.set_index("code")
    for row in evidence.itertuples():
        if row.field not in FIELDS or row.field in ("concepts", "industry"):
            continue
        own = normalize_term(str(by_code.loc[row.code, row.field]))
        assert normalize_term(str(row.term)) in own, (row.code, row.field, row.term)


def test_rule_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("[[theme]]\nid = 1\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"x\.toml"):
        load_themes(path, bundled=False)

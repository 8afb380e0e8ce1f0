"""The bundled sample universe: real companies, canonical columns, descriptions in our own words."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from npf_screen.rules.loader import load_themes
from npf_screen.universe.loader import SAMPLE_FILE, load_sample
from npf_screen.universe.schema import CANONICAL_COLUMNS, INDUSTRY_COLUMNS

THEME_IDS = (
    "cp_lithography", "cp_semiconductor_equipment", "cp_semiconductor_materials", "cp_eda",
    "cp_high_end_chips", "cp_power_semiconductors", "cp_advanced_packaging",
    "cp_industrial_software", "cp_basic_software", "cp_machine_tools", "cp_robot_components",
    "cp_aero_engines", "cp_large_aircraft", "cp_precision_instruments", "cp_advanced_materials",
    "em_intelligent_nev", "em_hydrogen", "em_new_materials", "em_innovative_drugs",
    "em_biomanufacturing", "em_commercial_aerospace", "em_low_altitude", "em_ai_computing",
    "em_data_economy",
    "fu_quantum", "fu_humanoid_robots", "fu_brain_computer", "fu_nuclear_fusion", "fu_6g",
    "rg_gx_autos", "rg_gx_steel", "rg_yn_green_aluminium", "rg_cq_vehicles", "rg_cq_wafer_fabs",
    "rg_gz_digital",
)  # fmt: skip
REGIONS = ("广西", "云南", "重庆", "贵州")
#: Identity facts that must agree with the reference data (industry_tushare is not in the sample).
IDENTITY_COLUMNS = (
    "code", "exchange", "name", "board", "list_date", "province", "city",
    *(c for c in INDUSTRY_COLUMNS if c != "industry_tushare"),
)  # fmt: skip
SHINGLE = 20


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return load_sample()


@pytest.fixture(scope="module")
def raw_sample() -> pd.DataFrame:
    """The bundled CSV as written, including the documentation-only ``theme_hint`` column."""
    ref = resources.files("npf_screen.universe.data").joinpath(SAMPLE_FILE)
    with resources.as_file(ref) as file:
        return pd.read_csv(file, dtype=str, keep_default_na=False)


def _hints(raw: pd.DataFrame) -> pd.Series:
    return raw["theme_hint"].str.split("|").map(lambda ids: [i for i in ids if i])


def _shingles(text: str) -> set[str]:
    return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def test_sample_shape(sample: pd.DataFrame) -> None:
    assert 150 <= len(sample) <= 300
    assert list(sample.columns) == list(CANONICAL_COLUMNS)
    assert sample["code"].str.fullmatch(r"\d{6}").all()
    assert sample["code"].is_unique
    assert sample["name"].notna().all()
    assert sample["main_business"].notna().all()
    assert sample["products"].notna().all()


def test_sample_file_is_plain_utf8() -> None:
    data = resources.files("npf_screen.universe.data").joinpath(SAMPLE_FILE).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    data.decode("utf-8")


def test_identity_matches_reference(sample: pd.DataFrame, reference_universe: pd.DataFrame) -> None:
    ref = reference_universe.set_index("code")
    mine = sample.set_index("code")
    unknown = sorted(set(mine.index) - set(ref.index))
    assert not unknown, f"codes not in the reference data: {unknown}"
    columns = [c for c in IDENTITY_COLUMNS if c != "code"]
    expected = ref.loc[mine.index, columns]
    problems = [
        f"{code} {column}: sample {mine.at[code, column]!r} != reference {expected.at[code, column]!r}"
        for column in columns
        for code in mine.index
        if not (
            (pd.isna(mine.at[code, column]) and pd.isna(expected.at[code, column]))
            or mine.at[code, column] == expected.at[code, column]
        )
    ]
    assert not problems, "\n".join(problems[:30])


def test_descriptions_are_own_words(sample: pd.DataFrame, reference_universe: pd.DataFrame) -> None:
    ref = reference_universe.set_index("code")
    problems = []
    for row in sample.itertuples(index=False):
        texts = [
            t for t in (ref.at[row.code, "main_business"], ref.at[row.code, "business_scope"]) if pd.notna(t)
        ]
        if any(row.main_business == t for t in texts):
            problems.append(f"{row.code} {row.name}: main_business equals the reference text")
            continue
        reference_shingles = set().union(*(_shingles(t) for t in texts)) if texts else set()
        for field in ("main_business", "products"):
            shared = _shingles(getattr(row, field)) & reference_shingles
            if shared:
                problems.append(
                    f"{row.code} {row.name}: {field} shares {sorted(shared)[0]!r} with the reference"
                )
    assert not problems, "\n".join(problems)


def test_descriptions_are_sized(raw_sample: pd.DataFrame) -> None:
    lengths = raw_sample["main_business"].str.len()
    assert lengths.between(30, 120).all(), raw_sample.loc[~lengths.between(30, 120), ["code", "name"]]
    n_concepts = raw_sample["concepts"].map(lambda text: len([c for c in text.split(",") if c]))
    assert (n_concepts <= 4).all()


def test_every_theme_is_illustrated(raw_sample: pd.DataFrame) -> None:
    hinted = [i for ids in _hints(raw_sample) for i in ids]
    unknown = sorted(set(hinted) - set(THEME_IDS) - set(load_themes().ids))
    assert not unknown, f"unknown theme ids in theme_hint: {unknown}"
    missing = [t for t in THEME_IDS if t not in hinted]
    assert not missing, f"themes without a sample company: {missing}"


def test_unrelated_companies_present(raw_sample: pd.DataFrame) -> None:
    """Banks, liquor, property, retail, utilities ...: companies with no theme_hint."""
    unrelated = raw_sample[_hints(raw_sample).map(len) == 0]
    assert len(unrelated) >= 20


@pytest.mark.parametrize("province", REGIONS)
def test_report_regions_are_covered(sample: pd.DataFrame, province: str) -> None:
    assert (sample["province"] == province).sum() >= 3


def test_rules_name_no_company(reference_universe: pd.DataFrame) -> None:
    """Rules describe businesses: no keyword, label or exclusion names a listed company or a stock code."""
    import re

    names = {
        re.sub(r"^\*?ST|-[A-Z]+$|[ＡＢ]$", "", str(n)).strip()
        for n in reference_universe["name"].astype("object")
    }
    names = {n for n in names if len(n) >= 4}  # 3-character names include plain words (机器人, 太阳能)
    offending = []
    for theme in load_themes():
        words = [t for g in theme.keywords for t in g.terms]
        words += [*theme.industries, *theme.concepts]
        words += [t for e in theme.exclusions for t in (*e.terms, *e.industries)]
        for word in words:
            if re.search(r"\d{6}", word) or any(n in word for n in names if len(n) <= len(word)):
                offending.append(f"{theme.id}: {word}")
    assert not offending, offending

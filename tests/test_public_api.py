"""The public namespace and the installed package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import npf_screen
from npf_screen.core import errors

ROOT = Path(__file__).resolve().parents[1]


def test_all_is_sorted_and_importable() -> None:
    assert npf_screen.__all__ == sorted(npf_screen.__all__)
    for name in npf_screen.__all__:
        assert hasattr(npf_screen, name), name


#: The public names `import npf_screen as npf` offered before the layers were made visible: they stay.
NAMES_BEFORE_THE_LAYERS = {
    "Explanation", "NpfScreenError", "OutputError", "RuleError", "ScreenResult", "Theme", "ThemeSet",
    "UniverseError", "UnknownCompanyError", "UnknownThemeError", "affinity_ranking", "explain_affinity",
    "fetch_business_text", "fetch_revenue_composition", "fetch_universe", "list_snapshots", "load_definition",
    "load_sample", "load_snapshot", "load_themes", "load_universe", "revenue_exposure", "run_screen",
    "screen",
    "similar_companies", "suggest_keywords", "theme_affinity", "theme_similarity", "write_candidates",
    "write_report", "write_watchlist",
}  # fmt: skip


def test_the_root_keeps_every_name_and_exports_every_error() -> None:
    assert set(npf_screen.__all__) >= NAMES_BEFORE_THE_LAYERS
    assert set(errors.__all__) <= set(npf_screen.__all__)
    for name in errors.__all__:
        assert getattr(npf_screen, name) is getattr(errors, name)


def test_exceptions_subclass_fitting_builtins() -> None:
    assert issubclass(errors.RuleError, ValueError)
    assert issubclass(errors.UniverseError, ValueError)
    assert issubclass(errors.UnknownThemeError, KeyError)
    assert issubclass(errors.UnknownCompanyError, KeyError)
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.NpfScreenError)
    assert errors.__all__ == sorted(errors.__all__)


def test_every_subpackage_is_packaged() -> None:
    import tomllib

    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "npf_screen").rglob("__init__.py")}
    found.add("npf_screen.seeds")  # seeds/ is mapped into the package by [tool.setuptools.package-dir]
    assert found == declared


@pytest.mark.slow
def test_plain_install_ships_seeds_and_sample(tmp_path: Path) -> None:
    """`pip install .` (not editable) carries the rule files and the sample; run from elsewhere."""
    target = tmp_path / "site"
    had_build = (ROOT / "build").exists()
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    if not had_build:  # setuptools builds in-tree; leave the checkout as it was
        shutil.rmtree(ROOT / "build", ignore_errors=True)
    assert sorted(p.name for p in (target / "npf_screen" / "seeds").glob("*.toml"))
    probe = (
        "import npf_screen, sys; from npf_screen.rules.loader import bundled_rule_files;"
        "import npf_screen.fetch.api, npf_screen.outputs.watchlists.writer, npf_screen.sources;"
        "import npf_screen.outputs.report;"
        "t = npf_screen.load_themes(); s = npf_screen.load_sample();"
        "assert all(str(f).startswith(sys.argv[1]) for f in bundled_rule_files());"
        "print(len(t), len(s))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(target)], cwd=tmp_path, env={"PYTHONPATH": str(target)},
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    n_themes, n_sample = map(int, done.stdout.split())
    assert n_themes == len(npf_screen.load_themes())
    assert 150 <= n_sample <= 300

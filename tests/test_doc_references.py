"""Every module, object or file of the package that the documentation names exists (modules move;
the docs must move with them)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted(
    [
        ROOT / "README.md",
        ROOT / "ARCHITECTURE.md",
        ROOT / "seeds" / "README.md",
        *(ROOT / "notebooks").glob("*.ipynb"),
        ROOT / "notebooks" / "_build.py",
        *(ROOT / "benchmarks").glob("*.py"),
    ]
)
_REFERENCE = re.compile(r"npf_screen(?:[./][A-Za-z_]+)+(?:\.py)?")


def resolves(reference: str) -> bool:
    """A dotted name (module, then attributes) or a path under the repository that exists."""
    if "/" in reference or reference.endswith(".py"):
        return (ROOT / reference).exists()
    parts = reference.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_names_in_the_docs_exist(doc: Path) -> None:
    found = sorted(set(_REFERENCE.findall(doc.read_text(encoding="utf-8"))))
    assert [r for r in found if not resolves(r)] == []


def test_a_moved_name_is_caught() -> None:
    assert resolves("npf_screen.ml.keyword_suggestions.suggest_keywords")
    assert not resolves("npf_screen.ml.similarity.suggest_keywords")
    assert resolves("npf_screen/universe/schema.py")
    assert not resolves("npf_screen/schema.py")

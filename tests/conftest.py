"""Shared fixtures. Reference data lives in ../shared beside the clone and is never committed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = Path(
    os.environ.get("NPF_SCREEN_REFERENCE_DIR", ROOT.parent / "shared" / "data" / "reference")
)


def require_reference(name: str = "companies.csv") -> Path:
    """Path of a reference file; skip when it is absent, but fail under CI=true."""
    path = REFERENCE_DIR / name
    if not path.is_file():
        message = (
            f"reference data {path} is absent: put the shared folder beside the clone "
            "(../shared/data/reference) or set NPF_SCREEN_REFERENCE_DIR"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def reference_companies_path() -> Path:
    return require_reference("companies.csv")


@pytest.fixture(scope="session")
def reference_universe(reference_companies_path: Path):
    from npf_screen import load_universe

    return load_universe(reference_companies_path)

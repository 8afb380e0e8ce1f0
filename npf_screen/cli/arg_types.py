"""Argument types for the command line: a bad number is a usage error (exit 2) naming the value.

Examples
--------
>>> positive_int("3"), score("12.5")
(3, 12.5)
"""

from __future__ import annotations

import argparse
import math

__all__ = ["positive_int", "score"]


def positive_int(text: str) -> int:
    """An integer of at least 1 (``--top``, ``--keep``, ``--max-per-theme``, ``--prune``, ``--limit``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; write e.g. 10") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is below 1; write a whole number of at least 1")
    return value


def score(text: str) -> float:
    """A finite score in [0, 100] (``--min-score``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; write a score in [0, 100]") from None
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a score; write a number in [0, 100]")
    return value

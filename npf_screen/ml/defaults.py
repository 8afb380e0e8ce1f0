"""Defaults of the learned expansion, in a module of their own: the command line shows them in its
help without importing the models (building the parser stays cheap)."""

from __future__ import annotations

__all__ = ["DEFAULT_EXPAND", "FOLDS"]

#: Expanded companies per theme by default (see ``benchmarks/quality.py`` for the measurement).
DEFAULT_EXPAND = 20
#: Cross-fitting folds of the expansion (2 ranks as well as 5 on the tuning themes, at 2/5 the cost).
FOLDS = 2

"""Named codes shared by matching and scoring: label kinds, evidence kinds and fixed note codes.

The scoring tables are numeric (numpy arrays of small integers); these enums give those integers
names, so code reads ``kind == EvidenceKind.GATE`` instead of ``kind == 4``.

Examples
--------
>>> from npf_screen.screening.codes import EVIDENCE_KINDS, EvidenceKind
>>> EVIDENCE_KINDS[EvidenceKind.GATE]
'gate'
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["EVIDENCE_KINDS", "FIXED_NOTES", "EvidenceKind", "LabelKind", "Note"]


class LabelKind(IntEnum):
    """What a compiled label row is: an industry label, a concept label, or an exclusion label."""

    INDUSTRY = 0
    CONCEPT = 1
    EXCLUSION = 2


class EvidenceKind(IntEnum):
    """What an evidence row records (the ``kind`` column, shown by name in results)."""

    KEYWORD = 0
    INDUSTRY = 1
    CONCEPT = 2
    REGION = 3
    GATE = 4
    FILTER = 5
    VETO = 6
    PENALTY = 7


#: Evidence kind names, indexed by :class:`EvidenceKind`.
EVIDENCE_KINDS: tuple[str, ...] = tuple(kind.name.lower() for kind in EvidenceKind)


class Note(IntEnum):
    """Note codes every screen shares; codes from ``len(Note)`` on are per-screen texts."""

    NONE = 0
    BETTER_FIELD = 1
    FIELD_CAP = 2
    SCORE_CAP = 3
    NAMES_REGION = 4
    UNCONFIRMED = 5


#: The text of each fixed :class:`Note`, in code order.
FIXED_NOTES: tuple[str, ...] = (
    "",
    "term already counted in a better field",
    "field cap reached",
    "score cap 100 reached",
    "company elsewhere; its text ties the theme's business to the region",
    "unconfirmed: no theme term in the company's own text (name, main business, products, summary); "
    "labels and scope alone are capped",
)

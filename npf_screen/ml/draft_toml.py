"""Writing a drafted theme as a rule file, every term with its justification in a comment above it.

Strings are TOML basic strings (JSON escaping is a subset of TOML's); the result is parsed back with
:func:`npf_screen.rules.loader.parse_rule_text`, the validator of the bundled seeds, before anyone sees it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from npf_screen.ml.draft_terms import Term

__all__ = ["DraftSpec", "render_toml", "trim_quote"]


@dataclass(frozen=True)
class DraftSpec:
    """Everything a drafted theme's rule file says."""

    theme_id: str
    name: str
    line: str
    rationale: str
    source: str
    groups: tuple[tuple[Term, ...], ...]
    industries: tuple[str, ...] = ()
    concepts: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    labels: tuple[Term, ...] = ()  # adjacent concept labels: a weak keyword group on the concepts field
    min_score: int = 15
    label_weight: int = 15  # a concept label naming a drafted term: alone, a candidate at the bottom
    industry_weight: int = 10  # an industry label adds to text evidence; alone it stays below min_score


def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _list(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(_s(v) for v in values) + "]"


def trim_quote(sentence: str, term: str = "", width: int = 60) -> str:
    """``sentence`` cut to about ``width`` characters around ``term``, with an ellipsis where cut."""
    if len(sentence) <= width:
        return sentence
    at = max(0, sentence.find(term)) if term else 0
    start = max(0, min(at - width // 3, len(sentence) - width))
    piece = sentence[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(sentence) else "")


def _comment(term: Term) -> str:
    if term.kind == "named":
        why = f"named in the text: “{trim_quote(term.sentence, term.term, 50)}”"
    else:
        why = f"vocabulary of {term.origin!r}: {term.shared} of its companies use it"
    return f"# {term.term}: {term.companies} companies use it ({term.label_companies} by label); {why}"


def render_toml(spec: DraftSpec) -> str:
    """The rule file of one drafted theme."""
    out = [
        "# Drafted by `npf-screen draft`: review every term, then keep, edit or delete it.",
        "# Each term's comment says which sentence of the text it came from and how many companies use it.",
        "",
        "[[theme]]",
        f"id = {_s(spec.theme_id)}",
        f"name = {_s(spec.name)}",
        f"line = {_s(spec.line)}",
        f"rationale = {_s(spec.rationale)}",
        f"source = {_s(spec.source)}",
        f"min_score = {spec.min_score}",
        "field_weights = { business_scope = 0.4 }",
    ]
    if spec.industries:
        out += [f"industries = {_list(spec.industries)}", f"industry_weight = {spec.industry_weight}"]
    if spec.concepts:
        out += [f"concepts = {_list(spec.concepts)}", f"concept_weight = {spec.label_weight}"]
    for group in spec.groups:
        head = group[0]
        kind = "原文" if head.kind == "named" else f"相关词·{head.origin}"
        for weight in sorted({t.weight for t in group}, reverse=True):
            members = [t for t in group if t.weight == weight]
            out += ["", "[[theme.keywords]]", f"label = {_s(f'{head.term}（{kind}）')}", f"weight = {weight}"]
            out += [_comment(t) for t in members]
            out += [f"terms = {_list([t.term for t in members])}"]
    if spec.labels:
        out += [
            "",
            "[[theme.keywords]]",
            f"label = {_s('相关概念标签（弱）')}",
            f"weight = {spec.labels[0].weight}",
        ]
        out += ['fields = ["concepts"]']
        out += [
            f"# {t.term}: held by {t.shared} of the companies using the named terms ({t.companies} in all)"
            for t in spec.labels
        ]
        out += [f"terms = {_list([t.term for t in spec.labels])}"]
    if spec.provinces:
        out += [
            "",
            "[theme.region]",
            f"provinces = {_list(spec.provinces)}",
            f"terms = {_list(spec.provinces)}",
        ]
    return "\n".join(out) + "\n"

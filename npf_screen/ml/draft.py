"""From a policy text to a draft theme: proposed rules, with the words that justify them.

:func:`draft_theme` reads a policy or research text (optionally one section of it, or only the clauses
naming one sector), finds the industrial terms it names that companies also use
(:func:`npf_screen.ml.draft_terms.named_terms`), adds the vocabulary those companies share
(:func:`~npf_screen.ml.draft_terms.expand_terms`), groups near-duplicates, weighs each term by how
specific it is in the company corpus, suggests industry and concept labels and, when the text names a
province, a region. The result is a :class:`Draft`: a rule file that loads with the validator of the
bundled seeds, the table of terms with their justification, and a preview of the companies it picks
and of the bundled themes it overlaps. A draft is for an analyst to review, edit and keep; it never
changes the bundled rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from npf_screen.core.errors import DraftError, RuleError
from npf_screen.ml.draft_corpus import CompanyCorpus, company_corpus
from npf_screen.ml.draft_terms import Term, expand_terms, group_terms, named_terms
from npf_screen.ml.draft_toml import DraftSpec, render_toml, trim_quote
from npf_screen.ml.policy_text import focus_passages, read_policy_text, select_section, sentences
from npf_screen.rules.loader import load_themes, parse_rule_text
from npf_screen.rules.model import LINES, Theme, ThemeSet, normalize_term
from npf_screen.screening.engine import screen
from npf_screen.universe.regions import PROVINCES

if TYPE_CHECKING:
    from npf_screen.screening.results import ScreenResult

__all__ = ["Draft", "draft_theme"]

TERM_COLUMNS = ["term", "group", "weight", "kind", "companies", "label_companies", "origin", "sentence"]
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Draft:
    """A drafted theme and its justification (see :func:`draft_theme`)."""

    theme: Theme
    toml: str
    terms: pd.DataFrame
    preview: pd.DataFrame
    overlaps: pd.DataFrame
    spec: DraftSpec = field(repr=False)
    _context: tuple[Any, ...] = field(repr=False, compare=False)

    def write(self, path: str | Path) -> Path:
        """Write the rule file atomically (temp file + rename) and return its path."""
        from npf_screen.core.atomic import atomic_write_text

        return atomic_write_text(path, self.toml)

    def without(self, *terms: str) -> Draft:
        """A new draft without ``terms`` (an analyst's edit), re-validated and previewed again."""
        drop = {normalize_term(t) for t in terms}
        unknown = drop - {normalize_term(t) for t in self.terms["term"]}
        if unknown:
            raise DraftError(f"not terms of this draft: {', '.join(sorted(unknown))}")
        groups = tuple(
            g
            for g in (
                tuple(t for t in group if normalize_term(t.term) not in drop) for group in self.spec.groups
            )
            if g
        )
        if not groups:
            raise DraftError("dropping every term leaves an empty theme; keep at least one term")
        labels = tuple(t for t in self.spec.labels if normalize_term(t.term) not in drop)
        return _finish(replace(self.spec, groups=groups, labels=labels), *self._context)

    def screen(self, universe: pd.DataFrame) -> ScreenResult:
        """Screen ``universe`` with this draft alone."""
        return screen(universe, ThemeSet([self.theme]))

    def __repr__(self) -> str:
        return f"Draft({self.theme.id!r}, {len(self.terms)} terms, {len(self.preview)} preview companies)"


def _provinces(text: str) -> tuple[str, ...]:
    found = [(text.find(p), p) for p in PROVINCES if p in text]
    return tuple(p for _, p in sorted(found))


def _named_users(named: list[Term], corpus: CompanyCorpus) -> np.ndarray:
    """The companies whose business text uses any named term."""
    mask = np.zeros(corpus.n, dtype=bool)
    for t in named:
        mask |= corpus.users(t.term)
    return mask


def _label_counts(mask: np.ndarray, rows: list[list[str]]) -> tuple[dict[str, int], dict[str, int]]:
    """Per label: how many companies of ``mask`` hold it, and how many hold it in all."""
    inside: dict[str, int] = {}
    total: dict[str, int] = {}
    for row, labels in enumerate(rows):
        for label in labels:
            total[label] = total.get(label, 0) + 1
            if mask[row]:
                inside[label] = inside.get(label, 0) + 1
    return inside, total


def _labels(named: list[Term], corpus: CompanyCorpus) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Industry labels held by 40% of a named term's companies, five times as often as by others and
    by at most 5% of the universe (two per term, five in all); concept labels naming a term."""
    industries: dict[str, float] = {}
    for term in named:
        mask = corpus.users(term.term)
        size = int(mask.sum())
        if size < 3:
            continue
        inside, total = _label_counts(mask, corpus.industries)
        found = sorted(
            ((count / size, label) for label, count in inside.items()
             if count >= max(3, 0.4 * size) and total[label] <= 0.05 * corpus.n
             and count / size >= 5 * total[label] / corpus.n),
            reverse=True,
        )[:2]  # fmt: skip
        for value, label in found:
            industries[label] = max(value, industries.get(label, 0.0))
    concepts: dict[str, int] = {}
    terms = [normalize_term(t.term) for t in named]
    for labels in corpus.concepts:
        for label in labels:
            if any(t in normalize_term(label) for t in terms):
                concepts[label] = concepts.get(label, 0) + 1
    chosen = sorted((c for c in concepts if concepts[c] >= 2), key=lambda c: -concepts[c])[:4]
    best = sorted(industries, key=lambda label: -industries[label])[:5]
    return tuple(best), tuple(chosen)


def _adjacent_concepts(named: list[Term], corpus: CompanyCorpus, exclude: tuple[str, ...]) -> list[Term]:
    """Concept labels the named terms' companies hold far more often than others (weak evidence)."""
    mask = _named_users(named, corpus)
    size = int(mask.sum())
    if size < 3:
        return []
    inside, total = _label_counts(mask, corpus.concepts)
    rate = size / corpus.n
    excluded = {normalize_term(x) for x in exclude}
    found = [
        (count / size, label, count)
        for label, count in inside.items()
        if normalize_term(label) not in excluded
        and count >= max(3, 0.2 * size)
        and count / total[label] >= 5 * rate
        and total[label] <= 0.05 * corpus.n
        and not corpus.names_a_company(label)
    ]
    return [
        Term(label, "label", named[0].sentence, total[label], total[label], _LABEL_WEIGHT, "", count)
        for _, label, count in sorted(found, reverse=True)[:4]
    ]


_LABEL_WEIGHT = 10  # in the concepts field (x 0.6): 6 points, below min_score: it only adds to text


def draft_theme(
    text: str | Path,
    universe: pd.DataFrame,
    *,
    section: str | None = None,
    focus: str | None = None,
    theme_id: str = "draft",
    name: str | None = None,
    line: str | None = None,
    themes: ThemeSet | None = None,
    max_terms: int = 30,
    min_companies: int = 2,
    max_share: float = 0.05,
    top: int = 10,
) -> Draft:
    """Draft a theme from a policy or research text.

    Parameters
    ----------
    text : str or Path
        The text itself (UTF-8 plain text or Markdown), or the path of a file holding it.
    universe : DataFrame
        Canonical company table: the corpus terms are measured against, and the preview's universe.
    section : str, optional
        Draft from the first section whose heading contains this text.
    focus : str, optional
        Draft only from the clauses that name this (e.g. one sector of an enumeration).
    theme_id, name, line : str, optional
        The theme's id (default ``"draft"``), Chinese name (default: its first named terms) and line
        (default ``"regional"`` when the text names a province, else ``"emerging"``).
    themes : ThemeSet, optional
        The themes the preview compares the draft with (default: the bundled ones).
    max_terms : int
        At most this many terms; named terms first, then their vocabulary.
    min_companies, max_share : int, float
        A term is kept when at least ``min_companies`` and at most ``max_share`` of the companies use it.
    top : int
        Companies in the preview.

    Returns
    -------
    Draft
        ``toml`` (the rule file), ``theme`` (parsed by the seeds' validator), ``terms`` (term, group,
        weight, kind, companies, label_companies, origin, sentence), ``preview`` (the draft's top
        companies with their evidence) and ``overlaps`` (bundled themes sharing its top-30 companies).

    Raises
    ------
    DraftError
        Empty text, a missing section, a focus no clause names, or no usable terms.

    Examples
    --------
    >>> import npf_screen as npf
    >>> text = "支持光刻胶、电子特气等半导体材料国产化，推进刻蚀设备和薄膜沉积设备攻关。"
    >>> draft = npf.draft_theme(text, npf.load_sample(), theme_id="demo_chip_supply")
    >>> draft.theme.id, draft.theme.line
    ('demo_chip_supply', 'emerging')
    >>> "光刻胶" in draft.terms["term"].tolist()
    True
    """
    origin = "the text"
    if isinstance(text, Path):
        origin, text = str(text), read_policy_text(text)
    if not _ID.match(theme_id):
        raise DraftError(
            f"theme id {theme_id!r}: use lower-case letters, digits and _, starting with a letter"
        )
    if line is not None and line not in LINES:
        raise DraftError(f"line {line!r}: choose from {', '.join(LINES)}")
    body = select_section(text, section, origin) if section else text
    where = f"{origin}, section {section!r}" if section else origin
    passages = focus_passages(sentences(body), focus)
    if not passages:
        what = f"no clause names {focus!r}" if focus else "no sentences"
        raise DraftError(f"{where}: {what}; nothing to draft from")
    corpus = company_corpus(universe)
    named = named_terms(passages, corpus, min_companies=min_companies, max_share=max_share)
    if not named:
        raise DraftError(
            f"{where}: no usable terms: none of its phrases is used by between {min_companies} and "
            f"{max_share:.0%} of the {corpus.n} companies' business text; give a text that names "
            "products, technologies or industries (or a larger universe)"
        )
    named = sorted(named, key=lambda t: -t.weight)[:max_terms]
    vocabulary = expand_terms(named, corpus, n=max_terms - len(named), max_share=max_share)
    provinces = _provinces("".join(p for _, p in passages))
    chosen_line = line or ("regional" if provinces else "emerging")
    if chosen_line == "regional" and not provinces:
        raise DraftError(f"{where}: line 'regional' needs a province the text names; it names none")
    industries, concepts = _labels(named, corpus)
    taken = (*concepts, *(t.term for t in named), *(t.term for t in vocabulary))
    quotes = list(dict.fromkeys(t.sentence for t in named))[:3]
    rationale = (
        "Drafted by npf-screen from "
        + where
        + ": "
        + " ".join(f"“{trim_quote(q, named[0].term)}”" for q in quotes)
        + " In: companies whose business text names "
        + "、".join(t.term for t in named[:6])
        + ". Review before use: the terms and weights are proposals."
    )
    spec = DraftSpec(
        theme_id=theme_id,
        name=name or ("、".join(t.term for t in named[:3]) + "（草稿）"),
        line=chosen_line,
        rationale=rationale,
        source=where + (f" (clauses naming {focus})" if focus else ""),
        groups=tuple(tuple(g) for g in group_terms(named + vocabulary, corpus)),
        labels=tuple(_adjacent_concepts(named, corpus, taken)),
        industries=industries,
        concepts=concepts,
        provinces=provinces if chosen_line == "regional" or provinces else (),
    )
    return _finish(spec, universe, themes, top)


def _finish(spec: DraftSpec, universe: pd.DataFrame, themes: ThemeSet | None, top: int) -> Draft:
    toml = render_toml(spec)
    parsed, problems = parse_rule_text(toml, f"<draft {spec.theme_id}>")
    if problems:  # a drafting bug, not bad input: say so with the validator's words
        raise RuleError(problems, headline="the drafted theme does not validate (please report this)")
    theme = parsed[0]
    rows = [
        (t.term, g[0].term, t.weight, t.kind, t.companies, t.label_companies, t.origin, t.sentence)
        for g in spec.groups
        for t in g
    ]
    rows += [
        (t.term, "", t.weight, t.kind, t.companies, t.label_companies, "", t.sentence) for t in spec.labels
    ]
    terms = pd.DataFrame(rows, columns=TERM_COLUMNS)
    result = screen(universe, ThemeSet([theme]))
    preview = result.top(top, theme=theme.id)
    overlaps = _overlaps(result, theme.id, universe, themes)
    return Draft(theme, toml, terms, preview, overlaps, spec, (universe, themes, top))


def _overlaps(
    result: ScreenResult, theme_id: str, universe: pd.DataFrame, themes: ThemeSet | None
) -> pd.DataFrame:
    """Bundled themes by the share of the draft's top-30 companies that are their candidates."""
    columns = ["theme", "name", "line", "shared", "share"]
    mine = result.top(30, theme=theme_id)["code"].tolist()
    if not mine:
        return pd.DataFrame(columns=columns)
    others = themes if themes is not None else load_themes()
    others = ThemeSet([t for t in others if t.id != theme_id])
    candidates = screen(universe.loc[universe["code"].isin(mine)], others).candidates
    counts = candidates.groupby("theme")["code"].nunique()
    rows = [
        (t.id, t.name, t.line, int(counts.get(t.id, 0)), round(int(counts.get(t.id, 0)) / len(mine), 2))
        for t in others
        if counts.get(t.id, 0)
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["share", "theme"], ascending=[False, True]).head(5).reset_index(drop=True)

"""The terms of a draft: phrases a policy text names, kept when companies use them, and their vocabulary.

1. **Named terms.** Each clause of the text is segmented (:func:`npf_screen.ml.segment.tagged`)
   and runs of one to four adjacent tokens become candidate phrases (a verb starts one only before
   a noun: 创新药; none starts or ends with a function word). A candidate is kept when at least
   ``min_companies`` companies use it in their business text and at most ``max_share`` of them do
   (boilerplate and generic words are used by many), its companies gather in one broad industry
   (lift >= 3, or most of them), it is not a generic policy word (:data:`GENERIC`) and it does not
   name a listed company. Of overlapping phrases of one clause the longest kept one wins.
2. **Vocabulary.** For every named term, the words (segmented business text) over-represented among
   the companies that use it (in text; also by concept label when fewer than 20 use it in text),
   against all other companies, by the z-score of the log-odds ratio of document frequencies; the
   same ``max_share`` and concentration bounds apply, a quarter of a word's companies must be among
   them, and function words, adjectives and adverbs never qualify. The term's own compounds come
   first.
3. **Weights** grow with specificity: ``log(n / companies)`` scaled between a term used by
   ``max_share`` of the companies and one used by two. Named terms weigh 20-50, vocabulary 10-30.
4. **Near-duplicates** (one term inside the other, or Jaccard similarity of their companies ≥ 0.5)
   are grouped into one keyword group.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import numpy as np

from npf_screen.ml.draft_corpus import CompanyCorpus
from npf_screen.ml.policy_text import clauses
from npf_screen.ml.segment import tagged
from npf_screen.universe.regions import PROVINCES

__all__ = ["GENERIC", "Term", "expand_terms", "group_terms", "named_terms", "specificity"]

_GENERIC_WORDS = """
    产业 领域 重点 项目 行业 企业 公司 市场 体系 政策 经济 技术 产品 服务 集群 产能 工程
    能力 水平 发展 创新 质量 高质量 新质生产力 生产力 体制 机制 改革 要素 资源 优势 特色
    工作 发展重点 基础设施
    基础 核心 关键 战略 未来 新兴 传统 现代化 国家 地方 全国 中央 政府 报告 引擎 增长
    动能 产业链 供应链 主导产业 千亿 百亿 万亿 规模 布局 领先 高端 先进 新型 融合 转型
    升级 建设 示范 试点 园区 基地 平台 中心 业务 方面 环节 方向 任务 部署 行动 计划 方案
    目标 措施 举措 生产 制造 研发 销售 运营 经营 管理 投资 消费 需求 供给 提升 加快 推动
    打造 培育 壮大 加强 支持 实施 推进 完善 持续 积极 重大 重要 主要 相关 一批 各类 领军
    龙头 链主 专精特新 小巨人 高新技术 省级 市级 国家级 应用 解决方案 一体化 综合 系统 设备
    材料 装备 能源 新能源 智能 数字 数字化 智能化 绿色 绿色化 低碳 节能 环保 安全 信息
    网络 数据 科技 科学 工业 制造业 服务业 农业 新增 提及 商业 终端 精深 成分 分支机构
    居民 医药企业
    变化 实际 结构性 多样化 较大 短期 长期 协同 地区 好 资本 优化 成果 方式 社会 过程 会议 突破 微观
    效应 特征 路径 新兴产业 未来产业 科技创新 技术改造 产业发展 高端化 化转型 新质 人才 框架体系 思路
    政策支持 实招 硬招 定调 抓手 主线 线索 视角 形态 层面 环境 生态 体制机制 主体 活力 效率 成本
    逻辑 框架
"""

#: Policy and business words too general to be a rule on their own, whatever their frequency.
GENERIC: frozenset[str] = frozenset(_GENERIC_WORDS.split())

_FUNCTION_POS = ("x", "p", "c", "u", "d", "m", "q", "r", "y", "e", "o", "w", "z", "t", "f")
_VERB_POS = ("v", "ad")
_LEAD = "个对在将把向从与和及以"
_TRAIL = "向等和及与的为在以中"
_MAX_TOKENS = 4
_MAX_CHARS = 10


@dataclass(frozen=True)
class Term:
    """One proposed term: where it comes from and how specific it is in the company corpus."""

    term: str
    kind: str  # "named" (in the text) or "vocabulary" (used by the companies of a named term)
    sentence: str  # the text's sentence it came from (for vocabulary: of its named term)
    companies: int  # companies whose business text uses it
    label_companies: int  # companies with an industry/concept label containing it
    weight: int
    origin: str = ""  # vocabulary: the named term it was found with
    shared: int = 0  # vocabulary: companies using both it and its named term


def specificity(companies: int, n: int, max_share: float) -> float:
    """0 for a term used by ``max_share`` of ``n`` companies, 1 for one used by two (log scale)."""
    if n < 3 or companies < 1:
        return 0.0
    low, high = math.log(1 / max_share), math.log(n / 2)
    if high <= low:
        return 1.0
    return float(min(1.0, max(0.0, (math.log(n / companies) - low) / (high - low))))


def _is_function(pos: str) -> bool:
    return pos != "eng" and pos.startswith(_FUNCTION_POS)


def _is_content_word(word: str) -> bool:
    """Whether a word can name a thing: not a function word, adjective, adverb, number or time word.

    jieba's tags are too unreliable for more (卫星 is tagged as a person's name, 导航 as a verb); the
    industry concentration of a word's companies does the rest.
    """
    tags = tagged(word)
    return bool(tags) and not _is_function(tags[-1][1]) and tags[-1][1] not in ("a", "ad", "an", "vd")


def _trim(phrase: str) -> str:
    phrase = phrase.lstrip(_LEAD) if len(phrase) > 1 else phrase
    return phrase.rstrip(_TRAIL) if len(phrase) > 1 else phrase


def _candidates(clause: str) -> list[tuple[int, int, str]]:
    """(start, end, phrase) for every run of 1-4 adjacent tokens that can be a term."""
    tokens = tagged(clause)
    out: list[tuple[int, int, str]] = []
    for i, (_, first_pos) in enumerate(tokens):
        if _is_function(first_pos):
            continue
        text = ""
        for j in range(i, min(i + _MAX_TOKENS, len(tokens))):
            word, pos = tokens[j]
            if pos == "x" or not word.strip():
                break
            text += word
            if _is_function(pos):
                continue
            if j == i and not pos.startswith(("n", "vn", "eng", "j", "l", "i", "a", "b", "v")):
                continue
            if first_pos in _VERB_POS and (j == i or not pos.startswith("n")):
                continue  # a verb starts a term only as a modifier of a noun: 创新药, not 推动
            phrase = _trim(unicodedata.normalize("NFKC", text).strip())  # case kept: RV减速器
            if phrase and len(phrase) <= _MAX_CHARS and not phrase.isdigit():
                out.append((i, j + 1, phrase))
    return out


def named_terms(
    passages: list[tuple[str, str]],
    corpus: CompanyCorpus,
    *,
    min_companies: int = 2,
    max_share: float = 0.05,
    min_concentration: float = 3.0,
) -> list[Term]:
    """The industrial terms the passages name that companies use (see the module docstring).

    ``passages`` are (sentence, passage) pairs (:func:`npf_screen.ml.policy_text.focus_passages`):
    terms come from the passage, their justification is the whole sentence.
    """
    limit = max(min_companies, max_share * corpus.n)
    cache: dict[str, tuple[int, int]] = {}
    picked: dict[str, Term] = {}
    for sentence, passage in passages:
        for clause in clauses(passage):
            kept: list[tuple[int, int, str]] = []
            for start, end, phrase in sorted(_candidates(clause), key=lambda c: (-len(c[2]), c[0])):
                if any(start < e and s < end for s, e, _ in kept) or phrase in GENERIC or phrase in PROVINCES:
                    continue
                if len(phrase) == 1 and not "\u4e00" <= phrase <= "\u9fff":
                    continue
                if phrase not in cache:
                    cache[phrase] = (int(corpus.users(phrase).sum()), int(corpus.label_users(phrase).sum()))
                used, labelled = cache[phrase]
                if used < min_companies or used > limit or corpus.names_a_company(phrase):
                    continue
                lift, share = corpus.concentration(corpus.users(phrase))
                if lift < min_concentration and share < 0.6:
                    continue  # its companies are spread over every industry: a generic word
                kept.append((start, end, phrase))
                if phrase not in picked:
                    weight = round(20 + 30 * specificity(used, corpus.n, max_share))
                    picked[phrase] = Term(phrase, "named", sentence, used, labelled, weight)
    return list(picked.values())


def _log_odds_z(a: np.ndarray, p_n: float, b: np.ndarray, r_n: float, alpha: float = 0.5) -> np.ndarray:
    delta = np.log((a + alpha) / (p_n - a + alpha)) - np.log((b + alpha) / (r_n - b + alpha))
    var = 1 / (a + alpha) + 1 / (p_n - a + alpha) + 1 / (b + alpha) + 1 / (r_n - b + alpha)
    return delta / np.sqrt(var)


def anchors(term: str, corpus: CompanyCorpus) -> np.ndarray:
    """The companies a named term points at: those using it in their text, and, when fewer than
    20 do, also those holding a label that contains it (labels are broader and editorial)."""
    users = corpus.users(term)
    return users if users.sum() >= 20 else users | corpus.label_users(term)


def expand_terms(
    named: list[Term],
    corpus: CompanyCorpus,
    *,
    n: int,
    max_share: float = 0.05,
    min_precision: float = 0.25,
    min_concentration: float = 3.0,
) -> list[Term]:
    """Up to ``n`` vocabulary terms, taken in turn from the named terms' lists (most specific first)."""
    if n <= 0 or not corpus.vocabulary.size:
        return []
    totals = np.asarray(corpus.word_matrix.sum(axis=0)).ravel().astype("float64")
    limit = max_share * corpus.n
    taken = {t.term.lower() for t in named}  # NFKC already; matching ignores case
    lists: list[list[Term]] = []
    for source in sorted(named, key=lambda t: -t.weight):
        mask = anchors(source.term, corpus)
        size = float(mask.sum())
        if size < 2:
            continue
        a = np.asarray(corpus.word_matrix[np.flatnonzero(mask)].sum(axis=0)).ravel().astype("float64")
        b = totals - a
        z = _log_odds_z(a, size, b, corpus.n - size)
        if len(source.term) >= 2:  # the term's own compounds (氢能 → 氢能源) come first
            z[np.char.find(corpus.vocabulary.astype(str), source.term) >= 0] = np.inf
        keep = (
            (a >= max(2.0 if size < 10 else 3.0, 0.03 * size))
            & (totals <= limit)
            & (a / np.maximum(totals, 1) >= min_precision)
        )
        found: list[Term] = []
        for i in np.argsort(-z):
            if z[i] <= 1.0 or len(found) >= n:
                break
            if not keep[i]:
                continue
            word = str(corpus.vocabulary[i])
            if word in GENERIC or not _is_content_word(word) or corpus.names_a_company(word):
                continue
            mask = corpus.users(word)
            used = int(mask.sum())
            lift, share = corpus.concentration(mask)
            if used > limit or (lift < min_concentration and share < 0.6):
                continue
            precision = a[i] / max(totals[i], 1.0)
            weight = round(10 + 20 * specificity(used, corpus.n, max_share) * min(1.0, 0.5 + precision))
            found.append(
                Term(word, "vocabulary", source.sentence, used, int(corpus.label_users(word).sum()),
                     weight, origin=source.term, shared=int(a[i]))
            )  # fmt: skip
        lists.append(found)
    out: list[Term] = []
    while len(out) < n and any(lists):
        for found in lists:
            while found and found[0].term.lower() in taken:
                found.pop(0)
            if found and len(out) < n:
                term = found.pop(0)
                taken.add(term.term.lower())
                out.append(term)
    return out


def group_terms(terms: list[Term], corpus: CompanyCorpus, threshold: float = 0.5) -> list[list[Term]]:
    """Near-duplicate groups: terms nested in each other or used by mostly the same companies."""
    if not terms:
        return []
    from scipy.sparse.csgraph import connected_components
    from sklearn.metrics import pairwise_distances

    users = np.vstack([corpus.users(t.term) for t in terms])
    similar = 1 - pairwise_distances(users, metric="jaccard") >= threshold
    for i, a in enumerate(terms):
        for j, b in enumerate(terms):
            if i != j and min(len(a.term), len(b.term)) >= 2 and (a.term in b.term or b.term in a.term):
                similar[i, j] = True
    _, labels = connected_components(similar, directed=False)
    groups: dict[int, list[Term]] = {}
    for term, label in zip(terms, labels, strict=True):
        groups.setdefault(int(label), []).append(term)
    ordered = [sorted(g, key=lambda t: (t.kind != "named", -t.weight, -t.companies)) for g in groups.values()]
    return sorted(ordered, key=lambda g: (-max(t.weight for t in g), g[0].term))

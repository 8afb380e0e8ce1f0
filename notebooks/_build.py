"""Write the tutorial notebooks (without outputs) from the cell sources below.

Edit the text here, then run ``python notebooks/_build.py`` and commit the ``.ipynb`` files; the
tests (``tests/test_notebooks.py``) execute every notebook top to bottom. Each notebook runs on the
latest live snapshot when one exists (:func:`npf_screen.fetch.api.load_snapshot`) and on the bundled
sample otherwise; ``NPF_NOTEBOOK_DATA=sample`` forces the sample (the tests set it).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


class Markdown(str):
    """A markdown cell's text (plain strings are code cells)."""

    __slots__ = ()


md = Markdown

DATA = '''import os

import npf_screen as npf


def load_data():
    """The latest live snapshot when there is one, else the bundled sample (offline)."""
    if os.environ.get("NPF_NOTEBOOK_DATA") != "sample":
        try:
            from npf_screen.fetch.api import load_snapshot

            universe, snapshot_id = load_snapshot()
            print(f"live snapshot {snapshot_id}: {len(universe)} companies")
            return universe, snapshot_id
        except ImportError:
            print("this npf-screen has no live data module; using the bundled sample")
        except Exception as exc:  # no snapshot pulled yet, or an unreadable cache
            print(f"no live snapshot ({type(exc).__name__}: {exc}); using the bundled sample")
    universe = npf.load_sample()
    print(f"bundled sample: {len(universe)} companies")
    return universe, None


universe, snapshot_id = load_data()'''

QUICKSTART = [
    md("""# npf-screen in five minutes: screen, rank, explain

npf-screen turns the 新质生产力 (new quality productive forces) thesis into **theme rules** and scores
every listed A-share company against every theme, 0–100, with the **evidence** behind each point.

This notebook runs offline on the bundled sample of about 300 companies. When you have pulled a
live snapshot (`npf_screen.fetch.api.fetch_universe()`), the same cells run on the whole market."""),
    DATA,
    md("""## The themes

Rules live in reviewed TOML files: the 卡脖子 choke-point line, the emerging (新兴产业) and future
(未来产业) industries of the 2024 government work report, and the 因地制宜 regional line. In Jupyter a
`ThemeSet` shows as a table."""),
    """themes = npf.load_themes()
themes""",
    md("""## Screen

One call scores every company against every theme. The result shows, per theme, how many companies
qualify and the best of them."""),
    """result = npf.screen(universe, themes, snapshot_id=snapshot_id)
result""",
    md("""## Top candidates of one theme

`result.top(n, theme=...)` is a plain DataFrame, ranked by score. `evidence_summary` names the
rules that earned the most points."""),
    """result.top(5, theme="cp_lithography")""",
    md("""## Why did a company qualify?

`result.explain(code, theme)` gives the verdict and every evidence row: which term matched which
field, for how many points, and where in the text (the matched term is highlighted). Rows worth
0 points — a term already counted in a better field, or a cap reached — are folded away."""),
    """code = result.top(1, theme="cp_lithography")["code"].iloc[0]
result.explain(code, theme="cp_lithography")""",
    md("""The evidence rows add up to the score, for every company and theme — nothing is hidden:"""),
    """points = result.evidence.groupby(["code", "theme"])["points"].sum()
scores = result.scores.set_index(["code", "theme"])["score"]
assert (points.reindex(scores.index) - scores).abs().max() < 1e-9
print(f"{len(result.evidence)} evidence rows add up to {len(scores)} scores")""",
    md("""## What the rules miss: the learned expansion

`npf.expand(result)` is the screen's default ranking: per theme, the rule candidates, then the
companies that look most like them without saying the theme's words (`expanded`), each with its
learned affinity and the words and labels behind it (`drivers`). Expanded companies keep score 0
and no evidence rows: the rules are never overruled, only completed. `npf-screen screen` does the same
(`--expand N`, default 20; `--expand 0` for the rules alone)."""),
    """expansion = npf.expand(result)
ranking = expansion.ranking
ranking[ranking["theme"] == "cp_lithography"].tail(5)""",
    md("""`expansion.explain(code)` shows the rule evidence and, apart, why the expansion proposed the
company: its affinity, drivers and the feature contributions that add up to the affinity's logit.
`text:` lists which business-text fields the company had (`result.text_coverage`)."""),
    """proposed = ranking[ranking["expanded"] & (ranking["theme"] == "cp_lithography")]
if len(proposed):
    print(expansion.explain(proposed["code"].iloc[0], theme="cp_lithography"))""",
    md("""## Every theme of one company

`themes_of` is the reverse lookup — here for the company that qualifies for the most themes.
`charts.company_profile` draws it (hatched bars scored below the theme's `min_score`). Every chart
function returns the matplotlib Axes, so you can restyle it."""),
    """from npf_screen.outputs import charts

busiest = result.candidates["code"].value_counts().index[0]
result.themes_of(busiest)""",
    """ax = charts.company_profile(result, busiest)
ax.set_xlim(0, 115)
ax.title.set_color("#1f4e79")""",
    md("""## In a terminal

The plain-text forms stay readable outside Jupyter: `print(result)`, `print(explanation)`, and the
`npf-screen` command (`npf-screen explain 688630 --sample`)."""),
    """print(result)
print(result.explain(code, theme="cp_lithography"))""",
    md("""## Share it

`write_report` (or `npf-screen report --sample -o report.html`) writes one self-contained HTML
file — summary, charts, top candidates with evidence, run metadata — that opens offline in any
browser."""),
    """import tempfile
from pathlib import Path

from npf_screen.outputs.report import write_report

path = write_report(result, Path(tempfile.mkdtemp()) / "report.html", top=5)
print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")""",
    md("""Next: `02_choke_points` (the 卡脖子 line), `03_regional` (因地制宜), `04_your_own_theme`, and
`05_scheduled_runs_and_watchlists`."""),
]

CHOKE_POINTS = [
    md("""# The choke-point line (卡脖子)

The report expects breakthroughs where China depends on imports: lithography, semiconductor
equipment and materials, EDA, high-end chips, industrial and basic software, machine tools, robot
components, aero engines, large aircraft, precision instruments, strategic materials. Each is a
theme of the `choke_point` line."""),
    DATA,
    """result = npf.screen(universe, lines=["choke_point"], snapshot_id=snapshot_id)
result.themes""",
    md("""## How deep is each chain?

`summary()` counts the candidates per theme; the chart shows how their scores spread (each dot a
company). A chain with many high scores has many companies whose own business text names its
products."""),
    """result.summary()""",
    """from npf_screen.outputs import charts

ax = charts.score_distribution(result)""",
    md("""## Companies in several chains

Semiconductor themes overlap heavily: a maker of equipment is often a maker of materials too. The
diagonal is each theme's size; the other cells count companies qualifying for both."""),
    """ax = charts.theme_overlap(result)""",
    """cands = result.candidates
breadth = cands.groupby(["code", "name"])["theme"].agg(["nunique", lambda t: ", ".join(t)])
breadth.columns = ["themes", "which"]
breadth.sort_values("themes", ascending=False).head(8)""",
    md("""## Reading the evidence of one theme

`display.table` renders any evidence frame with the matched terms highlighted. Here: the scoring
rows of the five best semiconductor-equipment makers."""),
    """from npf_screen.outputs.display import table

theme = "cp_semiconductor_equipment"
best = result.top(5, theme=theme)["code"]
rows = result.evidence.query("theme == @theme and code in @best and points != 0")
table(rows, columns=["code", "points", "field", "term", "kind", "note", "snippet"])""",
    md("""## What was removed, and why

A company that matched but did not qualify is in `dropped`, with the reason: a score below the
theme's `min_score`, a veto (distribution rather than manufacturing, say) or a failed filter."""),
    """dropped = result.dropped
dropped["reason"].str.replace(r"\\d+(\\.\\d+)?", "N", regex=True).value_counts().head()""",
    """if len(dropped):
    row = dropped.iloc[0]
    display(result.explain(row["code"], theme=row["theme"]))""",
    md("""## Which boards?

The STAR market (科创板) was built for exactly these companies; the mix per theme shows it."""),
    """import pandas as pd

boards = cands.merge(universe[["code", "board"]], on="code", how="left")
pd.crosstab(boards["theme_name"], boards["board"].astype("object").fillna("?"))""",
]

REGIONAL = [
    md("""# The regional line (因地制宜)

"因地制宜" — each region develops the productive forces its own endowment allows. The report's
examples come from the 2024 local two sessions: 广西 (vehicles, steel), 云南 (green aluminium),
重庆 (vehicles, wafer fabs), 贵州 (data centres, terminals, data applications); the bundled rules add
the key industries of the other provinces.

A regional theme scores industry and product evidence first, then **gates by place**: a company in
the region earns the region's points; one elsewhere qualifies only when its business text names
the region; any other is removed."""),
    DATA,
    """result = npf.screen(universe, snapshot_id=snapshot_id)
regional = result.candidates.query("line == 'regional'")
print(f"{regional['theme'].nunique()} regional themes with candidates, {len(regional)} candidates")""",
    md("""## Province × theme

Each regional theme belongs to one province, so the regional heatmap is nearly diagonal; a cell
off the diagonal is a company elsewhere whose text names the region."""),
    """from npf_screen.outputs import charts

ax = charts.province_heatmap(result, line="regional")""",
    md("""The national lines read differently: where do the choke-point makers sit?"""),
    """ax = charts.province_heatmap(result, line="choke_point")""",
    md("""The same view as a table (every line), provinces by number of candidates:"""),
    """import pandas as pd

cands = result.candidates.assign(province=result.candidates["province"].astype("object").fillna("?"))
view = pd.crosstab(cands["province"], cands["line"], margins=True, margins_name="total")
view.sort_values("total", ascending=False).head(12)""",
    md("""## The gate at work

Companies that matched a regional theme's industry but sit elsewhere are in `dropped`, with where
they are located."""),
    """gated = result.dropped[result.dropped["reason"].str.startswith("outside the region")]
gated.head(8)""",
    """if len(gated):
    example = gated.iloc[0]
    display(result.explain(example["code"], theme=example["theme"]))""",
    md("""## One province's view

Everything one province offers, across every line — for example 重庆 (or the province with the
most candidates when 重庆 has none):"""),
    """counts = cands["province"].value_counts()
province = "重庆" if "重庆" in counts.index else counts.index[0]
local = cands[cands["province"] == province]
local.pivot_table(index=["code", "name"], columns="line", values="score", aggfunc="max").head(15)""",
]

OWN_THEME = [
    md("""# Write and test your own theme

Themes are TOML files, validated exactly like the bundled ones (the format is in
`seeds/README.md`). Here we write a theme for new-type energy storage (新型储能) in a scratch folder,
screen it, test it like code, and improve it with keyword suggestions."""),
    DATA,
    '''import tempfile
from pathlib import Path

rules_dir = Path(tempfile.mkdtemp()) / "my_rules"
rules_dir.mkdir()
RULES = """
[[theme]]
id = "my_energy_storage"
name = "新型储能与动力电池"
line = "emerging"
rationale = "Makers of energy-storage systems and cells (lithium-ion, sodium-ion) and their key materials."
source = "my own research"
min_score = 30

[[theme.keywords]]
label = "储能"
weight = 45
terms = ["储能", "储能系统", "储能电池", "energy storage"]

[[theme.keywords]]
label = "电芯"
weight = 35
terms = ["钠离子电池", "锂离子电池", "动力电池", "锂电池", "lithium-ion batteries"]

[[theme.keywords]]
label = "材料"
weight = 25
terms = ["正极材料", "负极材料", "隔膜", "电解液"]

[[theme.exclude]]
terms = ["电池回收贸易", "电池销售"]
penalty = 30
reason = "trade, not manufacturing"
"""
(rules_dir / "storage.toml").write_text(RULES, encoding="utf-8")
themes = npf.load_themes(rules_dir)
themes.select(["my_energy_storage"])''',
    md("""## Screen it"""),
    """result = npf.screen(universe, themes, theme_ids=["my_energy_storage"], snapshot_id=snapshot_id)
result.top(10, theme="my_energy_storage")""",
    md("""## Test it like code

A theme is a claim about which businesses belong. Write the claim down: companies that must be in,
companies that must stay out. The same asserts work in a pytest file beside your rules."""),
    """top = result.top(20, theme="my_energy_storage")
names = set(top["name"])
if snapshot_id is None:  # the sample's known answers
    assert {"宁德时代", "国轩高科"} <= names, names
banks = universe.loc[universe["industry_sw_l1"].astype("object").eq("银行"), "code"]
assert not set(banks) & set(result.candidates["code"]), "a bank qualified"
print("ok:", ", ".join(sorted(names)[:10]))""",
    md("""## Mistakes are caught on load

Every problem is listed with its file, line, theme and field:"""),
    """broken = RULES.replace('line = "emerging"', 'line = "emergent"').replace("weight = 45", "weight = 450")
(rules_dir / "storage.toml").write_text(broken, encoding="utf-8")
try:
    npf.load_themes(rules_dir)
except npf.RuleError as exc:
    print(exc)
finally:
    (rules_dir / "storage.toml").write_text(RULES, encoding="utf-8")  # put the good rules back""",
    md("""## Keyword suggestions

`npf_screen.ml.keyword_suggestions.suggest_keywords` contrasts the theme's best matches with every
other company and proposes terms that separate them, each with an example. They are for a human to
judge — read the examples before adding any."""),
    """try:
    from npf_screen.ml.keyword_suggestions import suggest_keywords
except ImportError:
    suggest_keywords = None
    print("keyword suggestions need npf_screen.ml.similarity (a newer npf-screen)")

if suggest_keywords is not None:
    from npf_screen.outputs.display import table

    suggestions = suggest_keywords(result, "my_energy_storage", n=10)
    display(table(suggestions))
else:  # a rough stand-in: the concept labels common among the candidates
    codes = result.candidates["code"]
    labels = universe.loc[universe["code"].isin(codes), "concepts"].dropna().str.split(",").explode()
    display(labels.str.strip().value_counts().head(10))""",
    md("""## What the rules may miss: the learned expansion

`npf.expand` trains a logistic regression on the theme's candidates (their words, character n-grams,
industry and concept labels; every company is scored by a model fitted without it) and adds the
non-candidates that look most like them (`expanded`), with the words behind each (`drivers`). A
company there may make the theme's products under words the rules do not know yet. It never
changes a score. `npf.affinity_ranking` gives the whole market's order for one theme."""),
    """from npf_screen.outputs.display import table

expansion = npf.expand(result, n=8, theme_ids=["my_energy_storage"])
display(table(expansion.expanded))
ranking = npf.affinity_ranking(result, "my_energy_storage", review=8)""",
    md("""Why one company got its affinity: each feature's contribution (weight × value) and the model's
intercept add up to the logit of the affinity, so the explanation is exact."""),
    """flagged = ranking.loc[ranking["review"], "code"]
if len(flagged):
    rows = npf.explain_affinity(result, "my_energy_storage", flagged.iloc[0], n=8)
    print(f"logit {rows.attrs['logit']:.2f} (sum of the rows), affinity {rows.attrs['affinity']:.3f}")
    display(rows)""",
    md("""## Iterate

Add the terms you judged right, reload, and compare. Here: 电池系统 (battery systems) and 磷酸铁锂
(lithium iron phosphate) join the cell group. Then look at who came in: a newcomer whose battery
business is a sideline is a reason to add an exclusion or raise `min_score` — the rules are yours
to judge."""),
    """before = set(result.candidates["code"])
improved = RULES.replace('"锂电池",', '"锂电池", "电池系统", "磷酸铁锂",')
(rules_dir / "storage.toml").write_text(improved, encoding="utf-8")
themes = npf.load_themes(rules_dir)
after_result = npf.screen(universe, themes, theme_ids=["my_energy_storage"])
after = set(after_result.candidates["code"])
print(f"{len(before)} → {len(after)} candidates")
print("lost:", sorted(before - after) or "none")
after_result.candidates[after_result.candidates["code"].isin(after - before)]""",
    md("""## Use it everywhere

The folder works with every command: `npf-screen screen --rules my_rules/ --theme my_energy_storage`,
`npf-screen report --rules my_rules/ -o report.html`, and the `rules = [...]` key of a scheduled
screen definition. A theme with the id of a bundled one replaces it."""),
]

RUNS = [
    md("""# Scheduled runs, history and watchlists

A **screen definition** (TOML) says which themes to screen, on which universe, with which filters,
how many members each theme keeps, and which watchlists to write for your trading terminal
(通达信 `.blk`, 东方财富 `.ebk`, 同花顺, CSV, Excel). `npf-screen run` executes it — from cron, say,
after the close:

```
30 18 * * 1-5  npf-screen run ~/screens/choke_points.toml --strict
```

Each run is recorded in an append-only history, so you can see who entered and left each theme.
Here we run a definition twice in a scratch folder, on the bundled sample."""),
    """import datetime as dt
import tempfile
from pathlib import Path

import npf_screen as npf
from npf_screen.runs.definitions import load_definition

work = Path(tempfile.mkdtemp())
(work / "choke_points.toml").write_text(
    \"\"\"
[screen]
name = "choke_points"
lines = ["choke_point"]
top = 5                  # members per theme
buffer = 1.2             # an incumbent stays while ranked within 6
output_dir = "watchlists"
history_dir = "history"

[universe]
source = "sample"        # live | latest | file | sample

[filters]
exclude_st = true

[[watchlist]]
format = "tdx"
path = "tdx/NPF_{theme}.blk"
name = "新质·{theme_name}"

[[watchlist]]
format = "csv"
path = "choke_points.csv"
\"\"\",
    encoding="utf-8",
)
definition = load_definition(work / "choke_points.toml")
definition.name, definition.top, [w.format for w in definition.watchlists]""",
    md("""## The first run"""),
    """from npf_screen.runs.history import RunHistory
from npf_screen.runs.runner import run_screen

first = run_screen(definition, run_date=dt.date(2024, 3, 1))
print(first.summary())""",
    md("""## A week later, the data has changed

To see membership move without waiting a week, the second run uses a loader that changes the data:
the best lithography company's business text no longer mentions its products. (In production the
loader refreshes a live snapshot.)"""),
    """from npf_screen.runs.universe_filters import load_universe_data


def changed_loader(spec, offline):
    data = load_universe_data(spec, offline)
    frame = data.frame.copy()
    leader = first.record.members.query("theme == 'cp_lithography' and rank == 1")["code"].iloc[0]
    for column in ("main_business", "products", "business_scope", "concepts", "summary_en", "industry_sw_l3"):
        frame.loc[frame["code"] == leader, column] = None
    return type(data)(frame, data.snapshot_id + "+edited")


second = run_screen(definition, run_date=dt.date(2024, 3, 8), loader=changed_loader)
print("\\n".join(second.diff.lines(limit=10)))""",
    md("""## The history

`RunHistory` reads the recorded runs: the index, a run's members (with the date each entered),
members as of any date, and every candidate of a run."""),
    """history = RunHistory(second.history_dir)
history.index()""",
    """history.members_as_of(dt.date(2024, 3, 10), theme="cp_lithography")""",
    md("""## The watchlists

Each run rewrote the watchlists all-or-nothing. A 通达信 block file is one code a line with its market
prefix (1 = Shanghai, 0 = Shenzhen); point the definition's `output_dir` at the terminal's
`T0002/blocknew` folder to see the blocks in 自定义板块."""),
    """out = work / "watchlists"
print(sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())[:6])
print((out / "tdx" / "NPF_cp_lithography.blk").read_text(encoding="gbk"))""",
    md("""A one-off screen can be written the same way (`npf-screen screen --format ebk -o list.ebk`):"""),
    """from npf_screen.outputs.watchlists.writer import write_candidates

result = npf.screen(npf.load_sample(), lines=["choke_point"])
path = write_candidates(result.top(3), "ebk", work / "one_off.ebk")
print(path.read_bytes().decode("ascii").split()[:8])""",
    md("""## A report of a run

`npf-screen report --run latest --screen choke_points.toml -o run.html` — or from Python:"""),
    """from npf_screen.outputs.report import from_run, write_report

page = write_report(from_run(history, "latest"), work / "run.html")
print(page, f"{page.stat().st_size / 1e3:.0f} kB")""",
]

DRAFT = [
    md("""# Draft a theme from a policy text

Analysts map every new plan, provincial report or ministry catalogue to sectors and then to companies
by hand. `npf.draft_theme(text, universe)` (and `npf-screen draft --from FILE`) proposes the theme for
you to review: the industrial terms the text names that companies also use, the vocabulary those
companies share, each weighed by how specific it is, grouped, with the sentence it came from and how
many companies use it. The result is a rule file that loads exactly like the bundled seeds.

The passage below is a made-up provincial action plan, written for this tutorial."""),
    DATA,
    '''POLICY = """# 某省具身智能与机器人产业行动方案（教程示例）

## 一、总体要求
以整机带动零部件、以应用牵引技术攻关，形成自主可控的机器人产业链。

## 二、重点方向
### 2.1 核心零部件
突破谐波减速器、RV减速器、行星滚柱丝杠等精密传动部件，提升伺服电机、伺服驱动器和运动控制器的
可靠性，发展六维力传感器和视觉传感器。

### 2.2 整机与应用
推动工业机器人在焊接、装配、搬运场景规模应用，支持人形机器人和协作机器人整机研发。

## 三、保障措施
加大首台（套）保险补偿支持力度，鼓励金融机构开发科技信贷产品。
"""''',
    md("""## Draft from one section

`section=` picks a section by its heading (Markdown `#`, `一、` or `3.2` headings); `focus=` keeps only
the clauses naming one thing. The 保障措施 section names no industry and would be refused with
"no usable terms"."""),
    """draft = npf.draft_theme(POLICY, universe, section="重点方向", theme_id="my_robots")
draft""",
    md("""## Every term with its justification

`kind` says whether the text names the term or it is vocabulary of a named term's companies;
`companies` is how many companies' business text uses it; `sentence` is the text's own sentence."""),
    """draft.terms""",
    md("""## The rule file

Each keyword group carries its justification as comments. The rationale quotes the text."""),
    """print(draft.toml[:1500])""",
    md("""## Preview: the draft's top companies, and the bundled themes it overlaps

The overlap is the share of the draft's top 30 companies that are candidates of a bundled theme: it
tells you when a draft is mostly an existing theme."""),
    """draft.preview[["code", "name", "score", "evidence_summary"]]""",
    """draft.overlaps""",
    md("""## Edit, keep and screen

Drop the terms you do not want (`draft.without(...)` re-validates and previews again), write the
rule file (atomically) and screen with it like any other rule file (`--rules` on the command line)."""),
    """import tempfile
from pathlib import Path

vocabulary = draft.terms[draft.terms["kind"] == "vocabulary"]
weak = vocabulary.sort_values("companies").tail(2)["term"].tolist()  # the broadest suggestions
edited = draft.without(*weak)
print("dropped:", weak)

path = edited.write(Path(tempfile.mkdtemp()) / "my_robots.toml")
themes = npf.load_themes(path)
result = npf.screen(universe, themes, theme_ids=["my_robots"], snapshot_id=snapshot_id)
result.top(10, theme="my_robots")""",
    """best = result.top(1, theme="my_robots")["code"].iloc[0]
result.explain(best, theme="my_robots")""",
]


NOTEBOOKS = {
    "01_quickstart.ipynb": QUICKSTART,
    "02_choke_points.ipynb": CHOKE_POINTS,
    "03_regional.ipynb": REGIONAL,
    "04_your_own_theme.ipynb": OWN_THEME,
    "05_scheduled_runs_and_watchlists.ipynb": RUNS,
    "06_draft_a_theme.ipynb": DRAFT,
}


def build(name: str, cells: list[str]) -> nbformat.NotebookNode:
    """One notebook: :class:`Markdown` cells as markdown, every other string as code."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, source in enumerate(cells):
        cell = new_markdown_cell(source) if isinstance(source, Markdown) else new_code_cell(source)
        cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
        nb.cells.append(cell)
    return nb


if __name__ == "__main__":
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(name, cells), HERE / name)
        print(f"wrote {HERE / name} ({len(cells)} cells)")

"""The HTML report: self-contained, escaped, written atomically, and loading cleanly in a real browser."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import npf_screen as npf
from npf_screen.cli.main import main
from npf_screen.outputs.report import build_report, from_run, rules_origin, write_report

THEMES = ["cp_lithography", "cp_eda", "em_hydrogen", "rg_cq_vehicles"]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture(scope="module")
def result() -> npf.ScreenResult:
    themes = npf.load_themes()
    return npf.screen(npf.load_sample(), themes, theme_ids=[t for t in THEMES if t in themes])


@pytest.fixture(scope="module")
def page(result: npf.ScreenResult) -> str:
    return build_report(result, top=5, title="测试 <report>")


def _attributes(page: str, name: str) -> list[str]:
    return re.findall(rf'\s{name}="([^"]*)"', page)


def test_report_is_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    sources = _attributes(page, "src")
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert all(h.startswith("#") for h in _attributes(page, "href"))
    assert "<link" not in page and "@import" not in page
    assert re.findall(r"url\((?!data:font/woff;base64,)", page) == []  # only the embedded font
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_report_holds_metadata_summary_and_evidence(page: str, result: npf.ScreenResult) -> None:
    assert "<title>测试 &lt;report&gt;</title>" in page and "<report>" not in page
    assert f">{npf.__version__}<" in page
    assert f"{len(result.universe)} companies" in page and f"{len(result.themes)} (" in page
    assert "bundled (" in page and "snapshot" in page
    for theme in result.candidates["theme"].unique():
        assert f'id="t-{theme}"' in page and f'href="#t-{theme}"' in page
    assert "<mark>" in page and "Evidence:" in page
    best = result.top(1)["name"].iloc[0]
    assert best in page


def test_report_without_charts_is_small_and_has_no_images(result: npf.ScreenResult) -> None:
    text = build_report(result, charts=False)
    assert "<img" not in text and "<table" in text and len(text) < 400_000


def test_rules_origin_names_bundled_and_user_files(tmp_path: Path) -> None:
    own = tmp_path / "mine.toml"
    own.write_text(
        '[[theme]]\nid = "x_mine"\nname = "我的"\nline = "emerging"\nrationale = "r"\nsource = "s"\n'
        '[[theme.keywords]]\nweight = 10\nterms = ["电池"]\n',
        encoding="utf-8",
    )
    text = rules_origin(npf.load_themes(own))
    assert text.startswith("bundled (") and "choke_point.toml" in text and str(own.resolve()) in text


def test_write_report_is_atomic_and_cli_writes_one(tmp_path: Path, result: npf.ScreenResult) -> None:
    path = write_report(result, tmp_path / "sub" / "a.html", charts=False)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in path.parent.iterdir()] == ["a.html"]  # no temporary file left
    out = tmp_path / "cli.html"
    assert main(["report", "--sample", "--theme", "cp_eda", "--top", "3", "--no-charts", "-o", str(out)]) == 0
    assert "EDA" in out.read_text(encoding="utf-8")


def test_cli_rejects_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--sample", "-o", str(tmp_path / "x.txt")]) == 2
    assert "*.html" in capsys.readouterr().err
    assert main(["report", "--sample", "--theme", "no_such", "-o", str(tmp_path / "x.html")]) == 2
    assert main(["report", "--run", "latest", "-o", str(tmp_path / "x.html")]) == 2
    assert "--screen" in capsys.readouterr().err
    assert (
        main(["report", "--run", "latest", "--sample", "--history-dir", str(tmp_path), "-o", "r.html"]) == 2
    )
    assert not list(tmp_path.glob("*.html"))


def test_report_of_a_recorded_run(tmp_path: Path) -> None:
    pytest.importorskip("npf_screen.runs.runner", reason="scheduled runs are not in this build")
    from npf_screen.runs.definitions import parse_definition
    from npf_screen.runs.history import RunHistory
    from npf_screen.runs.runner import run_screen

    definition = parse_definition(
        '[screen]\nname = "demo"\nthemes = ["cp_eda", "cp_lithography"]\ntop = 3\nhistory_dir = "h"\n'
        '[universe]\nsource = "sample"\n',
        origin=tmp_path / "demo.toml",
    )
    run_screen(definition, run_date=dt.date(2024, 3, 1))
    history = RunHistory(tmp_path / "h")
    text = build_report(from_run(history, "latest"), charts=False)
    assert "demo 2024-03-01" in text and "members" in text and "sample:" in text
    assert 'id="t-cp_eda"' in text and "since" in text
    out = tmp_path / "run.html"
    assert main(["report", "--run", "2024-03-01", "--history-dir", str(tmp_path / "h"), "-o", str(out)]) == 0
    assert "<img" in out.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- a real browser
def _browser() -> str:
    found = next((p for p in map(shutil.which, BROWSERS) if p), None)
    if found is None:
        reason = "no headless browser (chromium) on PATH: apt-get install -y chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--virtual-time-budget=5000", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def _body(dom: str) -> str:
    match = re.search(r"<body[^>]*>", dom)
    assert match, dom[:500]
    return match.group(0)


@pytest.mark.slow
def test_report_loads_in_a_headless_browser(tmp_path: Path, result: npf.ScreenResult) -> None:
    browser = _browser()
    path = write_report(result, tmp_path / "report.html", top=5)
    done = _chromium(browser, tmp_path / "profile", "--dump-dom", path.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    body = _body(done.stdout)
    assert 'data-ready="1"' in body, body
    assert "data-errors" not in body, body
    images = int(re.search(r'data-images="(\d+)"', body).group(1))  # type: ignore[union-attr]
    assert images >= 3 and 'data-broken-images="0"' in body
    assert done.stdout.count("<table") >= 3 and done.stdout.count("<img") == images
    shot = tmp_path / "report.png"
    done = _chromium(browser, tmp_path / "profile", "--hide-scrollbars", "--window-size=1280,2000",
                     f"--screenshot={shot}", path.as_uri())  # fmt: skip
    assert done.returncode == 0 and shot.stat().st_size > 50_000, done.stderr[-2000:]


@pytest.mark.slow
def test_browser_check_catches_script_errors(tmp_path: Path, result: npf.ScreenResult) -> None:
    """The page's own error recorder works: a broken script shows up in the DOM."""
    browser = _browser()
    page = build_report(result, charts=False).replace("</body>", "<script>noSuchFunction();</script></body>")
    path = tmp_path / "broken.html"
    path.write_text(page, encoding="utf-8")
    done = _chromium(browser, tmp_path / "profile", "--dump-dom", path.as_uri())
    body = _body(done.stdout)
    assert "noSuchFunction" in body and 'data-ready="1"' in body


def _embedded_font(page: str) -> bytes:
    import base64

    match = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page)
    assert match, "no embedded font"
    return base64.b64decode(match.group(1))


def test_report_embeds_the_glyphs_its_chinese_needs(page: str) -> None:
    """Read back with fontTools: the embedded subset maps every CJK character of the page."""
    import io

    from fontTools.ttLib import TTFont

    assert "font-src data:" in page
    font = TTFont(io.BytesIO(_embedded_font(page)))
    assert font.flavor == "woff"
    mapped = set(font.getBestCmap())
    text = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", page, flags=re.DOTALL)
    needed = {ord(c) for c in text if "\u4e00" <= c <= "\u9fff"}
    assert needed and needed <= mapped, sorted(chr(c) for c in needed - mapped)[:20]
    assert len(mapped) < 3 * len({ord(c) for c in text if ord(c) > 0x7F}) + 50  # a subset, not the font


def test_report_font_loads_in_a_browser_without_cjk_fonts(tmp_path: Path, result: npf.ScreenResult) -> None:
    """Chromium with only DejaVu visible (fontconfig) still gets its Chinese glyphs: the embedded
    font face loads (status "loaded", not "error") and is used for the page's Chinese."""
    browser = _browser()
    folders = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF")
    dejavu = [Path(p) for p in folders if Path(p).is_dir()]
    if not dejavu:
        pytest.skip("no DejaVu font folder to build a CJK-free fontconfig from")
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{dejavu[0]}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    probe = (
        "<script>window.addEventListener('load', function () { document.fonts.ready.then(function () {"
        " var found = []; document.fonts.forEach(function (f) { found.push(f.family + '=' + f.status); });"
        " document.body.setAttribute('data-fonts', found.join(';')); }); });</script></body>"
    )
    path = tmp_path / "report.html"
    path.write_text(build_report(result, charts=False).replace("</body>", probe), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom", path.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False, env=env)
    body = _body(done.stdout)
    assert "npf Noto Sans SC=loaded" in body, body

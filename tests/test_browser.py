"""In a real browser: headless Chromium (Debian's package; .ci/run installs it) opens the
shipped HTML report and the served review page, takes screenshots and checks the DOM —
one chart per compared disputed claim, laid out on a phone's width too, and highlights
on the draft's numbers with the archive's side shown on click.

Skipped, with the reason, where no Chromium is installed.  Screenshots go to the test's
temporary directory, and to $FACTCHECK_SCREENSHOTS when that names a directory."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from browser import Browser, find_chromium
from conftest import ROOT, SEEDS

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium; "
                                                         ".ci/run does it)")


@pytest.fixture(scope="module")
def browser():
    b = Browser.start(CHROMIUM)
    yield b
    b.close()


def keep(path):
    target = os.environ.get("FACTCHECK_SCREENSHOTS")
    if target and os.path.isdir(target):
        shutil.copy(path, target)


def test_report_has_one_rendered_chart_per_compared_disputed_claim(browser, tmp_path):
    browser.viewport(1100, 900)
    browser.open((ROOT / "reports" / "seeds.html").as_uri())
    state = browser.js("""(() => {
      const sections = [...document.querySelectorAll("#disputed article.finding")];
      return sections.map((s) => ({kind: s.dataset.kind, charts: s.querySelectorAll("svg.chart").length,
        bars: s.querySelectorAll("svg.chart g.bar").length, rows: s.querySelectorAll("table tr").length - 1,
        width: s.querySelector("svg.chart") ? s.querySelector("svg.chart").getBoundingClientRect().width : 0,
        conflicts: s.querySelectorAll("svg.chart rect.conflict").length}));
    })()""")
    assert state, "no disputed claims"
    for s in state:
        if s["kind"] in ("contradiction", "divergence"):
            assert s["charts"] == 1 and s["bars"] == s["rows"] and s["width"] > 300, s
        else:
            assert s["charts"] == 0, s
    contradiction = next(s for s in state if s["kind"] == "contradiction")
    assert contradiction["conflicts"] >= 1
    assert browser.js("document.scripts.length") == 0
    shot = tmp_path / "report.png"
    browser.screenshot(shot)
    keep(shot)
    assert shot.stat().st_size > 10_000


def test_report_fits_a_phone(browser, tmp_path):
    browser.viewport(390, 844, mobile=True)
    browser.open((ROOT / "reports" / "seeds.html").as_uri())
    # the page itself does not scroll sideways (wide tables scroll in their own box)
    assert browser.js("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert browser.js("document.querySelector('svg.chart').getBoundingClientRect().right <= window.innerWidth")
    shot = tmp_path / "report-phone.png"
    browser.screenshot(shot, full_page=False)
    keep(shot)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from checker.archive import Archive
    from checker.commands.review import Reviewer, make_server, serve_in_thread
    from checker.index import index_paths
    from checker.rules import load_rules

    root = tmp_path_factory.mktemp("archive")
    for path in sorted(SEEDS.glob("*.txt")):
        if not path.name.startswith("000"):
            shutil.copy(path, root / path.name)
    db = root / "index.sqlite"
    with Archive.open(db, create=True) as archive:
        index_paths(archive, [str(root)], load_rules(), jobs=1)
    server = make_server(Reviewer(load_rules(), str(db)), "127.0.0.1", 0, archive_label="seeds 001–004")
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_served_page_highlights_a_pasted_draft_and_shows_the_archive_on_click(browser, served, tmp_path):
    browser.viewport(1280, 900)
    browser.open(served)
    draft = sorted(SEEDS.glob("000_*.txt"))[0].read_text(encoding="utf-8")
    browser.js(f"""document.querySelector("#text").value = {json.dumps(draft)};
                   document.querySelector("#draft-form button").click();""")
    marks = browser.js("""new Promise((done, fail) => {
      const t0 = Date.now();
      (function poll() {
        const m = document.querySelectorAll("#draft mark");
        if (m.length) return done([...m].map((x) => [x.textContent, x.dataset.state]));
        if (Date.now() - t0 > 20000) return fail(new Error(document.querySelector("#error").textContent));
        setTimeout(poll, 50);
      })();
    })""")
    states = {state for _, state in marks}
    assert {"contradiction", "divergence", "agree"} <= states, marks
    assert ["5万张", "contradiction"] in marks and ["98%", "divergence"] in marks
    # the text shown is the draft, whole
    assert browser.js("document.querySelector('#draft').textContent") == draft
    # click the contradiction: its panel (chart, archive claims) is shown, the others hidden
    shown = browser.js("""(() => {
      const mark = [...document.querySelectorAll("#draft mark.m-contradiction")].find((m) => m.textContent === "5万张");
      mark.click();
      const panels = [...document.querySelectorAll(".panel")];
      const visible = panels.filter((p) => p.offsetHeight > 0);
      return {visible: visible.length, panels: panels.length, active: mark.classList.contains("active"),
              charts: visible.map((p) => p.querySelectorAll("svg.chart").length),
              archive: visible.map((p) => p.textContent.includes("10萬張")),
              chartWidth: visible.map((p) => p.querySelector("svg.chart") ?
                                      p.querySelector("svg.chart").getBoundingClientRect().width : 0)};
    })()""")
    assert shown["active"] and shown["visible"] >= 1 and shown["panels"] > shown["visible"], shown
    assert 1 in shown["charts"] and any(shown["archive"]) and max(shown["chartWidth"]) > 200, shown
    browser.js("window.scrollTo(0, document.querySelector('#draft mark.active').getBoundingClientRect().top"
               " + window.scrollY - 200)")
    shot = tmp_path / "served.png"
    browser.screenshot(shot, full_page=False)
    keep(shot)
    full = tmp_path / "served-full.png"
    browser.screenshot(full)
    keep(full)


def test_served_page_shows_an_error_message_for_an_empty_draft(browser, served):
    browser.open(served)
    error = browser.js("""new Promise((done) => {
      document.querySelector("#text").value = "   ";
      document.querySelector("#draft-form button").click();
      (function poll() {
        const e = document.querySelector("#error").textContent;
        if (e) return done(e);
        setTimeout(poll, 50);
      })();
    })""")
    assert "empty" in error

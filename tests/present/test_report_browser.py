"""The report in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

The page must show the findings a reader is promised, keep scraped scripts from running, and
stack its columns on a phone. Screenshots are saved under the test's tmp dir and out/report/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsprism.model import StoryComparison
from newsprism.present.html import render_report
from tests.conftest import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = REPO_ROOT / "out" / "report"

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is a dev dependency")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium; .ci/run)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module's tests."""
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _open(
    browser: Any, page_html: str, tmp_path: Path, name: str, width: int
) -> tuple[dict[str, object], Path]:
    path = tmp_path / f"{name}.html"
    path.write_text(page_html, "utf-8")
    shot = tmp_path / f"{name}-{width}.png"
    page = browser.new_page(viewport={"width": width, "height": 1000})
    try:
        page.goto(path.as_uri())
        state = page.evaluate(
            """() => {
              const visible = (el) => !!el && el.getBoundingClientRect().width > 0 &&
                  getComputedStyle(el).visibility !== 'hidden';
              const section = (id) => document.getElementById(id);
              const marks = [...document.querySelectorAll('#articles article mark')];
              const cards = [...document.querySelectorAll('#headlines .card')];
              return {
                title: document.title,
                headlineCards: cards.filter(visible).length,
                headlineTops: cards.map((c) => Math.round(c.getBoundingClientRect().top)),
                headlineText: section('headlines').innerText,
                descriptors: section('descriptors').innerText,
                verbs: section('verbs').innerText,
                coverage: section('coverage').textContent,
                coverageShown: section('coverage').innerText,
                pageHeight: document.documentElement.scrollHeight,
                summary: section('summary').innerText,
                timeline: section('timeline').innerText,
                voiceBars: [...document.querySelectorAll('#voices .bar')].filter(visible)
                    .length,
                markedCues: marks.filter((m) => m.classList.contains('marked'))
                    .filter(visible).map((m) => m.firstChild.textContent),
                onlySentences: document.querySelectorAll('#articles article .sent.only').length,
                scrollWidth: document.documentElement.scrollWidth,
              };
            }"""
        )
        state["foldedHeight"] = state["pageHeight"]
        # The article texts are folded; a reader opens one (no script involved).
        marked = page.locator("#articles article mark.marked").first
        page.locator("#articles details.article-text > summary").first.click()
        marked.focus()
        state["tipShown"] = marked.locator(".tip").is_visible()
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SCREENSHOTS / shot.name)
    return state, shot


def test_report_in_chromium_shows_the_findings(
    browser: Any, sample_comparison: StoryComparison, tmp_path: Path
) -> None:
    state, shot = _open(browser, render_report(sample_comparison), tmp_path, "samples", 1280)
    assert shot.stat().st_size > 50_000
    assert state["headlineCards"] == 2
    tops = state["headlineTops"]
    assert isinstance(tops, list) and tops[0] == tops[1]  # side by side on a desktop
    headline_text = str(state["headlineText"])
    assert "has claimed" in headline_text and "says" in headline_text
    descriptors = str(state["descriptors"])
    assert "jailed Russian businessman" in descriptors
    assert "convicted Russian arms dealer" in descriptors
    verbs = str(state["verbs"])
    assert "claimed" in verbs and "Ned Price" in verbs and "US government" in verbs
    coverage = str(state["coverage"])
    assert "Bout maintains he is innocent." in coverage
    assert "lasted roughly 25 minutes" in coverage
    assert "In late April" in coverage
    assert "late April 2022" in str(state["timeline"])
    assert "2022-04-21/2022-04-30" not in str(state["timeline"])
    assert isinstance(state["voiceBars"], int) and state["voiceBars"] >= 8
    assert "claimed" in state["markedCues"]  # type: ignore[operator]
    assert isinstance(state["onlySentences"], int) and state["onlySentences"] >= 10
    assert state["tipShown"] is True  # evidence on focus (click or tab)


def test_report_on_a_phone_stacks_columns(
    browser: Any, sample_comparison: StoryComparison, tmp_path: Path
) -> None:
    state, _ = _open(browser, render_report(sample_comparison), tmp_path, "samples-phone", 390)
    tops = state["headlineTops"]
    assert isinstance(tops, list) and tops[0] < tops[1]
    assert isinstance(state["scrollWidth"], int) and state["scrollWidth"] <= 400


def test_scripts_in_articles_never_run(
    browser: Any, hostile_comparison: StoryComparison, tmp_path: Path
) -> None:
    state, _ = _open(browser, render_report(hostile_comparison), tmp_path, "hostile", 1280)
    assert state["title"] != "pwned"
    assert "pwned" not in str(state["title"])

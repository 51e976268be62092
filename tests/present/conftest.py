"""Fixtures for the report tests: the sample story (shared with tests/compare) and a story whose
scraped text carries markup that must never become markup in the report."""

from __future__ import annotations

from pathlib import Path

import pytest

import newsprism
from newsprism.analyze import analyze
from newsprism.analyze.nlp import load_model
from newsprism.compare import CompareRules, compare
from newsprism.config import load_settings
from newsprism.model import AnalyzedArticle, StoryComparison
from tests.compare.conftest import compare_rules, sample_comparison, sample_story
from tests.conftest import RT_SAMPLE

__all__ = ["compare_rules", "hostile_comparison", "sample_comparison", "sample_story"]

# Scraped text is untrusted: a headline, an outlet name and a body with live markup, and a bidi
# override (U+202E) that would show the rest of its paragraph reversed.
HOSTILE_TEXT = (
    "Officials say talks on prisoner swap continue <img src=x onerror=alert(1)>\n\n"
    "The spokesman said on Friday that the offer to exchange prisoners was still on the "
    'table. <script>document.title="pwned"</script> He declined to give \u202edetails.\n\n'
    'Viktor Bout, a "convicted arms trafficker", remains in a US prison, the spokesman said.\n'
)
HOSTILE_OUTLET = "Outlet <b>X</b>"


@pytest.fixture(scope="session")
def hostile_comparison(
    tmp_path_factory: pytest.TempPathFactory, compare_rules: CompareRules
) -> StoryComparison:
    """The RT sample against an article whose text and outlet name hold HTML and a script."""
    path: Path = tmp_path_factory.mktemp("hostile") / "hostile.txt"
    path.write_text(HOSTILE_TEXT, "utf-8")
    articles = newsprism.extract_articles(path, outlet=HOSTILE_OUTLET)
    articles += newsprism.extract_articles(RT_SAMPLE, outlet="RT")
    analysed: list[AnalyzedArticle] = list(
        analyze(articles, model=load_model(), settings=load_settings().analyze)
    )
    return compare(analysed, rules=compare_rules)

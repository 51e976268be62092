"""A seventh hand-made story (tests/compare/cases/drag: a newspaper's and a partisan site's
reports of one appeals-court ruling, raw scrapes with date lines, written for these tests): the
site names each judge by who appointed them and the ACLU by its politics, and dates the law's
signing differently. What the comparison must say of it, and what it must not."""

from __future__ import annotations

import datetime as dt

import pytest

from newsprism.compare import CompareRules
from newsprism.model import AnalyzedArticle, StoryComparison
from tests.compare.conftest import analyse_case, compare_case


@pytest.fixture(scope="module")
def story() -> list[AnalyzedArticle]:
    return analyse_case("drag")


@pytest.fixture(scope="module")
def comparison(story: list[AnalyzedArticle], compare_rules: CompareRules) -> StoryComparison:
    return compare_case(story, compare_rules)


def _uses(comparison: StoryComparison, name: str, outlet: str) -> list[str]:
    portrait = next(p for p in comparison.portraits if p.name == name)
    return [u.evidence.text for u in portrait.uses if u.outlet == outlet]


def test_the_days_and_the_year_of_a_month_without_one(story: list[AnalyzedArticle]) -> None:
    assert [a.article.published for a in story] == [dt.date(2026, 11, 9), dt.date(2026, 11, 10)]
    # "passed by the Texas Legislature in 2023 ... and signed by Gov. Greg Abbott in May".
    (may,) = [t for t in story[1].times if t.text == "in May"]
    assert may.value == "2023-05" and not may.relative


def test_how_each_outlet_describes_the_judges_and_the_aclu(
    comparison: StoryComparison,
) -> None:
    # The site's "Warren Pike, appointed by President Trump," is a description of him.
    assert "appointed by President Trump" in _uses(comparison, "Warren Pike", "b_sentinel.txt")
    assert "Obama appointee" in _uses(comparison, "Carolyn Dewitt", "b_sentinel.txt")
    # One outlet writes "ACLU", the other "American Civil Liberties Union": one organisation,
    # whose description by the site ("a left-wing advocacy group") is a contrast.
    aclu = next(p for p in comparison.portraits if p.name == "American Civil Liberties Union")
    assert set(aclu.outlets) == {"a_times.txt", "b_sentinel.txt"}
    assert "left-wing advocacy group" in _uses(comparison, aclu.name, "b_sentinel.txt")
    summaries = [f.summary for f in comparison.findings if f.kind == "descriptor"]
    assert any(s.startswith("American Civil Liberties Union") for s in summaries)


def test_a_place_in_a_title_or_a_whole_court_is_no_contrast(comparison: StoryComparison) -> None:
    # "Texas Attorney General" and "Attorney General" say the same of Ken Paxton; "the full
    # Fifth Circuit" says nothing of the court.
    summaries = [f.summary for f in comparison.findings if f.kind == "descriptor"]
    assert not [s for s in summaries if s.startswith(("Ken Paxton", "Fifth Circuit"))]

"""A sixth hand-made story (tests/compare/cases/quake: an AFP report of an earthquake, a daily's
report and a partisan site's, as raw scrapes with their date lines, written for these tests):
the death toll and the count of collapsed buildings differ, the lower bounds of the toll agree.
What the comparison must say of it, and what it must not."""

from __future__ import annotations

import datetime as dt

import pytest

from newsprism.compare import CompareRules
from newsprism.model import AnalyzedArticle, StoryComparison
from tests.compare.conftest import analyse_case, compare_case


@pytest.fixture(scope="module")
def story() -> list[AnalyzedArticle]:
    # No date given: each scrape's date line under its headline is its publication day.
    return analyse_case("quake")


@pytest.fixture(scope="module")
def comparison(story: list[AnalyzedArticle], compare_rules: CompareRules) -> StoryComparison:
    return compare_case(story, compare_rules)


def _outlet(comparison: StoryComparison, name: str) -> str:
    return next(o.outlet for o in comparison.outlets if name in o.outlet)


def test_the_date_lines_are_the_publication_days(story: list[AnalyzedArticle]) -> None:
    days = [(a.article.published, a.article.published_from) for a in story]
    assert days == [
        (dt.date(2023, 3, 14), "text"), (dt.date(2023, 3, 14), "text"),
        (dt.date(2023, 3, 15), "text"),
    ]


def test_tolls_and_counts_that_differ_are_contradictions(comparison: StoryComparison) -> None:
    numbers = {
        (c.left.outlet, c.left.text, c.right.outlet, c.right.text)
        for c in comparison.contradictions if c.kind == "number"
    }
    wire, daily, post = (_outlet(comparison, n) for n in ("France", "b_daily", "c_post"))
    # The daily's toll and the site's were not aligned with each other, each with the wire's.
    assert (daily, "At least 16 people", post, "12 people") in numbers
    assert (wire, "at least 14 people", post, "12 people") in numbers
    # "He said 45 buildings had collapsed": a claim of one concept besides the count.
    assert {(daily, "47 buildings", post, "45 buildings"),
            (post, "45 buildings", wire, "47 buildings")} <= numbers
    # "at least 14" and "at least 16" are lower bounds that agree.
    assert not any({a, b} == {wire, daily} for a, _, b, _ in numbers)
    bodies = {a.id: a.body for a in comparison.articles}
    for found in comparison.contradictions:
        for span in (found.left, found.right, found.left_statement, found.right_statement):
            assert bodies[span.article][span.start : span.end] == span.text


def test_names_and_places_as_the_articles_mean_them(
    story: list[AnalyzedArticle], comparison: StoryComparison
) -> None:
    wire = story[0]
    names = {e.name: e for e in wire.entities}
    # The dateline's "MALATYA" is Malatya; "(AFAD)" is the authority it follows.
    assert "Malatya" in names and "MALATYA" not in names
    authority = names["Disaster and Emergency Management Authority"]
    assert "AFAD" in [m.text for m in authority.mentions]
    # "eastern Turkey" says where, not how an outlet sees Turkey.
    assert not [d for a in story for e in a.entities for d in e.descriptors
                if d.text.lower() == "eastern"]
    # "the country's disaster agency said": the agency speaks, not "country".
    speakers = {v.speaker for v in comparison.voices}
    assert "country's disaster agency" in speakers and "country" not in speakers


def test_a_description_is_shown_once_in_its_longest_span(comparison: StoryComparison) -> None:
    # "Kemal Aydin, the embattled interior minister": the appositive holds the role; the daily
    # describes him once.
    portrait = next(p for p in comparison.portraits if p.name == "Kemal Aydin")
    daily = [u.evidence.text for u in portrait.uses if "b_daily" in u.outlet]
    assert daily == ["embattled interior minister"]

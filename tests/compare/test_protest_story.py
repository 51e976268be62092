"""A ninth hand-made story (tests/compare/cases/protest: two reports of one protest, raw scrapes
with date lines, written for these tests): the death toll that set the protests off and a
student leader's age differ by one. What the comparison must say of it."""

from __future__ import annotations

import pytest

from newsprism.compare import CompareRules
from newsprism.model import AnalyzedArticle, StoryComparison
from tests.compare.conftest import analyse_case, compare_case


@pytest.fixture(scope="module")
def comparison(compare_rules: CompareRules) -> StoryComparison:
    story: list[AnalyzedArticle] = analyse_case("protest")
    return compare_case(story, compare_rules)


def test_counts_a_unit_apart_contradict_past_another_events_time(
    comparison: StoryComparison,
) -> None:
    # "The demonstrations began last month after a bridge collapse ... killed 15 people":
    # "last month" dates the beginning, not the toll; 15 and 16 are not one rounded value.
    numbers = [(c.left.text, c.right.text) for c in comparison.contradictions
               if c.kind == "number"]
    assert numbers == [("15 people", "16 people")]


def test_an_age_in_an_appositive_is_read(comparison: StoryComparison) -> None:
    # "Jelena Markovic, a 24-year-old student" against "Jelena Markovic, 23," the same day.
    ages = [(c.left.text, c.right.text) for c in comparison.contradictions if c.kind == "age"]
    assert ages == [("24", "23")]

"""A hand-made story (tests/compare/cases/drone: two reports of a US-China incident, written for
these tests): a spokesman named family name first ("Wang Lei", then "Wang") is one person and
one voice; "near disputed reef" in a headline is no attribution."""

from __future__ import annotations

import datetime as dt

import pytest

from newsprism.compare import CompareRules
from newsprism.model import AnalyzedArticle, StoryComparison
from tests.compare.conftest import analyse_case, compare_case


@pytest.fixture(scope="module")
def analysed() -> list[AnalyzedArticle]:
    return analyse_case("drone", dt.date(2026, 12, 3))


@pytest.fixture(scope="module")
def comparison(analysed: list[AnalyzedArticle], compare_rules: CompareRules) -> StoryComparison:
    return compare_case(analysed, compare_rules)


def test_a_family_name_alone_is_the_person(analysed: list[AnalyzedArticle]) -> None:
    for result in analysed:
        wang = [e for e in result.entities if "Wang" in e.name]
        assert [(e.name, e.label) for e in wang] == [("Wang Lei", "PERSON")]
        body = result.article.body
        mentioned = {body[m.start : m.end] for m in wang[0].mentions}
        assert {"Wang Lei", "Wang"} <= mentioned


def test_one_voice_per_outlet_for_the_spokesman(comparison: StoryComparison) -> None:
    speakers = [(v.outlet, v.speaker) for v in comparison.voices if "Wang" in v.speaker]
    assert sorted(speakers) == [("a_globe.txt", "Wang Lei"), ("b_daily.txt", "Wang Lei")]
    globe = next(v for v in comparison.voices
                 if v.outlet == "a_globe.txt" and v.speaker == "Wang Lei")
    assert {u.cue.text for u in globe.verbs} == {"claimed", "told"}


def test_an_adjective_in_a_headline_is_no_cue(comparison: StoryComparison) -> None:
    readings = {h.outlet: h for h in comparison.headlines}
    # "US and China trade blame after drone falls near disputed reef"
    assert readings["a_globe.txt"].cue is None
    # "China says US drone violated its airspace over Scarborough Shoal"
    cue = readings["b_daily.txt"].cue
    assert cue is not None and cue.text == "says"


def test_a_ministry_spokesman_speaks_for_the_government(comparison: StoryComparison) -> None:
    # "China's foreign ministry spokesman": a body of the Chinese government, not the country.
    sides = {(v.outlet, v.speaker): v.side for v in comparison.voices}
    assert sides[("a_globe.txt", "Wang Lei")] == "Chinese government"
    assert sides[("b_daily.txt", "Wang Lei")] == "Chinese government"
    assert sides[("a_globe.txt", "Maria Lund")] == "US government"


def test_countries_by_name_in_headlines(comparison: StoryComparison) -> None:
    # "US and China trade blame ...": the US by its short name; a country is shown by its
    # name, not the demonym one outlet used more ("Chinese coast guard").
    readings = {h.outlet: h for h in comparison.headlines}
    assert readings["a_globe.txt"].subject == "United States"
    assert readings["b_daily.txt"].subject == "China"
    assert "Chinese" not in {name for h in comparison.headlines for name in h.entities}

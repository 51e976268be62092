"""A second hand-made story (tests/compare/cases/sentencing: three reports of one sentencing,
written for these tests): a wire report and a local paper disagree on the prison term and on
the defendant's age; an opinion piece agrees with the local paper. What the comparison must
say of it, and what it must not."""

from __future__ import annotations

import datetime as dt

import pytest

from newsprism.compare import CompareRules
from newsprism.model import AnalyzedArticle, StoryComparison
from tests.compare.conftest import analyse_case, compare_case

DAY = dt.date(2026, 11, 17)


@pytest.fixture(scope="module")
def story() -> list[AnalyzedArticle]:
    return analyse_case("sentencing", DAY)


def _compare(story: list[AnalyzedArticle], rules: CompareRules) -> StoryComparison:
    return compare_case(story, rules)


def test_the_prison_terms_contradict_past_a_relative_clause(
    story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    # The wire report's "who ran the finances of Harlan County for a decade" names no period
    # of its sentence: its "eight years" is set against the local paper's "six years".
    comparison = _compare(story, compare_rules)
    numbers = [c for c in comparison.contradictions if c.kind == "number"]
    assert [sorted((c.left.text, c.right.text)) for c in numbers] == [
        ["eight years", "six years"]
    ]
    (found,) = numbers
    fact = next(f for f in comparison.facts if f.id == found.fact)
    assert {found.left_statement, found.right_statement} <= set(fact.statements)
    bodies = {a.id: a.body for a in comparison.articles}
    for span in (found.left, found.right, found.left_statement, found.right_statement):
        assert bodies[span.article][span.start : span.end] == span.text


def test_a_persons_age_given_differently_is_a_contradiction(
    story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    comparison = _compare(story, compare_rules)
    ages = [c for c in comparison.contradictions if c.kind == "age"]
    # 58 in the local paper and the opinion piece, 57 in the wire report: two pairs disagree,
    # the two that agree make none; the nephew's age (31, one outlet) is nobody's contradiction.
    assert sorted(sorted((c.left.text, c.right.text)) for c in ages) == [
        ["57", "58"], ["57", "58"]
    ]
    assert {c.fact for c in ages} == {"person:Margaret Okafor"}
    bodies = {a.id: a.body for a in comparison.articles}
    for found in ages:
        for span in (found.left, found.right, found.left_statement, found.right_statement):
            assert bodies[span.article][span.start : span.end] == span.text
        assert "Okafor" in found.left_statement.text and "Okafor" in found.right_statement.text
    summaries = [f.summary for f in comparison.findings if f.kind == "contradiction"]
    assert any("Margaret Okafor's age" in s for s in summaries)


def test_ages_a_year_apart_on_different_days_are_no_contradiction(
    compare_rules: CompareRules
) -> None:
    # A birthday may fall between two publication days: the wire report forty days later.
    story = analyse_case("sentencing", DAY, days={"b_herald.txt": DAY + dt.timedelta(days=40)})
    comparison = _compare(story, compare_rules)
    assert [c.differs for c in comparison.contradictions if c.kind == "age"] == []


def test_descriptors_are_no_series_words_or_judgements(
    story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    comparison = _compare(story, compare_rules)
    portraits = {p.name: p for p in comparison.portraits}
    used = {(u.outlet, u.evidence.text) for u in portraits["Margaret Okafor"].uses}
    # "the next Okafor is already at work" describes no one.
    assert ("c_post.txt", "next") not in used
    assert ("c_post.txt", "disgraced former treasurer") in used
    # "Judge Daniel Whitcomb was right to say ..." judges an act; "Judge" is the descriptor.
    judge = {u.evidence.text for u in portraits["Daniel Whitcomb"].uses
             if u.outlet == "c_post.txt"}
    assert judge == {"Judge"}


def test_a_speaker_without_a_side_is_named_once(
    story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    comparison = _compare(story, compare_rules)
    doubt = next(f for f in comparison.findings if f.kind == "verb" and "claimed" in f.summary)
    assert "introduces Victor Reyes with “claimed”" in doubt.summary
    assert "Victor Reyes speakers" not in doubt.summary
    assert "(Victor Reyes)" not in doubt.summary


def test_the_opinion_piece_is_labelled(
    story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    # Its headline's "OPINION:" kicker (a plain-text scrape: no JSON-LD, no URL).
    comparison = _compare(story, compare_rules)
    genres = {a.outlet: (a.genre, a.genre_from) for a in comparison.articles}
    assert genres == {
        "a_courier.txt": (None, None),
        "Associated Press": (None, None),
        "c_post.txt": ("opinion", "kicker"),
    }

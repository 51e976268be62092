"""Contradictions in matched facts (issue 9): the CNN sample against a second report of the same
call, written for these tests in other words (tests/compare/cases/second_report.txt), that gives
the call a different length; rounding and hedges are agreement; no contradiction without a
matched fact."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import newsprism
from newsprism.analyze import analyze
from newsprism.analyze.nlp import load_model
from newsprism.compare import CompareRules, compare
from newsprism.compare.contradictions import quantities
from newsprism.config import load_settings
from newsprism.model import AnalyzedArticle, StoryComparison
from tests.compare.conftest import SAMPLE_DAY
from tests.conftest import CNN_SAMPLE

SECOND_REPORT = Path(__file__).parent / "cases" / "second_report.txt"


def _story(tmp_path: Path, second: str) -> list[AnalyzedArticle]:
    path = tmp_path / "second.txt"
    path.write_text(second, "utf-8")
    articles = newsprism.extract_articles(CNN_SAMPLE, published=SAMPLE_DAY)
    articles += newsprism.extract_articles(path, outlet="Second Report", published=SAMPLE_DAY)
    return list(analyze(articles, model=load_model(), settings=load_settings().analyze))


def _compare(story: list[AnalyzedArticle], rules: CompareRules) -> StoryComparison:
    return compare(story, settings=load_settings().compare, rules=rules)


def test_issue9_call_length_contradiction(tmp_path: Path, compare_rules: CompareRules) -> None:
    story = _story(tmp_path, SECOND_REPORT.read_text("utf-8"))
    comparison = _compare(story, compare_rules)
    numbers = [c for c in comparison.contradictions if c.kind == "number"]
    assert len(numbers) == 1
    (found,) = numbers
    texts = {found.left.outlet: found.left.text, found.right.outlet: found.right.text}
    assert texts == {"CNN": "roughly 25 minutes", "Second Report": "about 40 minutes"}
    assert found.differs in {"25 minutes vs 40 minutes", "40 minutes vs 25 minutes"}
    # Both evidence spans are exact, and the fact under it holds both sentences.
    bodies = {a.id: a.body for a in comparison.articles}
    for span in (found.left, found.right, found.left_statement, found.right_statement):
        assert bodies[span.article][span.start : span.end] == span.text
    fact = next(f for f in comparison.facts if f.id == found.fact)
    assert {found.left_statement, found.right_statement} <= set(fact.statements)
    # The contradiction is a finding, the first one, and leads the summary.
    first = comparison.findings[0]
    assert first.kind == "contradiction" and first.id == "F1"
    assert "25 minutes" in first.summary and "40 minutes" in first.summary
    assert comparison.summary[0] == "F1"


@pytest.mark.parametrize("length", ["about 25 minutes", "some 25 minutes",
                                    "more than 20 minutes", "26 minutes"])
def test_same_length_in_other_words_is_agreement(
    tmp_path: Path, compare_rules: CompareRules, length: str
) -> None:
    text = SECOND_REPORT.read_text("utf-8").replace("about 40 minutes", length)
    comparison = _compare(_story(tmp_path, text), compare_rules)
    assert [c for c in comparison.contradictions if c.kind == "number"] == []


def test_no_contradiction_without_a_matched_fact(
    tmp_path: Path, compare_rules: CompareRules
) -> None:
    # The same 40 minutes, but about something the CNN story does not report.
    text = SECOND_REPORT.read_text("utf-8").replace(
        "The call lasted about 40 minutes, a senior State Department official told reporters.",
        "Reporters waited about 40 minutes in the rain outside the embassy gates.",
    )
    comparison = _compare(_story(tmp_path, text), compare_rules)
    assert [c for c in comparison.contradictions if c.kind == "number"] == []


@pytest.mark.parametrize(
    ("left", "right", "agree"),
    [
        ("lasted roughly 25 minutes", "lasted 25 minutes", True),
        ("aid worth $1.2 billion", "aid worth $1,200 million", True),
        ("aid worth $1.2 billion", "aid worth $1.5 billion", False),
        ("more than 30 people died", "40 people died", True),
        ("fewer than 30 people died", "40 people died", False),
        ("sentenced to nine years", "sentenced to 9 years", True),
        ("sentenced to 12 years", "sentenced to nine years", False),
        ("a 68-year-old general", "a 68-year-old general", True),
    ],
)
def test_quantities_meet_or_not(
    compare_rules: CompareRules, left: str, right: str, agree: bool
) -> None:
    (a,) = quantities(left, compare_rules.quantities)
    (b,) = quantities(right, compare_rules.quantities)
    assert a.kind == b.kind
    assert (a.low <= b.high and b.low <= a.high) is agree


def test_years_days_and_clock_times_are_no_quantities(compare_rules: CompareRules) -> None:
    text = "On July 29, 2022 at 3 p.m. the two met in 2012."
    assert quantities(text, compare_rules.quantities) == []


def _all_kinds(rules: CompareRules) -> CompareRules:
    return dataclasses.replace(rules, quantities=dataclasses.replace(
        rules.quantities, dates=True, agents=True))


def test_issue9_date_contradiction_in_one_fact(
    tmp_path: Path, compare_rules: CompareRules
) -> None:
    # CNN: the proposal "has been on the table since June"; here since May.
    text = SECOND_REPORT.read_text("utf-8").replace(
        "Grain exports through the Black Sea were also on the agenda, the two sides said.",
        "The proposal, on the table since May, includes an offer to swap the convicted Russian "
        "arms dealer Viktor Bout.",
    )
    comparison = _compare(_story(tmp_path, text), _all_kinds(compare_rules))
    dates = [c for c in comparison.contradictions if c.kind == "date"]
    assert [sorted((c.left.text, c.right.text)) for c in dates] == [
        ["since June", "since May"]]
    (found,) = dates
    bodies = {a.id: a.body for a in comparison.articles}
    for span in (found.left, found.right, found.left_statement, found.right_statement):
        assert bodies[span.article][span.start : span.end] == span.text
    # The same month in other words agrees.
    same = _compare(_story(tmp_path, text.replace("since May", "since early June")),
                    _all_kinds(compare_rules))
    assert [c for c in same.contradictions if c.kind == "date"] == []


def test_issue9_named_agent_contradiction_in_one_fact(
    tmp_path: Path, compare_rules: CompareRules
) -> None:
    # CNN gives these words to the spokesman Ned Price; here to Blinken.
    text = SECOND_REPORT.read_text("utf-8").replace(
        "Grain exports through the Black Sea were also on the agenda, the two sides said.",
        "Before the call, Blinken acknowledged that the offer “has not moved to the extent we "
        "would like.”",
    )
    comparison = _compare(_story(tmp_path, text), _all_kinds(compare_rules))
    agents = [c for c in comparison.contradictions if c.kind == "agent"]
    assert len(agents) == 1
    (found,) = agents
    sources = sorted((found.left.text, found.right.text), key=len)
    assert sources[0] == "Blinken" and sources[1].endswith("Ned Price")
    assert found.differs in {"Ned Price vs Antony Blinken", "Antony Blinken vs Ned Price"}
    fact = next(f for f in comparison.facts if f.id == found.fact)
    assert {found.left_statement, found.right_statement} <= set(fact.statements)
    # Off unless the rules turn it on.
    plain = _compare(_story(tmp_path, text), dataclasses.replace(
        compare_rules, quantities=dataclasses.replace(compare_rules.quantities, agents=False)))
    assert [c for c in plain.contradictions if c.kind == "agent"] == []


def _differs(left: str, right: str, rules: CompareRules) -> list[str]:
    from newsprism.compare.contradictions import _pair_contradictions
    from newsprism.model import Evidence

    a = Evidence("A", "a", "body", 0, len(left), left)
    b = Evidence("B", "b", "body", 0, len(right), right)
    return [item[3] for item in _pair_contradictions(a, b, {}, rules)]


def test_sums_of_money_must_share_more_than_being_money(compare_rules: CompareRules) -> None:
    # Written for this test. "$" already says money: "funding" and "funds" next to two sums
    # do not make them one sum.
    assert not _differs(
        "The agency needs $5 billion in funding, the report found.",
        "The program's $2.5 billion in funds was wasted, the report found.",
        compare_rules,
    )
    assert _differs(
        "The agency needs $5 billion in funding, the report found.",
        "The agency needs $2.5 billion in funding, the report found.",
        compare_rules,
    ) == ["$5 billion vs $2.5 billion"]


def test_values_of_different_periods_are_not_compared(compare_rules: CompareRules) -> None:
    # Written for this test: a sum over eight years is not the sum of no stated period.
    assert not _differs(
        "The couple earned $140 million from speeches over eight years, the returns show.",
        "The couple earned $20 million from speeches, the returns show.",
        compare_rules,
    )
    assert _differs(
        "The couple earned $140 million from speeches, the returns show.",
        "The couple earned $20 million from speeches, the returns show.",
        compare_rules,
    ) == ["$140 million vs $20 million"]


def test_counts_spelled_out_are_counts(compare_rules: CompareRules) -> None:
    # Written for this test. News style spells out small counts; "the two" is no count.
    assert _differs(
        "Police said five protesters were arrested outside the embassy.",
        "Police said two protesters were arrested outside the embassy.",
        compare_rules,
    ) == ["five protesters vs two protesters"]
    assert not quantities("The two met on Friday. Two of the suspects fled.",
                          compare_rules.quantities)
    # The sentence's full stop is not part of the count.
    assert [q.text for q in quantities("He has three children.", compare_rules.quantities)] == [
        "three children"]


def test_counts_of_one_thing_in_other_words_contradict(
    tmp_path: Path, compare_rules: CompareRules
) -> None:
    # "employees" and "workers" are one concept (data/synonyms.toml): 1,200 against 1,500 in
    # one matched fact is a contradiction; "jobs" is another concept, and no count of it.
    first = tmp_path / "ledger.txt"
    first.write_text(
        "Northwind Air to cut staff\n\nNorthwind Air will lay off 1,200 employees after fuel "
        "costs rose 23% in the third quarter, the airline said on Monday.\n", "utf-8")
    second = tmp_path / "metro.txt"
    second.write_text(
        "Northwind to shed staff\n\nNorthwind Air plans to lay off 1,500 workers, blaming a "
        "23% rise in fuel costs over the third quarter.\n", "utf-8")
    articles = []
    for path in (first, second):
        articles += newsprism.extract_articles(path, published=SAMPLE_DAY)
    story = list(analyze(articles, model=load_model(), settings=load_settings().analyze))
    numbers = [c for c in _compare(story, compare_rules).contradictions if c.kind == "number"]
    assert [sorted((c.left.text, c.right.text)) for c in numbers] == [
        ["1,200 employees", "1,500 workers"]
    ]

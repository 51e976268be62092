"""A hand-made story (tests/compare/cases/rail: two reports of one Senate vote, written for these
tests): "Sen. Jim Barrow of Texas" is the speaker, not Texas; the two ledes give the vote as
"62 to 37" and "62-38" and are one fact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import newsprism
from newsprism.analyze import analyze
from newsprism.analyze.nlp import load_model
from newsprism.compare import CompareRules, compare
from newsprism.config import load_settings
from newsprism.model import StoryComparison

CASES = Path(__file__).parent / "cases" / "rail"


@pytest.fixture(scope="module")
def comparison(compare_rules: CompareRules) -> StoryComparison:
    articles = []
    for path in sorted(CASES.glob("*.txt")):
        articles += newsprism.extract_articles(path, published=dt.date(2026, 11, 18))
    analysed = list(analyze(articles, model=load_model(), settings=load_settings().analyze))
    return compare(analysed, settings=load_settings().compare, rules=compare_rules)


def test_a_place_after_of_is_not_the_speaker(comparison: StoryComparison) -> None:
    # "Republican Sen. Jim Barrow of Texas opposed the measure."
    speakers = {(v.outlet, v.speaker) for v in comparison.voices}
    assert ("a_tribune.txt", "Texas") not in speakers
    barrow = next(v for v in comparison.voices
                  if v.outlet == "a_tribune.txt" and v.speaker == "Jim Barrow")
    assert {u.cue.text for u in barrow.verbs} == {"opposed", "argued"}
    assert barrow.side == "Republican Party"


def test_the_ledes_meet_on_the_vote(comparison: StoryComparison) -> None:
    shared = [" | ".join(s.text for s in f.statements) for f in comparison.facts
              if len(f.outlets) > 1]
    assert any("62 to 37" in s and "62-38 vote" in s for s in shared)

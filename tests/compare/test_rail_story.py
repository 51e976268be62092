"""A hand-made story (tests/compare/cases/rail: two reports of one Senate vote, written for these
tests): "Sen. Jim Barrow of Texas" is the speaker, not Texas; the two ledes give the vote as
"62 to 37" and "62-38" and are one fact."""

from __future__ import annotations

import datetime as dt

import pytest

from newsprism.compare import CompareRules
from newsprism.model import StoryComparison
from tests.compare.conftest import analyse_case, compare_case


@pytest.fixture(scope="module")
def comparison(compare_rules: CompareRules) -> StoryComparison:
    return compare_case(analyse_case("rail", dt.date(2026, 11, 18)), compare_rules)


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

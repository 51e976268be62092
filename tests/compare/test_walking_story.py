"""An eighth hand-made story (tests/compare/cases/walking: a health site's and a tabloid's HTML
pages on one study, written for these tests): a researcher whose name holds a particle, an
organisation whose name opens with a possessive, a journal the model takes for a person, and
"Danish scientists". Who each outlet quotes, as the comparison must name them."""

from __future__ import annotations

import pytest

from newsprism.compare import CompareRules
from newsprism.model import AnalyzedArticle, StoryComparison
from tests.compare.conftest import analyse_case, compare_case


@pytest.fixture(scope="module")
def story() -> list[AnalyzedArticle]:
    return analyse_case("walking")


@pytest.fixture(scope="module")
def comparison(story: list[AnalyzedArticle], compare_rules: CompareRules) -> StoryComparison:
    return compare_case(story, compare_rules)


def test_names_the_model_cut_are_whole(
    story: list[AnalyzedArticle], comparison: StoryComparison
) -> None:
    # "Dr Borja del Pozo Cruz": one person in both outlets, not "Borja" and "Pozo Cruz".
    for analysed in story:
        names = [e.name for e in analysed.entities]
        assert "Borja del Pozo Cruz" in names and "Pozo Cruz" not in names
    researcher = [v for v in comparison.voices if v.speaker == "Borja del Pozo Cruz"]
    assert {v.outlet for v in researcher} == {"Health Wire", "The Daily Star-Ledger"}
    # "the Alzheimer's Society" speaks as itself, not as "Society".
    speakers = {v.speaker for v in comparison.voices}
    assert "Alzheimer's Society" in speakers and "Society" not in speakers


def test_no_side_or_description_the_text_does_not_give(
    story: list[AnalyzedArticle], comparison: StoryComparison
) -> None:
    # "Danish scientists ... found": scientists, not the Danish government.
    danish = [v for v in comparison.voices if "Danish" in v.speaker]
    assert danish and all(v.side != "Danish government" for v in danish)
    assert "Denmark" not in {v.speaker for v in comparison.voices}
    # "the journal JAMA Neurology": a journal (not a person), and "journal" describes nothing.
    (journal,) = [e for e in story[0].entities if e.name == "JAMA Neurology"]
    assert journal.label == "ORG" and not journal.descriptors
    assert "JAMA Neurology" not in {p.name for p in comparison.portraits}

"""A hand-made story as two HTML pages (tests/compare/cases/northwind, written for these tests):
two outlets give the same figures in other words ("$150 million a year" / "annually", "fell 4.5%"
/ "dropped 4.5 per cent"): those are shared facts, not two "only X" statements."""

from __future__ import annotations

import pytest

from newsprism.compare import CompareRules
from newsprism.compare.facts import _anchor_numbers
from newsprism.model import AnalyzedArticle
from tests.compare.conftest import analyse_case, compare_case


@pytest.fixture(scope="module")
def analysed() -> list[AnalyzedArticle]:
    return analyse_case("northwind")


def _shared(analysed: list[AnalyzedArticle], rules: CompareRules, anchors: int) -> list[str]:
    comparison = compare_case(analysed, rules, anchor_min_shared_words=anchors)
    return [" | ".join(s.text for s in f.statements) for f in comparison.facts
            if len(f.outlets) > 1]


def test_the_same_figures_in_other_words_are_shared_facts(
    analysed: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    assert {a.article.outlet.name for a in analysed if a.article.outlet} == {
        "The Ledger", "Metro Business"
    }
    shared = _shared(analysed, compare_rules, 1)
    assert any("$150 million a year" in s and "$150 million annually" in s for s in shared)
    assert any("fell 4.5%" in s and "dropped 4.5 per cent" in s for s in shared)
    # Without the figures as anchors neither is found: the words alone are too few.
    without = _shared(analysed, compare_rules, 0)
    assert not any("fell 4.5%" in s for s in without)


@pytest.mark.parametrize(("text", "figures"), [
    ("The company's shares fell 4.5% in early trading.", {"4.5"}),
    ("Northwind carried 31 million passengers and 1,200 staff.", {"31", "1200"}),
    ("Fifteen of the 19 Sept. 11 hijackers were Saudi nationals.", {"19"}),
    ("H.R. 1154 on Covid-19 and F-35 jets passed in 2021, a year after 9/11.", set()),
    ("The House voted 371-18, an 18-year high.", {"371", "18"}),
    ("Mohammad Anwar, 66, and a 13-year-old girl, ages 13 and 15, two people.", set()),
])
def test_figures_that_anchor_a_fact(text: str, figures: set[str]) -> None:
    # Years, small counts, codes, dates and ages are no anchors: they name, they do not measure.
    assert _anchor_numbers(text) == figures

"""A hand-made story (tests/compare/cases/bus_crash: a Reuters report, the same report carried
by a second site, and a local paper's own report, written for these tests): one police chief
makes two different claims in two outlets; a wire copy is one voice."""

from __future__ import annotations

import datetime as dt

import pytest

from newsprism.compare import CompareRules
from newsprism.model import StoryComparison
from tests.compare.conftest import analyse_case, compare_case


@pytest.fixture(scope="module")
def comparison(compare_rules: CompareRules) -> StoryComparison:
    return compare_case(analyse_case("bus_crash", dt.date(2026, 12, 7)), compare_rules)


def test_two_claims_of_one_speaker_are_two_facts(comparison: StoryComparison) -> None:
    # Reuters: the bus "left the road on a sharp curve and fell some 200 meters, regional
    # police chief Carlos Medina told Reuters"; the local paper: "Police chief Carlos Medina
    # said the driver ... had been driving too fast for the wet road". The speaker, his title
    # and "road" are all they share.
    for fact in comparison.facts:
        texts = " | ".join(s.text for s in fact.statements)
        assert not ("fell some 200 meters" in texts and "driving too fast" in texts), texts


def test_the_title_before_a_name_is_its_descriptor(comparison: StoryComparison) -> None:
    portraits = {p.name: p for p in comparison.portraits}
    uses = {(u.outlet, u.evidence.text) for u in portraits["Carlos Medina"].uses}
    assert ("Reuters", "regional police chief") in uses
    assert ("b_local.txt", "Police chief") in uses


def test_a_wire_copy_is_one_voice_with_two_carriers(comparison: StoryComparison) -> None:
    outlets = {o.outlet: o for o in comparison.outlets}
    assert set(outlets) == {"Reuters", "b_local.txt"}
    assert outlets["Reuters"].published_by == ("a_wire.txt", "c_carrier.txt")
    # Its sentences are compared once: no fact joins Reuters with itself.
    for fact in comparison.facts:
        assert len({s.outlet for s in fact.statements}) == len(fact.statements)

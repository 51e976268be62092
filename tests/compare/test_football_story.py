"""A tenth hand-made story (tests/compare/cases/football: two reports of one match, raw scrapes
written for these tests). spaCy's small model finds no "Arsenal" in either; a headline that
opens with it must not be said to put Chelsea first."""

from __future__ import annotations

from newsprism.compare import CompareRules
from tests.compare.conftest import analyse_case, compare_case


def test_a_name_the_analysis_missed_still_leads_its_headline(
    compare_rules: CompareRules,
) -> None:
    story = analyse_case("football")
    assert not [e for a in story for e in a.entities if e.name == "Arsenal"]
    comparison = compare_case(story, compare_rules)
    first = {h.outlet: h.subject for h in comparison.headlines}
    # "Arsenal beat Chelsea 3-1": the bodies write "Arsenal" with a capital mid-sentence.
    assert first["a_sport.txt"] == "Arsenal"
    # "Saka double sinks sorry Chelsea as Gunners go top": "Gunners" is never written in a
    # body, so it is no name the story knows; Saka leads.
    assert first["b_daily.txt"] == "Bukayo Saka"
    summaries = [f.summary for f in comparison.findings if f.kind == "headline"]
    assert not any("puts Chelsea first" in s for s in summaries)

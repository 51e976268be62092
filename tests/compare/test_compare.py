"""The comparison of the two sample stories (RT and CNN via KION 46): what the issue's
done-when lists, each value traced back to the article text."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.compare import CompareRules, compare, load_compare_rules
from newsprism.config import load_settings
from newsprism.errors import ConfigError
from newsprism.model import (
    AnalyzedArticle,
    Evidence,
    StoryComparison,
    from_dict,
    to_dict,
)


def _text_of(comparison: StoryComparison, evidence: Evidence) -> str:
    article = next(a for a in comparison.articles if a.id == evidence.article)
    text = article.body if evidence.field == "body" else (article.headline or "")
    return text[evidence.start : evidence.end]


def test_outlets_are_the_writing_outlets(sample_comparison: StoryComparison) -> None:
    outlets = {o.outlet: o for o in sample_comparison.outlets}
    assert set(outlets) == {"RT", "CNN"}
    assert outlets["CNN"].published_by == ("KION 46",)


def test_headlines_compared(sample_comparison: StoryComparison) -> None:
    readings = {r.outlet: r for r in sample_comparison.headlines}
    rt, cnn = readings["RT"], readings["CNN"]
    assert rt.subject == "Moscow"
    assert rt.speaker == "Karine Jean-Pierre"
    assert rt.cue is not None and rt.cue.text == "has claimed"
    assert (rt.cue_class, rt.cue_subclass, rt.order) == ("marked", "doubt", "claim-first")
    assert cnn.subject == cnn.speaker == "Antony Blinken"
    assert cnn.cue is not None and cnn.cue.text == "says"
    assert (cnn.cue_class, cnn.order) == ("neutral", "speaker-first")
    assert cnn.quoted == ("frank",)
    assert "Sergey Lavrov" in cnn.entities  # "Russian foreign minister" read as his role
    headline = next(f for f in sample_comparison.findings if f.kind == "headline")
    assert {e.text for e in headline.evidence} >= {"has claimed", "says"}


def test_bout_descriptors_side_by_side(sample_comparison: StoryComparison) -> None:
    bout = next(p for p in sample_comparison.portraits if p.name == "Viktor Bout")
    texts = {(u.outlet, u.evidence.text) for u in bout.uses}
    assert ("RT", "jailed Russian businessman") in texts
    assert ("CNN", "convicted Russian arms dealer") in texts
    only = {item.outlet: set(item.words) for item in bout.only}
    assert {"jailed", "businessman"} <= only["RT"]
    assert {"convicted", "arms", "dealer"} <= only["CNN"]
    assert "russian" not in only["RT"] | only["CNN"]
    finding = next(f for f in sample_comparison.findings
                   if f.kind == "descriptor" and f.summary.startswith("Viktor Bout"))
    assert "jailed Russian businessman" in finding.summary
    assert "convicted Russian arms dealer" in finding.summary


def test_claimed_against_how_cnn_introduces_us_officials(
    sample_comparison: StoryComparison,
) -> None:
    voices = {(v.outlet, v.speaker): v for v in sample_comparison.voices}
    jean_pierre = voices[("RT", "Karine Jean-Pierre")]
    assert jean_pierre.side == "US government"
    assert jean_pierre.side_evidence is not None
    assert jean_pierre.side_evidence.field == "headline"  # "White House Press Secretary ..."
    claimed = [v for v in jean_pierre.verbs if v.lemma == "claim"]
    assert claimed and claimed[0].cue.text == "claimed"
    assert (claimed[0].class_, claimed[0].subclass) == ("marked", "doubt")
    cnn_us = [v for v in sample_comparison.voices
              if v.outlet == "CNN" and v.side == "US government"]
    assert {"Antony Blinken", "Ned Price"} <= {v.speaker for v in cnn_us}
    assert not [u for v in cnn_us for u in v.verbs if u.subclass == "doubt"]
    verb_findings = [f for f in sample_comparison.findings
                     if f.kind == "verb" and "US government" in f.summary]
    doubt = verb_findings[0]  # the verb of doubt against the other outlet comes first
    assert set(doubt.outlets) == {"RT", "CNN"}
    assert doubt.summary.startswith("RT introduces Karine Jean-Pierre")
    cnn_part = doubt.summary.split("CNN introduces US government speakers (")[1].split(")")[0]
    assert {"Antony Blinken", "Ned Price"} <= set(cnn_part.split(", "))
    assert "no verb of doubt" in doubt.summary
    cues = {(e.outlet, e.text) for e in doubt.evidence}
    assert ("RT", "claimed") in cues and ("CNN", "acknowledged") in cues
    assert any("“claimed” (doubt)" in f.summary for f in verb_findings[1:])


@pytest.mark.parametrize(
    ("outlet", "words"),
    [
        ("RT", "Bout maintains he is innocent."),
        ("RT", "In late April, Moscow and Washington completed a prisoner swap"),
        ("CNN", "the call took place shortly after noon Washington time and lasted roughly"),
        ("CNN", "Lavrov told Blinken that Moscow’s “goals and objectives”"),
    ],
)
def test_facts_only_one_outlet_reports(
    sample_comparison: StoryComparison, outlet: str, words: str
) -> None:
    fact = next(f for f in sample_comparison.facts if any(words in s.text for s in f.statements))
    assert fact.outlets == (outlet,)
    assert fact.missing_from == tuple({"RT", "CNN"} - {outlet})
    only_in = [f for f in sample_comparison.findings if f.kind == "only-in"]
    assert any(words in e.text for f in only_in for e in f.evidence)


def test_each_outlet_has_voices(sample_comparison: StoryComparison) -> None:
    for outlet in ("RT", "CNN"):
        mine = [v for v in sample_comparison.voices if v.outlet == outlet]
        assert {v.side for v in mine} >= {"US government", "Russian government"}
        assert all(v.statements == v.direct + v.indirect + v.mixed for v in mine)
    ryabkov = next(v for v in sample_comparison.voices if v.speaker == "Sergey Ryabkov")
    assert (ryabkov.outlet, ryabkov.side) == ("RT", "Russian government")


def test_timeline_dates_and_outlets(sample_comparison: StoryComparison) -> None:
    events = {e.value: e for e in sample_comparison.timeline if e.value}
    assert events["2022-07-29"].outlets == ("RT", "CNN")
    april = events["2022-04-21/2022-04-30"]
    assert april.outlets == ("RT",)
    assert april.expressions[0].text == "In late April"
    assert events["2021-06"].outlets == ("CNN",)
    values = [e.value for e in sample_comparison.timeline if e.value]
    assert values.index("2021-06") < values.index("2022-04-21/2022-04-30") < values.index(
        "2022-07-29")


def test_every_evidence_traces_to_the_text(sample_comparison: StoryComparison) -> None:
    spans = [e for f in sample_comparison.findings for e in f.evidence]
    spans += [s for f in sample_comparison.facts for s in f.statements]
    spans += [u.cue for v in sample_comparison.voices for u in v.verbs]
    assert len(spans) > 100
    for evidence in spans:
        assert _text_of(sample_comparison, evidence) == evidence.text, evidence


def test_symmetric_in_article_order(
    sample_story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    # No outlet is the reference: the same findings come out whichever article comes first.
    def signature(comparison: StoryComparison) -> set[tuple[str, frozenset[tuple[str, int]]]]:
        return {(f.kind, frozenset((e.article, e.start) for e in f.evidence))
                for f in comparison.findings if f.kind != "headline"}

    settings = load_settings().compare
    forward = compare(sample_story, settings=settings, rules=compare_rules)
    backward = compare(sample_story[::-1], settings=settings, rules=compare_rules)
    assert signature(forward) == signature(backward)
    assert {f.id for f in forward.facts} == {f.id for f in backward.facts}


def test_json_round_trip(sample_comparison: StoryComparison) -> None:
    assert from_dict(StoryComparison, to_dict(sample_comparison)) == sample_comparison
    data = to_dict(sample_comparison)
    assert data["voices"][0]["verbs"][0]["class"] in {"neutral", "marked", "cognitive"}


def test_a_word_in_two_synonym_groups_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.toml"
    path.write_text('groups = [\n  ["offer", "proposal"],\n  ["bid", "offer"],\n]\n', "utf-8")
    with pytest.raises(ConfigError, match=r"synonyms.toml:3: .*'offer' is in two groups"):
        load_compare_rules(synonyms_path=path)


def test_one_article_story_has_no_cross_outlet_findings(
    sample_story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    single = compare(sample_story[:1], rules=compare_rules)
    assert [o.outlet for o in single.outlets] == ["RT"]
    assert not [f for f in single.findings if f.kind in {"only-in", "shared"}]
    assert all(f.outlets == ("RT",) for f in single.facts)


def test_a_passive_headline_attributes_nothing(compare_rules: CompareRules) -> None:
    # Written for this test: headline grammar drops "is"; the one charged is no speaker, and a
    # noun after the participle ("Charges") is no cue.
    import datetime as dt

    from newsprism.analyze import analyze
    from newsprism.analyze.nlp import load_model
    from newsprism.compare.headlines import compare_headlines
    from newsprism.compare.story import build_view
    from newsprism.model import Article, Outlet, Source, SourceKind, Span

    headlines = ["Menendez Indicted on Bribery Charges", "Sen. Menendez charged in bribery scheme",
                 "Menendez says charges are baseless",
                 "Gold bars seized in raid on home, Menendez says"]
    body = "Senator Bob Menendez was indicted on Friday on bribery charges, prosecutors said."
    articles = [
        Article(id=f"h{n}", source=Source(SourceKind.FILE, f"h{n}.txt"), body=body,
                paragraphs=(Span(0, len(body), body),), outlet=Outlet(name=f"Outlet {n}"),
                headline=headline, published=dt.date(2023, 9, 22))
        for n, headline in enumerate(headlines)
    ]
    story = list(analyze(articles, model=load_model(), settings=load_settings().analyze))
    readings = compare_headlines(build_view(story, compare_rules), rules=compare_rules)
    # A clause after a comma still attributes.
    assert [(r.speaker, r.cue.text if r.cue else None) for r in readings] == [
        (None, None), (None, None), ("Bob Menendez", "says"), ("Bob Menendez", "says")]

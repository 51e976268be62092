"""Attributions on the two sample stories: every quotation and paraphrase, its cue, speaker
(pronouns and role nouns resolved), kind and content; quotation-mark pairing on PolNeAR text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsprism.analyze.nlp import LoadedModel
from newsprism.analyze.quotes import find_quotations
from newsprism.model import AnalyzedArticle, Attribution

CASES = json.loads((Path(__file__).parent / "cases" / "sample_attributions.json").read_text())[
    "cases"
]


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['sample']}:{case['cue']}{case['after'][:24]}".replace("\n", " ")


def _find(result: AnalyzedArticle, case: dict[str, Any]) -> Attribution:
    body = result.article.body
    at = body.find(case["cue"] + case["after"])
    assert at >= 0, f"the sample text changed: {case['cue'] + case['after']!r} not in the body"
    found = [
        a
        for a in result.attributions
        if a.cue.start <= at < a.cue.end or (at <= a.cue.start < at + len(case["cue"]))
    ]
    assert found, f"no attribution with the cue {case['cue']!r} at {at}"
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_sample_attribution(analyzed: dict[str, AnalyzedArticle], case: dict[str, Any]) -> None:
    result = analyzed[case["sample"]]
    attribution = _find(result, case)
    names = {entity.id: entity.name for entity in result.entities}
    speaker = names.get(attribution.entity) if attribution.entity else None
    assert speaker == case["speaker"], attribution.source
    if case["kind"] is not None:
        assert attribution.kind.value == case["kind"]
    assert case["content"] in attribution.content.text
    if "not_content" in case:
        assert case["not_content"] not in attribution.content.text
    assert attribution.cue.class_ == case["class"]
    body = result.article.body
    for span in (attribution.source, attribution.cue, attribution.content):
        if span is not None:
            assert body[span.start : span.end] == span.text


def test_every_quotation_of_the_samples_is_attributed(
    analyzed: dict[str, AnalyzedArticle], model: LoadedModel
) -> None:
    """A quotation of three words or more lies in the content of some attribution."""
    for result in analyzed.values():
        doc = model.nlp(result.article.body)
        for quotation in find_quotations(doc):
            if quotation.last - quotation.first < 4:
                continue
            assert any(
                a.content.start <= quotation.start + 1 and quotation.end - 1 <= a.content.end
                for a in result.attributions
            ), doc.text[quotation.start : quotation.end]


def test_marked_cues_carry_how_they_colour_the_report(
    analyzed: dict[str, AnalyzedArticle],
) -> None:
    """'claimed' (RT, of Jean-Pierre) casts doubt; 'acknowledged' (CNN, of Price) concedes."""
    rt = {a.cue.text: a.cue for a in analyzed["rt"].attributions}
    cnn = {a.cue.text: a.cue for a in analyzed["cnn"].attributions}
    assert (rt["claimed"].lemma, rt["claimed"].subclass) == ("claim", "doubt")
    assert (cnn["acknowledged"].lemma, cnn["acknowledged"].subclass) == (
        "acknowledge",
        "concessive",
    )
    assert rt["claimed"].tense == "past" and rt["claimed"].voice == "active"

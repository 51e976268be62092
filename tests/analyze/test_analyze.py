"""The analyze stage as a whole: batching over nlp.pipe, offsets into Article.body, and
attribution sources resolved to entities."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from newsprism.analyze import AnalyzeRules, analyze, analyze_article, resolve_sources
from newsprism.analyze.nlp import LoadedModel
from newsprism.config import AnalyzeSettings
from newsprism.model import (
    AnalyzedArticle,
    Article,
    Attribution,
    AttributionKind,
    Cue,
    Span,
)


def _span(body: str, text: str, *, after: str = "") -> Span:
    start = body.index(text, body.index(after) + len(after) if after else 0)
    return Span(start, start + len(text), text)


def _attribution(body: str, source: str, cue: str, *, after: str = "") -> Attribution:
    source_span = _span(body, source, after=after)
    cue_span = _span(body, cue, after=source)
    return Attribution(
        source=source_span,
        entity=None,
        cue=Cue(cue_span.start, cue_span.end, cue, cue, "neutral"),
        content=cue_span,
        kind=AttributionKind.INDIRECT,
        found_by="test",
    )


def _names(result: AnalyzedArticle) -> dict[str, str]:
    return {entity.id: entity.name for entity in result.entities}


def test_analyze_keeps_order_and_names_the_model(
    analyzed: dict[str, AnalyzedArticle], model: LoadedModel
) -> None:
    assert analyzed["rt"].article.source.location.endswith("000_463718cccb5341d0.txt")
    assert analyzed["cnn"].article.source.location.endswith("003_4ac3225d892de0a0.txt")
    for result in analyzed.values():
        assert result.nlp_model == model.label
        body = result.article.body
        for attribution in result.attributions:
            for span in (attribution.source, attribution.cue, attribution.content):
                if span is not None:
                    assert body[span.start : span.end] == span.text


def test_batches_and_single_articles_agree(
    rt_article: Article,
    cnn_article: Article,
    model: LoadedModel,
    settings: AnalyzeSettings,
    rules: AnalyzeRules,
    analyzed: dict[str, AnalyzedArticle],
) -> None:
    one_by_one = dataclasses.replace(settings, batch_size=1)
    lazily = analyze(
        (a for a in (rt_article, cnn_article)), model=model, settings=one_by_one, rules=rules
    )
    assert list(lazily) == [analyzed["rt"], analyzed["cnn"]]
    assert (
        analyze_article(cnn_article, model=model, settings=settings, rules=rules)
        == (analyzed["cnn"])
    )


def test_sources_resolve_to_entities(analyzed: dict[str, AnalyzedArticle]) -> None:
    result = analyzed["cnn"]
    body = result.article.body
    names = _names(result)
    attributions = [
        _attribution(body, "State Department spokesperon Ned Price", "acknowledged"),
        _attribution(body, "US officials", "had expressed"),
        _attribution(body, "The top US diplomat", "said"),
        _attribution(body, "he", "said", after="what he has to say,”"),
        _attribution(body, "who", "announced"),
        _attribution(body, "The Russian Foreign Ministry", "said"),
    ]
    resolved = resolve_sources(attributions, result.entities, body)
    assert [names.get(a.entity or "") for a in resolved] == [
        "Ned Price",
        None,
        "Antony Blinken",
        "Sergey Lavrov",
        "Antony Blinken",
        "Russian Foreign Ministry",
    ]


def test_found_attributions_name_their_speakers(analyzed: dict[str, AnalyzedArticle]) -> None:
    result = analyzed["rt"]
    names = _names(result)
    by_cue = {a.cue.text: names.get(a.entity or "") for a in result.attributions}
    # “They need to negotiate in good faith,” the spokeswoman stressed.
    assert by_cue["stressed"] == "Karine Jean-Pierre"
    assert by_cue["maintains"] == "Viktor Bout"
    speakers = {names.get(a.entity or "") for a in result.attributions}
    assert {"Karine Jean-Pierre", "Sergey Ryabkov"} <= speakers


def test_issue11_tokens_carry_lemma_stem_and_stop_word(
    analyzed: dict[str, AnalyzedArticle],
) -> None:
    # Every word of the body, in order, with spaCy's lemma, compare's stem and the stop flag
    # from data/stop_words.txt: later stages read these instead of splitting the text again.
    from newsprism.analyze.tokens import text_tokens
    from newsprism.datafile import stop_words

    rt = analyzed["rt"]
    body = rt.article.body
    assert [(t.start, t.end) for t in rt.tokens] == [(t.start, t.end) for t in text_tokens(body)]
    by_word = {body[t.start : t.end]: t for t in rt.tokens}
    assert by_word["claimed"].lemma == "claim" and by_word["claimed"].stem == "claim"
    assert by_word["failed"].lemma == "fail" and not by_word["failed"].stop
    assert by_word["the"].stop and by_word["has"].stop
    assert all(t.stop == (body[t.start : t.end].lower() in stop_words()) for t in rt.tokens
               if "'" not in body[t.start : t.end] and "’" not in body[t.start : t.end])
    assert rt.made_by.endswith("; tokens 2")


def test_a_name_in_the_speakers_appositive_is_not_the_speaker(
    model: LoadedModel, settings: AnalyzeSettings, rules: AnalyzeRules
) -> None:
    # Written for this test: "a Democrat" (an entity of its own) describes Mr. Menendez, who
    # speaks; "Federal prosecutors" names no entity.
    from newsprism.model import Article, Outlet, Source, SourceKind, Span

    body = ("Federal prosecutors said agents found cash at his home. Mr. Menendez, a Democrat, "
            "said he would not resign.")
    article = Article(id="m", source=Source(SourceKind.FILE, "m.txt"), body=body,
                      paragraphs=(Span(0, len(body), body),), outlet=Outlet(name="NYT"))
    result = analyze_article(article, model=model, settings=settings, rules=rules)
    names = _names(result)
    assert "Democrat" in names.values()
    resolved = resolve_sources(
        [_attribution(body, "Mr. Menendez, a Democrat,", "said", after="his home.")],
        result.entities, body,
    )
    assert [names.get(a.entity or "") for a in resolved] == ["Menendez"]


def test_an_article_not_in_english_is_reported(
    model: LoadedModel, settings: AnalyzeSettings, rules: AnalyzeRules,
    analyzed: dict[str, AnalyzedArticle], caplog: pytest.LogCaptureFixture,
) -> None:
    # Written for this test: a Spanish paragraph is analysed (nothing is dropped), with a warning
    # that names it; the English samples raise none.
    from newsprism.model import Article, Outlet, Source, SourceKind, Span

    body = ("El Gobierno de Pedro Sánchez aprobó el martes la reforma laboral, según fuentes del "
            "ministerio. La ministra Yolanda Díaz dijo que es un acuerdo histórico para los "
            "trabajadores y las empresas del país.")
    article = Article(id="es", source=Source(SourceKind.FILE, "es.txt"), body=body,
                      paragraphs=(Span(0, len(body), body),), outlet=Outlet(name="El País"))
    with caplog.at_level(logging.WARNING, logger="newsprism.analyze"):
        result = analyze_article(article, model=model, settings=settings, rules=rules)
        for english in (analyzed["rt"].article, analyzed["cnn"].article):
            analyze_article(english, model=model, settings=settings, rules=rules)
    assert result.article.id == "es"
    warned = [r.getMessage() for r in caplog.records if "English function words" in r.getMessage()]
    assert len(warned) == 1 and "article es (es.txt)" in warned[0]

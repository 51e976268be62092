"""Records round-trip through JSON unchanged, and the JSON carries the documented field names."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from newsprism.model import (
    AnalyzedArticle,
    Article,
    Attribution,
    AttributionKind,
    BoilerplateKind,
    Caption,
    Confidence,
    CopyOf,
    Cue,
    Entity,
    Granularity,
    MediaType,
    Mention,
    MentionKind,
    Outlet,
    RawDocument,
    Removed,
    Source,
    SourceKind,
    Span,
    TimeExpression,
    from_dict,
    to_dict,
)


def _article(body: str) -> Article:
    first = body.split("\n\n")[0]
    return Article(
        id="4ac3225d892de0a0",
        source=Source(SourceKind.JSONL, "feed.jsonl", line=3),
        body=body,
        paragraphs=(Span(0, len(first), first),),
        outlet=Outlet("KION 46", domain="kion546.com", found_by="outlets.toml:pattern"),
        original_outlet=Outlet("CNN", domain="cnn.com", found_by="byline", evidence="CNN"),
        headline="Blinken says he had ‘frank’ discussion",
        authors=("Jennifer Hansler",),
        contributors=("Evgenii Shapovalov",),
        published=dt.date(2022, 7, 29),
        published_from="flag",
        published_confidence=Confidence.HIGH,
        captions=(Caption("A caption", credit="Getty Images"),),
        removed=(Removed(BoilerplateKind.READ_MORE, "Read more", rule="boilerplate.toml:1"),),
        copy_of=CopyOf("463718cccb5341d0", "near", 0.91),
    )


def test_article_round_trips_through_json(corpus_texts: dict[str, str]) -> None:
    article = _article(corpus_texts["cnn"])
    data = json.loads(json.dumps(to_dict(article)))
    assert from_dict(Article, data) == article
    assert data["published"] == "2022-07-29"
    assert data["published_from"] == "flag"
    assert data["source"] == {"kind": "jsonl", "location": "feed.jsonl", "line": 3, "record": None}
    for documented in (
        "id",
        "outlet",
        "original_outlet",
        "headline",
        "standfirst",
        "authors",
        "body",
        "captions",
        "removed",
    ):
        assert documented in data


def test_analysis_records_round_trip_and_cue_class_is_named_class() -> None:
    body = "Jean-Pierre claimed that talks failed."
    cue = Cue(12, 19, "claimed", "claim", "marked", tense="past", voice="active")
    analyzed = AnalyzedArticle(
        article=Article("x", Source(SourceKind.FILE, "a.txt"), body, (Span(0, len(body), body),)),
        entities=(
            Entity(
                "e1",
                "Karine Jean-Pierre",
                "PERSON",
                (Mention(0, 11, "Jean-Pierre", MentionKind.NAME),),
            ),
        ),
        attributions=(
            Attribution(
                Span(0, 11, "Jean-Pierre"),
                "e1",
                cue,
                Span(20, 37, "that talks failed"),
                AttributionKind.INDIRECT,
                "rule:verb-that",
            ),
        ),
        times=(TimeExpression(0, 3, "now", None, Granularity.DAY, relative=True),),
    )
    data = to_dict(analyzed)
    assert data["attributions"][0]["cue"]["class"] == "marked"
    assert "class_" not in data["attributions"][0]["cue"]
    assert from_dict(AnalyzedArticle, data) == analyzed


def test_raw_document_enums_serialise_as_values() -> None:
    doc = RawDocument(
        "abc",
        Source(SourceKind.WARC, "crawl.warc.gz", record="<urn:uuid:1>"),
        MediaType.HTML,
        "<html></html>",
    )
    data = to_dict(doc)
    assert data["media_type"] == "text/html"
    assert data["source"]["kind"] == "warc"
    assert from_dict(RawDocument, data) == doc


def test_from_dict_rejects_wrong_shape() -> None:
    with pytest.raises(TypeError, match="expected an object for Source"):
        from_dict(
            RawDocument,
            {"id": "a", "source": "not an object", "media_type": "text/plain", "content": ""},
        )

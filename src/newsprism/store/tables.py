"""The tidy tables of an analysed corpus: one definition for the database and for exports.

Each table has documented columns and ids that join: ``article_id`` (the article's content hash)
joins every table to ``articles``; ``(article_id, entity_id)`` joins ``mentions`` and
``descriptors`` to ``entities`` and ``attributions.entity_id`` to the speaker's entity;
``story_id`` joins ``story_articles`` to ``stories``. Character offsets (``start_char``,
``end_char``) index into ``articles.body``, as everywhere in newsprism.

The store backends write the analysis tables (``entities`` ... ``times``) from
:func:`analysis_rows` beside each stored analysis, so SQL users (and full-text search) read the
same rows that ``newsprism export`` writes; the export builds every table from records through
the functions below, whatever the backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from newsprism.model import (
    SCHEMA_VERSION,
    AnalyzedArticle,
    Article,
    Attribution,
    Entity,
    GlobalEntity,
    Publication,
    Span,
    Story,
    TimeExpression,
    Token,
    from_dict,
    to_dict,
)

__all__ = [
    "ANALYSIS_TABLES",
    "TABLES",
    "Column",
    "Table",
    "analysis_from_record",
    "analysis_record",
    "analysis_rows",
    "article_row",
    "global_entity_ids",
    "publication_row",
    "publication_rows",
    "speaker_of",
    "story_article_rows",
    "story_row",
]

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, its type ("text", "integer", "real", "boolean", "date") and meaning."""

    name: str
    type: str
    doc: str


@dataclass(frozen=True, slots=True)
class Table:
    """One tidy table: name, columns in order, the columns that identify a row, and meaning."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(column.name for column in self.columns)


def _c(name: str, kind: str, doc: str) -> Column:
    return Column(name, kind, doc)


_ARTICLE_ID = _c("article_id", "text", "the article's id (content hash, 16 hex digits)")
_START = _c("start_char", "integer", "offset of the first character in articles.body")
_END = _c("end_char", "integer", "offset after the last character in articles.body")

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "articles",
            (
                _ARTICLE_ID,
                _c("seq", "integer", "ingest order (1 = first stored)"),
                _c("url", "text", "the article URL when the input carried one"),
                _c("location", "text", "where it was read: file path, URL, file:line, WARC record"),
                _c("outlet", "text", "the publishing outlet"),
                _c("original_outlet", "text", "the outlet that wrote a syndicated copy"),
                _c("headline", "text", "the headline"),
                _c("standfirst", "text", "the summary line under the headline"),
                _c("authors", "text", "byline names, joined by '; '"),
                _c("published", "date", "publication day, YYYY-MM-DD"),
                _c("published_from", "text", "where the date came from (flag, jsonld, meta, ...)"),
                _c("language", "text", "ISO 639-1 code"),
                _c("copy_of", "text", "article_id of the article this one copies"),
                _c("copy_kind", "text", "exact or near"),
                _c("words", "integer", "words in the body"),
                _c("body", "text", "the article text; every offset indexes into it"),
            ),
            ("article_id",),
            "one row per stored article",
        ),
        Table(
            "publications",
            (
                _ARTICLE_ID,
                _c("outlet", "text", "the outlet that published it"),
                _c("credited_outlet", "text", "the outlet credited with the text (the original"
                   " for a syndicated copy)"),
                _c("url", "text", "where it was published"),
                _c("published", "date", "publication day of the article, YYYY-MM-DD"),
                _c("source_kind", "text", "file, url, jsonl, feed or warc"),
                _c("location", "text", "where it was read"),
            ),
            ("article_id", "outlet", "url"),
            "one row per place an article's text was published (the same wire text run by"
            " three outlets is one article with three publications)",
        ),
        Table(
            "stories",
            (
                _c("story_id", "text", "the story's id ('s' + its first article's id)"),
                _c("title", "text", "headline of its first article"),
                _c("outlets", "text", "credited outlets, joined by '; '"),
                _c("articles", "integer", "number of articles"),
                _c("first_published", "date", "earliest publication day"),
                _c("last_published", "date", "latest publication day"),
                _c("terms", "text", "top centroid terms, joined by '; '"),
            ),
            ("story_id",),
            "one row per story",
        ),
        Table(
            "story_articles",
            (
                _c("story_id", "text", "the story"),
                _ARTICLE_ID,
                _c("joined_by", "text", "new, similar, copy, merge or split"),
                _c("score", "real", "the similarity that joined it"),
                _c("seq", "integer", "arrival order in the store"),
            ),
            ("article_id",),
            "one row per article in a story",
        ),
        Table(
            "entities",
            (
                _ARTICLE_ID,
                _c("entity_id", "text", "article-local entity id ('e3')"),
                _c("name", "text", "fullest name form in the article"),
                _c("label", "text", "PERSON, ORG, GPE, NORP, ..."),
                _c("mentions", "integer", "number of mentions"),
                _c("global_id", "text", "the entity across articles (newsprism entities), if"
                   " resolved"),
            ),
            ("article_id", "entity_id"),
            "one row per entity of an analysed article",
        ),
        Table(
            "mentions",
            (
                _ARTICLE_ID,
                _c("entity_id", "text", "the entity mentioned"),
                _c("mention_no", "integer", "order among the entity's mentions, from 0"),
                _START,
                _END,
                _c("text", "text", "the mention as written"),
                _c("kind", "text", "name, pronoun or nominal"),
                _c("found_by", "text", "the rule or model that found it"),
            ),
            ("article_id", "entity_id", "mention_no"),
            "one row per mention of an entity",
        ),
        Table(
            "descriptors",
            (
                _ARTICLE_ID,
                _c("entity_id", "text", "the entity described"),
                _c("descriptor_no", "integer", "order among the entity's descriptors, from 0"),
                _START,
                _END,
                _c("text", "text", "the descriptor as written ('jailed Russian businessman')"),
                _c("kind", "text", "premodifier, appositive, relative-clause, predicate, or role"
                   " (a title: 'White House Press Secretary')"),
                _c("found_by", "text", "the rule that found it"),
            ),
            ("article_id", "entity_id", "descriptor_no"),
            "one row per descriptor or role of an entity",
        ),
        Table(
            "attributions",
            (
                _ARTICLE_ID,
                _c("attribution_no", "integer", "order in the article, from 0"),
                _c("speaker", "text", "the source's entity name when it resolves, else the"
                   " source as written; empty when the text names no speaker"),
                _c("entity_id", "text", "the entity the source resolves to"),
                _c("source_start", "integer", "source span start (null without a source)"),
                _c("source_end", "integer", "source span end"),
                _c("source_text", "text", "the source as written ('the spokeswoman')"),
                _c("cue_start", "integer", "cue span start"),
                _c("cue_end", "integer", "cue span end"),
                _c("cue_text", "text", "the reporting verb or phrase as written"),
                _c("cue_lemma", "text", "its lemma ('claim')"),
                _c("cue_class", "text", "neutral, marked, cognitive or unlisted"),
                _c("cue_subclass", "text", "for a marked cue: doubt, assertive, ..."),
                _c("cue_tense", "text", "past, present, perfect, ..."),
                _c("cue_voice", "text", "active or passive"),
                _c("content_start", "integer", "content span start"),
                _c("content_end", "integer", "content span end"),
                _c("content_text", "text", "what was said"),
                _c("kind", "text", "direct, indirect or mixed"),
                _c("found_by", "text", "model, rule:quotation, rule:reporting-verb, ..."),
            ),
            ("article_id", "attribution_no"),
            "one row per attributed statement (who said what, with which verb)",
        ),
        Table(
            "times",
            (
                _ARTICLE_ID,
                _c("time_no", "integer", "order in the article, from 0"),
                _START,
                _END,
                _c("text", "text", "the expression as written"),
                _c("value", "text", "ISO 8601 value; null when it cannot be resolved"),
                _c("granularity", "text", "day, week, month, season, year, range, time, duration"),
                _c("anchor", "date", "the date a relative expression was resolved against"),
                _c("relative", "boolean", "whether it depends on the anchor"),
                _c("event_start", "integer", "start of the span it dates"),
                _c("event_end", "integer", "end of the span it dates"),
                _c("event_text", "text", "what it dates ('Moscow and Washington completed a"
                   " prisoner swap')"),
            ),
            ("article_id", "time_no"),
            "one row per time expression",
        ),
    )
}

# The tables a stored analysis fills, in the order they are written.
ANALYSIS_TABLES = ("entities", "mentions", "descriptors", "attributions", "times")


def article_row(article: Article, seq: int) -> Row:
    """The ``articles`` row of an article (columns as ``TABLES['articles']``)."""
    return (
        article.id,
        seq,
        article.url,
        article.source.where(),
        article.outlet.name if article.outlet else None,
        article.original_outlet.name if article.original_outlet else None,
        article.headline,
        article.standfirst,
        "; ".join(article.authors),
        article.published.isoformat() if article.published else None,
        article.published_from,
        article.language,
        article.copy_of.id if article.copy_of else None,
        article.copy_of.kind if article.copy_of else None,
        len(article.body.split()),
        article.body,
    )


def publication_rows(article: Article, publications: Sequence[Publication]) -> list[Row]:
    """The ``publications`` rows of an article (``Store.publications``; its own when none)."""
    found = publications or [Publication(article.id, article.source, article.url, article.outlet)]
    original = article.original_outlet.name if article.original_outlet else None
    return [
        publication_row(publication, published=article.published, original_outlet=original)
        for publication in found
    ]


def publication_row(
    publication: Publication, *, published: dt.date | None, original_outlet: str | None
) -> Row:
    """One ``publications`` row: a publication of an article published on ``published`` and
    written by ``original_outlet`` (the credited outlet; the publishing one when ``None``)."""
    outlet = publication.outlet.name if publication.outlet else None
    return (
        publication.article,
        outlet,
        original_outlet or outlet,
        publication.url,
        published.isoformat() if published else None,
        publication.source.kind.value,
        publication.source.where(),
    )


def story_row(story: Story) -> Row:
    """The ``stories`` row of a story."""
    return (
        story.id,
        story.title,
        "; ".join(story.outlets),
        len(story.articles),
        story.first_published.isoformat() if story.first_published else None,
        story.last_published.isoformat() if story.last_published else None,
        "; ".join(story.terms),
    )


def story_article_rows(story: Story) -> list[Row]:
    """The ``story_articles`` rows of a story."""
    return [
        (story.id, member.id, member.joined_by.value, member.score, member.seq)
        for member in story.articles
    ]


def speaker_of(analysis: AnalyzedArticle, entity_id: str | None, source: Span | None) -> str:
    """The speaker of an attribution: its entity's name when it resolves, else the source text."""
    if entity_id is not None:
        for entity in analysis.entities:
            if entity.id == entity_id:
                return entity.name
    return source.text if source is not None else ""


def analysis_rows(
    analysis: AnalyzedArticle, *, global_ids: dict[tuple[str, str], str] | None = None
) -> dict[str, list[Row]]:
    """The rows of the analysis tables (``ANALYSIS_TABLES``) for one analysed article.

    Args:
        analysis: The analysed article.
        global_ids: ``(article_id, entity_id) -> global entity id`` for the ``global_id``
            column; left empty when ``None``.
    """
    aid = analysis.article.id
    ids = global_ids or {}
    rows: dict[str, list[Row]] = {name: [] for name in ANALYSIS_TABLES}
    for entity in analysis.entities:
        rows["entities"].append(
            (aid, entity.id, entity.name, entity.label, len(entity.mentions),
             ids.get((aid, entity.id)))
        )
        for number, mention in enumerate(entity.mentions):
            rows["mentions"].append(
                (aid, entity.id, number, mention.start, mention.end, mention.text,
                 mention.kind.value, mention.found_by)
            )
        described = [
            (d.start, d.end, d.text, d.kind.value, d.found_by) for d in entity.descriptors
        ] + [(r.start, r.end, r.text, "role", r.found_by) for r in entity.roles]
        for number, (start, end, text, kind, found_by) in enumerate(sorted(described)):
            rows["descriptors"].append((aid, entity.id, number, start, end, text, kind, found_by))
    for number, item in enumerate(analysis.attributions):
        source, cue, content = item.source, item.cue, item.content
        rows["attributions"].append(
            (
                aid, number, speaker_of(analysis, item.entity, source), item.entity,
                source.start if source else None, source.end if source else None,
                source.text if source else None,
                cue.start, cue.end, cue.text, cue.lemma, cue.class_, cue.subclass, cue.tense,
                cue.voice, content.start, content.end, content.text, item.kind.value,
                item.found_by,
            )
        )
    for number, time in enumerate(analysis.times):
        event = time.event
        rows["times"].append(
            (
                aid, number, time.start, time.end, time.text, time.value, time.granularity.value,
                time.anchor.isoformat() if time.anchor else None, time.relative,
                event.start if event else None, event.end if event else None,
                event.text if event else None,
            )
        )
    return rows


def global_entity_ids(entities: Iterable[GlobalEntity]) -> dict[tuple[str, str], str]:
    """``(article_id, entity_id) -> global entity id`` from resolved global entities."""
    return {
        (occurrence.article, occurrence.entity): entity.id
        for entity in entities
        for occurrence in entity.occurrences
    }


def analysis_record(analysis: AnalyzedArticle) -> dict[str, Any]:
    """An analysis as stored beside its article: its JSON without the article.

    Sentences are kept as ``[start, end]`` pairs: their text is the body's. Tokens are kept as
    columns (:func:`_token_columns`): a thousand-word body takes about 8 kB, not 60.
    """
    data: dict[str, Any] = to_dict(analysis)
    del data["article"]
    data["sentences"] = [[span.start, span.end] for span in analysis.sentences]
    data["tokens"] = _token_columns(analysis.tokens, analysis.article.body)
    return data


def _token_columns(tokens: Sequence[Token], body: str) -> dict[str, list[Any]]:
    # "spans": for each token, its distance from the previous token's end and its length;
    # "lemma" and "stem": "" where they are the lower-cased word; "stop": indices of stop words.
    spans: list[int] = []
    lemmas: list[str] = []
    stems: list[str] = []
    stops: list[int] = []
    previous = 0
    for index, token in enumerate(tokens):
        spans += (token.start - previous, token.end - token.start)
        previous = token.end
        low = body[token.start : token.end].lower()
        lemmas.append("" if token.lemma == low else token.lemma)
        stems.append("" if token.stem == low else token.stem)
        if token.stop:
            stops.append(index)
    return {"spans": spans, "lemma": lemmas, "stem": stems, "stop": stops}


def _tokens_from_columns(columns: dict[str, list[Any]] | None, body: str) -> tuple[Token, ...]:
    # The inverse of _token_columns; an analysis stored before tokens were kept has none.
    if not columns:
        return ()
    spans, lemmas, stems = columns["spans"], columns["lemma"], columns["stem"]
    stops = set(columns["stop"])
    tokens = []
    end = 0
    for index in range(len(lemmas)):
        start = end + spans[2 * index]
        end = start + spans[2 * index + 1]
        low = body[start:end].lower()
        tokens.append(
            Token(start, end, lemmas[index] or low, stems[index] or low, index in stops)
        )
    return tuple(tokens)


def analysis_from_record(article: Article, data: dict[str, Any]) -> AnalyzedArticle:
    """The analysed article from :func:`analysis_record`'s data and the stored article."""
    body = article.body
    return AnalyzedArticle(
        article=article,
        entities=tuple(from_dict(Entity, item) for item in data["entities"]),
        attributions=tuple(from_dict(Attribution, item) for item in data["attributions"]),
        times=tuple(from_dict(TimeExpression, item) for item in data["times"]),
        nlp_model=data["nlp_model"],
        attribution_model=data.get("attribution_model", ""),
        sentences=tuple(Span(start, end, body[start:end]) for start, end in data["sentences"]),
        made_by=data.get("made_by", ""),
        tokens=_tokens_from_columns(data.get("tokens"), body),
        schema_version=data.get("schema_version", SCHEMA_VERSION),
    )

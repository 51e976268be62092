"""What the story clusterer sees of an article: term counts, quotes, entities, day, copy link.

Features are computed without any model: the words of the analysis (:mod:`newsprism.analyze.tokens`:
the tokens an analysis kept, or the same words read from the text when there is none) as their
stems, stop words out, counted from the headline (weighted up) and the first words of the body;
quoted passages of some length as hashed keys ("shared quotes"); and, when the article has been
analysed, the keys of its people, organisations and places. IDF weighting happens in the
clusterer, which keeps the document frequencies as articles arrive.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Any

from newsprism.analyze.tokens import iter_tokens
from newsprism.config import StoriesSettings
from newsprism.datafile import read_word_changes, stop_words
from newsprism.model import (
    AnalyzedArticle,
    Article,
    Entity,
    MentionKind,
    StoryArticle,
    StoryJoin,
    Token,
    from_dict,
    to_dict,
)

# Straight or curly double quotes around a passage; single quotes are apostrophes too often.
_QUOTE = re.compile(r"[\"“”]([^\"“”]{10,600})[\"“”]")
# Entity labels whose names identify a story (a date or a number does not).
_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT"})


_NON_SPACE = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class StoryItem:
    """One article as the clusterer sees it.

    Attributes:
        id: The article id.
        counts: Sublinear term frequencies (1 + log count), before IDF.
        quotes: Hashes of the runs of words inside the article's quoted passages.
        entities: Keys of the article's named entities ("person:lavrov"); empty when the article
            was not analysed.
        day: Publication day as an ordinal, or ``None``.
        copy_of: Id of the article this one copies, if any.
        summary: The listing columns of the article, as stories show it.
        text: The headline and the first ``embedding_words`` words of the body, for an
            optional sentence encoder.
    """

    id: str
    counts: dict[str, float]
    quotes: frozenset[int]
    entities: frozenset[str]
    day: int | None
    copy_of: str | None
    summary: StoryArticle
    text: str = ""


@cache
def stopwords() -> frozenset[str]:
    """The words story terms leave out: newsprism's stop-word list (``data/stop_words.txt``)
    with the changes of ``data/story_stopwords.txt``."""
    added, removed = read_word_changes("story_stopwords.txt")
    return (stop_words() - removed) | added


def terms(text: str) -> list[str]:
    """The story terms of a short text (a headline, a quoted passage, a name): the stems of its
    words (:func:`newsprism.analyze.tokens.stem`), stop words, one-letter words and bare digits
    out (numbers with separators, "373,000", stay: they tell one week's jobless claims from the
    next)."""
    return [term for term, _ in weighted_terms(text, iter_tokens(text), name_weight=1.0)]


def weighted_terms(
    text: str, tokens: Iterable[Token], *, name_weight: float
) -> Iterator[tuple[str, float]]:
    """The story terms of ``tokens`` (words of ``text``) with a weight: ``name_weight`` for a
    capitalised word inside a sentence (a name: "Griner", "Lavrov"), 1 for others; yielded one
    by one, so a caller taking the first few reads no further."""
    stop = stopwords()
    for token in tokens:
        raw = text[token.start : token.end]
        term = token.stem
        if len(term) <= 1 or term.isdigit() or term in stop or raw.lower() in stop:
            continue
        weight = 1.0
        if raw[0].isupper() and not raw.isupper():
            before = text[max(0, token.start - 3) : token.start].rstrip(" \"'“‘(")
            if before and before[-1] not in ".!?:\n":
                weight = name_weight
        yield term, weight


def _first_words(text: str, count: int) -> Iterator[str]:
    """The first ``count`` whitespace-separated words (``text.split()[:count]``, without
    splitting the rest of a long text)."""
    return (match.group() for match in islice(_NON_SPACE.finditer(text), count))


def term_counts(
    title: str, body: str, *, settings: StoriesSettings, tokens: Sequence[Token] | None = None
) -> dict[str, float]:
    """Sublinear term frequencies of a headline (weighted) and the start of a body; names
    inside sentences count ``name_weight`` times. ``tokens``: the body's words as an analysis
    kept them; read from ``body`` when not given."""
    counts: dict[str, float] = {}
    for word in terms(title):
        counts[word] = counts.get(word, 0.0) + settings.title_weight
    words = weighted_terms(body, tokens or iter_tokens(body), name_weight=settings.name_weight)
    for word, weight in islice(words, settings.body_words):
        counts[word] = counts.get(word, 0.0) + weight
    return {word: 1.0 + math.log(count) for word, count in counts.items() if count > 0}


def quote_keys(body: str, *, settings: StoriesSettings) -> frozenset[int]:
    """Hashes of the runs of ``quote_min_words`` content words inside quoted passages, those
    whose hash is 0 modulo ``quote_sample``.

    Two outlets that quote one statement seldom cut it at the same words; a run they both quote
    is a shared key. Keeping the runs whose hash is 0 modulo n (Broder's "0 mod p" selection)
    keeps about 1 in n, the same ones in every article, so a long shared quotation still shares
    a key while an article posts a bounded number of them.
    """
    keys = set()
    size = settings.quote_min_words
    for match in _QUOTE.finditer(body):
        words = terms(match.group(1))
        for start in range(len(words) - size + 1):
            key = zlib.crc32(" ".join(words[start : start + size]).encode("utf-8"))
            if key % settings.quote_sample == 0:
                keys.add(key)
    return frozenset(keys)


def entity_key(entity: Entity) -> str | None:
    """The key a named entity is matched by across articles: label and surname or full name."""
    if entity.label not in _ENTITY_LABELS:
        return None
    words = terms(entity.name)
    if not words:
        return None
    head = words[-1] if entity.label == "PERSON" else " ".join(words)
    return f"{entity.label.lower()}:{head}"


def summary_of(article: Article, *, joined_by: StoryJoin, score: float, seq: int) -> StoryArticle:
    """The listing columns of an article as a story member."""
    return StoryArticle(
        id=article.id,
        url=article.url,
        source=article.source.where(),
        outlet=article.outlet.name if article.outlet else None,
        original_outlet=article.original_outlet.name if article.original_outlet else None,
        headline=article.headline,
        published=article.published,
        joined_by=joined_by,
        score=score,
        seq=seq,
    )


def story_item(
    article: Article,
    *,
    settings: StoriesSettings,
    entities: Sequence[Entity] | None = None,
    day: dt.date | None = None,
    tokens: Sequence[Token] | None = None,
) -> StoryItem:
    """Compute an article's clustering features.

    Args:
        article: The article.
        settings: Story settings (title weight, body words, quote length).
        entities: The article's analysed entities, when it was analysed.
        day: A publication day to use instead of ``article.published``.
        tokens: The body's words as its analysis kept them; read from the body when not given
            (the same words and stems, :mod:`newsprism.analyze.tokens`).

    Returns:
        The features.
    """
    title = " ".join(part for part in (article.headline, article.standfirst) if part)
    keys = set()
    for entity in entities or ():
        names = sum(1 for m in entity.mentions if m.kind is MentionKind.NAME)
        key = entity_key(entity)
        if key is not None and names:
            keys.add(key)
    published = day or article.published
    return StoryItem(
        id=article.id,
        counts=term_counts(title, article.body, settings=settings, tokens=tokens),
        quotes=quote_keys(article.body, settings=settings),
        entities=frozenset(keys),
        day=published.toordinal() if published else None,
        copy_of=article.copy_of.id if article.copy_of else None,
        summary=summary_of(article, joined_by=StoryJoin.NEW, score=0.0, seq=0),
        text=" ".join(
            part
            for part in (title, " ".join(_first_words(article.body, settings.embedding_words)))
            if part
        ),
    )


def analyzed_item(analyzed: AnalyzedArticle, *, settings: StoriesSettings) -> StoryItem:
    """Features of an analysed article, its entities included."""
    return story_item(analyzed.article, settings=settings, entities=analyzed.entities,
                      tokens=analyzed.tokens)


def item_record(item: StoryItem) -> dict[str, Any]:
    """A story item as JSON-ready data (kept beside an article where it is made apart from the
    clusterer, as the Spark job does); :func:`item_from_record` reads it back."""
    return {
        "id": item.id,
        "counts": item.counts,
        "quotes": sorted(item.quotes),
        "entities": sorted(item.entities),
        "day": item.day,
        "copy_of": item.copy_of,
        "summary": to_dict(item.summary),
        "text": item.text,
    }


def item_from_record(data: dict[str, Any]) -> StoryItem:
    """The story item :func:`item_record` wrote."""
    return StoryItem(
        id=data["id"],
        counts={str(word): float(value) for word, value in data["counts"].items()},
        quotes=frozenset(int(key) for key in data["quotes"]),
        entities=frozenset(str(key) for key in data["entities"]),
        day=data["day"],
        copy_of=data["copy_of"],
        summary=from_dict(StoryArticle, data["summary"]),
        text=data["text"],
    )

"""What every comparison step shares: the story's articles with their outlet, sentences and
story-wide entity names.

An outlet is the one that wrote the text: a syndicated copy (CNN's story on KION 46) counts for
its original outlet, with the publishing outlet kept for display. Copies of one original count
once: an article marked as a copy of another article of the story (``copy_of``), or one whose
sentences are nearly all (``COPY_SHARE``) sentences of an earlier article of the same writing
outlet (a wire story carried by five outlets), is not compared again; its publisher is listed
as one more carrier of the original (one voice, N carriers). Entities of different articles
are joined into one per person or organisation, within this story only
(:mod:`newsprism.compare.entities`).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsprism.analyze.tokens import text_tokens
from newsprism.compare.entities import resolve_story
from newsprism.compare.rules import CompareRules
from newsprism.compare.text import SentenceSpan, article_sentences
from newsprism.model import AnalyzedArticle, Entity, Evidence, MentionKind, Token

__all__ = ["StoryArticleView", "StoryView", "actors", "build_view", "genre_of", "outlet_of"]

UNKNOWN_OUTLET = "unknown outlet"
# An article whose sentences are at least this share of an earlier article's (same writing
# outlet) is a copy of it.
COPY_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class StoryArticleView:
    """One article of the story as the comparison steps read it.

    Attributes:
        analyzed: The analysed article.
        outlet: The outlet that wrote it.
        published_by: The outlet that published this copy, when different.
        sentences: Body sentences.
        entity_names: Article entity id -> story-wide entity name.
        mentioned: Story-wide names of the entities the article mentions, in its body or
            headline.
        headline_names: ``(start, end, story-wide name)`` of the names in the headline.
        carriers: The publishers of the other copies of this text in the story.
        tokens: The body's words as the analysis read them (stem, stop-word flag); read from
            the text for an analysis stored before tokens were kept.
    """

    analyzed: AnalyzedArticle
    outlet: str
    published_by: str | None
    sentences: tuple[SentenceSpan, ...]
    entity_names: dict[str, str]
    mentioned: frozenset[str] = frozenset()
    headline_names: tuple[tuple[int, int, str], ...] = ()
    carriers: tuple[str, ...] = ()
    tokens: tuple[Token, ...] = ()

    @property
    def id(self) -> str:
        """The article id."""
        return self.analyzed.article.id

    @property
    def body(self) -> str:
        """The article body every offset indexes into."""
        return self.analyzed.article.body

    def evidence(self, start: int, end: int, *, field: str = "body") -> Evidence:
        """Evidence for ``body[start:end]`` (or the headline's)."""
        text = self.body if field == "body" else (self.analyzed.article.headline or "")
        return Evidence(self.outlet, self.id, field, start, end, text[start:end])

    def sentence_at(self, offset: int) -> SentenceSpan | None:
        """The sentence containing ``offset``, if any."""
        starts = [s.start for s in self.sentences]
        index = bisect.bisect_right(starts, offset) - 1
        if index >= 0 and self.sentences[index].start <= offset < self.sentences[index].end:
            return self.sentences[index]
        return None

    def tokens_in(self, start: int, end: int) -> tuple[Token, ...]:
        """The body's words that lie within ``[start, end)``."""
        first = bisect.bisect_left(self.tokens, start, key=_token_start)
        last = bisect.bisect_left(self.tokens, end, key=_token_start)
        while last > first and self.tokens[last - 1].end > end:
            last -= 1
        return self.tokens[first:last]

    def entity(self, entity_id: str | None) -> Entity | None:
        """The article entity with this id."""
        for entity in self.analyzed.entities:
            if entity.id == entity_id:
                return entity
        return None


def _token_start(token: Token) -> int:
    return token.start


@dataclass(frozen=True, slots=True)
class StoryView:
    """The story's articles in input order and its outlets in first-seen order."""

    articles: tuple[StoryArticleView, ...]
    outlets: tuple[str, ...]


def outlet_of(analyzed: AnalyzedArticle) -> tuple[str, str | None]:
    """(the outlet that wrote the article, the one that published this copy if different)."""
    article = analyzed.article
    published = article.outlet.name if article.outlet else None
    if article.original_outlet is not None:
        original = article.original_outlet.name
        return original, published if published and published != original else None
    return published or UNKNOWN_OUTLET, None


def build_view(
    articles: Sequence[AnalyzedArticle],
    rules: CompareRules,
    publishers: Mapping[str, Sequence[str]] | None = None,
) -> StoryView:
    """Sentences, outlets and story-wide entity names for the articles of one story; copies
    of an article already in the story become carriers of it, and so do ``publishers``: by
    article id, the other outlets a store recorded publishing the same stored text."""
    resolved = resolve_story(
        articles, nicknames=rules.nicknames, affiliations=rules.affiliations
    )
    views: list[StoryArticleView] = []
    carriers: dict[int, list[str]] = {}
    outlets: list[str] = []
    ids = {a.article.id: i for i, a in enumerate(articles)}
    for index, analyzed in enumerate(articles):
        outlet, published_by = outlet_of(analyzed)
        paragraphs = tuple((p.start, p.end) for p in analyzed.article.paragraphs)
        spans = tuple(article_sentences(
            analyzed.article.body, analyzed.sentences, abbreviations=rules.abbreviations,
            paragraphs=paragraphs,
        ))
        original = _original(analyzed, spans, outlet, views, ids)
        others = list((publishers or {}).get(analyzed.article.id, ()))
        if original is not None:
            carrier = published_by or (analyzed.article.outlet.name if analyzed.article.outlet
                                       else outlet)
            carriers.setdefault(original, []).extend([carrier, *others])
            continue
        if others:
            carriers.setdefault(len(views), []).extend(others)
        if outlet not in outlets:
            outlets.append(outlet)
        views.append(
            StoryArticleView(
                analyzed=analyzed,
                outlet=outlet,
                published_by=published_by,
                sentences=spans,
                entity_names=resolved.local[index],
                mentioned=resolved.mentioned[index],
                headline_names=resolved.headline[index],
                tokens=analyzed.tokens or text_tokens(analyzed.article.body),
            )
        )
    views = [
        dataclasses.replace(v, carriers=tuple(dict.fromkeys(
            c for c in carriers[i] if c not in (v.published_by, v.outlet))))
        if i in carriers else v
        for i, v in enumerate(views)
    ]
    return StoryView(articles=tuple(views), outlets=tuple(outlets))


def _original(
    analyzed: AnalyzedArticle, spans: Sequence[SentenceSpan], outlet: str,
    views: Sequence[StoryArticleView], ids: dict[str, int],
) -> int | None:
    # The index (in ``views``) of the article this one copies, if any.
    copy = analyzed.article.copy_of
    if copy is not None and copy.id in ids:
        for i, view in enumerate(views):
            if view.id == copy.id:
                return i
    mine = {_normal(s.text) for s in spans}
    if not mine:
        return None
    for i, view in enumerate(views):
        if view.outlet != outlet:
            continue
        theirs = {_normal(s.text) for s in view.sentences}
        if len(mine & theirs) >= COPY_SHARE * len(mine):
            return i
    return None


def genre_of(analyzed: AnalyzedArticle, rules: CompareRules) -> tuple[str | None, str | None]:
    """(genre, where it was read) of an article: "opinion" or "analysis", or (None, None) for
    news. The page's JSON-LD type first, then a URL path segment, then a kicker."""
    article = analyzed.article
    if article.genre:
        return article.genre, "jsonld"
    if article.url:
        path = urlsplit(article.url).path.lower()
        segments = {seg for seg in re.split(r"[/._]", path) if seg}
        for genre, words in rules.url_sections.items():
            if segments & words:
                return genre, "url"
    kickers = []
    if article.headline and (match := re.match(r"\s*([^:|]{2,30})\s*[:|]", article.headline)):
        kickers.append(match[1])
    kickers.extend(r.text for r in article.removed if len(r.text) <= 30)
    for kicker in kickers:
        word = " ".join(kicker.lower().split()).strip(" -–—:|")
        for genre, words in rules.kickers.items():
            if word in words:
                return genre, "kicker"
    return None, None


def _normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def named_mentions(view: StoryArticleView) -> list[tuple[int, int, str]]:
    """(start, end, story-wide name) of every name mention in the article."""
    found = []
    for entity in view.analyzed.entities:
        name = view.entity_names.get(entity.id, entity.name)
        for mention in entity.mentions:
            if mention.kind is MentionKind.NAME:
                found.append((mention.start, mention.end, name))
    return sorted(found)


_ACTOR_LABELS = frozenset({"PERSON", "ORG"})


def actors(
    view: StoryView, most: int, min_mentions: int
) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Name mentions per story-wide person or organisation and outlet, and the main actors.

    Args:
        view: The story.
        most: How many of the most mentioned people and organisations are main actors.
        min_mentions: How often the story must name a main actor in all.

    Returns:
        (name -> outlet -> mentions, the main actors: those named in a headline, then the
        ``most`` most mentioned, each named at least ``min_mentions`` times).
    """
    mentions: dict[str, dict[str, int]] = {}
    in_headline: list[str] = []
    for article in view.articles:
        headline = (article.analyzed.article.headline or "").lower()
        for entity in article.analyzed.entities:
            if entity.label not in _ACTOR_LABELS:
                continue
            name = article.entity_names.get(entity.id, entity.name)
            count = sum(1 for m in entity.mentions if m.kind is MentionKind.NAME)
            per_outlet = mentions.setdefault(name, {})
            per_outlet[article.outlet] = per_outlet.get(article.outlet, 0) + count
            last = name.split()[-1].lower() if name.split() else ""
            if last and re.search(rf"\b{re.escape(last)}\b", headline) and name not in in_headline:
                in_headline.append(name)
        # A name the analysis did not tag but the story's scan finds in the text (a headline,
        # "the coast guard" in lower case) is a mention too: an outlet that names an actor is
        # never reported as leaving it out.
        for name in article.mentioned:
            counted = mentions.get(name)
            if counted is not None and not counted.get(article.outlet):
                counted[article.outlet] = 1
    ranked = sorted(mentions, key=lambda n: (-sum(mentions[n].values()), n))
    main = [n for n in dict.fromkeys([*in_headline, *ranked[:most]])
            if sum(mentions[n].values()) >= min_mentions]
    return mentions, main

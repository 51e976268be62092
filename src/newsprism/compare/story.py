"""What every comparison step shares: the story's articles with their outlet, sentences and
story-wide entity names.

An outlet is the one that wrote the text: a syndicated copy (CNN's story on KION 46) counts for
its original outlet, with the publishing outlet kept for display. Entities of different articles
are joined into one per person or organisation, within this story only
(:mod:`newsprism.compare.entities`).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from newsprism.compare.entities import resolve_story
from newsprism.compare.rules import CompareRules
from newsprism.compare.text import SentenceSpan, sentences
from newsprism.model import AnalyzedArticle, Entity, Evidence, MentionKind

__all__ = ["StoryArticleView", "StoryView", "build_view", "outlet_of"]

UNKNOWN_OUTLET = "unknown outlet"


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
    """

    analyzed: AnalyzedArticle
    outlet: str
    published_by: str | None
    sentences: tuple[SentenceSpan, ...]
    entity_names: dict[str, str]
    mentioned: frozenset[str] = frozenset()
    headline_names: tuple[tuple[int, int, str], ...] = ()

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

    def entity(self, entity_id: str | None) -> Entity | None:
        """The article entity with this id."""
        for entity in self.analyzed.entities:
            if entity.id == entity_id:
                return entity
        return None


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


def build_view(articles: Sequence[AnalyzedArticle], rules: CompareRules) -> StoryView:
    """Sentences, outlets and story-wide entity names for the articles of one story."""
    resolved = resolve_story(
        articles, nicknames=rules.nicknames, affiliations=rules.affiliations
    )
    views = []
    outlets: list[str] = []
    for index, analyzed in enumerate(articles):
        outlet, published_by = outlet_of(analyzed)
        if outlet not in outlets:
            outlets.append(outlet)
        paragraphs = tuple((p.start, p.end) for p in analyzed.article.paragraphs)
        views.append(
            StoryArticleView(
                analyzed=analyzed,
                outlet=outlet,
                published_by=published_by,
                sentences=tuple(
                    sentences(
                        analyzed.article.body,
                        abbreviations=rules.abbreviations,
                        paragraphs=paragraphs,
                    )
                ),
                entity_names=resolved.local[index],
                mentioned=resolved.mentioned[index],
                headline_names=resolved.headline[index],
            )
        )
    return StoryView(articles=tuple(views), outlets=tuple(outlets))


def named_mentions(view: StoryArticleView) -> list[tuple[int, int, str]]:
    """(start, end, story-wide name) of every name mention in the article."""
    found = []
    for entity in view.analyzed.entities:
        name = view.entity_names.get(entity.id, entity.name)
        for mention in entity.mentions:
            if mention.kind is MentionKind.NAME:
                found.append((mention.start, mention.end, name))
    return sorted(found)

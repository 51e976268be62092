"""An in-memory store with the SQLite store's behaviour, for tests and short-lived scripts."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Self

from newsprism.model import (
    AnalyzedArticle,
    Article,
    CopyKey,
    GlobalEntity,
    Publication,
    RawDocument,
    Skipped,
    Story,
    StoryChange,
    StoryComparison,
    StoryUpdate,
)
from newsprism.store.base import (
    ArticleSummary,
    BatchResult,
    EntityDescriptorRow,
    EntityQuoteRow,
    SearchHit,
    SearchQuery,
    SearchScope,
    StoreCounts,
)
from newsprism.store.search import QueryTerm, TermScorer, parse_query
from newsprism.store.tables import TABLES, analysis_rows, global_entity_ids, speaker_of


class MemoryStore:
    """Keeps everything in dictionaries; lost when the process ends."""

    schema_version = 1

    def __init__(self) -> None:
        self._documents: dict[str, RawDocument] = {}
        self._articles: dict[str, Article] = {}
        self._skipped: list[Skipped] = []
        self._stories: dict[str, Story] = {}
        self._story_of: dict[str, str] = {}
        self._changes: list[StoryChange] = []
        self._entities: dict[str, GlobalEntity] = {}
        self._resolved: set[str] = set()
        self._story_state: tuple[int, bytes] | None = None
        self._analyses: dict[str, AnalyzedArticle] = {}
        self._publications: dict[str, list[Publication]] = {}
        self._copy_keys: dict[str, CopyKey] = {}
        # Each analysis saved gets the next number: its stamp in analysis_versions.
        self._analysed: dict[str, int] = {}
        self._saves = 0
        self._comparisons: dict[str, tuple[str, StoryComparison]] = {}
        self._writer = threading.RLock()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release."""

    def add_batch(
        self,
        documents: Sequence[RawDocument],
        articles: Sequence[Article],
        skipped: Sequence[Skipped],
        *,
        stories: StoryUpdate | None = None,
        publications: Sequence[Publication] = (),
        copy_keys: Sequence[CopyKey] = (),
        analyses: Sequence[AnalyzedArticle] = (),
    ) -> BatchResult:
        """Add a batch (and its story update); documents already present are left as they are."""
        present = sum(1 for doc in documents if doc.id in self._documents)
        new_articles = [a for a in articles if a.id not in self._articles]
        for doc in documents:
            self._documents.setdefault(doc.id, doc)
        for article in new_articles:
            self._articles[article.id] = article
            self._add_publication(
                Publication(article.id, article.source, article.url, article.outlet)
            )
        extra = sum(self._add_publication(publication) for publication in publications)
        self._copy_keys.update((key.article, key) for key in copy_keys)
        self._skipped.extend(skipped)
        if stories is not None:
            self.save_stories(stories)
        self.save_analyses(analyses)
        return BatchResult(added=len(new_articles), already_present=present, publications=extra)

    @contextmanager
    def writer(self) -> Iterator[None]:
        """One writing thread at a time."""
        with self._writer:
            yield

    def publications(self, article_id: str) -> list[Publication]:
        """Every publication of an article, first one first."""
        return list(self._publications.get(article_id, ()))

    def _add_publication(self, publication: Publication) -> int:
        known = self._publications.setdefault(publication.article, [])
        key = _publication_key(publication)
        if any(_publication_key(p) == key for p in known):
            return 0
        known.append(publication)
        return 1

    def save_analyses(self, analyses: Sequence[AnalyzedArticle]) -> None:
        """Keep analyses of stored articles, replacing earlier ones."""
        for analysis in analyses:
            self._analyses[analysis.article.id] = analysis
            self._saves += 1
            self._analysed[analysis.article.id] = self._saves

    def get_analysis(self, article_id: str) -> AnalyzedArticle | None:
        """The stored analysis of an article, or ``None``."""
        return self._analyses.get(article_id)

    def iter_analyses(self) -> Iterator[AnalyzedArticle]:
        """Every stored analysis, in the articles' insertion order."""
        found = [self._analyses.get(article_id) for article_id in self._articles]
        yield from (analysis for analysis in found if analysis is not None)

    def analysis_versions(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The stamp of each given article's stored analysis (model, made_by, save number)."""
        found: dict[str, str] = {}
        for article_id in article_ids:
            analysis = self._analyses.get(article_id)
            if analysis is not None:
                saved = self._analysed[article_id]
                found[article_id] = f"{analysis.nlp_model}|{analysis.made_by}|{saved}"
        return found

    def get_comparison(self, story_id: str, fingerprint: str) -> StoryComparison | None:
        """The story's kept comparison if kept under ``fingerprint``, else ``None``."""
        kept = self._comparisons.get(story_id)
        return kept[1] if kept is not None and kept[0] == fingerprint else None

    def save_comparison(
        self, story_id: str, fingerprint: str, comparison: StoryComparison
    ) -> None:
        """Keep (replace) a story's comparison under its fingerprint."""
        self._comparisons[story_id] = (fingerprint, comparison)

    def pending_analysis(
        self, *, nlp_model: str | None = None, made_by: str | None = None
    ) -> list[str]:
        """Ids of articles without an analysis (or with one another model/version made)."""
        pending = []
        for article_id in self._articles:
            done = self._analyses.get(article_id)
            if (
                done is None
                or (nlp_model is not None and done.nlp_model != nlp_model)
                or (made_by is not None and done.made_by != made_by)
            ):
                pending.append(article_id)
        return pending

    def search(self, query: SearchQuery) -> list[SearchHit]:
        """Search by a plain BM25 over the texts in memory (no index; for tests and scripts)."""
        terms = parse_query(query.text)
        # Scores use the statistics of the whole corpus, as an index would; filters come after.
        everything = list(self._articles.values())
        articles = [a for a in everything if _passes(a, query)]
        found: list[SearchHit] = []
        if query.scope == "articles":
            scorer = TermScorer(terms, [f"{a.headline or ''} {a.body}" for a in everything])
            for article in articles:
                score = scorer.score(f"{article.headline or ''} {article.body}")
                if score is None:
                    continue
                span = scorer.first_match(article.body)
                text = article.body[span[0] : span[1]] if span else article.headline or ""
                found.append(_hit(article, "articles", text, span, score))
        else:
            analysed = [(a, self._analyses[a.id]) for a in everything if a.id in self._analyses]
            if query.scope == "quotes":
                found = _quote_hits(terms, analysed, query)
            else:
                found = _entity_hits(terms, analysed)
            kept = {a.id for a in articles}
            found = [hit for hit in found if hit.article_id in kept]
        found.sort(key=lambda hit: -hit.score)
        return found[: query.limit]

    def has(self, document_id: str) -> bool:
        """Whether the document's article is stored."""
        return document_id in self._articles

    def get_document(self, document_id: str) -> RawDocument | None:
        """The raw document with this id, or ``None``."""
        return self._documents.get(document_id)

    def get_article(self, article_id: str) -> Article | None:
        """The article with this id, or ``None``."""
        return self._articles.get(article_id)

    def list_articles(
        self, *, limit: int = 100, offset: int = 0, outlet: str | None = None
    ) -> list[ArticleSummary]:
        """Stored articles in insertion order, optionally of one outlet."""
        chosen = [
            a for a in self._articles.values() if outlet is None or outlet in self._outlets(a.id)
        ]
        return [
            ArticleSummary(
                id=a.id,
                location=a.source.where(),
                outlet=a.outlet.name if a.outlet else None,
                original_outlet=a.original_outlet.name if a.original_outlet else None,
                headline=a.headline,
                published=a.published,
                copy_of=a.copy_of.id if a.copy_of else None,
                outlets=self._outlets(a.id),
            )
            for a in chosen[offset : offset + limit]
        ]

    def _outlets(self, article_id: str) -> tuple[str, ...]:
        names = (p.outlet.name for p in self._publications.get(article_id, ()) if p.outlet)
        return tuple(dict.fromkeys(names))

    def iter_articles(self) -> Iterator[Article]:
        """Every stored article, in insertion order."""
        yield from list(self._articles.values())

    def copy_texts(self) -> Iterator[tuple[str, str]]:
        """``(id, body)`` of every stored article."""
        for article in self.iter_articles():
            yield article.id, article.body

    def copy_keys(self) -> Iterator[tuple[str, CopyKey | None]]:
        """Every stored article's id and copy key (``None`` when it has none)."""
        for article_id in list(self._articles):
            yield article_id, self._copy_keys.get(article_id)

    def count(self) -> StoreCounts:
        """How many documents, articles and skipped inputs are stored."""
        unique = sum(1 for a in self._articles.values() if a.copy_of is None)
        return StoreCounts(len(self._documents), len(self._articles), unique, len(self._skipped))

    def save_stories(self, update: StoryUpdate) -> None:
        """Write changed stories, drop removed ones and record merges and splits."""
        for story_id in update.removed:
            self._stories.pop(story_id, None)
            self._comparisons.pop(story_id, None)
        for story in update.stories:
            self._stories[story.id] = story
            for member in story.articles:
                self._story_of[member.id] = story.id
        self._changes.extend(update.changes)

    def load_story_state(self) -> tuple[int, bytes] | None:
        """The saved story-clusterer state and the article count it covers, if any."""
        return self._story_state

    def save_story_state(self, articles: int, state: bytes) -> None:
        """Replace the saved story-clusterer state."""
        self._story_state = (articles, state)

    def list_stories(
        self, *, limit: int = 100, offset: int = 0, outlet: str | None = None
    ) -> list[Story]:
        """Stories, oldest first, optionally only those with an article credited to ``outlet``
        or a text it published (any publication of a member)."""
        ordered = sorted(self._stories.values(), key=lambda s: s.articles[0].seq)
        chosen = [
            s
            for s in ordered
            if outlet is None
            or outlet in s.outlets
            or any(outlet in self._outlets(member.id) for member in s.articles)
        ]
        return chosen[offset : offset + limit]

    def get_story(self, story_id: str) -> Story | None:
        """The story with this id, or ``None``."""
        return self._stories.get(story_id)

    def story_of(self, article_id: str) -> str | None:
        """The story id of an article, or ``None``."""
        return self._story_of.get(article_id)

    def story_changes(self, story_id: str | None = None) -> list[StoryChange]:
        """Merges and splits in order, optionally those touching one story."""
        return [
            c
            for c in self._changes
            if story_id is None or story_id == c.story or story_id in c.others
        ]

    def save_entities(self, entities: Sequence[GlobalEntity], articles: Sequence[str]) -> None:
        """Write changed global entities and mark articles as resolved."""
        for entity in entities:
            self._entities[entity.id] = entity
        self._resolved.update(articles)

    def list_entities(
        self, *, limit: int = 100, offset: int = 0, label: str | None = None
    ) -> list[GlobalEntity]:
        """Global entities, those in most articles first, optionally of one label."""
        chosen = [e for e in self._entities.values() if label is None or e.label == label]
        chosen.sort(key=lambda e: -len(e.articles))
        return chosen[offset : offset + limit]

    def iter_entities(self) -> Iterator[GlobalEntity]:
        """Every global entity, in creation order."""
        yield from list(self._entities.values())

    def resolved_articles(self) -> set[str]:
        """Ids of the articles whose entities were resolved."""
        return set(self._resolved)

    def get_entity(self, entity_id: str) -> GlobalEntity | None:
        """The global entity with this id, or ``None``."""
        return self._entities.get(entity_id)

    def entity_descriptors(
        self, entity_id: str, *, limit: int = 1000
    ) -> list[EntityDescriptorRow]:
        """Descriptors of a global entity, earliest article first, at most ``limit``."""
        names = TABLES["descriptors"].names
        found = []
        for article, local in self._entity_articles(entity_id):
            analysis = self._analyses[article.id]
            for row in analysis_rows(analysis)["descriptors"]:
                cell = dict(zip(names, row, strict=True))
                if cell["entity_id"] in local:
                    found.append(EntityDescriptorRow(
                        article.id, str(cell["entity_id"]), _credited(article),
                        article.published, str(cell["text"]), str(cell["kind"]),
                        int(cell["start_char"]), int(cell["end_char"]),
                    ))
        return found[:limit]

    def entity_quotes(self, entity_id: str, *, limit: int = 1000) -> list[EntityQuoteRow]:
        """Statements attributed to a global entity, earliest article first."""
        names = TABLES["attributions"].names
        found = []
        for article, local in self._entity_articles(entity_id):
            for row in analysis_rows(self._analyses[article.id])["attributions"]:
                cell: dict[str, Any] = dict(zip(names, row, strict=True))
                if cell["entity_id"] in local:
                    found.append(EntityQuoteRow(
                        article.id, _credited(article), article.published, cell["speaker"],
                        cell["cue_text"], cell["cue_lemma"], cell["cue_class"],
                        cell["cue_subclass"], cell["cue_start"], cell["cue_end"],
                        cell["content_text"], cell["content_start"], cell["content_end"],
                        cell["kind"],
                    ))
        return found[:limit]

    def global_ids(self, article_id: str) -> dict[str, str]:
        """Article-local entity id -> global entity id, for an article's resolved entities."""
        return {
            local: global_id
            for (article, local), global_id in global_entity_ids(self._entities.values()).items()
            if article == article_id
        }

    def _entity_articles(self, entity_id: str) -> list[tuple[Article, set[str]]]:
        # The analysed articles an entity occurs in, earliest first, with its local ids there.
        entity = self._entities.get(entity_id)
        if entity is None:
            return []
        local: dict[str, set[str]] = {}
        for occurrence in entity.occurrences:
            local.setdefault(occurrence.article, set()).add(occurrence.entity)
        order = {article_id: seq for seq, article_id in enumerate(self._articles)}
        chosen = [
            self._articles[a] for a in local if a in self._analyses and a in self._articles
        ]
        chosen.sort(key=lambda a: (a.published is None, a.published or dt.date.min, order[a.id]))
        return [(article, local[article.id]) for article in chosen]


def _passes(article: Article, query: SearchQuery) -> bool:
    outlets = {o.name for o in (article.outlet, article.original_outlet) if o is not None}
    if query.outlet is not None and query.outlet not in outlets:
        return False
    if query.since is None and query.until is None:
        return True
    day = article.published
    return (
        day is not None
        and (query.since is None or day >= query.since)
        and (query.until is None or day <= query.until)
    )


def _hit(
    article: Article,
    scope: SearchScope,
    text: str,
    span: tuple[int, int] | None,
    score: float,
    **extra: str | None,
) -> SearchHit:
    return SearchHit(
        scope=scope,
        article_id=article.id,
        outlet=article.outlet.name if article.outlet else None,
        headline=article.headline,
        published=article.published,
        text=text,
        start_char=span[0] if span else None,
        end_char=span[1] if span else None,
        score=score,
        **extra,
    )


def _quote_hits(
    terms: Sequence[QueryTerm],
    analysed: Sequence[tuple[Article, AnalyzedArticle]],
    query: SearchQuery,
) -> list[SearchHit]:
    quotes = [
        (article, analysis, item, speaker_of(analysis, item.entity, item.source))
        for article, analysis in analysed
        for item in analysis.attributions
    ]
    scorer = TermScorer(terms, [f"{q[2].content.text} {q[3]}" for q in quotes])
    if query.speaker is not None:
        wanted = query.speaker.casefold()
        quotes = [quote for quote in quotes if wanted in quote[3].casefold()]
    hits = []
    for article, _, item, speaker in quotes:
        score = scorer.score(f"{item.content.text} {speaker}")
        if score is not None:
            span = (item.content.start, item.content.end)
            hits.append(
                _hit(
                    article, "quotes", item.content.text, span, score, speaker=speaker,
                    cue=item.cue.text, cue_class=item.cue.class_, entity_id=item.entity,
                )
            )
    return hits


def _entity_hits(
    terms: Sequence[QueryTerm], analysed: Sequence[tuple[Article, AnalyzedArticle]]
) -> list[SearchHit]:
    entities = [(article, entity) for article, analysis in analysed for entity in analysis.entities]
    texts = [" ".join([e.name] + [m.text for m in e.mentions]) for _, e in entities]
    scorer = TermScorer(terms, texts)
    hits = []
    for (article, entity), text in zip(entities, texts, strict=True):
        score = scorer.score(text)
        if score is None:
            continue
        mention = next((m for m in entity.mentions if scorer.first_match(m.text)), None)
        span = (mention.start, mention.end) if mention else None
        hits.append(
            _hit(article, "entities", mention.text if mention else entity.name, span, score,
                 entity_id=entity.id)
        )
    return hits


def _publication_key(publication: Publication) -> tuple[str, str]:
    return (publication.outlet.name if publication.outlet else "", publication.url or "")


def _credited(article: Article) -> str | None:
    credited = article.original_outlet or article.outlet
    return credited.name if credited else None

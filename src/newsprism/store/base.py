"""The storage interface every backend implements, and the store's own read records.

A store keeps raw documents, their extracted articles and the skipped inputs, stories and global
entities, and the analyses of articles (entities, attributions, times) with the model and
versions that made them. Writes come in batches, each one transaction, so an interrupted run
leaves whole batches behind and the next run completes the rest (documents are keyed by their
content-hash id).

Identity and publications (schema 4). An article's id is the hash of its text, so one text is
stored once however many outlets ran it; every place it ran is a ``Publication`` (article id,
outlet, URL, source) in a ``publications`` table beside ``articles``::

    articles      (id PK, ..., outlet, record)          the text and its first extraction
    publications  (seq, article_id -> articles.id, outlet, url, location, record)
                  unique on (article_id, coalesce(outlet, ''), coalesce(url, ''))

Copy keys (schema 4): ``copy_keys (article_id PK -> articles.id, digest, signature, scheme)``
holds each text's ``CopyKey`` (``add_batch(copy_keys=)``, upserted), read back by
``copy_keys()`` so copy detection never re-reads stored texts.

``add_batch`` writes each new article's own publication (its outlet and URL) with it, plus the
``publications`` it is given (the same text arriving from another outlet or URL); a publication
already present is passed over, so re-running a batch changes nothing. ``list_articles(outlet=)``
matches any publication's outlet. Migration 4 gives every existing article its publication.

Writers. One process writes at a time: ``writer()`` holds the store's single-writer lock for a
whole run (SQLite: ``flock`` on the file ``DB.lock`` beside the database, waiting up to
``store.writer_wait_seconds``; PostgreSQL: ``pg_advisory_lock``), so two ingests started together
end exactly as if run one after the other. Migrations run under the same lock and are
idempotent (each re-checks the version inside it).

What every backend must do beyond keeping records (the SQLite store is the reference; the tests
in ``tests/store``, ``tests/test_pipeline.py``, ``tests/test_search.py`` and
``tests/test_export.py`` run against every backend through the ``store`` and ``db`` fixtures):

- analyses: ``add_batch(..., analyses=...)`` and ``save_analyses`` write an analysis, its rows of
  the tidy analysis tables (``newsprism.store.tables.analysis_rows``: entities, mentions,
  descriptors, attributions, times) and its search index entries in the same transaction as the
  rest of the call; saving an analysis of an article that has one replaces it (rows and index
  entries too). ``get_analysis``/``iter_analyses`` give back exactly the saved record
  (``tables.analysis_record``/``analysis_from_record`` define the stored form).
- search (:meth:`Store.search`): full-text search with ranking (SQLite FTS5 BM25; PostgreSQL
  full-text search), hits as :class:`SearchHit`; see :class:`SearchQuery` for what each scope
  searches and how filters apply.
- comparisons (schema 7): ``save_comparison`` keeps one ``StoryComparison`` per story under a
  fingerprint of what it was computed from (``newsprism.pipeline.comparison_key``), and
  ``get_comparison`` gives it back only for the same fingerprint, so a story whose articles,
  analyses or publications changed is compared again, never served stale. ``analysis_versions``
  gives the stamp of each stored analysis that such a fingerprint includes: it changes whenever
  the analysis is replaced. A removed story's comparison goes with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import TracebackType
from typing import Literal, Protocol, Self

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


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one ``add_batch`` call changed."""

    added: int
    already_present: int
    publications: int = 0


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """How much the store holds; copies are counted once in ``unique_articles``."""

    documents: int
    articles: int
    unique_articles: int
    skipped: int


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One line of ``newsprism list``: the indexed columns of a stored article."""

    id: str
    location: str
    outlet: str | None
    original_outlet: str | None
    headline: str | None
    published: dt.date | None
    copy_of: str | None
    outlets: tuple[str, ...] = ()


SearchScope = Literal["articles", "quotes", "entities"]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A full-text search over a store.

    Attributes:
        text: Words to find, all of them (AND); a passage in double quotes is a phrase
            (``"prisoner swap" Griner``). Words match their inflections (SQLite: the porter
            stemmer; PostgreSQL: the english text-search configuration).
        scope: ``articles``: headline and body of each article; ``quotes``: the content of each
            attribution and its speaker; ``entities``: the names and mentions of each entity
            of each analysed article.
        outlet: Only articles published or credited to this outlet (exact name, as stored in
            ``articles.outlet`` or ``articles.original_outlet``).
        speaker: Only quotes whose speaker (entity name, else source text) contains this,
            case-insensitively; only with ``scope="quotes"``.
        since: Only articles published on or after this day (articles without a date never
            match a date filter).
        until: Only articles published on or before this day.
        limit: At most this many hits, best first.
    """

    text: str
    scope: SearchScope = "articles"
    outlet: str | None = None
    speaker: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int = 20


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result, best first; every offset indexes into the article's body.

    Attributes:
        scope: What was searched (``articles``, ``quotes``, ``entities``).
        article_id: The article.
        outlet: Its outlet (the credited one for a syndicated copy), or ``None``.
        headline: Its headline.
        published: Its publication day.
        text: The matched text: for an article, the first matched word of the body (or of the
            headline when only the headline matches); for a quote, its content; for an entity,
            its first mention that matches (else its name).
        start_char: Where ``text`` starts in the body; ``None`` when it is in the headline.
        end_char: Where it ends.
        speaker: For a quote, the speaker (entity name, else source text).
        cue: For a quote, the reporting verb as written.
        cue_class: For a quote, the cue's class (neutral, marked, ...).
        entity_id: For an entity (and a quote whose source resolves), the article-local id.
        score: Relevance, higher is better (SQLite: minus the FTS5 BM25 rank).
    """

    scope: SearchScope
    article_id: str
    outlet: str | None
    headline: str | None
    published: dt.date | None
    text: str
    start_char: int | None
    end_char: int | None
    score: float
    speaker: str | None = None
    cue: str | None = None
    cue_class: str | None = None
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class EntityDescriptorRow:
    """A descriptor of one global entity in one article (``Store.entity_descriptors``).

    Attributes:
        article_id: The article; ``start_char``/``end_char`` index into its body.
        entity_id: The article-local entity the descriptor belongs to.
        outlet: The article's credited outlet (``original_outlet``, else ``outlet``).
        published: The article's publication day.
        text: The descriptor as written.
        kind: premodifier, appositive, relative-clause, predicate or role.
    """

    article_id: str
    entity_id: str
    outlet: str | None
    published: dt.date | None
    text: str
    kind: str
    start_char: int
    end_char: int


@dataclass(frozen=True, slots=True)
class EntityQuoteRow:
    """A statement attributed to one global entity in one article (``Store.entity_quotes``).

    Attributes:
        article_id: The article; every offset indexes into its body.
        outlet: The article's credited outlet.
        published: The article's publication day.
        speaker: The speaker as the attribution names it.
        cue_text: The reporting verb as written; ``cue_lemma``, ``cue_class`` and
            ``cue_subclass`` as in the ``attributions`` table.
        content_text: What was said (or reported).
        kind: direct, indirect or mixed.
    """

    article_id: str
    outlet: str | None
    published: dt.date | None
    speaker: str
    cue_text: str
    cue_lemma: str
    cue_class: str
    cue_subclass: str | None
    cue_start: int
    cue_end: int
    content_text: str
    content_start: int
    content_end: int
    kind: str


class Store(Protocol):
    """Where documents and articles are kept. Implementations: SQLite, memory."""

    schema_version: int

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def close(self) -> None:
        """Release the connection; the store cannot be used afterwards."""

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
        """Store one batch in one transaction; documents already present are left as they are.

        ``stories``, when given, is written in the same transaction: the batch's articles and
        their story assignments survive or vanish together. Each new article's own publication
        is stored with it; ``publications`` adds further ones (of stored or new articles), those
        already present passed over. ``copy_keys`` are stored (replacing an article's older
        key). ``analyses`` (of this batch's articles, or of stored ones)
        are written in the same transaction, as :meth:`save_analyses` does. Each new article is
        also indexed for search (headline and body).
        """
        ...

    def save_analyses(self, analyses: Sequence[AnalyzedArticle]) -> None:
        """Store analyses of stored articles in one transaction, replacing earlier ones.

        Each analysis is kept whole (``tables.analysis_record``), with its ``nlp_model`` and
        ``made_by``, its rows in the analysis tables and its search entries (quotes, entities).
        """
        ...

    def get_analysis(self, article_id: str) -> AnalyzedArticle | None:
        """The stored analysis of an article (with the article), or ``None``."""
        ...

    def iter_analyses(self) -> Iterator[AnalyzedArticle]:
        """Every stored analysis, in the articles' ingest order."""
        ...

    def pending_analysis(
        self, *, nlp_model: str | None = None, made_by: str | None = None
    ) -> list[str]:
        """Ids of the articles to analyse, in ingest order.

        Those without an analysis; with ``nlp_model`` (and ``made_by``) given, also those whose
        analysis another model (or another ``made_by``) made.
        """
        ...

    def analysis_versions(self, article_ids: Sequence[str]) -> dict[str, str]:
        """For each of these articles that has a stored analysis, a stamp of it (the model,
        ``made_by`` and how many times it was replaced) that changes whenever the analysis is
        replaced; articles without one are left out."""
        ...

    def get_comparison(self, story_id: str, fingerprint: str) -> StoryComparison | None:
        """The story's stored comparison when it was stored under ``fingerprint``, else ``None``
        (none stored, or one computed from another state of the story)."""
        ...

    def save_comparison(
        self, story_id: str, fingerprint: str, comparison: StoryComparison
    ) -> None:
        """Keep a story's comparison under the fingerprint of what it was computed from,
        replacing the one stored before (one transaction)."""
        ...

    def search(self, query: SearchQuery) -> list[SearchHit]:
        """Full-text search (see :class:`SearchQuery`), best hits first.

        Raises:
            InputError: The query has no word to search for, or cannot be parsed.
        """
        ...

    def copy_keys(self) -> Iterator[tuple[str, CopyKey | None]]:
        """Every stored article's id and copy key (``None`` when it has none), in ingest order."""
        ...

    def writer(self) -> AbstractContextManager[None]:
        """Hold the single-writer lock for a whole run of writes (waiting for another holder).

        Raises:
            StoreError: Another writer held it for longer than ``store.writer_wait_seconds``.
        """
        ...

    def publications(self, article_id: str) -> list[Publication]:
        """Every publication of an article, first one first."""
        ...

    def has(self, document_id: str) -> bool:
        """Whether a document and its article are both stored."""
        ...

    def get_document(self, document_id: str) -> RawDocument | None:
        """The raw document with this id, or ``None``."""
        ...

    def get_article(self, article_id: str) -> Article | None:
        """The article with this id, or ``None``."""
        ...

    def list_articles(
        self, *, limit: int = 100, offset: int = 0, outlet: str | None = None
    ) -> list[ArticleSummary]:
        """Stored articles in ingest order, optionally those with a publication by ``outlet``;
        ``outlets`` names every publishing outlet."""
        ...

    def iter_articles(self) -> Iterator[Article]:
        """Every stored article, in ingest order."""
        ...

    def copy_texts(self) -> Iterator[tuple[str, str]]:
        """``(id, body)`` of every stored article, to seed duplicate detection."""
        ...

    def count(self) -> StoreCounts:
        """How many documents, articles and skipped inputs are stored."""
        ...

    def save_stories(self, update: StoryUpdate) -> None:
        """Write changed stories, drop removed ones, record merges and splits (one transaction)."""
        ...

    def load_story_state(self) -> tuple[int, bytes] | None:
        """The saved story-clusterer state and the article count it covers, if any."""
        ...

    def save_story_state(self, articles: int, state: bytes) -> None:
        """Replace the saved story-clusterer state."""
        ...

    def list_stories(
        self, *, limit: int = 100, offset: int = 0, outlet: str | None = None
    ) -> list[Story]:
        """Stories, oldest first, optionally only those with an article credited to ``outlet``
        or a text it published (any publication of a member)."""
        ...

    def get_story(self, story_id: str) -> Story | None:
        """The story with this id, or ``None``."""
        ...

    def story_of(self, article_id: str) -> str | None:
        """The id of the story an article belongs to, or ``None`` when not assigned."""
        ...

    def story_changes(self, story_id: str | None = None) -> list[StoryChange]:
        """Merges and splits in the order they happened, optionally those touching one story."""
        ...

    def save_entities(self, entities: Sequence[GlobalEntity], articles: Sequence[str]) -> None:
        """Write changed global entities and mark ``articles`` as resolved (one transaction)."""
        ...

    def list_entities(
        self, *, limit: int = 100, offset: int = 0, label: str | None = None
    ) -> list[GlobalEntity]:
        """Global entities, those in most articles first, optionally of one label."""
        ...

    def iter_entities(self) -> Iterator[GlobalEntity]:
        """Every global entity, in creation order."""
        ...

    def resolved_articles(self) -> set[str]:
        """Ids of the articles whose entities were resolved."""
        ...

    def get_entity(self, entity_id: str) -> GlobalEntity | None:
        """The global entity with this id, or ``None``."""
        ...

    def entity_descriptors(
        self, entity_id: str, *, limit: int = 1000
    ) -> list[EntityDescriptorRow]:
        """Descriptors of a global entity in every stored analysis, earliest article first
        (publication day, then ingest order), at most ``limit``."""
        ...

    def entity_quotes(self, entity_id: str, *, limit: int = 1000) -> list[EntityQuoteRow]:
        """Statements attributed to a global entity, earliest article first, at most ``limit``."""
        ...

    def global_ids(self, article_id: str) -> dict[str, str]:
        """Article-local entity id -> global entity id, for the resolved entities of an article."""
        ...


_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@|(password\s*=\s*)\S+")


def redact(url: str) -> str:
    """A connection string with any password replaced by ``***``, fit for messages."""
    return _PASSWORD.sub(
        lambda m: f"{m.group(1)}***@" if m.group(1) else f"{m.group(2)}***", url
    )

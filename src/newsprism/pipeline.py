"""Chains the stages: ingest -> extract -> copy detection -> stories -> store.

The library functions here return reports; they never print. Progress is reported through an
optional callback so the CLI can draw a bar and the web app a counter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from newsprism.config import Settings
from newsprism.errors import InputError
from newsprism.extract import extract_document
from newsprism.ingest import read_inputs
from newsprism.ingest.dedup import CopyDetector
from newsprism.ingest.outlets import OutletDirectory
from newsprism.model import (
    AnalyzedArticle,
    Article,
    CopyKey,
    Publication,
    RawDocument,
    Skipped,
)
from newsprism.store.base import Store
from newsprism.stories import StoryClusterer, story_item
from newsprism.stories.embed import TextEncoder
from newsprism.stories.resolve import EntityResolver

Progress = Callable[[str], None]
T = TypeVar("T")
# Outlets given by the user or the record itself (not derived from a URL): a text already stored
# that arrives under one of these from a known URL is still a new publication.
_STATED = frozenset({"flag", "record", "feed"})
# list_stories limit that means "all of them".
_ALL = 1 << 62


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest run did.

    Attributes:
        read: Documents read from the inputs.
        added: Articles newly stored.
        already_present: Documents that were already in the store (re-ingest is idempotent).
        copies: Added articles recognised as copies of earlier ones (kept, linked, counted once).
        skipped: Inputs or records that could not be used, with reasons.
        articles: The articles added in this run, in input order.
        stories: The story id of each added article, in the same order.
        new_stories: How many of those stories this run started.
        publications: Publications added to texts already stored or read twice in this run
            (the same text from another outlet or URL).
    """

    read: int
    added: int
    already_present: int
    copies: int
    skipped: tuple[Skipped, ...]
    articles: tuple[Article, ...]
    stories: tuple[str, ...] = ()
    new_stories: int = 0
    publications: int = 0


def ingest_into(
    inputs: Iterable[str],
    *,
    store: Store,
    settings: Settings,
    outlets: OutletDirectory,
    outlet: str | None = None,
    published: dt.date | None = None,
    on_document: Progress | None = None,
    encoder: TextEncoder | None = None,
) -> IngestReport:
    """Read, extract, link copies, assign stories and store, one store transaction per batch.

    A run killed part-way leaves whole batches behind; running it again adds the rest, since
    documents already stored are recognised by their content-hash id and passed over. A text
    already stored that arrives from another outlet or URL adds a publication to it. The whole
    run holds the store's writer lock: two runs at once end as one after the other.

    Args:
        inputs: File paths, directories or URLs.
        store: Where articles go.
        settings: newsprism settings.
        outlets: The outlet directory.
        outlet: An outlet name the user gives for every input (``--outlet``).
        published: A publication date the user gives for every input (``--published``).
        on_document: Called with each document's location as it is processed.
        encoder: An optional sentence encoder blended into story clustering (stored articles
            are encoded again when the clusterer is rebuilt).

    Returns:
        Counts, skipped inputs and the added articles.
    """
    with store.writer():
        return _ingest(
            inputs,
            store=store,
            settings=settings,
            outlets=outlets,
            outlet=outlet,
            published=published,
            on_document=on_document,
            encoder=encoder,
        )


def _ingest(
    inputs: Iterable[str],
    *,
    store: Store,
    settings: Settings,
    outlets: OutletDirectory,
    outlet: str | None,
    published: dt.date | None,
    on_document: Progress | None,
    encoder: TextEncoder | None,
) -> IngestReport:
    detector, keys = seed_detector(store, settings=settings)
    clusterer = load_clusterer(store, settings=settings, encoder=encoder)
    story_ids: list[str] = []
    new_stories = 0
    read = added = present = copies = published_again = 0
    skipped: list[Skipped] = []
    kept: list[Article] = []
    items = read_inputs(inputs, settings=settings, outlet=outlet, outlets=outlets)
    for batch in _batches(items, settings.ingest.batch_size):
        documents: list[RawDocument] = []
        articles: list[Article] = []
        batch_skipped: list[Skipped] = []
        publications: list[Publication] = []
        for item in batch:
            if isinstance(item, Skipped):
                batch_skipped.append(item)
                continue
            read += 1
            if on_document is not None:
                on_document(item.source.where())
            in_batch = [a for a in articles if a.id == item.id]
            if in_batch or store.has(item.id):
                present += 1
                known = [
                    *(Publication(a.id, a.source, a.url, a.outlet) for a in in_batch),
                    *(p for p in publications if p.article == item.id),
                    *([] if in_batch else store.publications(item.id)),
                ]
                publication = new_publication(item, known)
                if publication is not None:
                    publications.append(publication)
                continue
            try:
                article = extract_document(
                    item, settings=settings, outlets=outlets, published=published
                )
            except InputError as exc:
                batch_skipped.append(Skipped(item.source.where(), exc.message, exc.code))
                continue
            copy_of, key = detector.check_key(article.id, article.body)
            keys.append(key)
            if copy_of is not None:
                copies += 1
                article = dataclasses.replace(article, copy_of=copy_of)
                item = dataclasses.replace(item, copy_of=copy_of)
            documents.append(item)
            articles.append(article)
        story_items = [story_item(article, settings=settings.stories) for article in articles]
        clusterer.prime(story_items)
        for story_input in story_items:
            decision = clusterer.add(story_input)
            new_stories += decision.joined_by == "new"
        result = store.add_batch(
            documents,
            articles,
            batch_skipped,
            stories=clusterer.drain(),
            publications=publications,
            copy_keys=keys,
        )
        keys = []
        added += result.added
        published_again += result.publications
        present += result.already_present
        skipped.extend(batch_skipped)
        kept.extend(articles)
    if kept:
        save_clusterer(store, clusterer)
    for article in kept:
        story_ids.append(clusterer.story_of(article.id) or "")
    return IngestReport(
        read,
        added,
        present,
        copies,
        tuple(skipped),
        tuple(kept),
        stories=tuple(story_ids),
        new_stories=new_stories,
        publications=published_again,
    )


def seed_detector(store: Store, *, settings: Settings) -> tuple[CopyDetector, list[CopyKey]]:
    """A copy detector that knows every stored text, from the stored copy keys.

    Texts without a key (stored before keys were kept, or keyed with other settings) are read
    and hashed once; their keys are returned so that the next write stores them.
    """
    detector = CopyDetector(settings=settings.dedup)
    missing: list[CopyKey] = []
    for article_id, key in store.copy_keys():
        if key is not None and detector.remember(key):
            continue
        article = store.get_article(article_id)
        if article is not None:
            missing.append(detector.check_key(article_id, article.body)[1])
    return detector, missing


def new_publication(doc: RawDocument, known: Sequence[Publication]) -> Publication | None:
    """The publication ``doc`` adds to its already stored text, or ``None`` when it adds none.

    A new URL is a new publication. Without a new URL, only an outlet the user or the record
    states (``--outlet``, a JSONL or feed outlet) that no publication of that URL has is new; an
    outlet derived from the URL's domain never is (it names the same page again).
    """
    name = doc.outlet.name if doc.outlet else None
    stated = doc.outlet is not None and doc.outlet.found_by in _STATED
    if doc.url is not None and all(p.url != doc.url for p in known):
        return Publication(doc.id, doc.source, doc.url, doc.outlet)
    if not stated:
        return None
    same_place = [p for p in known if doc.url is None or p.url == doc.url]
    if any(p.outlet is not None and p.outlet.name == name for p in same_place):
        return None
    return Publication(doc.id, doc.source, doc.url, doc.outlet)


def load_clusterer(
    store: Store, *, settings: Settings, encoder: TextEncoder | None = None
) -> StoryClusterer:
    """Rebuild the story clusterer from a store, assigning stories to articles that lack one.

    When the store holds a clusterer snapshot covering every stored article, taken with the same
    settings (and with an encoder exactly when one is given now), it is loaded: no article is
    read again. Otherwise stored articles are replayed in ingest order, each into the story the
    store records, so the document frequencies and story centroids are what they were; articles
    stored before stories existed are clustered now and their stories saved.
    """
    saved = store.load_story_state()
    if saved is not None and saved[0] == store.count().articles:
        restored = StoryClusterer.from_snapshot(
            saved[1], settings=settings.stories, encoder=encoder
        )
        if restored is not None:
            return restored
    clusterer = StoryClusterer(settings=settings.stories, encoder=encoder)
    members = {
        member.id: (story.id, member)
        for story in store.list_stories(limit=_ALL)
        for member in story.articles
    }
    for chunk in _batches(store.iter_articles(), 256):
        items = [story_item(article, settings=settings.stories) for article in chunk]
        clusterer.prime(items)
        for item in items:
            known = members.get(item.id)
            if known is None:
                clusterer.add(item)
            else:
                clusterer.restore(item, known[0], known[1])
    update = clusterer.drain()
    if update.stories or update.changes:
        store.save_stories(update)
    return clusterer


def save_clusterer(store: Store, clusterer: StoryClusterer) -> bool:
    """Save the clusterer's snapshot when it covers exactly the stored articles.

    Returns:
        Whether it was saved.
    """
    articles = store.count().articles
    if len(clusterer) != articles:
        return False
    store.save_story_state(articles, clusterer.snapshot())
    return True


@dataclass(frozen=True, slots=True)
class EntityReport:
    """What one entity-resolution run did.

    Attributes:
        analysed: Articles analysed and resolved in this run.
        entities: Global entities created or changed.
    """

    analysed: int
    entities: int


def resolve_entities_into(
    *,
    store: Store,
    settings: Settings,
    analysed: Iterable[AnalyzedArticle] | None = None,
    on_article: Progress | None = None,
) -> EntityReport:
    """Resolve the entities of stored articles into global entities, and store them.

    Articles already resolved are passed over. Analysis (spaCy) runs here unless ``analysed``
    brings the analysed articles.

    Args:
        store: The store holding the articles; global entities are written to it.
        settings: newsprism settings.
        analysed: Already analysed articles to resolve instead of analysing the store's.
        on_article: Called with each article's location as it is resolved.

    Returns:
        Counts.
    """
    with store.writer():
        return _resolve_entities(
            store=store, settings=settings, analysed=analysed, on_article=on_article
        )


def _resolve_entities(
    *,
    store: Store,
    settings: Settings,
    analysed: Iterable[AnalyzedArticle] | None,
    on_article: Progress | None,
) -> EntityReport:
    resolver = EntityResolver()
    resolver.restore(store.iter_entities())
    done = store.resolved_articles()
    if analysed is None:
        from newsprism.analyze import analyze
        from newsprism.analyze.nlp import load_model

        pending = [a for a in store.iter_articles() if a.id not in done]
        model = load_model() if pending else None
        analysed = analyze(pending, model=model, settings=settings.analyze) if model else ()
    count = changed = 0
    batch: list[str] = []
    for item in analysed:
        article = item.article
        if article.id in done:
            continue
        if on_article is not None:
            on_article(article.source.where())
        credited = article.original_outlet or article.outlet
        resolver.add(
            item, story=store.story_of(article.id), outlet=credited.name if credited else None
        )
        batch.append(article.id)
        count += 1
        if len(batch) >= settings.ingest.batch_size:
            entities = resolver.drain()
            changed += len(entities)
            store.save_entities(entities, batch)
            batch = []
    entities = resolver.drain()
    changed += len(entities)
    store.save_entities(entities, batch)
    return EntityReport(analysed=count, entities=changed)


def extract_inputs(
    inputs: Iterable[str],
    *,
    settings: Settings,
    outlets: OutletDirectory,
    outlet: str | None = None,
    published: dt.date | None = None,
    clean: bool = True,
    on_document: Progress | None = None,
) -> Iterator[Article | Skipped]:
    """Read and extract inputs without storing them; copies are still linked.

    With ``clean=False`` plain-text inputs are taken as bodies exactly as they are (see
    :func:`newsprism.extract.extract_document`).
    """
    detector = CopyDetector(settings=settings.dedup)
    for item in read_inputs(inputs, settings=settings, outlet=outlet, outlets=outlets):
        if isinstance(item, Skipped):
            yield item
            continue
        if on_document is not None:
            on_document(item.source.where())
        try:
            article = extract_document(
                item, settings=settings, outlets=outlets, published=published, clean=clean
            )
        except InputError as exc:
            yield Skipped(item.source.where(), exc.message, exc.code)
            continue
        copy_of = detector.check(article.id, article.body)
        yield dataclasses.replace(article, copy_of=copy_of) if copy_of else article


def _batches(items: Iterable[T], size: int) -> Iterator[Sequence[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch

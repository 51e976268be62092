"""The one place the stages are chained: read -> extract -> copies -> analyze -> stories -> store,
and compare on demand.

The CLI, the web app and a Spark job call these functions; none of them chains stages itself.

- :func:`ingest_into` reads inputs into a store in batches, one transaction per batch: articles,
  their analyses (with an :class:`Analyzer`), stories and search entries together. A run killed
  part-way is completed by running it again.
- :func:`analyze_store` analyses the stored articles that have no analysis (or one made by another
  model or version), batch by batch, resumable.
- :func:`resolve_entities_into` resolves entities across stored articles, from stored analyses.
- :func:`compare_story` compares a stored story from its stored analyses (spaCy loads only for
  an article not analysed yet) and keeps the comparison in the store under a fingerprint of
  what it was computed from (:func:`comparison_key`), so the next reader reads it; a story that
  changed since is compared again. :func:`keep_comparisons` does it for the stories an ingest or
  an analysis run touched. :func:`compare_inputs` compares files, URLs and story ids.
- :func:`run` does all of it: ingest, analyze, resolve entities, compare each story covered by
  enough outlets.

The functions return reports and never print. Progress goes to an optional callback, called
with a :class:`ProgressEvent` per document, so the CLI can draw a bar and the web app a counter.
Heavy libraries load on first use: importing this module loads no spaCy model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from newsprism.config import Settings
from newsprism.errors import InputError, StoreError
from newsprism.model import (
    AnalyzedArticle,
    Article,
    CopyKey,
    Publication,
    RawDocument,
    Skipped,
    Story,
    StoryComparison,
    to_dict,
)
from newsprism.store.base import Store

# The stages load on first use: comparing a stored story reads no input, extracts and clusters
# nothing, so it loads neither trafilatura nor the copy detector nor the story clusterer.
if TYPE_CHECKING:
    from newsprism.analyze import AnalyzeRules
    from newsprism.analyze.nlp import LoadedModel
    from newsprism.compare.rules import CompareRules
    from newsprism.config import AnalyzeSettings
    from newsprism.ingest.dedup import CopyDetector
    from newsprism.ingest.outlets import OutletDirectory
    from newsprism.stories import StoryClusterer, StoryItem
    from newsprism.stories.embed import TextEncoder

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Outlets given by the user or the record itself (not derived from a URL): a text already stored
# that arrives under one of these from a known URL is still a new publication.
_STATED = frozenset({"flag", "record", "feed"})
# list_stories limit that means "all of them".
_ALL = 1 << 62
# The stored form of a comparison and what its fingerprint covers: raise it when either changes
# in a way the digests below do not see.
COMPARISON_FORMAT = 1


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One step of a long run, for a progress display.

    Attributes:
        stage: ``ingest`` (a document read), ``analyze`` (an article analysed), ``entities``
            (an article's entities resolved) or ``compare`` (a story compared).
        done: How many steps of this stage are done, this one included.
        total: How many there are in all, when known.
        where: The document's location, or the story id.
    """

    stage: str
    done: int
    total: int | None
    where: str


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass(frozen=True, slots=True)
class InputSpec:
    """An input with what the caller knows about it that the input may not say.

    Attributes:
        location: A file, directory or URL.
        outlet: Outlet name for the documents it holds (``--outlet``).
        published: Publication day for them (``--published``); overrides dates found in them.
    """

    location: str
    outlet: str | None = None
    published: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Analyzer:
    """The analysis stage, loaded once: spaCy pipeline, rule files, tagger and settings.

    Build it with :func:`load_analyzer`. ``nlp_model`` and ``made_by`` name what made an
    analysis; :func:`analyze_store` can redo the stored analyses another analyzer made.
    """

    model: LoadedModel
    rules: AnalyzeRules
    settings: AnalyzeSettings

    @property
    def nlp_model(self) -> str:
        """The spaCy model's name and version (``AnalyzedArticle.nlp_model``)."""
        return self.model.label

    @property
    def made_by(self) -> str:
        """newsprism's version and rule and tagger digests (``AnalyzedArticle.made_by``)."""
        return self.rules.made_by

    def analyze(self, articles: Sequence[Article]) -> list[AnalyzedArticle]:
        """Analyse articles (``nlp.pipe`` in batches of ``analyze.batch_size``), in order.

        An article longer than the spaCy pipeline takes (``nlp.max_length`` characters) is left
        out with a logged warning: it stays stored, unanalysed, rather than failing the batch.
        """
        from newsprism.analyze import analyze

        limit = self.model.nlp.max_length
        fitting = []
        for article in articles:
            if len(article.body) > limit:
                logger.warning(
                    "%s: not analysed: its body has %d characters, more than the spaCy"
                    " pipeline takes (%d); it is stored without entities and quotes",
                    article.source.where(),
                    len(article.body),
                    limit,
                )
            else:
                fitting.append(article)
        return list(analyze(fitting, model=self.model, settings=self.settings, rules=self.rules))


def load_analyzer(settings: Settings, *, rules_only: bool = False) -> Analyzer:
    """Load the spaCy pipeline, the rule files and the attribution tagger.

    Args:
        settings: newsprism settings (``[analyze]`` is used).
        rules_only: Find attributions by rules alone, without the tagger (else the tagger
            ``analyze.attribution_tagger`` names).

    Raises:
        ConfigError: The spaCy model, a rule file or the tagger cannot be loaded.
    """
    from newsprism.analyze import load_analyze_rules
    from newsprism.analyze.nlp import load_model

    return Analyzer(
        model=load_model(),
        rules=load_analyze_rules(
            rules_only=rules_only, tagger=settings.analyze.attribution_tagger
        ),
        settings=settings.analyze,
    )


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
        analysed: How many added articles were analysed and their analyses stored.
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
    analysed: int = 0
    publications: int = 0


def ingest_into(
    inputs: Iterable[str | InputSpec],
    *,
    store: Store,
    settings: Settings,
    outlets: OutletDirectory,
    outlet: str | None = None,
    published: dt.date | None = None,
    analyzer: Analyzer | None = None,
    encoder: TextEncoder | None = None,
    on_progress: ProgressCallback | None = None,
    compare_stories: bool = True,
) -> IngestReport:
    """Read, extract, link copies, analyse, assign stories and store, one transaction per batch.

    A run killed part-way leaves whole batches behind (each batch's articles with their
    analyses, stories and search entries); running it again adds the rest, since documents
    already stored are recognised by their content-hash id and passed over. A text already
    stored that arrives from another outlet or URL adds a publication to it. The whole run
    holds the store's writer lock: two runs at once end as one after the other.

    Args:
        inputs: File paths, directories or URLs, or :class:`InputSpec` s naming an outlet and
            a publication day for one input.
        store: Where articles go.
        settings: newsprism settings.
        outlets: The outlet directory.
        outlet: An outlet name for every input that does not name its own (``--outlet``).
        published: A publication date for every input that does not name its own.
        analyzer: Analyses every added article, stored in the batch's transaction; ``None``
            stores articles only (``--no-analyze``; :func:`analyze_store` completes them).
        encoder: An optional sentence encoder blended into story clustering (stored articles
            are encoded again when the clusterer is rebuilt).
        on_progress: Called per document read (stage ``ingest``), per article analysed
            (stage ``analyze``) and per story compared (stage ``compare``).
        compare_stories: Then compare the stories the added articles are in, and keep the
            comparisons in the store (:func:`keep_comparisons`; stories with an article not
            analysed are left to their first reader).

    Returns:
        Counts, skipped inputs and the added articles.
    """
    with store.writer():
        report = _ingest(
            inputs,
            store=store,
            settings=settings,
            outlets=outlets,
            outlet=outlet,
            published=published,
            analyzer=analyzer,
            encoder=encoder,
            on_progress=on_progress,
        )
    if compare_stories:
        # After the writer lock: readers and other writers go on while stories are compared.
        keep_comparisons(store, report.stories, settings=settings, on_progress=on_progress)
    return report


def _ingest(
    inputs: Iterable[str | InputSpec],
    *,
    store: Store,
    settings: Settings,
    outlets: OutletDirectory,
    outlet: str | None,
    published: dt.date | None,
    analyzer: Analyzer | None,
    encoder: TextEncoder | None,
    on_progress: ProgressCallback | None,
) -> IngestReport:
    from newsprism.extract import extract_document
    from newsprism.stories import analyzed_item, story_item

    # The copy detector and the story clusterer are loaded when the first new article needs
    # them: a run that adds nothing (inputs already stored) reads neither state.
    detector: CopyDetector | None = None
    keys: list[CopyKey] = []
    clusterer: StoryClusterer | None = None
    story_ids: list[str] = []
    new_stories = analysed_count = 0
    read = added = present = copies = published_again = 0
    skipped: list[Skipped] = []
    kept: list[Article] = []
    items = _read_specs(inputs, settings=settings, outlets=outlets, outlet=outlet)
    for batch in _batches(items, settings.ingest.batch_size):
        documents: list[RawDocument] = []
        articles: list[Article] = []
        batch_skipped: list[Skipped] = []
        publications: list[Publication] = []
        for item, day in batch:
            if isinstance(item, Skipped):
                batch_skipped.append(item)
                continue
            read += 1
            if on_progress is not None:
                on_progress(ProgressEvent("ingest", read, None, item.source.where()))
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
                    item, settings=settings, outlets=outlets, published=day or published
                )
            except InputError as exc:
                batch_skipped.append(Skipped(item.source.where(), exc.message, exc.code))
                continue
            if detector is None:
                detector, keys = seed_detector(store, settings=settings)
            copy_of, key = detector.check_key(article.id, article.body)
            keys.append(key)
            if copy_of is not None:
                copies += 1
                article = dataclasses.replace(article, copy_of=copy_of)
                item = dataclasses.replace(item, copy_of=copy_of)
            documents.append(item)
            articles.append(article)
        analyses = analyzer.analyze(articles) if analyzer is not None and articles else []
        for analysis in analyses:
            analysed_count += 1
            if on_progress is not None:
                where = analysis.article.source.where()
                on_progress(ProgressEvent("analyze", analysed_count, None, where))
        by_id = {analysis.article.id: analysis for analysis in analyses}
        story_items = [
            analyzed_item(by_id[article.id], settings=settings.stories) if article.id in by_id
            else story_item(article, settings=settings.stories)
            for article in articles
        ]
        if story_items and clusterer is None:
            clusterer = load_clusterer(store, settings=settings, encoder=encoder)
        if clusterer is not None:
            clusterer.prime(story_items)
            for story_input in story_items:
                decision = clusterer.add(story_input)
                new_stories += decision.joined_by == "new"
        result = store.add_batch(
            documents,
            articles,
            batch_skipped,
            stories=clusterer.drain() if clusterer is not None else None,
            publications=publications,
            copy_keys=keys,
            analyses=analyses,
        )
        keys = []
        added += result.added
        published_again += result.publications
        present += result.already_present
        skipped.extend(batch_skipped)
        kept.extend(articles)
    if kept and clusterer is not None:
        save_clusterer(store, clusterer)
        story_ids = [clusterer.story_of(article.id) or "" for article in kept]
    return IngestReport(
        read,
        added,
        present,
        copies,
        tuple(skipped),
        tuple(kept),
        stories=tuple(story_ids),
        new_stories=new_stories,
        analysed=analysed_count,
        publications=published_again,
    )


def seed_detector(store: Store, *, settings: Settings) -> tuple[CopyDetector, list[CopyKey]]:
    """A copy detector that knows every stored text, from the stored copy keys.

    Texts without a key (stored before keys were kept, or keyed with other settings) are read
    and hashed once; their keys are returned so that the next write stores them.
    """
    from newsprism.ingest.dedup import CopyDetector

    detector = CopyDetector(settings=settings.dedup)
    missing: list[CopyKey] = []
    for article_id, key in store.copy_keys():
        if key is not None and detector.remember(key):
            continue
        article = store.get_article(article_id)
        if article is not None:
            missing.append(detector.check_key(article_id, article.body)[1])
    return detector, missing


def new_publication(
    doc: RawDocument | Publication, known: Sequence[Publication]
) -> Publication | None:
    """The publication ``doc`` adds to its already stored text, or ``None`` when it adds none.

    A new URL is a new publication. Without a new URL, only an outlet the user or the record
    states (``--outlet``, a JSONL or feed outlet) that no publication of that URL has is new; an
    outlet derived from the URL's domain never is (it names the same page again). ``doc`` is
    the document read again, or the publication it would make (:func:`publication_of`).
    """
    place = doc if isinstance(doc, Publication) else publication_of(doc)
    name = place.outlet.name if place.outlet else None
    stated = place.outlet is not None and place.outlet.found_by in _STATED
    if place.url is not None and all(p.url != place.url for p in known):
        return place
    if not stated:
        return None
    same_place = [p for p in known if place.url is None or p.url == place.url]
    if any(p.outlet is not None and p.outlet.name == name for p in same_place):
        return None
    return place


def publication_of(doc: RawDocument) -> Publication:
    """The publication a document read makes of its text: its source, URL and outlet."""
    return Publication(doc.id, doc.source, doc.url, doc.outlet)


def own_publication(article: Article) -> Publication:
    """An article's first publication: its own source, URL and outlet."""
    return Publication(article.id, article.source, article.url, article.outlet)


def added_publications(own: Publication, arrivals: Iterable[Publication]) -> list[Publication]:
    """The publications that later arrivals of an article's text add, as ingest adds them.

    Args:
        own: The stored article's own publication (:func:`own_publication`).
        arrivals: The same text read again, in input order (:func:`publication_of`).

    Returns:
        The publications :func:`ingest_into` would store for them, in order.
    """
    known = [own]
    added = []
    for arrival in arrivals:
        publication = new_publication(arrival, known)
        if publication is not None:
            known.append(publication)
            added.append(publication)
    return added


# --- one record at a time, for callers that spread a corpus over processes or machines -------


@dataclass(frozen=True, slots=True)
class Extracted:
    """A document read and extracted, with the copy key its text makes.

    Attributes:
        document: The document as read.
        article: Its article (``copy_of`` is not set: copies are found across all records).
        key: Its copy key (:func:`newsprism.ingest.dedup.copy_key`).
    """

    document: RawDocument
    article: Article
    key: CopyKey


@dataclass(frozen=True, slots=True)
class Analysed:
    """An article analysed, with what the story clusterer needs of it.

    Attributes:
        article: The article.
        analysis: Its analysis; ``None`` when its body is longer than the spaCy pipeline takes
            (stored unanalysed, as :meth:`Analyzer.analyze` leaves it).
        story: Its story features (:func:`newsprism.stories.story_item`).
    """

    article: Article
    analysis: AnalyzedArticle | None
    story: StoryItem


# Code of a record that failed with an unexpected error, when failures are contained.
FAILED_CODE = "E900"


def extract_records(
    items: Iterable[RawDocument | Skipped],
    *,
    settings: Settings,
    outlets: OutletDirectory,
    published: dt.date | None = None,
    contain_failures: bool = False,
) -> Iterator[Extracted | Skipped]:
    """Extract documents one by one and key their texts, without comparing them with others.

    The first half of :func:`ingest_into` for one record, as the Spark job runs it on each
    partition; copy detection and stories follow over all records (``copy_key`` texts compare
    with :func:`newsprism.ingest.dedup.band_keys` and ``best_copy``).

    Args:
        items: Documents and ``Skipped`` records as read (``Skipped`` ones pass through).
        settings: newsprism settings.
        outlets: The outlet directory.
        published: A publication day for every document.
        contain_failures: Turn an unexpected error on one document into a ``Skipped`` record
            (code ``E900``, the error named, logged with its traceback) instead of raising: a
            job over millions of records must not stop for one.

    Yields:
        An :class:`Extracted` or a ``Skipped`` per item, in order.
    """
    from newsprism.extract import extract_document
    from newsprism.ingest.dedup import copy_key

    for item in items:
        if isinstance(item, Skipped):
            yield item
            continue
        try:
            article = extract_document(item, settings=settings, outlets=outlets,
                                       published=published)
            key = copy_key(article.id, article.body, settings=settings.dedup)
        except InputError as exc:
            yield Skipped(item.source.where(), exc.message, exc.code)
            continue
        except Exception as exc:
            if not contain_failures:
                raise
            yield _failed(item.source.where(), "extraction", exc)
            continue
        yield Extracted(item, article, key)


def analyze_records(
    articles: Iterable[Article],
    *,
    analyzer: Analyzer,
    settings: Settings,
    contain_failures: bool = False,
) -> Iterator[Analysed | Skipped]:
    """Analyse articles and compute their story features, a batch (``ingest.batch_size``) at a
    time, in order.

    The second half of :func:`ingest_into` for one record: what it stores of an article beside
    the article itself. Articles should carry their ``copy_of`` (a copy joins its original's
    story). One :class:`Analysed` or ``Skipped`` is yielded per article, in order.

    Args:
        articles: The articles.
        analyzer: The analysis stage, loaded once (:func:`load_analyzer`).
        settings: newsprism settings.
        contain_failures: When a batch fails with an unexpected error, analyse its articles one
            by one and turn each that fails into a ``Skipped`` record (code ``E900``).
    """
    from newsprism.stories import analyzed_item, story_item

    for batch in _batches(articles, settings.ingest.batch_size):
        failed: dict[str, Skipped] = {}
        try:
            analyses = {a.article.id: a for a in analyzer.analyze(batch)}
        except Exception:
            if not contain_failures:
                raise
            analyses = {}
            for article in batch:
                try:
                    analyses.update((a.article.id, a) for a in analyzer.analyze([article]))
                except Exception as exc:
                    failed[article.id] = _failed(article.source.where(), "analysis", exc)
        for article in batch:
            if article.id in failed:
                yield failed[article.id]
                continue
            analysis = analyses.get(article.id)
            story = (
                analyzed_item(analysis, settings=settings.stories) if analysis is not None
                else story_item(article, settings=settings.stories)
            )
            yield Analysed(article, analysis, story)


def cluster_stories(items: Iterable[StoryItem], *, settings: Settings) -> StoryClusterer:
    """Assign stories to articles given one by one in arrival order, as ingest does.

    Returns:
        The clusterer: ``drain()`` gives the stories and their changes, ``snapshot()`` the state
        a store keeps to go on clustering later articles.
    """
    from newsprism.stories import StoryClusterer

    clusterer = StoryClusterer(settings=settings.stories)
    for item in items:
        clusterer.add(item)
    return clusterer


def _failed(where: str, step: str, error: Exception) -> Skipped:
    logger.exception("%s: %s failed", where, step)
    return Skipped(
        where,
        f"{step} failed with an unexpected error ({type(error).__name__}: {error}); the rest"
        " of the input went on; please report it with this record",
        FAILED_CODE,
    )




def _read_specs(
    inputs: Iterable[str | InputSpec],
    *,
    settings: Settings,
    outlets: OutletDirectory,
    outlet: str | None,
) -> Iterator[tuple[RawDocument | Skipped, dt.date | None]]:
    from newsprism.ingest import read_inputs

    # Each input read with its own outlet; its publication day travels beside each document.
    plain: list[str] = []
    for spec in inputs:
        if isinstance(spec, str):
            plain.append(spec)
            continue
        if plain:
            yield from ((item, None) for item in read_inputs(
                plain, settings=settings, outlet=outlet, outlets=outlets
            ))
            plain = []
        found = read_inputs(
            [spec.location], settings=settings, outlet=spec.outlet or outlet, outlets=outlets
        )
        yield from ((item, spec.published) for item in found)
    if plain:
        yield from ((item, None) for item in read_inputs(
            plain, settings=settings, outlet=outlet, outlets=outlets
        ))


@dataclass(frozen=True, slots=True)
class AnalysisReport:
    """What one :func:`analyze_store` run did.

    Attributes:
        analysed: Articles analysed and stored in this run.
        pending: Articles that were to be analysed when the run began.
        nlp_model: The model that made the analyses.
        made_by: The versions that made them.
    """

    analysed: int
    pending: int
    nlp_model: str
    made_by: str


def analyze_store(
    store: Store,
    *,
    analyzer: Analyzer,
    settings: Settings,
    redo_other_versions: bool = False,
    limit: int | None = None,
    on_progress: ProgressCallback | None = None,
    compare_stories: bool = True,
) -> AnalysisReport:
    """Analyse the stored articles that have no analysis, one transaction per batch.

    Resumable: a run stopped part-way keeps the batches it finished, and the next run starts
    where it stopped. The run holds the store's writer lock.

    Args:
        store: The store.
        analyzer: The analysis stage (:func:`load_analyzer`).
        settings: newsprism settings (``ingest.batch_size`` articles per transaction).
        redo_other_versions: Also analyse again the articles whose analysis another model or
            version made (``AnalyzedArticle.nlp_model``/``made_by`` differ from the analyzer's).
        limit: Analyse at most this many.
        on_progress: Called per article analysed (stage ``analyze``, with the total) and per
            story compared (stage ``compare``).
        compare_stories: Then compare the stories of the analysed articles and keep the
            comparisons (:func:`keep_comparisons`).

    Returns:
        Counts and the versions that made the analyses.
    """
    analysed: list[str] = []
    with store.writer():
        pending = store.pending_analysis(
            nlp_model=analyzer.nlp_model if redo_other_versions else None,
            made_by=analyzer.made_by if redo_other_versions else None,
        )
        chosen = pending[:limit] if limit is not None else pending
        done = 0
        for chunk in _batches(chosen, settings.ingest.batch_size):
            articles = [a for a in (store.get_article(i) for i in chunk) if a is not None]
            analyses = analyzer.analyze(articles)
            store.save_analyses(analyses)
            analysed.extend(analysis.article.id for analysis in analyses)
            for analysis in analyses:
                done += 1
                if on_progress is not None:
                    where = analysis.article.source.where()
                    on_progress(ProgressEvent("analyze", done, len(chosen), where))
    if compare_stories and analysed:
        stories = (store.story_of(article_id) for article_id in analysed)
        keep_comparisons(store, (s for s in stories if s is not None), settings=settings,
                         on_progress=on_progress)
    return AnalysisReport(
        analysed=done,
        pending=len(pending),
        nlp_model=analyzer.nlp_model,
        made_by=analyzer.made_by,
    )


def stored_analyses(
    store: Store,
    article_ids: Sequence[str],
    *,
    settings: Settings,
    analyzer: Analyzer | Callable[[], Analyzer] | None = None,
) -> list[AnalyzedArticle]:
    """The stored analyses of some articles, analysing (and storing) those that have none.

    Args:
        store: The store.
        article_ids: The articles, in the order wanted.
        settings: newsprism settings.
        analyzer: An analyzer, or a function that loads one when first needed (so that spaCy
            loads only if an article lacks an analysis); ``None`` loads the default one.

    Returns:
        The analyses, in the order of ``article_ids`` (unknown ids left out).
    """
    found = {article_id: store.get_analysis(article_id) for article_id in article_ids}
    missing = [
        article
        for article_id, analysis in found.items()
        if analysis is None and (article := store.get_article(article_id)) is not None
    ]
    if missing:
        if analyzer is None:
            loaded = load_analyzer(settings)
        elif isinstance(analyzer, Analyzer):
            loaded = analyzer
        else:
            loaded = analyzer()
        fresh = loaded.analyze(missing)
        store.save_analyses(fresh)
        found.update({analysis.article.id: analysis for analysis in fresh})
    return [analysis for analysis in found.values() if analysis is not None]


@functools.cache
def _compare_rules() -> CompareRules:
    # The packaged compare rule files, read once per process (a web app compares many stories).
    from newsprism.compare import load_compare_rules

    return load_compare_rules()


@functools.cache
def _compare_digest() -> str:
    # What a comparison is computed by besides its inputs: the compare package's code, the
    # records' module and the packaged rule files (data/*.toml, *.txt). Read once per process;
    # any edit to them makes every stored comparison stale. Read as files beside this module:
    # importing newsprism.compare to find them would load what a stored comparison spares.
    from pathlib import Path

    package = Path(__file__).resolve().parent
    files = [package / "model.py"]
    files += (package / "compare").glob("*.py")
    files += (p for p in (package / "data").iterdir() if p.suffix in (".toml", ".txt"))
    digest = hashlib.sha256(str(COMPARISON_FORMAT).encode())
    for path in sorted(files):
        digest.update(f"{path.relative_to(package)}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()


def comparison_key(store: Store, story: Story, *, settings: Settings) -> str | None:
    """The fingerprint of everything a story's comparison is computed from.

    It covers the member articles in story order, each one's stored analysis (its stamp in
    :meth:`Store.analysis_versions`: replaced analyses change it) and the outlets that
    published its text, the ``[compare]`` settings, and the compare code, records and rule
    files of this newsprism (:data:`COMPARISON_FORMAT` and a digest of their files). A stored
    comparison is used only under the fingerprint of the story's present state.

    Args:
        store: The store.
        story: A stored story.
        settings: newsprism settings (``[compare]``).

    Returns:
        A hex digest, or ``None`` when an article has no stored analysis yet (comparing will
        analyse it, which changes the fingerprint).
    """
    ids = [member.id for member in story.articles]
    versions = store.analysis_versions(ids)
    if any(article_id not in versions for article_id in ids):
        return None
    parts = {
        "code": _compare_digest(),
        "settings": to_dict(settings.compare),
        "articles": [
            [
                article_id,
                versions[article_id],
                [p.outlet.name if p.outlet else None for p in store.publications(article_id)],
            ]
            for article_id in ids
        ],
    }
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compare_story(
    store: Store,
    story_id: str,
    *,
    settings: Settings,
    analyzer: Analyzer | Callable[[], Analyzer] | None = None,
    embedder: TextEncoder | None = None,
    stored: bool = True,
) -> StoryComparison:
    """Compare a stored story's articles across outlets, from their stored analyses.

    The comparison kept in the store is returned when it was computed from the story's present
    state (same fingerprint, :func:`comparison_key`); otherwise the story is compared and the
    comparison kept for the next reader. A store that cannot be written (read-only, busy) only
    misses the keeping, logged. Articles stored without an analysis are analysed first (and the
    analyses stored); when every article has one, no spaCy model loads.

    Args:
        store: The store.
        story_id: A story id (``newsprism stories``).
        settings: newsprism settings (``[compare]``).
        analyzer: For articles without an analysis: an analyzer or a function loading one.
        embedder: Optional sentence embeddings for alignment (such a comparison is neither
            read from nor kept in the store: the fingerprint does not cover the encoder).
        stored: ``False`` compares afresh, neither reading nor keeping a stored comparison.

    Raises:
        InputError: No story has this id.
    """
    story = store.get_story(story_id)
    if story is None:
        raise InputError(
            "no story with this id; 'newsprism stories --db DB' lists them", where=story_id
        )
    # The fingerprint is taken before the analyses are read: a change in between leaves the
    # kept comparison under an older fingerprint than its inputs, so it is computed again,
    # never served for a state it was not computed from.
    key = comparison_key(store, story, settings=settings) if stored and embedder is None else None
    if key is not None:
        kept = store.get_comparison(story.id, key)
        if kept is not None:
            return kept
    comparison = _compare_members(store, story, settings=settings, analyzer=analyzer,
                                  embedder=embedder)
    if key is not None:
        _keep(store, story.id, key, comparison)
    return comparison


def _compare_members(
    store: Store,
    story: Story,
    *,
    settings: Settings,
    analyzer: Analyzer | Callable[[], Analyzer] | None,
    embedder: TextEncoder | None,
) -> StoryComparison:
    from newsprism.compare import compare

    ids = [member.id for member in story.articles]
    analyses = stored_analyses(store, ids, settings=settings, analyzer=analyzer)
    return compare(
        analyses,
        settings=settings.compare,
        rules=_compare_rules(),
        embedder=embedder,
        publishers=other_publishers(store, analyses),
    )


def _keep(store: Store, story_id: str, key: str, comparison: StoryComparison) -> None:
    try:
        store.save_comparison(story_id, key, comparison)
    except StoreError as exc:
        # The reader still gets its comparison; the next one computes it again.
        logger.warning("the comparison of story %s was not kept: %s", story_id, exc)


def keep_comparisons(
    store: Store,
    story_ids: Iterable[str],
    *,
    settings: Settings,
    on_progress: ProgressCallback | None = None,
) -> int:
    """Compare the given stories whose kept comparison is missing or stale, and keep them.

    Called after an ingest or an analysis run for the stories it touched, so that readers
    (``newsprism serve``, ``compare --db``) read comparisons instead of computing them. A story
    gone since (merged) or with an article not analysed yet is passed over: comparing it would
    load the analysis model, which the reader that asks for it pays.

    Args:
        store: The store.
        story_ids: Story ids, repeats allowed.
        settings: newsprism settings.
        on_progress: Called per story compared (stage ``compare``, with the total).

    Returns:
        How many stories were compared and kept.
    """
    due: list[tuple[Story, str]] = []
    for story_id in dict.fromkeys(i for i in story_ids if i):
        story = store.get_story(story_id)
        key = comparison_key(store, story, settings=settings) if story is not None else None
        if story is not None and key is not None and store.get_comparison(story_id, key) is None:
            due.append((story, key))
    for number, (story, key) in enumerate(due, start=1):
        comparison = _compare_members(store, story, settings=settings, analyzer=None,
                                      embedder=None)
        _keep(store, story.id, key, comparison)
        if on_progress is not None:
            on_progress(ProgressEvent("compare", number, len(due), story.id))
    return len(due)


def other_publishers(store: Store, analyses: Sequence[AnalyzedArticle]) -> dict[str, list[str]]:
    """By article id, the outlets the store recorded publishing the same text besides the
    article's own (a later ingest of the text from another outlet adds one)."""
    found: dict[str, list[str]] = {}
    for analysis in analyses:
        article = analysis.article
        own = article.outlet.name if article.outlet else None
        names = [
            publication.outlet.name
            for publication in store.publications(article.id)
            if publication.outlet is not None and publication.outlet.name != own
        ]
        if names:
            found[article.id] = list(dict.fromkeys(names))
    return found


def compare_inputs(
    inputs: Sequence[str | InputSpec],
    *,
    settings: Settings,
    outlets: OutletDirectory | None = None,
    store: Store | None = None,
    published: dt.date | None = None,
    analyzer: Analyzer | Callable[[], Analyzer] | None = None,
    embedder: TextEncoder | None = None,
) -> tuple[StoryComparison | None, list[Skipped]]:
    """Compare articles given as files, URLs or stored story ids, as articles of one story.

    An input that names no file or URL but a story in ``store`` brings the story's articles
    with their stored analyses; other inputs are extracted and analysed here.

    Args:
        inputs: Paths, URLs or story ids, or :class:`InputSpec` s with an outlet each.
        settings: newsprism settings.
        outlets: The outlet directory; the packaged one when ``None`` (loaded only when an
            input is read).
        store: A store to find story ids in.
        published: Publication day of every input file (relative dates resolve against it).
        analyzer: An analyzer, or a function loading one when first needed.
        embedder: Optional sentence embeddings for alignment.

    Returns:
        The comparison (``None`` when no article could be used) and the skipped inputs.
    """
    from pathlib import Path

    if store is not None and len(inputs) == 1:
        # One stored story alone: its kept comparison, when it is up to date.
        first = inputs[0]
        location = first.location if isinstance(first, InputSpec) else first
        if (
            not Path(location).exists()
            and "://" not in location
            and store.get_story(location) is not None
        ):
            stored = compare_story(store, location, settings=settings, analyzer=analyzer,
                                   embedder=embedder)
            return stored, []

    from newsprism.compare import compare

    analyses: list[AnalyzedArticle] = []
    publishers: dict[str, list[str]] = {}
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for spec in inputs:
        spec = spec if isinstance(spec, InputSpec) else InputSpec(spec)
        location = spec.location
        story = None
        if store is not None and not Path(location).exists() and "://" not in location:
            story = store.get_story(location)
        if story is not None and store is not None:
            ids = [member.id for member in story.articles]
            kept = stored_analyses(store, ids, settings=settings, analyzer=analyzer)
            publishers.update(other_publishers(store, kept))
            analyses.extend(kept)
            continue
        if outlets is None:
            from newsprism.ingest.outlets import load_outlets

            outlets = load_outlets()
        for found in extract_inputs(
            [location],
            settings=settings,
            outlets=outlets,
            outlet=spec.outlet,
            published=spec.published or published,
        ):
            if isinstance(found, Skipped):
                skipped.append(found)
            else:
                articles.append(found)
    if articles:
        loaded = analyzer
        if loaded is None:
            loaded = load_analyzer(settings)
        elif not isinstance(loaded, Analyzer):
            loaded = loaded()
        analyses.extend(loaded.analyze(articles))
    if not analyses:
        return None, skipped
    comparison = compare(
        analyses,
        settings=settings.compare,
        rules=_compare_rules(),
        embedder=embedder,
        publishers=publishers,
    )
    return comparison, skipped


@dataclass(frozen=True, slots=True)
class RunReport:
    """What :func:`run` did: the ingest, entity resolution, and the stories compared."""

    ingest: IngestReport
    entities: EntityReport
    comparisons: tuple[tuple[str, StoryComparison], ...]


def run(
    inputs: Sequence[str | InputSpec],
    *,
    store: Store,
    settings: Settings,
    outlets: OutletDirectory,
    analyzer: Analyzer | None,
    compare_min_outlets: int | None = 2,
    encoder: TextEncoder | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunReport:
    """The whole flow over a store: ingest (with analysis), resolve entities, compare stories.

    Args:
        inputs: Paths, directories, URLs, or :class:`InputSpec` s.
        store: The store.
        settings: newsprism settings.
        outlets: The outlet directory.
        analyzer: The analysis stage; ``None`` ingests without analysing, and entities and
            comparisons then analyse what they need on the way.
        compare_min_outlets: Compare every story covered by at least this many outlets;
            ``None`` compares none.
        encoder: Optional sentence encoder for story clustering.
        on_progress: Progress of every stage.
    """
    ingested = ingest_into(
        inputs,
        store=store,
        settings=settings,
        outlets=outlets,
        analyzer=analyzer,
        encoder=encoder,
        on_progress=on_progress,
    )
    entities = resolve_entities_into(
        store=store, settings=settings, analyzer=analyzer, on_progress=on_progress
    )
    comparisons: list[tuple[str, StoryComparison]] = []
    if compare_min_outlets is not None:
        chosen = [
            story
            for story in store.list_stories(limit=_ALL)
            if len(story.outlets) >= compare_min_outlets
        ]
        for number, story in enumerate(chosen, start=1):
            comparison = compare_story(store, story.id, settings=settings, analyzer=analyzer)
            comparisons.append((story.id, comparison))
            if on_progress is not None:
                on_progress(ProgressEvent("compare", number, len(chosen), story.id))
    return RunReport(ingested, entities, tuple(comparisons))


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
    from newsprism.stories import StoryClusterer, story_item

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
    analyzer: Analyzer | Callable[[], Analyzer] | None = None,
    on_progress: ProgressCallback | None = None,
) -> EntityReport:
    """Resolve the entities of stored articles into global entities, and store them.

    Articles already resolved are passed over. Their analyses are read from the store; an
    article without one is analysed now (and the analysis stored), unless ``analysed`` brings
    the analyses to resolve.

    Args:
        store: The store holding the articles; global entities are written to it.
        settings: newsprism settings.
        analysed: Analysed articles to resolve instead of the store's.
        analyzer: For articles without a stored analysis: an analyzer or a function loading
            one (spaCy loads only then).
        on_progress: Called per article resolved (stage ``entities``).

    Returns:
        Counts.
    """
    with store.writer():
        return _resolve_entities(
            store=store,
            settings=settings,
            analysed=analysed,
            analyzer=analyzer,
            on_progress=on_progress,
        )


def _resolve_entities(
    *,
    store: Store,
    settings: Settings,
    analysed: Iterable[AnalyzedArticle] | None,
    analyzer: Analyzer | Callable[[], Analyzer] | None,
    on_progress: ProgressCallback | None,
) -> EntityReport:
    from newsprism.stories.resolve import EntityResolver

    resolver = EntityResolver()
    resolver.restore(store.iter_entities())
    done = store.resolved_articles()
    if analysed is None:
        pending = [a.id for a in store.list_articles(limit=_ALL) if a.id not in done]
        analysed = _stored_in_batches(store, pending, settings=settings, analyzer=analyzer)
    count = changed = 0
    batch: list[str] = []
    for item in analysed:
        article = item.article
        if article.id in done:
            continue
        credited = article.original_outlet or article.outlet
        resolver.add(
            item, story=store.story_of(article.id), outlet=credited.name if credited else None
        )
        batch.append(article.id)
        count += 1
        if on_progress is not None:
            on_progress(ProgressEvent("entities", count, None, article.source.where()))
        if len(batch) >= settings.ingest.batch_size:
            entities = resolver.drain()
            changed += len(entities)
            store.save_entities(entities, batch)
            batch = []
    entities = resolver.drain()
    changed += len(entities)
    store.save_entities(entities, batch)
    return EntityReport(analysed=count, entities=changed)


def _stored_in_batches(
    store: Store,
    ids: Sequence[str],
    *,
    settings: Settings,
    analyzer: Analyzer | Callable[[], Analyzer] | None,
) -> Iterator[AnalyzedArticle]:
    cached: list[Analyzer] = []

    def load() -> Analyzer:
        # Loaded once, on the first article without a stored analysis.
        if not cached:
            if isinstance(analyzer, Analyzer):
                cached.append(analyzer)
            else:
                cached.append(analyzer() if analyzer is not None else load_analyzer(settings))
        return cached[0]

    for chunk in _batches(ids, settings.ingest.batch_size):
        yield from stored_analyses(store, chunk, settings=settings, analyzer=load)


def extract_inputs(
    inputs: Iterable[str],
    *,
    settings: Settings,
    outlets: OutletDirectory,
    outlet: str | None = None,
    published: dt.date | None = None,
    clean: bool = True,
    on_progress: ProgressCallback | None = None,
) -> Iterator[Article | Skipped]:
    """Read and extract inputs without storing them; copies are still linked.

    With ``clean=False`` plain-text inputs are taken as bodies exactly as they are (see
    :func:`newsprism.extract.extract_document`).
    """
    from newsprism.extract import extract_document
    from newsprism.ingest import read_inputs
    from newsprism.ingest.dedup import CopyDetector

    detector = CopyDetector(settings=settings.dedup)
    read = 0
    for item in read_inputs(inputs, settings=settings, outlet=outlet, outlets=outlets):
        if isinstance(item, Skipped):
            yield item
            continue
        read += 1
        if on_progress is not None:
            on_progress(ProgressEvent("ingest", read, None, item.source.where()))
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

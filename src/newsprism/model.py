"""The typed records passed between newsprism's stages.

Every stage reads records defined here and yields records defined here; nothing else crosses a
stage boundary. Records are frozen, hold tuples rather than lists, and convert to and from JSON only
through :func:`to_dict` and :func:`from_dict`, so the JSON schema documented in the README is the
schema of these classes.

    ingest  ->  RawDocument          (one per input article, with its Source and Outlet)
    extract ->  Article              (clean body, metadata, captions, removed boilerplate)
    analyze ->  AnalyzedArticle      (entities, attributions, time expressions)
    any stage   Skipped              (an input that could not be used, and why)

Every derived value carries its evidence: offsets into the text it was found in (a :class:`Span`)
and a provenance tag saying which rule or field produced it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import types
import typing
from dataclasses import dataclass
from typing import Any, TypeVar, Union

SCHEMA_VERSION = 1


class SourceKind(enum.StrEnum):
    """The kind of input a document was read from."""

    FILE = "file"
    URL = "url"
    JSONL = "jsonl"
    FEED = "feed"
    WARC = "warc"


class MediaType(enum.StrEnum):
    """How a document's content is to be read."""

    TEXT = "text/plain"
    HTML = "text/html"


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text: ``text == whole[start:end]`` of the text it indexes into."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Source:
    """Where a document came from, precisely enough to find it again.

    Attributes:
        kind: The reader that produced the document.
        location: The file path or URL as given by the user.
        line: 1-based line number inside a JSONL file.
        record: The WARC record id, or the feed entry id or link.
    """

    kind: SourceKind
    location: str
    line: int | None = None
    record: str | None = None

    def where(self) -> str:
        """Render as ``path:line`` or ``path#record`` for messages."""
        if self.line is not None:
            return f"{self.location}:{self.line}"
        if self.record is not None:
            return f"{self.location}#{self.record}"
        return self.location


@dataclass(frozen=True, slots=True)
class Outlet:
    """A news outlet, and how newsprism knows it.

    Attributes:
        name: Display name ("CNN", "KION 46").
        domain: Registered domain when known ("cnn.com").
        found_by: Provenance: "flag", "record", "feed", "html-meta", "url-domain",
            "outlets.toml:domain", "outlets.toml:name", "outlets.toml:pattern", "unnamed" (a
            label, the URL's host and path or the file's name, for an outlet nothing names);
            for an original outlet, the credit: "origin-line", "byline", "dateline", "wire",
            "jsonld-author", "page-publisher", "copyright", "sign-off".
        evidence: The text that named the outlet, when it came from the document itself.
    """

    name: str
    domain: str | None = None
    found_by: str = "flag"
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class CopyOf:
    """Marks a document as an exact or near copy of an earlier one (kept, counted once)."""

    id: str
    kind: typing.Literal["exact", "near"]
    similarity: float


@dataclass(frozen=True, slots=True)
class CopyKey:
    """What copy detection keeps of a stored text, to find later copies without reading it again.

    Attributes:
        article: The article id.
        digest: SHA-256 of the text's words, case-folded and joined by spaces (exact copies).
        signature: MinHash values of its word shingles (unsigned 64-bit, little-endian); empty
            when the text is too short for near-copy detection.
        scheme: How the signature was made (shingle length, permutations, hash scheme); a key
            made with other settings is recomputed from the text.
    """

    article: str
    digest: str
    signature: bytes = b""
    scheme: str = ""


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input article as read, before any cleaning.

    Attributes:
        id: Stable content hash (first 16 hex digits of SHA-256 of ``content``).
        source: Where it was read from.
        media_type: Plain text or HTML.
        content: The decoded text or markup.
        encoding: The character encoding the bytes were decoded with.
        url: The article's URL when the input carries one.
        outlet: The publishing outlet when known; ``None`` means unknown, never a guess.
        title: A title carried by the container (JSONL field, feed item), not extracted.
        published: A publication date string carried by the container, unparsed.
        authors: Authors carried by the container.
        copy_of: Set by duplicate detection when this is a copy of an earlier document.
    """

    id: str
    source: Source
    media_type: MediaType
    content: str
    encoding: str = "utf-8"
    url: str | None = None
    outlet: Outlet | None = None
    title: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    copy_of: CopyOf | None = None
    schema_version: int = SCHEMA_VERSION


class Confidence(enum.StrEnum):
    """How far a derived value can be trusted."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class BoilerplateKind(enum.StrEnum):
    """Why a piece of the input is not part of the article body."""

    NAVIGATION = "navigation"
    READ_MORE = "read-more"
    COMMENTS = "comments"
    PROMO = "promo"
    TOPIC = "topic"
    WIRE = "wire"
    COPYRIGHT = "copyright"
    BYLINE = "byline"
    CONTRIBUTORS = "contributors"
    CAPTION = "caption"
    HEADLINE = "headline"
    DATELINE = "dateline"
    SHARE = "share"
    ADVERTISEMENT = "advertisement"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Removed:
    """Text left out of the body, kept with its class and the rule that removed it.

    Attributes:
        kind: What it is.
        text: The removed text.
        rule: The marker or rule that classified it (``boilerplate.toml:read-more``).
        span: Offsets into ``RawDocument.content`` for plain text; ``None`` for HTML.
    """

    kind: BoilerplateKind
    text: str
    rule: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Caption:
    """A photo caption, with its credit split off when the caption carries one.

    Attributes:
        text: The caption without the credit.
        credit: The credit ("Samuel Corum / Getty Images / AFP"), if any.
        span: Offsets into ``RawDocument.content`` for plain text; ``None`` for HTML.
    """

    text: str
    credit: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: body, metadata and everything that was set apart.

    Attributes:
        id: The ``RawDocument`` id it was extracted from.
        source: Where the document was read from.
        url: The article URL when known.
        outlet: The outlet that published this copy.
        original_outlet: The outlet that wrote it, when this copy is syndicated.
        headline: The article's headline.
        standfirst: The summary line under the headline.
        authors: Byline authors, names only.
        contributors: People credited with additional reporting.
        published: Publication day, or ``None`` when no reliable date was found (never guessed).
        published_from: Provenance of ``published``: "flag", "record", "feed", "jsonld", "meta",
            "time-element", "url", "text", "htmldate".
        published_confidence: How sure the extractor is of ``published``.
        published_evidence: The raw string the date was read from.
        language: ISO 639-1 code when detected.
        body: The article text, paragraphs joined by blank lines.
        paragraphs: One span per paragraph, offsets into ``body``.
        captions: Photo captions found in the input.
        removed: Everything else that was not kept, with its class.
        copy_of: Copy link carried over from ingest.
        genre: "opinion" or "analysis" when the page says so (JSON-LD ``OpinionNewsArticle``,
            ``AnalysisNewsArticle``); ``None`` for news or when unknown.
    """

    id: str
    source: Source
    body: str
    paragraphs: tuple[Span, ...]
    url: str | None = None
    outlet: Outlet | None = None
    original_outlet: Outlet | None = None
    headline: str | None = None
    standfirst: str | None = None
    authors: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    published: dt.date | None = None
    published_from: str | None = None
    published_confidence: Confidence | None = None
    published_evidence: str | None = None
    language: str | None = None
    captions: tuple[Caption, ...] = ()
    removed: tuple[Removed, ...] = ()
    copy_of: CopyOf | None = None
    genre: str | None = None
    schema_version: int = SCHEMA_VERSION


class MentionKind(enum.StrEnum):
    """How an entity is referred to."""

    NAME = "name"
    PRONOUN = "pronoun"
    NOMINAL = "nominal"


@dataclass(frozen=True, slots=True)
class Mention:
    """One reference to an entity: "Karine Jean-Pierre", "she", "the spokeswoman"."""

    start: int
    end: int
    text: str
    kind: MentionKind
    found_by: str = "ner"


class DescriptorKind(enum.StrEnum):
    """Where a descriptor stands relative to the name it characterises."""

    PREMODIFIER = "premodifier"
    APPOSITIVE = "appositive"
    PREDICATE = "predicate"
    RELATIVE_CLAUSE = "relative-clause"


@dataclass(frozen=True, slots=True)
class Descriptor:
    """Words that characterise an entity ("jailed Russian businessman", "former US Marine")."""

    start: int
    end: int
    text: str
    kind: DescriptorKind
    found_by: str


@dataclass(frozen=True, slots=True)
class Role:
    """A title or office held by an entity ("White House Press Secretary")."""

    start: int
    end: int
    text: str
    found_by: str


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A country, government or organisation an entity belongs to, as the text gives it."""

    name: str
    start: int
    end: int
    text: str
    found_by: str


@dataclass(frozen=True, slots=True)
class Entity:
    """One person, organisation or place within an article, with every mention of it.

    Attributes:
        id: Article-local id ("e3").
        name: Canonical name, the fullest name form in the article ("Karine Jean-Pierre").
        label: PERSON, ORG, GPE, NORP, LOC, FAC, EVENT, ...
        mentions: Every reference, offsets into ``Article.body``.
        roles: Titles and offices.
        descriptors: Appositives, pre-modifiers and other characterising phrases.
        affiliations: Countries, governments or organisations the text ties it to.
    """

    id: str
    name: str
    label: str
    mentions: tuple[Mention, ...]
    roles: tuple[Role, ...] = ()
    descriptors: tuple[Descriptor, ...] = ()
    affiliations: tuple[Affiliation, ...] = ()


class AttributionKind(enum.StrEnum):
    """Whether the content is quoted, paraphrased, or both."""

    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class Cue:
    """The reporting verb or phrase of an attribution ("claimed", "according to").

    Attributes:
        class_: The verb's class in the reporting-verb lexicon ("neutral", "marked", ...);
            written as ``class`` in JSON.
        tense: "past", "present", "perfect", ... when the cue is a verb.
        voice: "active" or "passive" when the cue is a verb.
        subclass: For a marked cue, how it colours the report ("doubt", "concessive", ...).
    """

    start: int
    end: int
    text: str
    lemma: str
    class_: str
    tense: str | None = None
    voice: str | None = None
    subclass: str | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said what: a source, a cue and a content span, offsets into ``Article.body``.

    Attributes:
        source: The speaker span, or ``None`` when the text gives none.
        entity: The id of the entity the source resolves to, when it does.
        cue: The reporting verb or phrase.
        content: What was said.
        kind: Direct, indirect or mixed.
        found_by: The rule or model that found it.
    """

    source: Span | None
    entity: str | None
    cue: Cue
    content: Span
    kind: AttributionKind
    found_by: str


class Granularity(enum.StrEnum):
    """How precise a normalised time expression is."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"
    RANGE = "range"
    DURATION = "duration"
    TIME = "time"


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A time expression and its normalised value.

    Attributes:
        value: ISO 8601: a day "2022-07-29", a month "2022-06", a range
            "2022-07-25/2022-07-31", a duration "P12Y"; ``None`` when it cannot be resolved
            (a relative expression with no publication date to anchor it).
        granularity: The precision of ``value``.
        anchor: The date a relative expression was resolved against, or ``None``.
        relative: Whether the expression depends on the anchor ("on Friday", "last month").
        event: What the expression dates: the clause it modifies, its verb with subject and
            object ("Moscow and Washington completed a prisoner swap"), or the noun phrase it
            modifies ("the Geneva meeting"); ``None`` when the parse attaches it to neither.
    """

    start: int
    end: int
    text: str
    value: str | None
    granularity: Granularity
    anchor: dt.date | None = None
    relative: bool = False
    event: Span | None = None


@dataclass(frozen=True, slots=True)
class Token:
    """A word of an article body as the analysis read it (:mod:`newsprism.analyze.tokens`).

    Attributes:
        start: Offset of the word's first character in ``Article.body``.
        end: Offset just after its last character.
        lemma: spaCy's lemma, lower case ("say" for "said"); the lower-cased word where spaCy
            cut the text differently or no model read it.
        stem: The comparable form compare aligns by ("negotiat" for "negotiating").
        stop: Whether the word is on the stop-word list (``data/stop_words.txt``).
    """

    start: int
    end: int
    lemma: str
    stem: str
    stop: bool


@dataclass(frozen=True, slots=True)
class AnalyzedArticle:
    """An article with what analysis found in its body.

    Attributes:
        article: The article analysed; every offset below indexes into ``article.body``.
        entities: People, organisations and places, mentions grouped.
        attributions: Attributed statements.
        times: Time expressions, normalised against ``article.published`` when known.
        nlp_model: The spaCy model that was used ("en_core_web_sm 3.8.0").
        attribution_model: The attribution tagger that was used (the encoder or the
            perceptron, and what it was trained on); empty for the rules alone.
        sentences: The body's sentences as the parser split them, in order, so later stages
            need not split again.
        made_by: What else made the analysis besides the model: newsprism's version and digests
            of the rule files and the attribution tagger, and the version of the stored tokens
            ("newsprism 0.1.0; rules 1a2b3c4d; tagger 5e6f7a8b; tokens 1", or "tagger none").
            Analyses made by another ``nlp_model`` or
            ``made_by`` can be found in a store and made again.
        tokens: The body's words in order, each with its lemma, stem and stop-word flag, so
            later stages need not split and normalise the text again; empty in an analysis
            made before tokens were kept (``made_by`` then names no ``tokens`` version).
    """

    article: Article
    entities: tuple[Entity, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    times: tuple[TimeExpression, ...] = ()
    nlp_model: str = ""
    attribution_model: str = ""
    sentences: tuple[Span, ...] = ()
    made_by: str = ""
    tokens: tuple[Token, ...] = ()
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input, or part of one, that could not be used; counted in every report.

    Attributes:
        where: The file, ``file:line`` or URL.
        reason: One line saying what was wrong and what to do.
        code: The error code (``E104``) for searching the docs.
    """

    where: str
    reason: str
    code: str


@dataclass(frozen=True, slots=True)
class Publication:
    """One place a stored text was published: an outlet, a URL and the input it was read from.

    An article's id hashes its text only, so the same wire story run by three outlets is one
    stored article with three publications. Its first publication is the article's own outlet
    and URL; later ones are added when the same text arrives from another outlet or URL.

    Attributes:
        article: The id of the article (the stored text).
        source: Where this copy was read from.
        url: This copy's URL, when the input carries one.
        outlet: The outlet publishing this copy, when known.
    """

    article: str
    source: Source
    url: str | None = None
    outlet: Outlet | None = None
    schema_version: int = SCHEMA_VERSION


# --- Stories and global entities (stage 4: newsprism.stories) --------------------------------


class StoryJoin(enum.StrEnum):
    """Why an article is in its story."""

    NEW = "new"
    SIMILAR = "similar"
    COPY = "copy"
    MERGE = "merge"
    SPLIT = "split"


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article of a story, with the columns a story listing shows.

    Attributes:
        id: The article id.
        url: The article URL when known.
        source: Where it was read from (``Source.where()``).
        outlet: The outlet that published this copy.
        original_outlet: The outlet that wrote it, when syndicated.
        headline: The article headline.
        published: Publication day when known.
        joined_by: Provenance: a new story, text similarity, a copy of a member, or moved by a
            merge or split.
        score: The similarity to the story when the article joined it (1.0 for a copy).
        seq: Arrival order of the article in the clusterer (0-based).
    """

    id: str
    url: str | None
    source: str
    outlet: str | None
    original_outlet: str | None
    headline: str | None
    published: dt.date | None
    joined_by: StoryJoin
    score: float
    seq: int


@dataclass(frozen=True, slots=True)
class Story:
    """A group of articles, from one or many outlets, about the same news story.

    Attributes:
        id: Stable id: "s" + the id of the article that started it; kept through merges.
        title: The headline of its earliest article.
        articles: Members in arrival order.
        outlets: Credited outlets (the original outlet of a syndicated copy), first seen first.
        first_published: Earliest publication day among members, when any is known.
        last_published: Latest publication day among members, when any is known.
        terms: The highest-weighted terms of the story's centroid (evidence of what it is about).
    """

    id: str
    title: str
    articles: tuple[StoryArticle, ...]
    outlets: tuple[str, ...]
    first_published: dt.date | None = None
    last_published: dt.date | None = None
    terms: tuple[str, ...] = ()
    schema_version: int = SCHEMA_VERSION


class StoryChangeKind(enum.StrEnum):
    """A change to earlier story assignments."""

    MERGE = "merge"
    SPLIT = "split"


@dataclass(frozen=True, slots=True)
class StoryChange:
    """A merge or split of stories, recorded when later evidence asked for it.

    Attributes:
        kind: Merge (``others`` were folded into ``story``) or split (``articles`` left
            ``story`` for the new stories ``others``).
        story: The story that survives a merge, or that a split was taken from.
        others: The stories merged in, or created by the split.
        articles: The articles that changed story.
        score: The similarity that decided it (story centroids for a merge, the best
            within-story link across the split).
        seq: Arrival number of the article whose addition triggered the change.
    """

    kind: StoryChangeKind
    story: str
    others: tuple[str, ...]
    articles: tuple[str, ...]
    score: float
    seq: int


@dataclass(frozen=True, slots=True)
class EntityOccurrence:
    """One article-local entity that a global entity stands for.

    Attributes:
        article: The article id.
        entity: The article-local entity id ("e4").
        name: The name the article uses.
        outlet: The credited outlet of the article, when known.
        mentions: How many mentions the local entity has.
    """

    article: str
    entity: str
    name: str
    outlet: str | None
    mentions: int


@dataclass(frozen=True, slots=True)
class GlobalEntity:
    """A person, organisation or place resolved across articles and outlets.

    Attributes:
        id: Stable id: "g" + a hash of its first occurrence.
        name: The fullest name form seen ("Sergey Lavrov").
        label: PERSON, ORG, GPE, ...
        aliases: Every name form seen ("Lavrov", "Sergey Lavrov"), most frequent first.
        roles: Titles and offices the articles give it ("Russian Foreign Minister").
        articles: Ids of the articles mentioning it.
        outlets: Credited outlets of those articles.
        stories: Ids of the stories of those articles, when assigned.
        occurrences: The article-local entities it was resolved from.
    """

    id: str
    name: str
    label: str
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    articles: tuple[str, ...]
    outlets: tuple[str, ...]
    stories: tuple[str, ...] = ()
    occurrences: tuple[EntityOccurrence, ...] = ()
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class StoryUpdate:
    """What story assignment changed since the last update: written in one store transaction.

    Attributes:
        stories: The stories created or changed, whole.
        removed: Ids of stories that no longer exist (merged into another).
        changes: Merges and splits, in the order they happened.
    """

    stories: tuple[Story, ...] = ()
    removed: tuple[str, ...] = ()
    changes: tuple[StoryChange, ...] = ()


# --- compare: one story, the outlets side by side ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """The exact text a comparison rests on, traceable to its article.

    Attributes:
        outlet: The outlet the text is from (the original outlet of a syndicated copy).
        article: The ``Article.id``.
        field: Which text the offsets index into: "body" or "headline".
        start: Offset of the first character in that text.
        end: Offset after the last character.
        text: ``Article.body[start:end]`` (or the headline's).
    """

    outlet: str
    article: str
    field: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One difference (or agreement) between outlets, with the spans it rests on.

    Attributes:
        id: Story-local id ("F3").
        kind: "contradiction", "headline", "descriptor", "verb", "voices", "omission",
            "timeline", "only-in", "shared".
        summary: One sentence a reader can take in at a glance.
        outlets: The outlets the finding is about.
        evidence: The spans, in every outlet concerned.
        found_by: The rule that produced it ("compare.descriptors.v1").
        score: How telling the difference is (``compare.findings`` documents the score); the
            report's summary shows the highest.
    """

    id: str
    kind: str
    summary: str
    outlets: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    found_by: str
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class ComparedArticle:
    """The text of one article of a compared story, which every Evidence indexes into.

    Attributes:
        genre: "opinion" or "analysis" (from the page's JSON-LD type, the URL's section or an
            "Opinion" kicker), ``None`` for news; opinion and analysis are counted apart.
        genre_from: Where the genre was read ("jsonld", "url", "kicker").
        carriers: Other outlets that published a copy of this text (counted once).
    """

    id: str
    outlet: str
    published_by: str | None
    headline: str | None
    published: dt.date | None
    body: str
    url: str | None = None
    genre: str | None = None
    genre_from: str | None = None
    carriers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OutletCoverage:
    """What one outlet contributed to the story.

    Attributes:
        outlet: Display name (the original outlet for a syndicated copy).
        published_by: The outlets that published the copies, when they differ ("KION 46").
        articles: The article ids.
        sentences: Number of body sentences.
        words: Number of body words.
    """

    outlet: str
    published_by: tuple[str, ...]
    articles: tuple[str, ...]
    sentences: int
    words: int


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """Two statements of different outlets judged to report the same thing.

    Attributes:
        left: A sentence of one outlet.
        right: A sentence of another outlet.
        score: Similarity in [0, 1].
        shared: The words, names, numbers and synonym pairs the two have in common.
    """

    left: Evidence
    right: Evidence
    score: float
    shared: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fact:
    """A statement of the story with the outlets that report it.

    Attributes:
        id: Story-local id ("S4").
        statements: The sentences, one or more per reporting outlet.
        outlets: Outlets that report it.
        missing_from: Outlets of the story that do not.
        pairs: The alignments that joined the statements.
    """

    id: str
    statements: tuple[Evidence, ...]
    outlets: tuple[str, ...]
    missing_from: tuple[str, ...]
    pairs: tuple[AlignedPair, ...] = ()


@dataclass(frozen=True, slots=True)
class VerbUse:
    """One reporting cue used for a speaker.

    Attributes:
        lemma: The cue's lemma ("claim").
        class_: "neutral", "marked", "cognitive", ...; written as ``class`` in JSON.
        subclass: How a marked cue colours the report ("doubt").
        cue: The cue span.
        content: The reported content span.
    """

    lemma: str
    class_: str
    subclass: str | None
    cue: Evidence
    content: Evidence


@dataclass(frozen=True, slots=True)
class Voice:
    """A speaker as one outlet presents them.

    Attributes:
        outlet: The outlet.
        speaker: The speaker's name (entity name, or the source text when unresolved).
        side: The group the speaker belongs to ("US government"), or ``None`` when unknown.
        side_evidence: The text the side was read from.
        statements: Number of attributions.
        words: Words of attributed content.
        direct: Statements quoted directly.
        indirect: Statements paraphrased.
        mixed: Statements partly quoted.
        verbs: Every cue, in text order.
    """

    outlet: str
    speaker: str
    side: str | None
    side_evidence: Evidence | None
    statements: int
    words: int
    direct: int
    indirect: int
    mixed: int
    verbs: tuple[VerbUse, ...]


@dataclass(frozen=True, slots=True)
class DescriptorUse:
    """A descriptor or role one outlet gives an entity ("kind" is the descriptor kind or
    "role")."""

    outlet: str
    kind: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class OutletWords:
    """Words one outlet uses and the others do not."""

    outlet: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntityPortrait:
    """How each outlet names and characterises one entity.

    Attributes:
        name: The entity's fullest name in the story.
        outlets: Outlets that mention it.
        uses: Descriptors and roles, all outlets.
        only: Per outlet, the descriptor words no other outlet uses for the entity
            (RT: "jailed", "businessman").
        label: The entity label (PERSON, ORG, ...) the analysis gave it first.
    """

    name: str
    outlets: tuple[str, ...]
    uses: tuple[DescriptorUse, ...]
    only: tuple[OutletWords, ...]
    label: str = ""


@dataclass(frozen=True, slots=True)
class HeadlineReading:
    """What one headline foregrounds.

    Attributes:
        outlet: The outlet.
        headline: The headline span.
        subject: The first named participant ("Moscow", "Antony Blinken"), if any.
        speaker: The attributed speaker, when the headline reports speech.
        cue: The reporting cue in the headline, if any.
        cue_class: Its lexicon class; ``None`` without a cue.
        cue_subclass: Its subclass for a marked cue.
        order: "claim-first" (content, then who said it), "speaker-first", or "no-attribution".
        entities: Named participants in headline order.
        quoted: Words the headline puts in quotation marks.
    """

    outlet: str
    headline: Evidence
    subject: str | None
    speaker: str | None
    cue: Evidence | None
    cue_class: str | None
    cue_subclass: str | None
    order: str
    entities: tuple[str, ...]
    quoted: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A dated moment of the story and the outlets that mention it.

    Attributes:
        value: ISO 8601 date, month, year or range; ``None`` for expressions no publication date
            anchors (listed last).
        granularity: The precision of ``value``.
        outlets: Outlets that mention it.
        mentions: For each mention, the sentence containing the time expression.
        expressions: The time expressions themselves, in the same order.
        dated: What each expression dates (the analysis' event span: "Moscow and Washington
            completed a prisoner swap"), or its sentence when the analysis gives none.
        label: ``value`` as a reader writes it ("late February 2022"); empty when ``value``
            is ``None``.
    """

    value: str | None
    granularity: str
    outlets: tuple[str, ...]
    mentions: tuple[Evidence, ...]
    expressions: tuple[Evidence, ...]
    dated: tuple[Evidence, ...] = ()
    label: str = ""


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two outlets give different values for the same thing in one matched fact.

    Attributes:
        fact: The id of the fact both statements belong to ("S3"); for an age, the person
            ("person:Margaret Okafor"), matched across the outlets by the story's entities.
        kind: "number" (a count, duration, amount, percentage), "date", "agent" (one quote or
            act given to two different named people or organisations), or "age" (a person's
            age, wherever each outlet gives it).
        left: The value as one outlet writes it ("roughly 25 minutes").
        right: The value as the other writes it ("about 40 minutes").
        left_statement: The sentence holding ``left``.
        right_statement: The sentence holding ``right``.
        differs: What differs, in words ("25 minutes vs 40 minutes").
        found_by: The rule that produced it.
    """

    fact: str
    kind: str
    left: Evidence
    right: Evidence
    left_statement: Evidence
    right_statement: Evidence
    differs: str
    found_by: str


@dataclass(frozen=True, slots=True)
class StoryComparison:
    """One story compared across its outlets; no outlet is treated as the reference.

    Attributes:
        outlets: Per outlet, what it contributed.
        articles: The compared articles' texts, which every Evidence indexes into.
        facts: Aligned statements, shared ones first.
        voices: Speakers per outlet.
        portraits: Entities with descriptors or roles, per outlet.
        headlines: One reading per article that has a headline.
        timeline: Dated events, earliest first, then the unanchored ones.
        findings: The differences, in the order the report shows them.
        contradictions: Values that differ between outlets within one matched fact.
        summary: The ids of the few most telling findings, highest score first.
    """

    outlets: tuple[OutletCoverage, ...]
    articles: tuple[ComparedArticle, ...]
    facts: tuple[Fact, ...]
    voices: tuple[Voice, ...]
    portraits: tuple[EntityPortrait, ...]
    headlines: tuple[HeadlineReading, ...]
    timeline: tuple[TimelineEvent, ...]
    findings: tuple[Finding, ...]
    contradictions: tuple[Contradiction, ...] = ()
    summary: tuple[str, ...] = ()
    schema_version: int = SCHEMA_VERSION


# --- JSON conversion -------------------------------------------------------------------------

Record = TypeVar("Record")


def to_dict(record: Any) -> Any:
    """Convert a record (or a value inside one) to plain JSON-ready data.

    Enums become their value, dates ISO strings, tuples lists, records dicts.
    """
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {
            _json_name(f.name): to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)
        }
    if isinstance(record, enum.Enum):
        return record.value
    if isinstance(record, dt.date):
        return record.isoformat()
    if isinstance(record, tuple | list):
        return [to_dict(item) for item in record]
    return record


def from_dict(cls: type[Record], data: Any) -> Record:
    """Build a record of type ``cls`` from data made by :func:`to_dict`.

    Raises:
        TypeError: When ``data`` does not have the record's shape.
    """
    return typing.cast(Record, _convert(cls, data))


def _json_name(field_name: str) -> str:
    # A trailing underscore only avoids a Python keyword ("class_"); JSON uses the plain word.
    return field_name.removesuffix("_")


@functools.cache
def _fields_of(kind: type) -> dict[str, tuple[str, Any]]:
    # JSON name -> (field name, resolved type), once per record class: resolving the string
    # annotations (typing.get_type_hints) cost most of reading a stored record.
    hints = typing.get_type_hints(kind)
    return {_json_name(f.name): (f.name, hints[f.name]) for f in dataclasses.fields(kind)}


def _convert(kind: Any, value: Any) -> Any:
    return _converter(kind)(value)


@functools.cache
def _converter(kind: Any) -> typing.Callable[[Any], Any]:
    # A function reading JSON data of type ``kind``, built once per type: looking at the type
    # for every value (typing.get_origin, is_dataclass) cost most of reading a stored analysis.
    origin = typing.get_origin(kind)
    if origin is Union or origin is types.UnionType:
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return functools.partial(_optional, options[0])
    if origin is tuple:
        (item_kind, *_) = typing.get_args(kind)
        return functools.partial(_tuple_of, item_kind)
    if origin is typing.Literal:
        return _same
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return functools.partial(_record, kind)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return typing.cast(typing.Callable[[Any], Any], kind)
    if kind is dt.date:
        return dt.date.fromisoformat
    return _same


def _same(value: Any) -> Any:
    return value


def _optional(kind: Any, value: Any) -> Any:
    return None if value is None else _converter(kind)(value)


def _tuple_of(kind: Any, value: Any) -> tuple[Any, ...]:
    convert = _converter(kind)
    return tuple(convert(item) for item in value)


def _record(kind: type, value: Any) -> Any:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object for {kind.__name__}, got {type(value).__name__}")
    fields = _field_converters(kind)
    return kind(**{fields[k][0]: fields[k][1](v) for k, v in value.items() if k in fields})


@functools.cache
def _field_converters(kind: type) -> dict[str, tuple[str, typing.Callable[[Any], Any]]]:
    return {key: (name, _converter(hint)) for key, (name, hint) in _fields_of(kind).items()}

"""Views of the stored corpus for readers: stories by filter, one entity across the corpus, one
article with its analysis, and outlet profiles. The web app (``newsprism serve``) and scripts
call these; each reads the store through the :class:`~newsprism.store.base.Store` protocol, so
SQLite, PostgreSQL and in-memory stores give the same views.

Outlet profiles count what the stored analyses hold, per outlet (the credited one: CNN for the
KION 46 copy of a CNN story), over the analysed articles:

- statements attributed to a speaker, and reporting verbs by class and subclass (``marked``:
  doubt, assertive, concessive, ...), each as a rate per 1,000 body words with its count and a
  95% interval (Poisson, Byar's approximation), never as a bare percentage;
- per speaker side, statements and the share of them with a marked verb, with a 95% Wilson
  interval. A side here is what one article's analysis says, without the story context that
  ``newsprism.compare.sides`` reads: the first affiliation the analysis tied the speaker to
  ("US government", "Russia"), else the speaker itself when it is an organisation, a country
  or a group, else "side unknown";
- descriptor content words (the stop words of ``data/stop_words.txt`` left out) that set the
  outlet apart: log-odds ratio of a word's share of the outlet's
  descriptor words against all other outlets', with an informative Dirichlet prior (the
  corpus's counts), as a z-score (Monroe, Colaresi and Quinn 2008, "Fightin' Words");
- articles, body words and stories covered.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsprism.datafile import stop_words
from newsprism.errors import InputError
from newsprism.model import AnalyzedArticle, Article, GlobalEntity, Publication, Story
from newsprism.store.base import EntityDescriptorRow, EntityQuoteRow, SearchQuery, Store

__all__ = [
    "ArticleView",
    "CorpusProfile",
    "EntityView",
    "OutletProfile",
    "Rate",
    "Share",
    "SideProfile",
    "StoryPage",
    "StoryQuery",
    "WordScore",
    "article_view",
    "entity_view",
    "find_stories",
    "outlet_profiles",
]

# list_stories limit that means "all of them".
_ALL = 1 << 62
# Articles whose text matches a story query's words, at most: the stories they are in match.
_TEXT_HITS = 1000
# z of a two-sided 95% interval.
_Z95 = 1.959964
# Label of the statements whose speaker's side an article alone does not tell.
UNKNOWN_SIDE = "side unknown"
# Entity labels that speak for themselves (an organisation, a country, a group).
_GROUP_LABELS = frozenset({"ORG", "GPE", "NORP"})
# Descriptor words: letters, with inner apostrophes and hyphens.
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
# Distinctive descriptor words listed per outlet.
_DISTINCTIVE = 12


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """Which stories to list, newest first.

    Attributes:
        outlet: Only stories an article of this outlet (credited) is in.
        since: Only stories with an article published on or after this day.
        until: Only stories with an article published on or before this day.
        min_outlets: Only stories covered by at least this many outlets.
        text: Only stories with an article whose headline or body holds all these words
            (the store's full-text search).
        limit: Stories per page.
        offset: Stories passed over before the page.
    """

    outlet: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    min_outlets: int = 1
    text: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True, slots=True)
class StoryPage:
    """One page of stories and how many match in all."""

    stories: tuple[Story, ...]
    total: int
    query: StoryQuery


def find_stories(
    store: Store, query: StoryQuery, *, stories: Sequence[Story] | None = None
) -> StoryPage:
    """Stories matching a query, newest first (last publication day, then latest founded).

    Args:
        store: The store.
        query: Filters and the page.
        stories: Every story of the store, when the caller holds them already
            (``store.list_stories``); read from the store otherwise.

    Raises:
        InputError: ``since`` after ``until``, a negative offset, a limit or minimum below 1.
        QueryError: ``text`` holds no word.
    """
    if query.since is not None and query.until is not None and query.since > query.until:
        raise InputError(f"since {query.since} is after until {query.until}", where="since")
    if query.limit < 1 or query.offset < 0 or query.min_outlets < 1:
        raise InputError("limit and min_outlets must be 1 or more, offset 0 or more",
                         where="limit")
    everything = list(stories) if stories is not None else store.list_stories(limit=_ALL)
    matching: set[str] | None = None
    if query.text is not None:
        from newsprism.store.search import search

        hits = search(store, SearchQuery(query.text, scope="articles", limit=_TEXT_HITS))
        matching = {hit.article_id for hit in hits}
    chosen = [s for s in everything if _story_matches(s, query, matching)]
    founded = {story.id: number for number, story in enumerate(everything)}
    chosen.sort(
        key=lambda s: (
            (s.last_published or s.first_published or dt.date.min).toordinal(),
            founded[s.id],
        ),
        reverse=True,
    )
    page = chosen[query.offset : query.offset + query.limit]
    return StoryPage(tuple(page), len(chosen), query)


def _story_matches(story: Story, query: StoryQuery, articles: set[str] | None) -> bool:
    if query.outlet is not None and query.outlet not in story.outlets:
        return False
    if len(story.outlets) < query.min_outlets:
        return False
    first = story.first_published or story.last_published
    last = story.last_published or story.first_published
    if query.since is not None and (last is None or last < query.since):
        return False
    if query.until is not None and (first is None or first > query.until):
        return False
    return articles is None or any(member.id in articles for member in story.articles)


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One stored article with what the store knows about it.

    Attributes:
        article: The article.
        analysis: Its stored analysis, or ``None`` when not analysed yet.
        publications: Every place it was published.
        story: The story it is in, if assigned.
        global_ids: Article-local entity id -> global entity id (resolved entities).
    """

    article: Article
    analysis: AnalyzedArticle | None
    publications: tuple[Publication, ...]
    story: Story | None
    global_ids: dict[str, str] = field(default_factory=dict)


def article_view(store: Store, article_id: str) -> ArticleView | None:
    """The article with this id and its analysis, publications and story, or ``None``."""
    analysis = store.get_analysis(article_id)
    article = analysis.article if analysis is not None else store.get_article(article_id)
    if article is None:
        return None
    story_id = store.story_of(article_id)
    return ArticleView(
        article=article,
        analysis=analysis,
        publications=tuple(store.publications(article_id)),
        story=store.get_story(story_id) if story_id else None,
        global_ids=store.global_ids(article_id),
    )


@dataclass(frozen=True, slots=True)
class EntityView:
    """One person or organisation across the corpus.

    Attributes:
        entity: The global entity (names, roles, articles, outlets, stories).
        names: ``(outlet, name, articles)``: how each outlet names it, most used first.
        descriptors: Its descriptors in every analysed article, earliest first.
        quotes: Statements attributed to it, earliest first.
        stories: The stories it is in (those still stored), newest first.
    """

    entity: GlobalEntity
    names: tuple[tuple[str, str, int], ...]
    descriptors: tuple[EntityDescriptorRow, ...]
    quotes: tuple[EntityQuoteRow, ...]
    stories: tuple[Story, ...]

    def descriptors_by_outlet(self) -> dict[str, list[tuple[str, int]]]:
        """Outlet -> ``(descriptor text, times)``, most used first."""
        found: dict[str, Counter[str]] = defaultdict(Counter)
        for row in self.descriptors:
            found[row.outlet or "unnamed"][row.text] += 1
        return {outlet: counts.most_common() for outlet, counts in sorted(found.items())}

    def descriptors_by_month(self) -> list[tuple[str, dict[str, list[str]]]]:
        """``(YYYY-MM or 'undated', outlet -> descriptor texts)``, in time order."""
        months: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in self.descriptors:
            month = row.published.strftime("%Y-%m") if row.published else "undated"
            texts = months[month][row.outlet or "unnamed"]
            if row.text not in texts:
                texts.append(row.text)
        order = sorted(months, key=lambda m: (m == "undated", m))
        return [(month, dict(months[month])) for month in order]

    def verbs_by_outlet(self) -> dict[str, list[tuple[str, str, int]]]:
        """Outlet -> ``(cue lemma, cue class, times)`` of the statements attributed to it."""
        found: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        for row in self.quotes:
            found[row.outlet or "unnamed"][(row.cue_lemma, row.cue_class)] += 1
        return {
            outlet: [(lemma, class_, n) for (lemma, class_), n in counts.most_common()]
            for outlet, counts in sorted(found.items())
        }


def entity_view(
    store: Store, entity_id: str, *, limit: int = 1000, stories: int = 50
) -> EntityView | None:
    """One global entity across the corpus, or ``None`` when no entity has this id.

    Args:
        store: The store (entities resolved by ``newsprism entities`` or ``newsprism demo``).
        entity_id: A global entity id.
        limit: At most this many descriptors and this many quotes.
        stories: At most this many stories.
    """
    entity = store.get_entity(entity_id)
    if entity is None:
        return None
    names: Counter[tuple[str, str]] = Counter()
    for occurrence in entity.occurrences:
        names[(occurrence.outlet or "unnamed", occurrence.name)] += 1
    ordered = sorted(names.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))
    found = [s for s in (store.get_story(i) for i in entity.stories[:stories]) if s is not None]
    found.sort(key=lambda s: (s.last_published or dt.date.min), reverse=True)
    return EntityView(
        entity=entity,
        names=tuple((outlet, name, n) for (outlet, name), n in ordered),
        descriptors=tuple(store.entity_descriptors(entity_id, limit=limit)),
        quotes=tuple(store.entity_quotes(entity_id, limit=limit)),
        stories=tuple(found),
    )


@dataclass(frozen=True, slots=True)
class Rate:
    """A count per 1,000 words with a 95% interval (Poisson, Byar's approximation)."""

    count: int
    words: int
    per_1000: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Share:
    """``count`` of ``total`` with a 95% Wilson score interval, as fractions."""

    count: int
    total: int
    share: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class SideProfile:
    """Statements of one speaker side in one outlet.

    Attributes:
        side: The side (see the module docstring), or ``side unknown``.
        statements: Statements attributed to speakers of that side.
        quoted_words: Words of those statements' contents.
        marked: How many of them carry a marked verb, of ``statements``.
        doubt: How many carry a verb of doubt ("claimed").
    """

    side: str
    statements: int
    quoted_words: int
    marked: Share
    doubt: Share


@dataclass(frozen=True, slots=True)
class WordScore:
    """A descriptor word that sets an outlet apart: its count there and elsewhere, and z."""

    word: str
    count: int
    others: int
    z: float


@dataclass(frozen=True, slots=True)
class OutletProfile:
    """One outlet over the analysed corpus (see the module docstring).

    Attributes:
        outlet: The credited outlet's name.
        articles: Analysed articles credited to it.
        words: Body words of those articles.
        stories: Stories it covers.
        statements: Attributed statements per 1,000 words.
        verbs: Cue class (``neutral``, ``marked``, ...) -> rate per 1,000 words.
        marked: Marked subclass (``doubt``, ``assertive``, ...) -> rate per 1,000 words.
        sides: Statements per speaker side, most statements first.
        distinctive: Descriptor words most typical of it against the other outlets.
    """

    outlet: str
    articles: int
    words: int
    stories: int
    statements: Rate
    verbs: dict[str, Rate]
    marked: dict[str, Rate]
    sides: tuple[SideProfile, ...]
    distinctive: tuple[WordScore, ...]


@dataclass(frozen=True, slots=True)
class CorpusProfile:
    """Every outlet's profile, most articles first, and what they were computed from."""

    outlets: tuple[OutletProfile, ...]
    articles: int

    def get(self, outlet: str) -> OutletProfile | None:
        """The profile of one outlet, or ``None``."""
        return next((p for p in self.outlets if p.outlet == outlet), None)


def rate(count: int, words: int) -> Rate:
    """``count`` per 1,000 of ``words``, with a 95% interval for a Poisson count."""
    scale = 1000.0 / words if words else 0.0
    if count == 0:
        low, high = 0.0, 3.689 if words else 0.0  # the exact upper bound for zero events
    else:
        low = count * (1 - 1 / (9 * count) - _Z95 / (3 * math.sqrt(count))) ** 3
        upper = count + 1
        high = upper * (1 - 1 / (9 * upper) + _Z95 / (3 * math.sqrt(upper))) ** 3
    return Rate(count, words, count * scale, max(low, 0.0) * scale, high * scale)


def share(count: int, total: int) -> Share:
    """``count`` of ``total`` with a 95% Wilson score interval."""
    if total == 0:
        return Share(count, total, 0.0, 0.0, 0.0)
    p = count / total
    z2 = _Z95 * _Z95
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = _Z95 * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    return Share(count, total, p, max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class _Tally:
    articles: int = 0
    words: int = 0
    statements: int = 0
    verbs: Counter[str] = field(default_factory=Counter)
    marked: Counter[str] = field(default_factory=Counter)
    sides: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    descriptor_words: Counter[str] = field(default_factory=Counter)


def outlet_profiles(store: Store, *, stories: Sequence[Story] | None = None) -> CorpusProfile:
    """Profiles of every outlet over the store's analysed articles (one pass over them).

    Args:
        store: The store.
        stories: Every story of the store, when the caller holds them already.
    """
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    count = 0
    stops = stop_words()
    for analysis in store.iter_analyses():
        count += 1
        _tally(analysis, tallies, stops)
    covered: Counter[str] = Counter()
    for story in stories if stories is not None else store.list_stories(limit=_ALL):
        covered.update(set(story.outlets))
    totals: Counter[str] = Counter()
    for tally in tallies.values():
        totals.update(tally.descriptor_words)
    profiles = []
    for outlet, tally in tallies.items():
        sides = [
            SideProfile(side, n, words, share(marked, n), share(doubt, n))
            for side, (n, words, marked, doubt) in tally.sides.items()
        ]
        sides.sort(key=lambda s: (s.side == UNKNOWN_SIDE, -s.statements, s.side))
        profiles.append(
            OutletProfile(
                outlet=outlet,
                articles=tally.articles,
                words=tally.words,
                stories=covered[outlet],
                statements=rate(tally.statements, tally.words),
                verbs={k: rate(v, tally.words) for k, v in sorted(tally.verbs.items())},
                marked={k: rate(v, tally.words) for k, v in sorted(tally.marked.items())},
                sides=tuple(sides),
                distinctive=_distinctive(tally.descriptor_words, totals),
            )
        )
    profiles.sort(key=lambda p: (-p.articles, p.outlet))
    return CorpusProfile(tuple(profiles), count)


def _tally(analysis: AnalyzedArticle, tallies: dict[str, _Tally], stops: frozenset[str]) -> None:
    article = analysis.article
    credited = article.original_outlet or article.outlet
    tally = tallies[credited.name if credited else "unnamed"]
    tally.articles += 1
    tally.words += len(article.body.split())
    entities = {entity.id: entity for entity in analysis.entities}
    for attribution in analysis.attributions:
        tally.statements += 1
        cue = attribution.cue
        tally.verbs[cue.class_] += 1
        if cue.class_ == "marked" and cue.subclass:
            tally.marked[cue.subclass] += 1
        speaker = entities.get(attribution.entity) if attribution.entity else None
        side = UNKNOWN_SIDE
        if speaker is not None and speaker.affiliations:
            side = speaker.affiliations[0].name
        elif speaker is not None and speaker.label in _GROUP_LABELS:
            side = speaker.name
        counts = tally.sides[side]
        counts[0] += 1
        counts[1] += len(attribution.content.text.split())
        counts[2] += cue.class_ == "marked"
        counts[3] += cue.class_ == "marked" and cue.subclass == "doubt"
    for entity in analysis.entities:
        for descriptor in entity.descriptors:
            tally.descriptor_words.update(_words(descriptor.text, stops))


def _words(text: str, stops: frozenset[str]) -> Iterable[str]:
    # Content words of a descriptor: the stop words ("had", "was") say nothing of an outlet.
    folded = (w.casefold() for w in _WORD.findall(text))
    return (w for w in folded if len(w) > 2 and w not in stops)


def _distinctive(mine: Counter[str], everyone: Counter[str]) -> tuple[WordScore, ...]:
    # Weighted log-odds with an informative Dirichlet prior (the whole corpus's counts).
    n_mine = sum(mine.values())
    n_all = sum(everyone.values())
    n_rest = n_all - n_mine
    if not n_mine or not n_rest:
        return ()
    scores = []
    for word, count in mine.items():
        prior = everyone[word]
        rest = everyone[word] - count
        mine_odds = (count + prior) / (n_mine + n_all - count - prior)
        rest_odds = (rest + prior) / (n_rest + n_all - rest - prior)
        delta = math.log(mine_odds) - math.log(rest_odds)
        variance = 1 / (count + prior) + 1 / (rest + prior)
        scores.append(WordScore(word, count, rest, delta / math.sqrt(variance)))
    scores.sort(key=lambda s: (-s.z, s.word))
    return tuple(s for s in scores[:_DISTINCTIVE] if s.z > 0)

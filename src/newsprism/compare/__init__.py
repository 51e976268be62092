"""compare stage: one story, its outlets side by side, every finding backed by spans.

    AnalyzedArticle x N (one story) --> story.build_view    outlets, sentences, story-wide names
                                     +-- facts              claims aligned across outlets
                                     +-- contradictions     values matched facts disagree on
                                     +-- voices             speakers, sides, reporting verbs
                                     +-- descriptors        how each outlet names each entity
                                     +-- headlines          what each headline foregrounds
                                     +-- timeline           dated moments and who mentions them
                                     +-- findings           the differences, in reading order
                                     => StoryComparison

The comparison is symmetric: no outlet is the reference, and no outlet is named in code or
rules. Rule files are read once (:func:`load_compare_rules`) and passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsprism.compare.contradictions import find_contradictions
from newsprism.compare.descriptors import compare_descriptors
from newsprism.compare.entities import PERSON
from newsprism.compare.facts import align_statements, compare_facts
from newsprism.compare.findings import make_findings, summary
from newsprism.compare.headlines import compare_headlines
from newsprism.compare.rules import CompareRules, load_compare_rules
from newsprism.compare.story import actors, build_view, genre_of
from newsprism.compare.timeline import compare_timeline
from newsprism.compare.voices import compare_voices
from newsprism.config import CompareSettings, load_settings
from newsprism.model import AnalyzedArticle, ComparedArticle, OutletCoverage, StoryComparison
from newsprism.stories.embed import TextEncoder

__all__ = [
    "CompareRules",
    "align_statements",
    "compare",
    "load_compare_rules",
]


def compare(
    articles: Sequence[AnalyzedArticle],
    *,
    settings: CompareSettings | None = None,
    rules: CompareRules | None = None,
    embedder: TextEncoder | None = None,
    publishers: Mapping[str, Sequence[str]] | None = None,
) -> StoryComparison:
    """Compare the articles of one story across their outlets.

    Args:
        articles: The story's analysed articles, any number of outlets (a syndicated copy
            counts for its original outlet).
        settings: Alignment thresholds and weights; the defaults when ``None``.
        rules: Rule files from :func:`load_compare_rules`; read here when ``None``.
        embedder: Optional sentence embeddings for alignment (:func:`load_embedder`, needs
            the ``embeddings`` extra); words, synonyms and names alone when ``None``.
        publishers: By article id, the other outlets that published the same stored text
            (a store's publications beyond the article's own): shown as carriers, one voice.

    Returns:
        The comparison: coverage per outlet, aligned facts, voices, descriptor portraits,
        headline readings, timeline and findings, every one with its evidence spans.

    Raises:
        ConfigError: A rule file is invalid (only when ``rules`` is ``None``).
    """
    settings = settings or load_settings().compare
    rules = rules or load_compare_rules()
    view = build_view(articles, rules, publishers)
    facts = compare_facts(view, settings=settings, rules=rules, embedder=embedder)
    contradictions = find_contradictions(view, facts, rules)
    voices = compare_voices(view, rules=rules)
    portraits = compare_descriptors(view, rules=rules)
    headlines = compare_headlines(view, rules=rules)
    timeline = compare_timeline(view, rules=rules.times)
    mentions, main_actors = actors(view, rules.findings.main_actors,
                                 rules.findings.main_actor_mentions)
    findings = make_findings(
        outlets=view.outlets,
        headlines=headlines,
        portraits=portraits,
        voices=voices,
        facts=facts,
        timeline=timeline,
        contradictions=contradictions,
        mentions=mentions,
        main_actors=main_actors,
        weights=rules.findings,
        people=frozenset(
            article.entity_names.get(entity.id, entity.name)
            for article in view.articles
            for entity in article.analyzed.entities
            if entity.label == PERSON
        ),
    )
    coverage = []
    for outlet in view.outlets:
        mine = [a for a in view.articles if a.outlet == outlet]
        coverage.append(
            OutletCoverage(
                outlet=outlet,
                published_by=tuple(dict.fromkeys(
                    p for a in mine for p in (a.published_by, *a.carriers) if p)),
                articles=tuple(a.id for a in mine),
                sentences=sum(len(a.sentences) for a in mine),
                words=sum(len(a.tokens) for a in mine),
            )
        )
    compared = []
    for a in view.articles:
        genre, genre_from = genre_of(a.analyzed, rules)
        compared.append(ComparedArticle(
            id=a.id,
            outlet=a.outlet,
            published_by=a.published_by,
            headline=a.analyzed.article.headline,
            published=a.analyzed.article.published,
            body=a.body,
            url=a.analyzed.article.url,
            genre=genre,
            genre_from=genre_from,
            carriers=a.carriers,
        ))
    return StoryComparison(
        outlets=tuple(coverage),
        articles=tuple(compared),
        facts=facts,
        voices=voices,
        portraits=portraits,
        headlines=headlines,
        timeline=timeline,
        findings=findings,
        contradictions=contradictions,
        summary=summary(findings, rules.findings),
    )

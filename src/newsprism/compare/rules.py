"""The compare stage's rule files: ``data/compare.toml`` and ``data/synonyms.toml``.

Both are read once into :class:`CompareRules` (with the analysis stage's reporting-verb and
affiliation lexicons, which the comparison reuses) and passed to :func:`newsprism.compare.compare`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.analyze.cues import ReportingVerbs, load_reporting_verbs
from newsprism.analyze.descriptors import (
    AffiliationLexicon,
    TitleLexicon,
    load_affiliations,
    load_titles,
)
from newsprism.analyze.timex import TimeRules, load_time_rules
from newsprism.compare.sides import SideRules, load_side_rules
from newsprism.compare.text import stem
from newsprism.datafile import DataFile, read_data_file, table, words
from newsprism.errors import ConfigError
from newsprism.stories.names import Nicknames, load_nicknames

__all__ = ["CompareRules", "FindingWeights", "Quantities", "load_compare_rules"]

COMPARE_FILE = "compare.toml"
SYNONYMS_FILE = "synonyms.toml"


@dataclass(frozen=True, slots=True)
class FindingWeights:
    """How telling each kind of finding is (``[findings]`` in data/compare.toml).

    Attributes:
        contradiction: Values that differ in one matched fact.
        doubt: A verb of doubt for a side against another outlet's plain verbs.
        omission: A main actor an outlet never mentions.
        descriptor: Two outlets describe one entity in different words (half when only one
            outlet describes it).
        marked: Marked reporting verbs for a side, compared.
        doubt_one_outlet: A verb of doubt for a side only one outlet quotes.
        only_in: A statement only one outlet reports.
        summary_size: How many findings the report's summary shows at most.
        summary_min_score: The lowest score the summary shows.
        main_actors: How many of the most mentioned people and organisations are main actors
            (besides those named in a headline).
        main_actor_mentions: How often the story must name a main actor in all.
    """

    contradiction: float = 3.0
    doubt: float = 2.5
    omission: float = 2.0
    descriptor: float = 1.5
    marked: float = 1.0
    doubt_one_outlet: float = 1.0
    only_in: float = 0.1
    summary_size: int = 4
    summary_min_score: float = 1.0
    main_actors: int = 3
    main_actor_mentions: int = 3


@dataclass(frozen=True, slots=True)
class Quantities:
    """How numbers are read for contradictions (``[quantities]`` in data/compare.toml).

    Attributes:
        vague: Hedges that make a value approximate ("roughly").
        lower: Hedges that make it a lower bound ("more than").
        upper: Hedges that make it an upper bound ("fewer than").
        tolerance: How far either side an approximate value reaches (a share of it).
        scales: Scale word -> factor ("million").
        units: Unit word or sign -> (kind, factor to the kind's base unit).
        not_counts: Words after a bare number that make it no count.
        min_shared_context: Concepts the claims of two values must share to be compared.
        pattern: The compiled number pattern.
        dates: Whether dates are compared too.
        agents: Whether named agents are compared too.
        min_agent_words: Content concepts two attributed contents must share to be one quote.
        min_agent_overlap: The share of their concepts (Jaccard) they must share.
        kind_words: Kind -> words its unit already says ("$" says "money"): like the unit's own
            words, they do not count as what two values share.
    """

    vague: frozenset[str]
    lower: frozenset[str]
    upper: frozenset[str]
    tolerance: float
    scales: Mapping[str, float]
    units: Mapping[str, tuple[str, float]]
    not_counts: frozenset[str]
    min_shared_context: int
    pattern: re.Pattern[str]
    dates: bool = False
    agents: bool = False
    min_agent_words: int = 3
    min_agent_overlap: float = 0.5
    kind_words: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CompareRules:
    """Everything the comparison reads besides the articles.

    Attributes:
        synonyms: Stemmed word -> concept key (the first word of its group).
        capitals: Capital name -> country name, for capitals that speak for a government.
        government_words: Lower-case words that make a demonym-led organisation a government.
        headline_window: Words before a headline name read for its side.
        auxiliaries: Words after which an uninflected headline verb is a cue.
        passive_prepositions: Prepositions after a bare past participle that make a headline's
            verb passive ("charged in").
        attributive_before: Determiners and prepositions after which a headline word is an
            adjective, never the verb ("near disputed reef").
        headline_classes: Cue classes a headline attribution is read for.
        abbreviations: Lower-case abbreviations whose full stop ends no sentence.
        descriptor_ignore: Function words left out of descriptor contrasts.
        verbs: The reporting-verb lexicon (``data/reporting_verbs.toml``).
        affiliations: Countries, demonyms, institutions (``data/affiliations.toml``).
        nicknames: Given names and their nicknames (``data/nicknames.toml``).
        sides: Speakers, parties and party offices (``data/voices.toml``).
        titles: Titles and offices (``data/titles.toml``).
        times: The time vocabulary (``data/timex.toml``), for readable dates.
        frame_words: Concepts that only frame a report ("say"), left out of claims.
        claim_words: Lower-case words of the stop list that still say what happened ("call",
            "move"): claims keep them.
        quantities: How numbers are read and compared for contradictions.
        findings: The scores of the finding kinds and the summary's size.
        url_sections: Genre -> URL path segments that mark it ("opinion").
        kickers: Genre -> kicker words that mark it ("Opinion:").
    """

    synonyms: Mapping[str, str]
    capitals: Mapping[str, str]
    government_words: tuple[str, ...]
    headline_window: int
    auxiliaries: frozenset[str]
    passive_prepositions: frozenset[str]
    headline_classes: frozenset[str]
    attributive_before: frozenset[str]
    abbreviations: frozenset[str]
    descriptor_ignore: frozenset[str]
    verbs: ReportingVerbs
    affiliations: AffiliationLexicon
    nicknames: Nicknames
    sides: SideRules
    titles: TitleLexicon
    times: TimeRules
    frame_words: frozenset[str]
    quantities: Quantities
    findings: FindingWeights
    url_sections: Mapping[str, frozenset[str]]
    kickers: Mapping[str, frozenset[str]]
    claim_words: frozenset[str] = frozenset()


def load_compare_rules(
    *, compare_path: Path | None = None, synonyms_path: Path | None = None
) -> CompareRules:
    """Read the compare rule files (the packaged ones unless paths are given).

    Raises:
        ConfigError: A table or key is missing or has the wrong type, or a word is listed in
            two synonym groups; the message names ``file:line``.
    """
    file = read_data_file(COMPARE_FILE, compare_path)
    sides = table(file, "sides")
    capitals = sides.get("capitals")
    if not isinstance(capitals, dict) or not all(
        isinstance(v, str) for v in capitals.values()
    ):
        raise ConfigError("sides.capitals must map capital names to country names",
                          where=file.at("capitals"))
    window = sides.get("headline_window_words")
    if not isinstance(window, int) or window < 1:
        raise ConfigError("sides.headline_window_words must be a positive integer",
                          where=file.at("headline_window_words"))
    headlines = table(file, "headlines")
    sentences = table(file, "sentences")
    descriptors = table(file, "descriptors")
    claims = table(file, "claims")
    synonyms = _synonyms(read_data_file(SYNONYMS_FILE, synonyms_path))
    return CompareRules(
        synonyms=synonyms,
        capitals=dict(capitals),
        government_words=tuple(w.lower() for w in words(
            file, sides, "government_words", name="sides.government_words")),
        headline_window=window,
        auxiliaries=frozenset(words(file, headlines, "auxiliaries", name="headlines.auxiliaries")),
        passive_prepositions=frozenset(words(
            file, headlines, "passive_prepositions", name="headlines.passive_prepositions")),
        headline_classes=frozenset(words(file, headlines, "classes", name="headlines.classes")),
        attributive_before=frozenset(words(
            file, headlines, "attributive_before", name="headlines.attributive_before")),
        abbreviations=frozenset(
            words(file, sentences, "abbreviations", name="sentences.abbreviations")
        ),
        descriptor_ignore=frozenset(
            words(file, descriptors, "ignore", name="descriptors.ignore")
        ),
        verbs=load_reporting_verbs(),
        affiliations=load_affiliations(),
        nicknames=load_nicknames(),
        sides=load_side_rules(),
        titles=load_titles(),
        times=load_time_rules(),
        frame_words=frozenset(
            synonyms.get(stem(w), stem(w))
            for w in words(file, claims, "frame_words", name="claims.frame_words")
        ),
        claim_words=frozenset(
            w.lower() for w in words(file, claims, "keep_stop_words", name="claims.keep_stop_words")
        ),
        quantities=_quantities(file),
        findings=_finding_weights(file),
        url_sections=_genre_words(file, "url_sections"),
        kickers=_genre_words(file, "kickers"),
    )


_NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred",
                 "dozens", "dozen")


def _flag(file: DataFile, entries: Mapping[str, Any], key: str) -> bool:
    value = entries.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"quantities.{key} must be true or false", where=file.at(key))
    return value


def _quantities(file: DataFile) -> Quantities:
    entries = table(file, "quantities")
    vague, lower, upper = (
        tuple(w.lower() for w in words(file, entries, key, name=f"quantities.{key}"))
        for key in ("vague", "lower", "upper")
    )
    tolerance = entries.get("vague_tolerance")
    if not isinstance(tolerance, float) or not 0 < tolerance < 1:
        raise ConfigError("quantities.vague_tolerance must be a number between 0 and 1",
                          where=file.at("vague_tolerance"))
    minimum = entries.get("min_shared_context")
    if not isinstance(minimum, int) or minimum < 1:
        raise ConfigError("quantities.min_shared_context must be a positive integer",
                          where=file.at("min_shared_context"))
    scales_table, units_table = entries.get("scales"), entries.get("units")
    if not isinstance(scales_table, dict) or not all(
        isinstance(v, int | float) and v > 0 for v in scales_table.values()
    ):
        raise ConfigError("quantities.scales must map words to positive numbers",
                          where=file.at("scales"))
    if not isinstance(units_table, dict) or not all(
        isinstance(v, list) and len(v) == 2 and isinstance(v[0], str)
        and isinstance(v[1], int | float) and v[1] > 0 for v in units_table.values()
    ):
        raise ConfigError('quantities.units must map words to ["kind", factor]',
                          where=file.at("units"))
    units = {k.lower(): (str(v[0]), float(v[1])) for k, v in units_table.items()}
    scales = {k.lower(): float(v) for k, v in scales_table.items()}

    def alternation(items: Sequence[str]) -> str:
        forms = sorted(set(items), key=lambda f: (-len(f), f))
        return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)

    signs = [u for u in units if not u[0].isalpha()]
    named = [u for u in units if u[0].isalpha()]
    number = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    pattern = re.compile(
        rf"(?:\b(?P<hedge>{alternation([*vague, *lower, *upper])})\s+)?"
        rf"(?P<body>(?:(?P<cur>{alternation([u for u in signs if u != '%'])})\s?)?"
        rf"(?P<num>{number}|\b(?:{alternation(_NUMBER_WORDS)})\b)"
        rf"(?:\s+(?P<scale>{alternation(list(scales))})\b)?"
        rf"(?:(?P<age>-years?-old\b|\s+years?\s+old\b)"
        rf"|(?:\s?|-)(?P<unit>%|(?:{alternation(named)})(?![A-Za-z])))?)",
        re.IGNORECASE,
    )
    return Quantities(
        vague=frozenset(vague), lower=frozenset(lower), upper=frozenset(upper),
        tolerance=tolerance, scales=scales, units=units,
        not_counts=frozenset(w.lower() for w in words(file, entries, "not_counts",
                                                      name="quantities.not_counts")),
        min_shared_context=minimum, pattern=pattern,
        dates=_flag(file, entries, "dates"),
        agents=_flag(file, entries, "agents"),
        min_agent_words=_number(file, entries, "min_agent_words", int, 3),
        min_agent_overlap=_number(file, entries, "min_agent_overlap", float, 0.5),
        kind_words=_kind_words(file, entries),
    )


def _kind_words(file: DataFile, entries: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    found = entries.get("kind_words", {})
    if not isinstance(found, dict) or not all(
        isinstance(v, list) and all(isinstance(w, str) for w in v) for v in found.values()
    ):
        raise ConfigError("quantities.kind_words must map a kind to a list of words",
                          where=file.at("kind_words"))
    return {kind: frozenset(w.lower() for w in listed) for kind, listed in found.items()}


def _number(file: DataFile, entries: Mapping[str, Any], key: str, kind: type[int | float],
            default: float) -> Any:
    value = entries.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0 or (
        kind is int and not isinstance(value, int)
    ):
        raise ConfigError(f"quantities.{key} must be a positive {kind.__name__}",
                          where=file.at(key))
    return kind(value)


def _genre_words(file: DataFile, key: str) -> dict[str, frozenset[str]]:
    entries = table(file, "genres").get(key)
    if not isinstance(entries, dict) or not all(
        isinstance(v, list) and all(isinstance(w, str) for w in v) for v in entries.values()
    ):
        raise ConfigError(f"genres.{key} must map a genre to a list of words",
                          where=file.at(key))
    return {genre: frozenset(w.lower() for w in items) for genre, items in entries.items()}


def _finding_weights(file: DataFile) -> FindingWeights:
    entries = table(file, "findings")
    values: dict[str, Any] = {}
    for name, default in (
        (f, getattr(FindingWeights(), f)) for f in FindingWeights.__dataclass_fields__
    ):
        value = entries.get(name, default)
        expected = int if isinstance(default, int) else float
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"findings.{name} must be a non-negative {expected.__name__}",
                              where=file.at(name))
        values[name] = value
    return FindingWeights(**values)


def _synonyms(file: DataFile) -> dict[str, str]:
    groups: Any = file.data.get("groups")
    if not isinstance(groups, list):
        raise ConfigError("expected `groups = [[...], ...]`", where=file.where)
    concept: dict[str, str] = {}
    for group in groups:
        if not isinstance(group, list) or len(group) < 2 or not all(
            isinstance(w, str) and w for w in group
        ):
            raise ConfigError(f"a group must list two or more words, got {group!r}",
                              where=_line(file, group))
        key = stem(group[0])
        for word in group:
            stemmed = stem(word)
            if concept.get(stemmed, key) != key:
                raise ConfigError(
                    f"{word!r} is in two groups ({concept[stemmed]!r} and {key!r}); keep one",
                    where=_line(file, group),
                )
            concept[stemmed] = key
    # Groups list base forms; their inflections are the same concept ("urge", "urged"), where
    # the stemmer cuts them otherwise and no group claims that form.
    for group in groups:
        key = stem(group[0])
        for word in group:
            for form in _inflections(word):
                concept.setdefault(stem(form), key)
    return concept


def _inflections(word: str) -> tuple[str, ...]:
    base = word.removesuffix("e")
    return (word + "s", base + "ed", base + "ing")


def _line(file: DataFile, group: Any) -> str:
    first = group[0] if isinstance(group, list) and group else ""
    for number, line in enumerate(file.text.splitlines(), start=1):
        if f'["{first}"' in line:
            return f"{file.where}:{number}"
    return file.where

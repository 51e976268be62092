"""The compare stage's rule files: ``data/compare.toml`` and ``data/synonyms.toml``.

Both are read once into :class:`CompareRules` (with the analysis stage's reporting-verb and
affiliation lexicons, which the comparison reuses) and passed to :func:`newsprism.compare.compare`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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

__all__ = ["CompareRules", "load_compare_rules"]

COMPARE_FILE = "compare.toml"
SYNONYMS_FILE = "synonyms.toml"


@dataclass(frozen=True, slots=True)
class CompareRules:
    """Everything the comparison reads besides the articles.

    Attributes:
        synonyms: Stemmed word -> concept key (the first word of its group).
        capitals: Capital name -> country name, for capitals that speak for a government.
        government_words: Lower-case words that make a demonym-led organisation a government.
        headline_window: Words before a headline name read for its side.
        auxiliaries: Words after which an uninflected headline verb is a cue.
        headline_classes: Cue classes a headline attribution is read for.
        abbreviations: Lower-case abbreviations whose full stop ends no sentence.
        descriptor_ignore: Function words left out of descriptor contrasts.
        verbs: The reporting-verb lexicon (``data/reporting_verbs.toml``).
        affiliations: Countries, demonyms, institutions (``data/affiliations.toml``).
        nicknames: Given names and their nicknames (``data/nicknames.toml``).
        sides: Speakers, parties and party offices (``data/voices.toml``).
        titles: Titles and offices (``data/titles.toml``).
        times: The time vocabulary (``data/timex.toml``), for readable dates.
    """

    synonyms: Mapping[str, str]
    capitals: Mapping[str, str]
    government_words: tuple[str, ...]
    headline_window: int
    auxiliaries: frozenset[str]
    headline_classes: frozenset[str]
    abbreviations: frozenset[str]
    descriptor_ignore: frozenset[str]
    verbs: ReportingVerbs
    affiliations: AffiliationLexicon
    nicknames: Nicknames
    sides: SideRules
    titles: TitleLexicon
    times: TimeRules


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
    return CompareRules(
        synonyms=_synonyms(read_data_file(SYNONYMS_FILE, synonyms_path)),
        capitals=dict(capitals),
        government_words=tuple(w.lower() for w in words(
            file, sides, "government_words", name="sides.government_words")),
        headline_window=window,
        auxiliaries=frozenset(words(file, headlines, "auxiliaries", name="headlines.auxiliaries")),
        headline_classes=frozenset(words(file, headlines, "classes", name="headlines.classes")),
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
    )


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
    return concept


def _line(file: DataFile, group: Any) -> str:
    first = group[0] if isinstance(group, list) and group else ""
    for number, line in enumerate(file.text.splitlines(), start=1):
        if f'["{first}"' in line:
            return f"{file.where}:{number}"
    return file.where

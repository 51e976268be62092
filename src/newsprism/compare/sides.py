"""Sides: the group a speaker belongs to, read from the analysis and the rule files.

In order: an affiliation the analysis found for the entity (a government when it names one); an
organisation or place that is itself a government body ("The White House", "The US", "Moscow",
"the Russian Foreign Ministry"); words before the name in the headline ("White House Press
Secretary Karine Jean-Pierre"). Otherwise the side is unknown (``None``), never guessed.
"""

from __future__ import annotations

import re

from newsprism.compare.rules import CompareRules
from newsprism.compare.story import StoryArticleView
from newsprism.model import Entity, Evidence

__all__ = ["side_of"]


def side_of(
    entity: Entity | None, source_text: str | None, view: StoryArticleView, rules: CompareRules
) -> tuple[str | None, Evidence | None]:
    """The side of a speaker and the text it was read from, or ``(None, None)``."""
    if entity is not None:
        for affiliation in entity.affiliations:
            return affiliation.name, view.evidence(affiliation.start, affiliation.end)
        if entity.label in {"ORG", "GPE", "NORP"}:
            government = _government_of(entity.name, rules)
            if government is not None:
                mention = entity.mentions[0]
                return government, view.evidence(mention.start, mention.end)
        if entity.label == "PERSON":
            found = _headline_side(entity, view, rules)
            if found is not None:
                return found
    if source_text:
        government = _government_of(re.sub(r"^(?i:the)\s+", "", source_text), rules)
        if government is not None:
            return government, None
    return None, None


def _government_of(name: str, rules: CompareRules) -> str | None:
    names = rules.affiliations.names
    if name in rules.capitals:
        for entry, _ in names.values():
            if entry.name == rules.capitals[name]:
                return entry.government
    if name in names:
        entry, kind = names[name]
        if kind in {"institution", "country"}:
            return entry.government
    parts = name.split()
    if parts and parts[0] in names:
        entry, kind = names[parts[0]]
        rest = " ".join(parts[1:]).lower()
        if kind == "demonym" and any(word in rest for word in rules.government_words):
            return entry.government
    return None


def _headline_side(
    entity: Entity, view: StoryArticleView, rules: CompareRules
) -> tuple[str, Evidence] | None:
    # An institution in the words before the name gives its government ("White House Press
    # Secretary Karine Jean-Pierre"); a country name or demonym gives the country only
    # ("jailed Russian businessman" is not the Russian government).
    headline = view.analyzed.article.headline or ""
    at = headline.find(entity.name)
    if at < 0:
        return None
    clause = headline.rfind(",", 0, at) + 1
    tokens = list(re.finditer(r"\S+", headline[clause:at]))[-rules.headline_window :]
    names = rules.affiliations.names
    for size in range(min(len(tokens), 4), 0, -1):
        for first in range(len(tokens) - size + 1):
            start = clause + tokens[first].start()
            end = clause + tokens[first + size - 1].end()
            if headline[start:end] in names:
                country, kind = names[headline[start:end]]
                side = country.government if kind == "institution" else country.name
                return side, view.evidence(start, at + len(entity.name), field="headline")
    return None

"""Voices and reporting verbs: who each outlet quotes or paraphrases, how much, and with which
cue ("said" against "claimed"), grouped by side.

A voice is a speaker: a person, an organisation, a document or a group. The speaker of an
attribution is, in order, the story entity the analysis resolved its source to; the entity whose
name leads the source ("Rahm Emanuel, the chief of staff", "Washington Post in early
September"); the owner of a possessive source holding a statement or document ("Mr. Mattis's
letter" is Mattis speaking; "Trump's lawyer" speaks himself); the
source text without a trailing time phrase. A source that is then only a time ("Thursday
afternoon"), a pronoun the analysis did not resolve ("it", "who") or nothing is no voice: its
statements count as having no named source.
"""

from __future__ import annotations

import re
from collections import defaultdict

from newsprism.compare.rules import CompareRules
from newsprism.compare.sides import SideRules, StorySides, side_of_source, story_sides
from newsprism.compare.story import StoryArticleView, StoryView
from newsprism.compare.text import word_count
from newsprism.model import (
    Attribution,
    AttributionKind,
    Entity,
    Evidence,
    MentionKind,
    VerbUse,
    Voice,
)

__all__ = ["UNATTRIBUTED", "compare_voices", "speaker_of"]

UNATTRIBUTED = "(no named source)"
_PLACE_LABELS = frozenset({"GPE", "NORP", "LOC"})
# What may follow a leading place's name in its source: an appositive, a bracket, a possessive.
_AFTER_MARKS = (",", "(", "—", "–", "-", "'", "’")
# Lower-case words that may stand before a name in a source that the name leads ("the former
# Secretary of State Hillary Clinton"); any other lower-case word makes the name part of a
# longer phrase ("video of remarks circulated by Democrats").
_LEAD_WORDS = frozenset({"the", "a", "an", "former", "then", "acting", "of", "and", "for", "ex"})
# A source that starts with one of these is a clause or a pronoun's possession, not a name.
_NOT_LEADING = frozenset({
    "who", "whose", "which", "that", "whom", "his", "her", "its", "their", "our", "my", "your",
})
_TOKEN = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*\.?", re.UNICODE)


def compare_voices(view: StoryView, *, rules: CompareRules) -> tuple[Voice, ...]:
    """One :class:`Voice` per speaker per outlet, outlets in story order, most words first."""
    sides = story_sides(
        view, rules=rules.sides, affiliations=rules.affiliations, titles=rules.titles,
        capitals=rules.capitals, government_words=rules.government_words,
        headline_window=rules.headline_window,
    )
    voices: list[Voice] = []
    for outlet in view.outlets:
        grouped: dict[str, list[tuple[VerbUse, AttributionKind, int]]] = defaultdict(list)
        found_sides: dict[str, tuple[str | None, Evidence | None]] = {}
        for article in view.articles:
            if article.outlet != outlet:
                continue
            for attribution in article.analyzed.attributions:
                speaker = speaker_of(attribution, article, rules.sides)
                if speaker is None:
                    name = UNATTRIBUTED
                    found: tuple[str | None, Evidence | None] = (None, None)
                else:
                    name, entity, start = speaker
                    found = _side(name, entity, start, article, rules, sides)
                if found_sides.get(name, (None, None))[0] is None:
                    found_sides[name] = found
                cue = attribution.cue
                use = VerbUse(
                    lemma=cue.lemma,
                    class_=cue.class_,
                    subclass=cue.subclass,
                    cue=article.evidence(cue.start, cue.end),
                    content=article.evidence(attribution.content.start, attribution.content.end),
                )
                grouped[name].append(
                    (use, attribution.kind, word_count(attribution.content.text))
                )
        for speaker_name, uses in grouped.items():
            side, evidence = found_sides.get(speaker_name, (None, None))
            kinds = [kind for _, kind, _ in uses]
            voices.append(
                Voice(
                    outlet=outlet,
                    speaker=speaker_name,
                    side=side,
                    side_evidence=evidence,
                    statements=len(uses),
                    words=sum(n for _, _, n in uses),
                    direct=kinds.count(AttributionKind.DIRECT),
                    indirect=kinds.count(AttributionKind.INDIRECT),
                    mixed=kinds.count(AttributionKind.MIXED),
                    verbs=tuple(use for use, _, _ in uses),
                )
            )
    order = {o: i for i, o in enumerate(view.outlets)}
    return tuple(sorted(voices, key=lambda v: (order[v.outlet], -v.words, v.speaker)))


def speaker_of(
    attribution: Attribution, article: StoryArticleView, rules: SideRules
) -> tuple[str, Entity | None, int] | None:
    """The speaker of an attribution: (story-wide name, the entity if any, offset of the speaker
    text in the body), or ``None`` when the source names no speaker (see the module docstring).
    """
    entity = article.entity(attribution.entity)
    source = attribution.source
    if entity is not None:
        return article.entity_names.get(entity.id, entity.name), entity, (
            source.start if source else 0
        )
    if source is None:
        return None
    leading = _leading_entity(source.start, source.end, article, rules)
    if leading is not None:
        return article.entity_names.get(leading.id, leading.name), leading, source.start
    start, end = _without_time(source.start, source.end, article, rules)
    text = article.body[start:end].strip(" ,;:—–-")
    text = re.sub(r"^(?i:the|a|an)\s+", "", text).strip()
    tokens = [t.lower().rstrip(".") for t in _TOKEN.findall(text)]
    if not tokens or all(t in rules.pronouns or t in rules.time_words for t in tokens):
        return None
    if tokens[0] in _NOT_LEADING or (
        tokens[0] in rules.pronouns and len(tokens) == 1
    ):
        return None
    owner = re.match(r"^(.+?)(['’]s|s['’])\s+\w", text)
    if owner is not None and _holds_statement(text, rules):
        # "the president's plan": a statement or document speaks for its owner ("the
        # country's disaster agency" speaks itself).
        text = owner.group(1) + ("s" if owner.group(2)[0] == "s" else "")
        if text.lower() in rules.pronouns:
            return None
    return text, None, start + max(article.body[start:end].find(text), 0)


def _holds_statement(text: str, rules: SideRules) -> bool:
    last = text.split()[-1].lower().strip(".,;:'’\"”") if text.split() else ""
    return last in rules.statements or (last.endswith("s") and last[:-1] in rules.statements)


def _leading_entity(
    start: int, end: int, article: StoryArticleView, rules: SideRules
) -> Entity | None:
    """The entity whose name leads the span: only titles, honorifics and a few function words
    before it; and after a place's or a people's name nothing, a possessive, an appositive,
    "of ..." or a time phrase ("Danish scientists" are no voice of Denmark; "White House
    officials" are the White House's)."""
    best: tuple[int, Entity] | None = None
    for entity in article.analyzed.entities:
        for mention in entity.mentions:
            if mention.kind is not MentionKind.NAME or not (
                start <= mention.start and mention.end <= end
            ):
                continue
            before = article.body[start:mention.start]
            if any(w[0].islower() and w.lower() not in _LEAD_WORDS for w in before.split()):
                continue
            after = article.body[mention.end:end].split()
            if entity.label in _PLACE_LABELS and after and not (
                after[0][0] in _AFTER_MARKS
                or after[0].lower() in rules.time_prepositions
                or after[0].lower() in rules.time_words
                or after[0].lower() == "of"
            ) and not article.body[mention.end:end].startswith(_AFTER_MARKS):
                continue
            if best is None or mention.start < best[0]:
                best = (mention.start, entity)
    return best[1] if best is not None else None


def _without_time(
    start: int, end: int, article: StoryArticleView, rules: SideRules
) -> tuple[int, int]:
    """The span without a time phrase at its end ("in early September", "on Thursday"): where
    the analysis found a time expression in it, or where its last words are time words."""
    for time in article.analyzed.times:
        if start <= time.start < end:
            end = min(end, time.start)
    words = list(_TOKEN.finditer(article.body[start:end]))
    # Drop trailing time words, then the preposition that led them.
    while words and words[-1].group().lower().rstrip(".") in rules.time_words:
        end = start + words.pop().start()
    while words and words[-1].group().lower() in rules.time_prepositions:
        end = start + words.pop().start()
    return start, end


def _side(
    name: str,
    entity: Entity | None,
    start: int,
    article: StoryArticleView,
    rules: CompareRules,
    sides: StorySides,
) -> tuple[str | None, Evidence | None]:
    side, evidence = sides.of(name, article.outlet)
    if side is not None or entity is not None:
        return side, evidence
    return side_of_source(
        name, start, article, rules=rules.sides, affiliations=rules.affiliations,
        capitals=rules.capitals, government_words=rules.government_words, sides=sides,
    )

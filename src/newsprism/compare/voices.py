"""Voices and reporting verbs: who each outlet quotes or paraphrases, how much, and with which
cue ("said" against "claimed"), grouped by side."""

from __future__ import annotations

import re
from collections import defaultdict

from newsprism.compare.rules import CompareRules
from newsprism.compare.sides import side_of
from newsprism.compare.story import StoryView
from newsprism.compare.text import word_count
from newsprism.model import AttributionKind, Evidence, VerbUse, Voice

__all__ = ["UNATTRIBUTED", "compare_voices"]

UNATTRIBUTED = "(no named source)"


def compare_voices(view: StoryView, *, rules: CompareRules) -> tuple[Voice, ...]:
    """One :class:`Voice` per speaker per outlet, outlets in story order, most words first."""
    voices: list[Voice] = []
    for outlet in view.outlets:
        grouped: dict[str, list[tuple[VerbUse, AttributionKind, int]]] = defaultdict(list)
        sides: dict[str, tuple[str | None, Evidence | None]] = {}
        for article in view.articles:
            if article.outlet != outlet:
                continue
            for attribution in article.analyzed.attributions:
                entity = article.entity(attribution.entity)
                if entity is not None:
                    speaker = article.entity_names.get(entity.id, entity.name)
                elif attribution.source is not None:
                    speaker = _plain_source(attribution.source.text)
                else:
                    speaker = UNATTRIBUTED
                source_text = attribution.source.text if attribution.source else None
                found = side_of(entity, source_text, article, rules)
                if sides.get(speaker, (None, None))[0] is None:
                    sides[speaker] = found
                cue = attribution.cue
                use = VerbUse(
                    lemma=cue.lemma,
                    class_=cue.class_,
                    subclass=cue.subclass,
                    cue=article.evidence(cue.start, cue.end),
                    content=article.evidence(attribution.content.start, attribution.content.end),
                )
                grouped[speaker].append(
                    (use, attribution.kind, word_count(attribution.content.text))
                )
        for speaker, uses in grouped.items():
            side, evidence = sides.get(speaker, (None, None))
            kinds = [kind for _, kind, _ in uses]
            voices.append(
                Voice(
                    outlet=outlet,
                    speaker=speaker,
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


def _plain_source(text: str) -> str:
    return re.sub(r"^(?i:the|a|an)\s+", "", text.strip()).strip() or text

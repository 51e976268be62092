"""Descriptors: how each outlet names and characterises the same entity, side by side.

For every story-wide entity that some outlet characterises (a descriptor or a role), the words
each outlet uses that no other outlet uses for it are the contrast ("jailed", "businessman"
against "convicted", "arms", "dealer"). Function words (data/compare.toml) are left out, and so
is a predicate inside attributed speech ("Bout maintains he is innocent" is Bout's word).
"""

from __future__ import annotations

from collections import defaultdict

from newsprism.compare.rules import CompareRules
from newsprism.compare.story import StoryView
from newsprism.compare.text import stem, words
from newsprism.model import (
    Descriptor,
    DescriptorKind,
    DescriptorUse,
    EntityPortrait,
    OutletWords,
)

__all__ = ["compare_descriptors"]


def compare_descriptors(view: StoryView, *, rules: CompareRules) -> tuple[EntityPortrait, ...]:
    """Portraits of the entities some outlet characterises, those in most outlets first."""
    uses: dict[str, list[DescriptorUse]] = defaultdict(list)
    mentioned: dict[str, list[str]] = defaultdict(list)
    first_seen: dict[str, int] = {}
    labels: dict[str, str] = {}
    # Words of a place or people's name inside a description ("Texas" of "Texas Attorney
    # General"): where the person serves, a fact, not how an outlet sees them.
    places: set[tuple[str, int]] = set()
    for article in view.articles:
        contents = [(a.content.start, a.content.end) for a in article.analyzed.attributions]
        places.update(
            (article.id, position)
            for entity in article.analyzed.entities if entity.label in _PLACE_LABELS
            for mention in entity.mentions
            for position in range(mention.start, mention.end)
        )
        for entity in article.analyzed.entities:
            name = article.entity_names.get(entity.id, entity.name)
            first_seen.setdefault(name, len(first_seen))
            labels.setdefault(name, entity.label)
            if article.outlet not in mentioned[name]:
                mentioned[name].append(article.outlet)
            for descriptor in entity.descriptors:
                if _attributed_predicate(descriptor, contents):
                    continue
                uses[name].append(
                    DescriptorUse(
                        article.outlet,
                        descriptor.kind.value,
                        article.evidence(descriptor.start, descriptor.end),
                    )
                )
            for role in entity.roles:
                uses[name].append(
                    DescriptorUse(article.outlet, "role", article.evidence(role.start, role.end))
                )
        # A name in the headline, or one the analysis missed in the body, is a mention too.
        for name in article.mentioned:
            if article.outlet not in mentioned[name]:
                mentioned[name].append(article.outlet)
    portraits = []
    for name, items in uses.items():
        unique = _unique_words(items, rules, places)
        portraits.append(
            EntityPortrait(
                name=name,
                outlets=tuple(o for o in view.outlets if o in mentioned[name]),
                uses=_deduplicated(items),
                only=tuple(OutletWords(o, unique[o]) for o in view.outlets if unique.get(o)),
                label=labels[name],
            )
        )
    portraits.sort(key=lambda p: (-len(p.outlets), -len(p.only), first_seen[p.name]))
    return tuple(portraits)


_PLACE_LABELS = frozenset({"GPE", "LOC", "NORP"})


def _attributed_predicate(descriptor: Descriptor, contents: list[tuple[int, int]]) -> bool:
    # "Bout maintains he is innocent": a predicate inside what a source says is the source's
    # characterisation, not the outlet's.
    return descriptor.kind is DescriptorKind.PREDICATE and any(
        start <= descriptor.start and descriptor.end <= end for start, end in contents
    )


def _unique_words(
    items: list[DescriptorUse], rules: CompareRules, places: set[tuple[str, int]]
) -> dict[str, tuple[str, ...]]:
    by_outlet: dict[str, dict[str, str]] = defaultdict(dict)
    for use in items:
        for start, _, word in words(use.evidence.text):
            low = word.lower()
            if low in rules.descriptor_ignore or word[0].isdigit():
                continue
            if (use.evidence.article, use.evidence.start + start) in places:
                continue
            by_outlet[use.outlet].setdefault(stem(low), low)
    if len(by_outlet) < 2:
        return {}
    unique = {}
    for outlet, forms in by_outlet.items():
        others = {key for other, f in by_outlet.items() if other != outlet for key in f}
        unique[outlet] = tuple(form for key, form in forms.items() if key not in others)
    return unique


def _deduplicated(items: list[DescriptorUse]) -> tuple[DescriptorUse, ...]:
    # One span once, and a span inside another of the same article once only, in the longer:
    # "the embattled interior minister" is one description, not it and "interior minister".
    kept: list[DescriptorUse] = []
    for use in items:
        at = (use.evidence.article, use.evidence.start, use.evidence.end)
        if any(
            other.evidence.article == at[0]
            and other.evidence.start <= at[1] and at[2] <= other.evidence.end
            and (other.evidence.start, other.evidence.end) != at[1:]
            for other in items
        ):
            continue
        if all((u.evidence.article, u.evidence.start, u.evidence.end) != at for u in kept):
            kept.append(use)
    return tuple(kept)

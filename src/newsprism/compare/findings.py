"""Findings: the differences a reader should see first, each with the spans it rests on.

Every rule treats the outlets alike: a finding says what each outlet does, never which is right.
Findings are numbered F1, F2, ... in the order the report shows them: contradictions, reporting
verbs, descriptors, omissions of a main actor, headlines, voices, dates only some outlets give,
single-outlet statements, shared statements.

Each finding carries a score, how telling the difference is for an editor; the report's summary
shows the highest (``[findings]`` in data/compare.toml sets the weights and how many):

    contradiction        two outlets give different values in one matched fact
    doubt                an outlet introduces a side with a verb of doubt ("claimed") and
                         another outlet quotes the same side without one
    omission             a main actor (named in a headline, or among the story's most mentioned
                         people and organisations) that an outlet never mentions
    descriptor           two outlets describe one person or organisation in different words
    marked               marked reporting verbs for a side, compared across outlets
    doubt-one-outlet     a verb of doubt for a side only one outlet quotes
    headline, voices, timeline, only-in, shared   context, not differences in themselves
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from newsprism.compare.rules import FindingWeights
from newsprism.model import (
    Contradiction,
    EntityPortrait,
    Evidence,
    Fact,
    Finding,
    HeadlineReading,
    TimelineEvent,
    VerbUse,
    Voice,
)

__all__ = ["make_findings", "summary"]

_SUMMARY_CHARS = 160
# Entity labels whose descriptors become findings (groups and places are shown in the table).
_DESCRIBED = frozenset({"PERSON", "ORG"})
# kind, summary, outlets, evidence, found_by, score
_Draft = tuple[str, str, tuple[str, ...], tuple[Evidence, ...], str, float]
# Descriptor kinds that name a person rather than tell a story about them, shown first.
_NAMING_KINDS = ("premodifier", "appositive", "role", "predicate", "relative-clause")


def make_findings(
    *,
    outlets: Sequence[str],
    headlines: Sequence[HeadlineReading],
    portraits: Sequence[EntityPortrait],
    voices: Sequence[Voice],
    facts: Sequence[Fact],
    timeline: Sequence[TimelineEvent],
    contradictions: Sequence[Contradiction] = (),
    mentions: Mapping[str, Mapping[str, int]] | None = None,
    main_actors: Sequence[str] = (),
    weights: FindingWeights | None = None,
    people: frozenset[str] = frozenset(),
) -> tuple[Finding, ...]:
    """All findings of a story, numbered F1, F2, ... in the order the report shows them.

    Args:
        outlets: The story's outlets.
        headlines, portraits, voices, facts, timeline: The comparison's parts.
        contradictions: Values matched facts disagree on.
        mentions: Story-wide name -> outlet -> name mentions, for omissions.
        main_actors: The story's main people and organisations, for omissions.
        weights: The scores of each kind; the packaged ones when ``None``.
        people: The story-wide names of people, for omissions.
    """
    weights = weights or FindingWeights()
    drafts: list[_Draft] = []
    if len(outlets) > 1:
        drafts.extend(_contradictions(contradictions, weights))
    drafts.extend(_verbs(voices, outlets, weights))
    # Entities two outlets describe differently first, then those only some describe at all.
    described = _descriptors(portraits, weights)
    drafts.extend(d for d, contrast in described if contrast)
    if len(outlets) > 1 and mentions is not None:
        drafts.extend(_omissions(outlets, mentions, main_actors, weights, people))
    drafts.extend(d for d, contrast in described if not contrast)
    if len(headlines) >= 1:
        drafts.append(_headlines(headlines))
    if voices:
        drafts.append(_voices(voices, outlets))
    if len(outlets) > 1:
        drafts.extend(_dates(timeline, outlets))
        drafts.extend(_only_in(facts, weights))
        drafts.extend(_shared(facts))
    return tuple(
        Finding(f"F{n}", kind, summary, found_outlets, evidence, found_by, score)
        for n, (kind, summary, found_outlets, evidence, found_by, score)
        in enumerate(drafts, start=1)
    )


def summary(findings: Sequence[Finding], weights: FindingWeights) -> tuple[str, ...]:
    """The ids of the few most telling findings (``summary_size`` at most, each scoring at
    least ``summary_min_score``), highest score first, then in report order; at most one per
    kind and outlets until every kind had its turn, so one kind does not fill the summary."""
    ranked = sorted((f for f in findings if f.score >= weights.summary_min_score),
                    key=lambda f: -f.score)
    chosen: list[Finding] = []
    for finding in ranked:
        if len(chosen) >= weights.summary_size:
            break
        if not any(c.kind == finding.kind and c.outlets == finding.outlets for c in chosen):
            chosen.append(finding)
    for finding in ranked:
        if len(chosen) >= weights.summary_size:
            break
        if finding not in chosen:
            chosen.append(finding)
    chosen.sort(key=lambda f: (-f.score, findings.index(f)))
    return tuple(f.id for f in chosen)


def _contradictions(
    contradictions: Sequence[Contradiction], weights: FindingWeights
) -> list[_Draft]:
    found: list[_Draft] = []
    for item in contradictions:
        what = {"date": "a date", "agent": "who did or said it"}.get(item.kind, "a number")
        if item.kind == "age":
            what = f"{item.fact.removeprefix('person:')}'s age"
        where = "" if item.kind == "age" else " in one fact"
        summary = (f"{item.left.outlet} and {item.right.outlet} differ on {what}{where}: "
                   f"{item.left.outlet} “{item.left.text}”, {item.right.outlet} "
                   f"“{item.right.text}” ({item.differs})")
        found.append((
            "contradiction", _clip(summary, 400),
            tuple(dict.fromkeys((item.left.outlet, item.right.outlet))),
            (item.left, item.right, item.left_statement, item.right_statement),
            item.found_by, weights.contradiction,
        ))
    return found


def _omissions(
    outlets: Sequence[str], mentions: Mapping[str, Mapping[str, int]],
    main_actors: Sequence[str], weights: FindingWeights, people: frozenset[str] = frozenset(),
) -> list[_Draft]:
    found: list[_Draft] = []
    for name in main_actors:
        counts = mentions.get(name, {})
        # An outlet that names a person of the same surname ("Nick Alexiou" for "Nikos
        # Alexiou", a bare "Biden" in a story of two Bidens) may mean this one: no claim.
        namesakes = [
            other for other in people
            if other != name and name in people and other.split()[-1:] == name.split()[-1:]
        ]
        silent = [o for o in outlets if counts.get(o, 0) == 0
                  and not any(mentions.get(other, {}).get(o, 0) for other in namesakes)]
        speaking = [o for o in outlets if counts.get(o, 0) > 0]
        if not silent or not speaking:
            continue
        shown = ", ".join(f"{o} ×{counts[o]}" for o in speaking)
        found.append((
            "omission",
            f"{' and '.join(silent)} never mention{'s' if len(silent) == 1 else ''} {name}, "
            f"a main actor of the story (mentions: {shown})",
            tuple(outlets), (), "compare.omissions.v1", weights.omission,
        ))
    return found


def _headlines(readings: Sequence[HeadlineReading]) -> _Draft:
    parts = []
    evidence: list[Evidence] = []
    for reading in readings:
        first = reading.subject or "no named participant"
        text = f"{reading.outlet} puts {first} first"
        if reading.cue is not None:
            colour = reading.cue_class or ""
            if reading.cue_subclass:
                colour += f": {reading.cue_subclass}"
            who = f" to {reading.speaker}" if reading.speaker else ""
            text += f" and attributes{who} with “{reading.cue.text}” ({colour}, {reading.order})"
            evidence.append(reading.cue)
        else:
            text += ", with no attribution"
        parts.append(text)
        evidence.insert(0, reading.headline)
    outlets = tuple(dict.fromkeys(r.outlet for r in readings))
    return ("headline", "; ".join(parts) + ".", outlets, tuple(evidence),
            "compare.headlines.v1", 0.0)


def _descriptors(
    portraits: Sequence[EntityPortrait], weights: FindingWeights
) -> list[tuple[_Draft, bool]]:
    # (draft, whether two outlets describe the entity in different words)
    found: list[tuple[_Draft, bool]] = []
    for portrait in portraits:
        described = tuple(dict.fromkeys(u.outlet for u in portrait.uses))
        if len(portrait.outlets) < 2 or not described or portrait.label not in _DESCRIBED:
            continue
        if len(described) >= 2 and not portrait.only:
            continue
        parts = []
        contrast = len(described) >= 2
        for outlet in portrait.outlets:
            uses = sorted(
                (u for u in portrait.uses if u.outlet == outlet),
                key=lambda u: _NAMING_KINDS.index(u.kind) if u.kind in _NAMING_KINDS else 9,
            )
            if uses:
                shown = ", ".join(f"“{u.evidence.text}”" for u in uses[:2])
                parts.append(f"{outlet}: {shown}")
            else:
                parts.append(f"{outlet}: no descriptor")
        found.append(((
            "descriptor",
            _clip(f"{portrait.name} — " + "; ".join(parts)),
            portrait.outlets,
            tuple(u.evidence for u in portrait.uses),
            "compare.descriptors.v1",
            weights.descriptor if contrast else weights.descriptor / 2,
        ), contrast))
    return found


def _verbs(
    voices: Sequence[Voice], outlets: Sequence[str], weights: FindingWeights
) -> list[_Draft]:
    # Per side (or per speaker without a side) quoted by two or more outlets: the cues each
    # outlet uses, marked ones named first.
    groups: dict[str, dict[str, list[tuple[str, VerbUse]]]] = defaultdict(lambda: defaultdict(list))
    sides = {voice.side for voice in voices if voice.side}
    for voice in voices:
        key = voice.side or voice.speaker
        for use in voice.verbs:
            groups[key][voice.outlet].append((voice.speaker, use))
    found: list[_Draft] = []
    # First: a cue of doubt ("claimed") for a side against how the other outlets introduce
    # speakers of the same side.
    for key, per_outlet in groups.items():
        if len(per_outlet) < 2:
            continue
        for outlet in outlets:
            doubt = [(s, u) for s, u in per_outlet.get(outlet, []) if u.subclass == "doubt"]
            if not doubt:
                continue
            speakers = ", ".join(dict.fromkeys(s for s, _ in doubt))
            cues = ", ".join(dict.fromkeys(f"“{u.cue.text}”" for _, u in doubt))
            kind = "verbs of doubt" if cues.count("“") > 1 else "a verb of doubt"
            # A speaker without a side is its own group: named once, not as its own side.
            named = f"{speakers} ({key})" if key in sides else speakers
            parts = [f"{outlet} introduces {named} with {cues} ({kind})"]
            evidence = [u.cue for _, u in doubt]
            for other in outlets:
                items = per_outlet.get(other, [])
                if other == outlet or not items:
                    continue
                others = ", ".join(dict.fromkeys(s for s, _ in items))
                used = Counter(u.cue.text.lower() for _, u in items)
                shown = ", ".join(f"{w} ×{n}" if n > 1 else w for w, n in used.most_common(6))
                no_doubt = ("" if any(u.subclass == "doubt" for _, u in items)
                            else "; no verb of doubt")
                group = f"{key} speakers ({others})" if key in sides else others
                parts.append(f"{other} introduces {group} with {shown}{no_doubt}")
                evidence.extend(u.cue for _, u in items)
            found.append((
                "verb",
                " — ".join(parts[:1]) + " · " + " · ".join(parts[1:]),
                tuple(o for o in outlets if o in per_outlet),
                tuple(evidence),
                "compare.verbs.v1",
                weights.doubt,
            ))
    for key, per_outlet in groups.items():
        if len(per_outlet) < 2:
            continue
        marked = [(o, s, u) for o, items in per_outlet.items() for s, u in items
                  if u.class_ == "marked"]
        if not marked:
            continue
        parts = []
        evidence = []
        for outlet in outlets:
            items = per_outlet.get(outlet, [])
            if not items:
                continue
            speakers = ", ".join(dict.fromkeys(s for s, _ in items))
            marked_here = [f"“{u.cue.text}” ({u.subclass or 'marked'})"
                           for _, u in items if u.class_ == "marked"]
            neutral = Counter(u.cue.text.lower() for _, u in items if u.class_ != "marked")
            plain = ", ".join(f"{w} ×{n}" if n > 1 else w for w, n in neutral.most_common(4))
            who = f"{outlet} ({speakers})" if key in sides else outlet
            text = f"{who}: " + (", ".join(marked_here) or "no marked verb")
            if plain:
                text += f"; otherwise {plain}"
            parts.append(text)
            evidence.extend(u.cue for _, u in items)
        found.append((
            "verb",
            f"Reporting verbs for {key} — " + " · ".join(parts),
            tuple(o for o in outlets if o in per_outlet),
            tuple(evidence),
            "compare.verbs.v1",
            weights.marked,
        ))
    # Marked cues for a side or speaker only one outlet quotes are findings too, lower down.
    for key, per_outlet in groups.items():
        if len(per_outlet) != 1:
            continue
        ((outlet, items),) = per_outlet.items()
        doubting = [u for _, u in items if u.subclass == "doubt"]
        if doubting:
            found.append((
                "verb",
                f"{outlet} reports {key} with “{doubting[0].cue.text}” (marked: doubt)",
                (outlet,),
                tuple(u.cue for u in doubting),
                "compare.verbs.v1",
                weights.doubt_one_outlet,
            ))
    return found


def _voices(
    voices: Sequence[Voice], outlets: Sequence[str]
) -> _Draft:
    parts = []
    for outlet in outlets:
        mine = [v for v in voices if v.outlet == outlet]
        if not mine:
            parts.append(f"{outlet}: no attributed statements")
            continue
        sides: Counter[str] = Counter()
        for voice in mine:
            sides[voice.side or "side unknown"] += voice.statements
        shown = ", ".join(f"{side} {n}" for side, n in sides.most_common())
        parts.append(f"{outlet}: {len(mine)} sources, statements by side: {shown}")
    return ("voices", "Voices — " + " · ".join(parts), tuple(outlets), (), "compare.voices.v1",
            0.0)


def _only_in(facts: Sequence[Fact], weights: FindingWeights) -> list[_Draft]:
    found: list[_Draft] = []
    for fact in facts:
        if len(fact.outlets) != 1 or not fact.missing_from:
            continue
        found.append((
            "only-in",
            _clip(f"Only {fact.outlets[0]}: “{fact.statements[0].text}”"),
            fact.outlets,
            fact.statements,
            "compare.facts.v1",
            weights.only_in,
        ))
    return found


def _dates(timeline: Sequence[TimelineEvent], outlets: Sequence[str]) -> list[_Draft]:
    # One finding per outlet: the dated moments only some outlets mention, this one among them.
    found: list[_Draft] = []
    for outlet in outlets:
        events = [e for e in timeline if e.value is not None and outlet in e.outlets
                  and len(e.outlets) < len(outlets)]
        if not events:
            continue
        shown = "; ".join(
            f"{e.label or e.value} (“{next(x.text for x in e.expressions if x.outlet == outlet)}”)"
            for e in events
        )
        evidence = tuple(x for e in events for x in e.expressions if x.outlet == outlet)
        evidence += tuple(m for e in events for m in e.mentions if m.outlet == outlet)
        label = (f"Only {outlet} dates" if all(len(e.outlets) == 1 for e in events)
                 else f"Dates not every outlet gives, in {outlet}")
        found.append((
            "timeline",
            _clip(f"{label}: {shown}", 400),
            (outlet,),
            evidence,
            "compare.timeline.v1",
            0.0,
        ))
    return found


def _shared(facts: Sequence[Fact]) -> list[_Draft]:
    found: list[_Draft] = []
    for fact in facts:
        if len(fact.outlets) < 2:
            continue
        words = ", ".join(fact.pairs[0].shared[:6]) if fact.pairs else ""
        label = "All report" if not fact.missing_from else f"{' and '.join(fact.outlets)} report"
        found.append((
            "shared",
            _clip(f"{label}: “{fact.statements[0].text}”") + (f" (shared: {words})" if words
                                                              else ""),
            fact.outlets,
            fact.statements,
            "compare.facts.v1",
            0.0,
        ))
    return found


def _clip(text: str, limit: int = _SUMMARY_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

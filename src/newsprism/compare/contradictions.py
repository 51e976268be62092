"""Contradictions: two outlets give different values for the same thing in one matched fact.

Only aligned statements are read (no contradiction without a matched fact under it). In each
aligned pair, the numbers (counts, durations, amounts, percentages, ages) and the dated time
expressions of one sentence are set against those of the other:

* a value is a range: an exact "25 minutes" covers half a unit of its last digit (24.5-25.5),
  "roughly 25 minutes" ``vague_tolerance`` either side, "more than 25" everything above
  (``[quantities]`` in data/compare.toml); a date covers its day, month, season or range, and
  "since June" the month it starts in;
* two values are compared only when they are of one kind (durations in seconds, "$" with
  "dollars", a count of the same thing: "40 people" and "25 people"), the claims holding
  them share ``min_shared_context`` concepts besides the unit ("the call ... lasted"), and the
  words next to them (NEAR_WORDS either side) share one ("lasted roughly 25 minutes");
* numbers are compared only under the same periods: the years, months, ranges and durations
  their claims name besides them ("$140 million over eight years" is no sum of 2011-2014); and
  what a unit already says ("$": money, ``kind_words``) counts as shared no more than the
  unit's own words;
* a value of one outlet that meets any comparable value of the other is agreement; one that
  meets none disagrees with its best-matching counterpart, and that is a contradiction.

Ages: a person of the story (one entity across the outlets, as the comparison resolves them)
whose age two outlets give differently ("Okafor, 58," / "Okafor, 57,"; "the 58-year-old") is a
contradiction of kind "age", whatever sentences hold the ages: the matched fact under it is who
the person is. Ages one year apart count only between articles published the same day (a
birthday may fall between two days).

Dates are compared only with ``dates = true`` (off by default: on BASIL 1 of 30 sampled date
contradictions was real).

Dates are compared only when they date one event: the events the parse attaches them to
share a lower-case content concept, and a relative date ("on Tuesday") only with one read
against the same publication day.

Named agents: the same words (``min_agent_overlap`` of the content concepts of the two
attributed contents, at least ``min_agent_words`` of them) attributed in a matched pair to two
different named people or organisations of the story, neither named in the other outlet's
sentence, are a contradiction of kind "agent" ("Blinken vs Price"), with the two source spans
as evidence. Both sources must name their agent (a pronoun or a description resolved to
someone is a guess) and neither may be a relay ("according to" a reporter).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from newsprism.analyze.timex import TimeRules
from newsprism.compare.rules import CompareRules, Quantities
from newsprism.compare.story import StoryArticleView, StoryView
from newsprism.compare.text import content_words
from newsprism.compare.timeline import readable_time
from newsprism.model import Contradiction, Evidence, Fact, Granularity, TimeExpression

__all__ = ["Quantity", "find_contradictions", "quantities"]

_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "dozen": 12, "dozens": 24,
}
# Where the claim holding a value ends: strong breaks only (a value's claim keeps "after noon").
_CLAIM_BREAK = re.compile(
    r"[;:—–()]|\s--\s|,\s(?:which|who|whom|whose|while|but|although|whereas)\s"
    r"|\s(?:but|while|whereas)\s"
)
# A break that opens a relative clause set off by commas: the next comma closes it.
_ASIDE = re.compile(r",\s(?:which|who|whom|whose)\s")
# Time expressions that name the period a number covers ("in 2014", "from 2007 through 2014");
# a day or a week dates an event rather than scoping a sum.
_PERIODS = {Granularity.MONTH, Granularity.SEASON, Granularity.YEAR, Granularity.RANGE,
            Granularity.DURATION}
_MOMENTS = {Granularity.DAY, Granularity.WEEK, Granularity.MONTH, Granularity.SEASON,
            Granularity.YEAR, Granularity.RANGE}
_FOUND_BY = "compare.contradictions.v1"
# Words read on either side of a value for what it measures.
NEAR_WORDS = 3


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number in a sentence, with its unit and the range it stands for.

    Attributes:
        start: Offset of the first character (hedge included) in the text read.
        end: Offset after the unit.
        text: The words as written ("roughly 25 minutes").
        kind: "duration", "percent", "usd", ..., "age", or "count:<stem>" for a count of things.
        low: The smallest value it allows, in the kind's base unit.
        high: The largest.
        shown: Number and unit without the hedge ("25 minutes").
    """

    start: int
    end: int
    text: str
    kind: str
    low: float
    high: float
    shown: str


def quantities(text: str, rules: Quantities) -> list[Quantity]:
    """The numbers of ``text`` that have a unit or count something, with their ranges."""
    found: list[Quantity] = []
    for match in rules.pattern.finditer(text):
        quantity = _read(match, text, rules)
        if quantity is not None and not any(
            q.start < quantity.end and quantity.start < q.end for q in found
        ):
            found.append(quantity)
    return found


def _read(match: re.Match[str], text: str, rules: Quantities) -> Quantity | None:
    raw = match["num"]
    word = raw.lower()
    if word in _NUMBER_WORDS:
        value, step = float(_NUMBER_WORDS[word]), 0.5
    else:
        digits = raw.replace(",", "")
        value = float(digits)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        step = 0.5 * 10 ** -decimals
    scale = rules.scales.get((match["scale"] or "").lower(), 1.0)
    value, step = value * scale, step * scale
    before = text[max(0, match.start() - 12) : match.start()]
    if match["age"]:
        kind, factor = "age", 1.0
    elif match["cur"] or match["unit"]:
        unit = (match["cur"] or match["unit"]).lower()
        unit = re.sub(r"\s+", " ", unit)
        if unit not in rules.units:
            return None
        kind, factor = rules.units[unit]
    else:
        # A bare number counts the thing named after it ("25 people", "five people": news style
        # spells out small counts); years, days of a month and clock times are no counts, nor
        # "the two" ("the two met").
        the = re.search(r"(?i)\bthe\s+$", before)
        if (word in _NUMBER_WORDS and the) or re.search(r"[A-Z][a-z]+\.?\s*$", before) or (
            "." not in raw and "," not in raw and len(raw) == 4 and 1800 <= value <= 2199
        ):
            return None
        following = re.match(r"\s+([A-Za-z][A-Za-z.\-]*)", text[match.end() :])
        if following is None or following[1].lower().rstrip(".") in rules.not_counts:
            return None
        stems = content_words(following[1].rstrip("."))
        if not stems:
            return None
        # A full stop after the counted word ends the sentence, not the count ("3 children.").
        stop = 1 if following[1].endswith(".") and "." not in following[1][:-1] else 0
        return _quantity(match, text, f"count:{stems[0]}", value, step, 1.0, rules,
                         match.end() + following.end() - stop)
    return _quantity(match, text, kind, value, step, factor, rules, match.end())


def _quantity(
    match: re.Match[str], text: str, kind: str, value: float, step: float, factor: float,
    rules: Quantities, end: int,
) -> Quantity:
    hedge = (match["hedge"] or "").lower()
    hedge = re.sub(r"\s+", " ", hedge)
    low, high = (value - step) * factor, (value + step) * factor
    if hedge in rules.vague:
        low, high = value * (1 - rules.tolerance) * factor, value * (1 + rules.tolerance) * factor
    elif hedge in rules.lower:
        low, high = value * factor, math.inf
    elif hedge in rules.upper:
        low, high = -math.inf, value * factor
    start = match.start("hedge") if match["hedge"] else match.start("body")
    shown_start = match.start("body")
    return Quantity(start, end, text[start:end], kind, low, high, text[shown_start:end])


def find_contradictions(
    view: StoryView, facts: Sequence[Fact], rules: CompareRules
) -> tuple[Contradiction, ...]:
    """Values that differ between the aligned statements of each fact.

    Args:
        view: The story (its articles' time expressions).
        facts: The aligned facts (:func:`newsprism.compare.facts.compare_facts`).
        rules: The quantity words, synonyms and frame words.

    Returns:
        Contradictions in fact order, at most one per pair of values.
    """
    times = {a.id: a.analyzed.times for a in view.articles}
    articles = {a.id: a for a in view.articles}
    found: list[Contradiction] = list(_age_contradictions(view))
    seen: set[tuple[int, int, int, int, str, str]] = set()
    for fact in facts:
        for left_statement, right_statement in _statement_pairs(fact):
            items = [*_pair_contradictions(left_statement, right_statement, times, rules)]
            if rules.quantities.agents:
                items += _agent_contradictions(left_statement, right_statement, articles, rules)
            for item in items:
                left, right = item[1], item[2]
                key = (left.start, left.end, right.start, right.end, left.article, right.article)
                if key in seen:
                    continue
                seen.add(key)
                kind, left, right, differs = item
                found.append(Contradiction(
                    fact=fact.id, kind=kind, left=left, right=right,
                    left_statement=left_statement, right_statement=right_statement,
                    differs=differs, found_by=_FOUND_BY,
                ))
    return tuple(found)


def _statement_pairs(fact: Fact) -> list[tuple[Evidence, Evidence]]:
    """The aligned pairs of a fact, then the statements of two other outlets that are each
    aligned with one same statement (A's and C's figures both aligned with B's: one outlet may
    report a toll that another's does not meet, though the two were not aligned directly)."""
    pairs = [(pair.left, pair.right) for pair in fact.pairs]
    seen = {frozenset(pair) for pair in pairs}
    partners: dict[Evidence, list[Evidence]] = {}
    for left, right in pairs:
        partners.setdefault(left, []).append(right)
        partners.setdefault(right, []).append(left)
    for statements in partners.values():
        for index, one in enumerate(statements):
            for other in statements[index + 1 :]:
                key = frozenset((one, other))
                if one.outlet != other.outlet and key not in seen:
                    seen.add(key)
                    pairs.append((one, other))
    return pairs


@dataclass(frozen=True, slots=True)
class _Value:
    start: int  # offsets into the body
    end: int
    text: str
    kind: str
    low: float
    high: float
    shown: str
    context: frozenset[str]
    near: frozenset[str] = frozenset()
    # Numbers only: the periods its claim names besides it (years, ranges, durations).
    periods: frozenset[str] = frozenset()
    # Dates only: the lower-case content concepts of the event the parse says it dates, and
    # the day a relative expression was resolved against.
    event: frozenset[str] = frozenset()
    anchor: dt.date | None = None


def _pair_contradictions(
    left: Evidence, right: Evidence, times: dict[str, tuple[TimeExpression, ...]],
    rules: CompareRules,
) -> Iterator[tuple[str, Evidence, Evidence, str]]:
    a_values = _values(left, times.get(left.article, ()), rules)
    b_values = _values(right, times.get(right.article, ()), rules)
    for a in a_values:
        comparable = [b for b in b_values if _comparable(a, b)]
        # What a value measures is named next to it ("lasted roughly 25 minutes"): the two
        # values must share a concept there, and their claims min_shared_context concepts.
        # A claim too short to hold min_shared_context concepts ("He said 45 buildings had
        # collapsed") must share all it has.
        context = [b for b in comparable
                   if len(a.context & b.context) >= max(1, min(
                       rules.quantities.min_shared_context, len(a.context), len(b.context)))
                   and a.near & b.near]
        if a.kind == "date":
            context = [b for b in context if _same_event(a, b)]
        else:
            # "$140 million over eight years" and "$20 million between 2011 and 2014" are
            # sums of different periods: values are compared only under the same periods.
            context = [b for b in context if a.periods == b.periods]
        if not context or any(_meet(a, b) for b in comparable):
            continue
        b = max(context, key=lambda v: len(a.context & v.context))
        # The same disagreement is read once, from the side seen first.
        if any(_meet(b, other) for other in a_values if _comparable(b, other)):
            continue
        kind = "date" if a.kind == "date" else "number"
        yield (
            kind,
            Evidence(left.outlet, left.article, left.field, a.start, a.end, a.text),
            Evidence(right.outlet, right.article, right.field, b.start, b.end, b.text),
            f"{a.shown} vs {b.shown}",
        )


# An age right after a name ("Okafor, 58,") or just before it, with at most a capitalised
# title between ("the 58-year-old Okafor", "58-year-old Sen. Jones"; not "a 21-year-old intern
# working for Senator Smith").
_AGE_AFTER = re.compile(r",\s(\d{1,3}),")
# ... or in an appositive right after it ("Jelena Markovic, a 24-year-old student").
_AGE_APPOSITIVE = re.compile(r",\s(?:an?|the)\s(\d{1,3})-year-old\b")
_AGE_BEFORE = re.compile(r"\b(\d{1,3})-year-old\s+(?:[A-Z][\w.'’-]*\s+){0,3}$")
_AGE_FOUND_BY = "compare.contradictions.age.v1"


@dataclass(frozen=True, slots=True)
class _Age:
    years: int
    value: Evidence
    statement: Evidence


def _age_contradictions(view: StoryView) -> Iterator[Contradiction]:
    ages: dict[str, dict[str, list[_Age]]] = {}
    published = {}
    for article in view.articles:
        published[article.outlet] = article.analyzed.article.published
        for entity in article.analyzed.entities:
            if entity.label != "PERSON":
                continue
            name = article.entity_names.get(entity.id, entity.name)
            for mention in entity.mentions:
                for age in _ages_at(article, mention.start, mention.end):
                    ages.setdefault(name, {}).setdefault(article.outlet, []).append(age)
    for name, per_outlet in ages.items():
        outlets = list(per_outlet)
        for i, left_outlet in enumerate(outlets):
            for right_outlet in outlets[i + 1 :]:
                left = per_outlet[left_outlet][0]
                if any(a.years == left.years for a in per_outlet[right_outlet]):
                    continue
                right = per_outlet[right_outlet][0]
                same_day = (published[left_outlet] is not None
                            and published[left_outlet] == published[right_outlet])
                if abs(left.years - right.years) < 2 and not same_day:
                    continue
                yield Contradiction(
                    fact=f"person:{name}", kind="age", left=left.value, right=right.value,
                    left_statement=left.statement, right_statement=right.statement,
                    differs=f"{name}, {left.years} vs {right.years}", found_by=_AGE_FOUND_BY,
                )


def _ages_at(article: StoryArticleView, start: int, end: int) -> list[_Age]:
    body = article.body
    found = []
    after = _AGE_AFTER.match(body, end) or _AGE_APPOSITIVE.match(body, end)
    if after:
        found.append((after.start(1), after.end(1)))
    before = _AGE_BEFORE.search(body, max(0, start - 60), start)
    if before:
        found.append((before.start(1), before.end(1)))
    ages = []
    for value_start, value_end in found:
        years = int(body[value_start:value_end])
        sentence = next((s for s in article.sentences if s.start <= value_start < s.end), None)
        if sentence is None or not 0 < years < 120:
            continue
        ages.append(_Age(
            years, article.evidence(value_start, value_end),
            article.evidence(sentence.start, sentence.end),
        ))
    return ages


_AGENT_LABELS = frozenset({"PERSON", "ORG"})
_RELAY = re.compile(r"(?i)\s*according\b")


@dataclass(frozen=True, slots=True)
class _Agent:
    source: Evidence  # the source span
    name: str  # story-wide name
    content: frozenset[str]  # content concepts of what is attributed, within the sentence


def _agents(statement: Evidence, article: StoryArticleView, rules: CompareRules
            ) -> list[_Agent]:
    """The attributions in a sentence whose source is a named person or organisation."""
    found = []
    body = article.body
    for attribution in article.analyzed.attributions:
        content, source = attribution.content, attribution.source
        if source is None or not statement.start <= content.start < statement.end:
            continue
        entity = article.entity(attribution.entity)
        if entity is None or entity.label not in _AGENT_LABELS:
            continue
        name = article.entity_names.get(entity.id, entity.name)
        # Only a source that names the agent counts: a pronoun or a description ("he", "the
        # governor") resolved to someone is a guess, and "according to" relays a report whose
        # speaker may be another (a reporter relaying the speaker's words).
        if not _named(name, body[source.start : source.end]) or _RELAY.match(
            attribution.cue.text
        ):
            continue
        text = body[content.start : min(content.end, statement.end)]
        concepts = frozenset(
            c for c in (rules.synonyms.get(w, w) for w in content_words(text))
            if c not in rules.frame_words
        )
        found.append(_Agent(article.evidence(source.start, source.end), name, concepts))
    return found


def _agent_contradictions(
    left: Evidence, right: Evidence, articles: dict[str, StoryArticleView], rules: CompareRules
) -> Iterator[tuple[str, Evidence, Evidence, str]]:
    if left.article not in articles or right.article not in articles:
        return
    settings = rules.quantities
    for a in _agents(left, articles[left.article], rules):
        for b in _agents(right, articles[right.article], rules):
            shared = a.content & b.content
            union = a.content | b.content
            if (a.name == b.name or len(shared) < settings.min_agent_words
                    or len(shared) < settings.min_agent_overlap * len(union)):
                continue
            # An outlet that names both ("Price, quoting Blinken") gives no other agent.
            if _named(b.name, left.text) or _named(a.name, right.text):
                continue
            yield "agent", a.source, b.source, f"{a.name} vs {b.name}"


def _named(name: str, text: str) -> bool:
    last = name.split()[-1] if name.split() else name
    return re.search(rf"(?<!\w){re.escape(last)}(?!\w)", text) is not None


def _comparable(a: _Value, b: _Value) -> bool:
    # A relative date ("on Tuesday") read against two different publication days is no
    # evidence of a disagreement: the outlets may mean the same day.
    if a.kind == "date" and (a.anchor or b.anchor) and a.anchor != b.anchor:
        return False
    return a.kind == b.kind


def _same_event(a: _Value, b: _Value) -> bool:
    """Whether two dates date one event: the events the parse attaches them to share a
    lower-case content concept ("made [the offer]" / "[the proposal] on the table")."""
    return bool(a.event & b.event)


def _meet(a: _Value, b: _Value) -> bool:
    # Two written values cover half a unit each side, rounded half up: "15 people" and "16
    # people" touch at 15.5 but do not meet; a bound ("at least 16") and a date meet what they
    # touch.
    if a.kind == "date" or any(math.isinf(x) for x in (a.low, a.high, b.low, b.high)):
        return a.low <= b.high and b.low <= a.high
    return a.low < b.high and b.low < a.high


def _values(sentence: Evidence, times: Sequence[TimeExpression], rules: CompareRules
            ) -> list[_Value]:
    clauses = _clauses(sentence.text)
    # A relative clause set off by commas describes a noun, not the sentence's claim: "Okafor,
    # who ran the county's finances for a decade, was sentenced to eight years" names no
    # period of the sentence (what the value is about still reads the whole claim).
    scopes = _clauses(sentence.text, asides=True)
    values = []
    found = quantities(sentence.text, rules.quantities)
    # A time right after another event's words ("The demonstrations began last month after a
    # collapse killed 15 people": "last month" dates the beginning) is no period of a value
    # outside that event (``events``: such times' event spans; the parse's event of a time
    # further on is a guess, and such a time stays a period of its claim).
    periods = [
        (t.start - sentence.start, t.end - sentence.start, str(t.value))
        for t in times
        if sentence.start <= t.start and t.end <= sentence.end and t.value is not None
        and t.granularity in _PERIODS
    ] + [(q.start, q.end, f"{q.low:g}-{q.high:g}s") for q in found if q.kind == "duration"]
    events = {
        t.start - sentence.start: (t.event.start - sentence.start, t.event.end - sentence.start)
        for t in times
        if t.event is not None and 0 <= t.start - t.event.end <= 2
    }
    for q in found:
        unit_words = set(content_words(q.shown)) | {
            rules.synonyms.get(w, w)
            for word in rules.quantities.kind_words.get(q.kind, ())
            for w in content_words(word)
        }
        # A count of one thing in other words is a count of the same thing ("1,500
        # employees", "1,200 workers": data/synonyms.toml).
        kind = q.kind
        if kind.startswith("count:"):
            counted = kind.removeprefix("count:")
            kind = f"count:{rules.synonyms.get(counted, counted)}"
        values.append(_Value(
            sentence.start + q.start, sentence.start + q.end, q.text, kind, q.low, q.high,
            q.shown, _context(sentence.text, clauses, q.start, rules) - unit_words,
            _near(sentence.text, q.start, q.end, rules) - unit_words,
            periods=frozenset(
                value for start, end, value in periods
                if (start, end) != (q.start, q.end) and _in_claim(scopes, q.start, start)
                and _dates_the_value(events.get(start), q.start)
            ),
        ))
    for time in times if rules.quantities.dates else ():
        if not (sentence.start <= time.start and time.end <= sentence.end):
            continue
        if time.value is None or time.granularity not in _MOMENTS:
            continue
        text = sentence.text[time.start - sentence.start : time.end - sentence.start]
        since = text.lower().startswith("since")
        span = _date_span(time.value, since=since, rules=rules.times)
        if span is None:
            continue
        point = time.value.split("/")[0] if since else time.value
        values.append(_Value(
            time.start, time.end, text, "date", span[0], span[1],
            readable_time(point, rules.times),
            _context(sentence.text, clauses, time.start - sentence.start, rules)
            - set(content_words(text)),
            _near(sentence.text, time.start - sentence.start, time.end - sentence.start, rules)
            - set(content_words(text)),
            event=_event(time, sentence, rules) - set(content_words(text)),
            anchor=time.anchor if time.relative else None,
        ))
    return values


def _event(time: TimeExpression, sentence: Evidence, rules: CompareRules) -> frozenset[str]:
    # The lower-case content concepts of the event a date belongs to, within its sentence
    # (names left out: a shared name does not make two events one).
    if time.event is None:
        return frozenset()
    start = max(time.event.start, sentence.start) - sentence.start
    end = min(time.event.end, sentence.end) - sentence.start
    if end <= start:
        return frozenset()
    lowered = " ".join(w for w in sentence.text[start:end].split() if w[:1].islower())
    return frozenset(
        c for c in (rules.synonyms.get(w, w) for w in content_words(lowered))
        if c not in rules.frame_words
    )


def _near(text: str, start: int, end: int, rules: CompareRules) -> frozenset[str]:
    # The content concepts of the NEAR_WORDS words on either side of a value, in its claim.
    clause_start = max((m.end() for m in _CLAIM_BREAK.finditer(text, 0, start)), default=0)
    following = _CLAIM_BREAK.search(text, end)
    clause_end = following.start() if following else len(text)
    before = text[clause_start:start].split()[-NEAR_WORDS:]
    after = text[end:clause_end].split()[:NEAR_WORDS]
    return frozenset(
        c for c in (rules.synonyms.get(w, w) for w in content_words(" ".join(before + after)))
        if c not in rules.frame_words
    )


def _dates_the_value(event: tuple[int, int] | None, at: int) -> bool:
    """Whether a time may date the value at ``at``: the parse tied it to no event, or to one
    that holds the value."""
    return event is None or event[0] <= at < event[1]


def _in_claim(clauses: list[tuple[int, int]], at: int, other: int) -> bool:
    """Whether offsets ``at`` and ``other`` of a sentence fall in one claim."""
    return any(start <= at < end and start <= other < end for start, end in clauses)


def _clauses(text: str, *, asides: bool = False) -> list[tuple[int, int]]:
    spans, at = [], 0
    for start, end in _breaks(text, asides=asides):
        spans.append((at, start))
        at = end
    spans.append((at, len(text)))
    return spans


def _breaks(text: str, *, asides: bool) -> list[tuple[int, int]]:
    """Where the sentence's claims end: the strong breaks, and with ``asides`` the comma that
    closes a relative clause set off by commas."""
    breaks = []
    for match in _CLAIM_BREAK.finditer(text):
        breaks.append((match.start(), match.end()))
        if asides and _ASIDE.match(match.group()):
            closing = text.find(", ", match.end())
            following = _CLAIM_BREAK.search(text, match.end())
            if closing >= 0 and (following is None or closing < following.start()):
                breaks.append((closing, closing + 2))
    return sorted(breaks)


def _context(
    text: str, clauses: list[tuple[int, int]], at: int, rules: CompareRules
) -> frozenset[str]:
    # The concepts of the claim holding the value: what the value is a value of.
    for start, end in clauses:
        if start <= at < end:
            return frozenset(
                c for c in (rules.synonyms.get(w, w) for w in content_words(text[start:end]))
                if c not in rules.frame_words
            )
    return frozenset()


def _date_span(value: str, *, since: bool, rules: TimeRules) -> tuple[float, float] | None:
    # A time value as ordinal days [first, last]; "since June" is the month it starts in.
    if since or "/" in value:
        start, _, end = value.partition("/")
        if since:
            end = ""
        first = _bounds(start, rules) if start not in {"", ".."} else None
        last = _bounds(end, rules) if end not in {"", ".."} else None
        if first is None and last is None:
            return None
        low = first[0] if first else -math.inf
        high = last[1] if last else (first[1] if since and first else math.inf)
        return low, high
    return _bounds(value, rules)


def _bounds(value: str, rules: TimeRules) -> tuple[float, float] | None:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.date.fromisoformat(value).toordinal()
            return float(day), float(day)
        if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
            year, number = int(match[1]), int(match[2])
            if 1 <= number <= 12:
                first = dt.date(year, number, 1)
                following = dt.date(year + number // 12, number % 12 + 1, 1)
                return float(first.toordinal()), float(following.toordinal() - 1)
            for season in rules.seasons.values():
                if season.code == number:
                    first_month, last_month = season.months[0], season.months[-1]
                    last_year = year + 1 if last_month < first_month else year
                    last = dt.date(last_year, last_month,
                                   calendar.monthrange(last_year, last_month)[1])
                    return (float(dt.date(year, first_month, 1).toordinal()),
                            float(last.toordinal()))
            return None
        if re.fullmatch(r"\d{4}", value):
            year = int(value)
            return (float(dt.date(year, 1, 1).toordinal()),
                    float(dt.date(year, 12, 31).toordinal()))
    except ValueError:
        return None
    return None

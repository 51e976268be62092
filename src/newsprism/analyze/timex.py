"""Time expressions: found in an article's body and normalised against its publication day.

The words come from ``data/timex.toml``; the grammar is a handful of patterns built from them:

    calendar dates     "November 7, 2022", "Nov. 7", "7 November", "2022-11-07"      -> day
    months             "in June 2021" -> month; "in late April" -> range of days
    years              "in 2012" -> year; "early 2021" -> range of months; "the 1990s"
    weekdays           "on Friday", "last Tuesday", "Thursday night"                 -> day
    day words          "today", "yesterday", "tonight"                               -> day
    calendar periods   "this week" -> week; "last month" -> month; "earlier this week" -> range
    counted back       "two days ago" -> day; "more than a year ago" -> open range
    stretches          "the past two years", "the next three months"                 -> range
    seasons            "last summer", "spring 2021"                                  -> season
    durations          "12 years" -> "P12Y"; "roughly 25 minutes" -> "PT25M"
    clock times        "3 p.m.", "noon"                                              -> time

Values are ISO 8601 strings as :class:`~newsprism.model.TimeExpression` documents them; interval
ends may have reduced precision ("2022-06/2022-07-29", "since June") or be open ("../2021-07-29",
"more than a year ago"), as ISO 8601-2 allows. A weekday, a month or a day without a year is
resolved by the tense of the sentence: the nearest one on or before the publication day, or on or
after it when the governing verb is in the future tense ("will meet on Friday") or is a verb of
scheduling. A relative expression with no publication day keeps ``value=None``.

Ambiguous forms count only where the spaCy model also found a date: a bare year ("2012"), a bare
month name without a preposition, year or part before it.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.datafile import DataFile, integer, read_data_file, string, table, words
from newsprism.errors import ConfigError
from newsprism.model import Granularity, Span, TimeExpression

# spaCy types for typing only: the time vocabulary (TimeRules) is read without loading spaCy.
if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["TimeRules", "find_times", "load_time_rules"]

logger = logging.getLogger(__name__)

RULES_FILE = "timex.toml"
_DATE_LABELS = frozenset({"DATE", "TIME"})
_OPEN = ".."


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of duration: ISO designator, multiplier, clock part, precision of a point."""

    designator: str
    times: int
    clock: bool
    granularity: Granularity


@dataclass(frozen=True, slots=True)
class Part:
    """A part of a month or year ("late"): day bounds in a month, month bounds in a year."""

    month_days: tuple[int, int]
    year_months: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Season:
    """A season's ISO 8601-2 code and months."""

    code: int
    months: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TimeRules:
    """The vocabulary of ``timex.toml`` and the patterns compiled from it.

    Attributes:
        weekdays: Lower-case name -> ISO weekday.
        months: Lower-case name or abbreviation -> month number.
        numbers: Number word -> value.
        units: Singular and plural unit word -> unit.
        parts: Part word ("late", "the end of") -> part.
        seasons: Season word -> season.
        relative_days: Day word -> offset from the publication day.
        clock: Clock word -> "HH:MM".
        lower_bounds: Approximators making "ago" an interval open towards the past.
        upper_bounds: Approximators making "ago" an interval ending at the publication day.
        since: Prepositions that make a point an interval up to the publication day.
        forward: Prepositions that point ahead of the publication day ("by the summer").
        future_auxiliaries: Auxiliaries of the future tense.
        modal_auxiliaries: Modals that look ahead unless followed by "have".
        future_verbs: Lemmas of verbs of scheduling.
        duration_leads: Words after which "a"/"an" with a unit is a duration.
        earliest_year: Bare years before this are not dates.
        latest_year: Bare years after this are not dates.
        patterns: The compiled patterns, in order of preference for equal lengths.
        where: The file the rules were read from.
    """

    weekdays: Mapping[str, int]
    months: Mapping[str, int]
    numbers: Mapping[str, float]
    units: Mapping[str, Unit]
    parts: Mapping[str, Part]
    seasons: Mapping[str, Season]
    relative_days: Mapping[str, int]
    clock: Mapping[str, str]
    lower_bounds: frozenset[str]
    upper_bounds: frozenset[str]
    since: frozenset[str]
    forward: frozenset[str]
    future_auxiliaries: frozenset[str]
    modal_auxiliaries: frozenset[str]
    future_verbs: frozenset[str]
    duration_leads: frozenset[str]
    earliest_year: int
    latest_year: int
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    where: str


def load_time_rules(path: Path | None = None) -> TimeRules:
    """Read the time vocabulary and compile the patterns.

    Args:
        path: A file laid out as ``data/timex.toml``; ``None`` reads the packaged one.

    Raises:
        ConfigError: A table is missing, an entry has the wrong type or an unknown value; the
            message names ``file:line``.
    """
    file = read_data_file(RULES_FILE, path)
    weekdays = _numbered(file, "weekdays", 1, 7)
    full_months = _numbered(file, "months", 1, 12)
    abbreviations = _numbered(file, "month_abbreviations", 1, 12)
    numbers = _numbers(file)
    units = _units(file)
    parts = _parts(file)
    seasons = _seasons(file)
    relative_days = {
        key.lower(): integer(file, value_table, key, name=f"relative_days.{key}")
        for value_table in [table(file, "relative_days")]
        for key in value_table
    }
    clock_table = table(file, "clock")
    clock = {}
    for key in clock_table:
        value = string(file, clock_table, key, name=f"clock.{key}")
        if not re.fullmatch(r"\d{2}:\d{2}", value):
            raise ConfigError(f'clock.{key} must be "HH:MM", got {value!r}', where=file.at(key))
        clock[key.lower()] = value
    approximators = table(file, "approximators")
    prepositions = table(file, "prepositions")
    tense = table(file, "tense")
    years = table(file, "years")
    durations = table(file, "durations")
    lower = words(file, approximators, "lower", name="approximators.lower")
    upper = words(file, approximators, "upper", name="approximators.upper")
    vague = words(file, approximators, "vague", name="approximators.vague")
    kept = words(file, prepositions, "kept", name="prepositions.kept")
    since = words(file, prepositions, "since", name="prepositions.since")
    forward = words(file, prepositions, "forward", name="prepositions.forward")
    vocabulary = _Vocabulary(
        weekdays=tuple(weekdays),
        months=tuple(full_months),
        abbreviations=tuple(abbreviations),
        numbers=tuple(numbers),
        units=tuple(units),
        parts=tuple(parts),
        seasons=tuple(seasons),
        relative_days=tuple(relative_days),
        clock=tuple(clock),
        approximators=(*lower, *upper, *vague),
        prepositions=kept,
    )
    return TimeRules(
        weekdays=weekdays,
        months={**full_months, **abbreviations},
        numbers=numbers,
        units=units,
        parts=parts,
        seasons=seasons,
        relative_days=relative_days,
        clock=clock,
        lower_bounds=frozenset(w.lower() for w in lower),
        upper_bounds=frozenset(w.lower() for w in upper),
        since=frozenset(w.lower() for w in since),
        forward=frozenset(w.lower() for w in forward),
        future_auxiliaries=frozenset(
            w.lower() for w in words(file, tense, "future_auxiliaries", name="tense")
        ),
        modal_auxiliaries=frozenset(
            w.lower() for w in words(file, tense, "modal_auxiliaries", name="tense")
        ),
        future_verbs=frozenset(w.lower() for w in words(file, tense, "future_verbs", name="tense")),
        duration_leads=frozenset(
            w.lower() for w in words(file, durations, "article_leads", name="durations")
        ),
        earliest_year=integer(file, years, "earliest", name="years.earliest"),
        latest_year=integer(file, years, "latest", name="years.latest"),
        patterns=_compile(vocabulary),
        where=file.where,
    )


def find_times(
    doc: Doc, *, published: dt.date | None, rules: TimeRules
) -> tuple[TimeExpression, ...]:
    """Find and normalise the time expressions of a parsed text.

    Args:
        doc: The parsed article body; offsets of the results index into ``doc.text``.
        published: The publication day that relative expressions are resolved against; with
            ``None`` they keep ``value=None`` and ``anchor=None``.
        rules: The vocabulary and patterns (:func:`load_time_rules`).

    Returns:
        Non-overlapping expressions in text order; where two overlap, the longer wins.
    """
    text = doc.text
    date_chars = _entity_chars(doc)
    found: list[tuple[int, int, int, _Reading]] = []
    for order, (kind, pattern) in enumerate(rules.patterns):
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            reading = _READERS[kind](match, _Context(doc, rules, published, date_chars))
            if reading is not None:
                found.append((match.start(), match.end(), order, reading))
    chosen: list[tuple[int, int, _Reading]] = []
    for start, end, _order, reading in sorted(found, key=lambda f: (f[0] - f[1], f[2], f[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, reading))
    results = []
    for start, end, reading in sorted(chosen, key=lambda c: c[0]):
        relative = reading.relative
        results.append(
            TimeExpression(
                start=start,
                end=end,
                text=text[start:end],
                value=reading.value,
                granularity=reading.granularity,
                anchor=published if relative and published is not None else None,
                relative=relative,
                event=_event(doc, start, end),
            )
        )
    return tuple(_joined_ranges(_in_the_sentences_year(results, doc), text))


# A month or day whose year the sentence gave before it: "passed in 2023 ... and signed in May".
_STATED_YEAR = re.compile(r"(?<!\d)\d{4}$")
_PERIOD_WORDS = frozenset({"since", "from", "between", "until", "till", "through", "by", "before",
                           "after"})
_YEAR_OF_VALUE = re.compile(r"\b\d{4}(?=-\d{2})")
_YEARLESS = frozenset({Granularity.MONTH, Granularity.DAY, Granularity.RANGE})


def _in_the_sentences_year(found: list[TimeExpression], doc: Doc) -> list[TimeExpression]:
    """A month or a day written without a year ("in May", "on May 3") takes the year that an
    earlier date of its sentence states ("in 2023", "in June 2023"), not the publication day's:
    the sentence has said which year it speaks of. "last May", "next May" keep their reading,
    as does a period's end ("before May"), and an expression after "since 2019" or "from 2019"
    (a period's start, not its year)."""
    out = list(found)
    for index, time in enumerate(found):
        if not (time.relative and time.value and time.granularity in _YEARLESS):
            continue
        words = time.text.lower().split()
        if words[0] in _PERIOD_WORDS or {"last", "next", "this", "past", "coming"} & set(words):
            continue
        span = doc.char_span(time.start, time.end, alignment_mode="expand")
        if span is None:
            continue
        sentence = span[0].sent
        stated = [
            earlier for earlier in found[:index]
            if sentence.start_char <= earlier.start and not earlier.relative and earlier.value
            and earlier.granularity in (Granularity.YEAR, Granularity.MONTH, Granularity.DAY)
            and _STATED_YEAR.search(earlier.text)
            and earlier.text.lower().split()[0] not in _PERIOD_WORDS
        ]
        year = str(stated[-1].value)[:4] if stated else ""
        if not year.isdigit():
            continue
        out[index] = dataclasses.replace(
            time, value=_YEAR_OF_VALUE.sub(year, time.value), relative=False, anchor=None
        )
    return out


# What stands between the two ends of a range ("from June to August", "between 2011 and 2014"),
# and the words that open one.
_RANGE_LINK = re.compile(r"\s*(?:to|until|till|through|thru|and|-|–|—)\s*", re.IGNORECASE)
_RANGE_OPEN = re.compile(r"(?i)(?:\bfrom\s+$|\bbetween\s+$|^from\s|^between\s)")
_RANGE_CLOSE = re.compile(r"(?i)^(?:to|until|till|through|thru)\s")


def _joined_ranges(found: list[TimeExpression], text: str) -> list[TimeExpression]:
    """Two expressions that open and close one range ("from 2009 to 2017", "between 2011 and
    2014", "from January through March") as one expression of granularity ``RANGE``, its value
    the ISO interval from the first's start to the second's end."""
    joined: list[TimeExpression] = []
    for time in found:
        first = joined[-1] if joined else None
        if first is not None and _closes_range(first, time, text):
            assert first.value is not None and time.value is not None
            joined[-1] = TimeExpression(
                start=first.start,
                end=time.end,
                text=text[first.start : time.end],
                value=f"{first.value.split('/')[0]}/{time.value.split('/')[-1]}",
                granularity=Granularity.RANGE,
                anchor=first.anchor or time.anchor,
                relative=first.relative or time.relative,
                event=first.event,
            )
            continue
        joined.append(time)
    return joined


def _closes_range(first: TimeExpression, second: TimeExpression, text: str) -> bool:
    if first.value is None or second.value is None or first.granularity is Granularity.RANGE:
        return False
    if first.granularity in (Granularity.TIME, Granularity.DURATION) or (
        second.granularity in (Granularity.TIME, Granularity.DURATION)
    ):
        return False
    gap = text[first.end : second.start]
    opened = _RANGE_OPEN.search(text[max(0, first.start - 9) : first.start]) or (
        _RANGE_OPEN.search(first.text)
    )
    if not opened:
        return False
    between = opened.group().strip().lower() == "between"
    if between:
        return gap.strip().lower() == "and"
    return bool(_RANGE_LINK.fullmatch(gap) and gap.strip().lower() != "and") or (
        not gap.strip() and bool(_RANGE_CLOSE.match(second.text))
    )


# --- what an expression dates -----------------------------------------------------------------

# Children of an event's verb that belong to the event: who did it, what to, and how it is said.
_EVENT_DEPS = frozenset(
    {"nsubj", "nsubjpass", "dobj", "obj", "attr", "prt", "neg", "aux", "auxpass", "acomp", "dative"}
)
# Parts of an event's noun phrases that describe rather than name ("a swap involving ...").
_NOT_EVENT_DEPS = frozenset({"acl", "relcl", "appos", "punct", "cc", "conj", "advcl", "prep"})


def _event(doc: Doc, start: int, end: int) -> Span | None:
    """The event the expression at ``start:end`` dates: the first verb or noun above it.

    A verb's event is the verb with its subject, objects, particles and auxiliaries ("Moscow
    and Washington completed a prisoner swap"); a noun's is its phrase ("the Geneva meeting").
    Descriptive clauses, appositives and prepositional phrases are left out, and so is the time
    expression itself when it stands at either edge.
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    inside = range(span.start, span.end)
    head = span.root.head
    while head.i in inside or head.pos_ not in ("VERB", "AUX", "NOUN", "PROPN"):
        if head.head.i == head.i:
            return None
        head = head.head
    if head.pos_ in ("VERB", "AUX"):
        words = {head.i}
        for child in head.children:
            if child.dep_ in _EVENT_DEPS and child.i not in inside:
                words.update(_phrase(child, inside))
        objects = [c for c in head.children if c.dep_ in ("dobj", "obj", "attr", "acomp")]
        if not objects:
            # "spoke with Lavrov", "has been on the table": without an object, the verb's
            # first prepositional phrase says what happened.
            preps = [c for c in head.children if c.dep_ == "prep" and c.i not in inside]
            objects = [c for c in preps[0].children if c.dep_ == "pobj"] if preps else []
            if objects and objects[0].i not in inside:
                words.add(preps[0].i)
                words.update(_phrase(objects[0], inside))
        subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if head.dep_ == "relcl" and subjects and subjects[0].tag_ in ("WDT", "WP"):
            # "That proposal, which has been on the table": the relative pronoun stands for
            # the noun phrase right before it.
            antecedent = _phrase(head.head, inside)
            between = doc[max(antecedent) + 1 : head.left_edge.i]
            if all(token.is_punct for token in between):
                words.update(antecedent)
    else:
        words = _phrase(head, inside)
    words -= set(inside)
    if not words:
        return None
    first, last = min(words), max(words)
    return Span(doc[first].idx, doc[last].idx + len(doc[last]), doc[first : last + 1].text)


def _phrase(token: Token, outside: range) -> set[int]:
    """A noun phrase's tokens without its descriptive parts or the tokens in ``outside``."""
    words = {token.i}
    for child in token.children:
        if child.dep_ not in _NOT_EVENT_DEPS and child.i not in outside:
            words.update(_phrase(child, outside))
    return words


# --- reading matches --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reading:
    value: str | None
    granularity: Granularity
    relative: bool


@dataclass(frozen=True, slots=True)
class _Context:
    doc: Doc
    rules: TimeRules
    published: dt.date | None
    date_chars: frozenset[int]

    def tense(self, start: int, end: int) -> str | None:
        return _tense(self.doc, start, end, self.rules)

    def looking(self, match: re.Match[str]) -> str | None:
        """The tense that places an expression without a year: a forward preposition ("by
        the summer") looks ahead unless the governing verb is in the past tense."""
        tense = self.tense(match.start(), match.end())
        prep = match.groupdict().get("prep")
        if prep and _words_of(prep) in self.rules.forward and tense != "past":
            return "future"
        return tense

    def in_date_entity(self, start: int, end: int) -> bool:
        return all(i in self.date_chars for i in range(start, end))

    def noun_follows(self, start: int, end: int) -> bool:
        """Whether a noun follows ``start:end`` ("in 2000 cases": a count, not a year)."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or span.end >= len(self.doc):
            return False
        return self.doc[span.end].pos_ in ("NOUN", "PROPN")


def _read_iso(match: re.Match[str], ctx: _Context) -> _Reading | None:
    day = _day(int(match["y"]), int(match["m"]), int(match["d"]))
    return _since(match, ctx, _Reading(day.isoformat(), Granularity.DAY, False)) if day else None


def _read_day(match: re.Match[str], ctx: _Context) -> _Reading | None:
    month = ctx.rules.months[match["mon"].lower().rstrip(".")]
    day_number = int(match["d"])
    if match["y"]:
        day = _day(int(match["y"]), month, day_number)
        return (
            _since(match, ctx, _Reading(day.isoformat(), Granularity.DAY, False)) if day else None
        )
    if day_number > calendar.monthrange(2000, month)[1]:
        return None
    if ctx.published is None:
        return _since(match, ctx, _Reading(None, Granularity.DAY, True))
    year = _year_for(ctx.published, month, day_number, ctx.looking(match))
    day = _day(year, month, day_number)
    return _since(match, ctx, _Reading(day.isoformat() if day else None, Granularity.DAY, True))


def _read_month(match: re.Match[str], ctx: _Context) -> _Reading | None:
    month = ctx.rules.months[match["mon"].lower()]
    part = ctx.rules.parts[_words_of(match["part"])] if match["part"] else None
    relation = match["rel"].lower() if match["rel"] else None
    has_context = bool(match["y"] or part or relation or match["prep"])
    if not has_context and not ctx.in_date_entity(match.start("mon"), match.end("mon")):
        return None
    granularity = Granularity.RANGE if part else Granularity.MONTH
    if match["y"]:
        year, relative = int(match["y"]), False
    elif ctx.published is None:
        return _since(match, ctx, _Reading(None, granularity, True))
    else:
        year, relative = _month_year(ctx, match, month, relation), True
    if part is None:
        return _since(match, ctx, _Reading(f"{year:04d}-{month:02d}", granularity, relative))
    last = calendar.monthrange(year, month)[1]
    first_day = dt.date(year, month, part.month_days[0])
    last_day = dt.date(year, month, min(part.month_days[1], last))
    return _since(match, ctx, _Reading(_interval(first_day, last_day), granularity, relative))


def _read_year(match: re.Match[str], ctx: _Context) -> _Reading | None:
    year = int(match["y"])
    if not ctx.rules.earliest_year <= year <= ctx.rules.latest_year:
        return None
    if match["part"]:
        part = ctx.rules.parts[_words_of(match["part"])]
        value = f"{year:04d}-{part.year_months[0]:02d}/{year:04d}-{part.year_months[1]:02d}"
        return _since(match, ctx, _Reading(value, Granularity.RANGE, False))
    if not ctx.in_date_entity(match.start("y"), match.end("y")) and (
        not match["prep"] or ctx.noun_follows(match.start("y"), match.end("y"))
    ):
        return None
    return _since(match, ctx, _Reading(f"{year:04d}", Granularity.YEAR, False))


def _read_decade(match: re.Match[str], ctx: _Context) -> _Reading | None:
    first = int(match["decade"])
    if not ctx.rules.earliest_year <= first <= ctx.rules.latest_year:
        return None
    return _Reading(f"{first:04d}/{first + 9:04d}", Granularity.RANGE, False)


def _read_weekday(match: re.Match[str], ctx: _Context) -> _Reading | None:
    if ctx.published is None:
        return _since(match, ctx, _Reading(None, Granularity.DAY, True))
    weekday = ctx.rules.weekdays[match["wd"].lower()]
    relation = match["rel"].lower() if match["rel"] else None
    published = ctx.published
    back = (published.isoweekday() - weekday) % 7
    if relation == "last":
        day = published - dt.timedelta(days=back or 7)
    elif relation == "next":
        day = published + dt.timedelta(days=(weekday - published.isoweekday()) % 7 or 7)
    elif relation == "this":
        day = published + dt.timedelta(days=weekday - published.isoweekday())
    elif ctx.looking(match) == "future":
        day = published + dt.timedelta(days=(weekday - published.isoweekday()) % 7)
    else:
        day = published - dt.timedelta(days=back)
    return _since(match, ctx, _Reading(day.isoformat(), Granularity.DAY, True))


def _read_day_word(match: re.Match[str], ctx: _Context) -> _Reading | None:
    if ctx.published is None:
        return _since(match, ctx, _Reading(None, Granularity.DAY, True))
    offset = ctx.rules.relative_days[_words_of(match["dayword"])]
    day = ctx.published + dt.timedelta(days=offset)
    return _since(match, ctx, _Reading(day.isoformat(), Granularity.DAY, True))


def _read_period(match: re.Match[str], ctx: _Context) -> _Reading | None:
    relation = match["rel"].lower()
    period = match["per"].lower()
    edge = match["edge"].lower() if match["edge"] else None
    season = ctx.rules.seasons.get(period)
    granularity = _period_granularity(period, relation, edge, season is not None)
    if ctx.published is None:
        return _Reading(None, granularity, True)
    published = ctx.published
    shift = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(relation, 0)
    if season is not None:
        return _Reading(_season_value(published, season, shift), granularity, True)
    unit = ctx.rules.units.get(period)
    if relation in ("past", "previous") and unit is not None:
        # "the past week" is the seven days up to publication, not the calendar week before.
        return _Reading(_interval(_minus(published, unit, 1), published), granularity, True)
    first, last = _period_bounds(published, period, shift)
    if edge == "earlier":
        return _Reading(_interval(first, min(last, published)), granularity, True)
    if edge == "later":
        return _Reading(_interval(max(first, published), last), granularity, True)
    if period in ("week", "weekend"):
        return _Reading(_interval(first, last), granularity, True)
    if period == "month":
        return _Reading(f"{first.year:04d}-{first.month:02d}", granularity, True)
    return _Reading(f"{first.year:04d}", granularity, True)


def _read_ago(match: re.Match[str], ctx: _Context) -> _Reading | None:
    count = _number(match["num"], ctx.rules)
    unit = ctx.rules.units[match["unit"].lower()]
    bound = _words_of(match["approx"]) if match["approx"] else None
    granularity = unit.granularity
    if unit.clock:
        granularity = Granularity.DAY
    if bound in ctx.rules.lower_bounds or bound in ctx.rules.upper_bounds:
        granularity = Granularity.RANGE
    if count is None:
        return None
    if ctx.published is None:
        return _Reading(None, granularity, True)
    published = ctx.published
    point = _minus(published, unit, count)
    if bound in ctx.rules.lower_bounds:
        return _Reading(f"{_OPEN}/{point.isoformat()}", granularity, True)
    if bound in ctx.rules.upper_bounds:
        return _Reading(_interval(point, published), granularity, True)
    return _Reading(_point(point, granularity), granularity, True)


def _read_stretch(match: re.Match[str], ctx: _Context) -> _Reading | None:
    count = _number(match["num"], ctx.rules)
    unit = ctx.rules.units[match["unit"].lower()]
    if count is None or unit.clock:
        return None
    if ctx.published is None:
        return _Reading(None, Granularity.RANGE, True)
    published = ctx.published
    if match["rel"].lower() in ("next", "coming"):
        return _Reading(
            _interval(published, _minus(published, unit, -count)), Granularity.RANGE, True
        )
    return _Reading(_interval(_minus(published, unit, count), published), Granularity.RANGE, True)


def _read_season(match: re.Match[str], ctx: _Context) -> _Reading | None:
    season = ctx.rules.seasons[match["season"].lower()]
    if match["y"]:
        return _Reading(f"{int(match['y']):04d}-{season.code}", Granularity.SEASON, False)
    if not (match["prep"] and match["the"]):
        # A bare "spring" or "the fall" is as often no time at all.
        return None
    if ctx.published is None:
        return _Reading(None, Granularity.SEASON, True)
    shift = 1 if ctx.looking(match) == "future" else -1
    if _season_instance(ctx.published, season, 0, containing_only=True) is not None:
        shift = 0
    return _Reading(_season_value(ctx.published, season, shift), Granularity.SEASON, True)


def _read_duration(match: re.Match[str], ctx: _Context) -> _Reading | None:
    count = _number(match["num"], ctx.rules)
    if count is None or count <= 0:
        return None
    if match["num"].lower() in ("a", "an") and not match["approx"]:
        # "a day" is as often a rate ("twice a day") as a duration: only after a preposition
        # of duration ("for a year").
        before = match.string[: match.start()].split()
        if not before or before[-1].lower() not in ctx.rules.duration_leads:
            return None
    unit = ctx.rules.units[match["unit"].lower()]
    amount = count * unit.times
    number = str(int(amount)) if float(amount).is_integer() else f"{amount:g}"
    value = f"PT{number}{unit.designator}" if unit.clock else f"P{number}{unit.designator}"
    return _Reading(value, Granularity.DURATION, False)


def _read_clock(match: re.Match[str], ctx: _Context) -> _Reading | None:
    if match["clockword"]:
        return _Reading(f"T{ctx.rules.clock[match['clockword'].lower()]}", Granularity.TIME, False)
    hour = int(match["h"])
    minute = int(match["min"] or 0)
    if not 1 <= hour <= 12 or minute > 59:
        return None
    pm = match["ampm"].lower().startswith("p")
    hour = hour % 12 + (12 if pm else 0)
    return _Reading(f"T{hour:02d}:{minute:02d}", Granularity.TIME, False)


_READERS: dict[str, Callable[[re.Match[str], _Context], _Reading | None]] = {
    "iso": _read_iso,
    "day": _read_day,
    "day_first": _read_day,
    "month": _read_month,
    "year": _read_year,
    "decade": _read_decade,
    "weekday": _read_weekday,
    "dayword": _read_day_word,
    "period": _read_period,
    "ago": _read_ago,
    "stretch": _read_stretch,
    "season": _read_season,
    "duration": _read_duration,
    "clock": _read_clock,
}


def _since(match: re.Match[str], ctx: _Context, reading: _Reading) -> _Reading:
    """Make "since <point>" the interval from the point to the publication day."""
    prep = match.groupdict().get("prep")
    if not prep or _words_of(prep) not in ctx.rules.since:
        return reading
    if reading.value is None:
        return _Reading(None, Granularity.RANGE, reading.relative)
    start = reading.value.split("/")[0]
    if ctx.published is None:
        return _Reading(f"{start}/{_OPEN}", Granularity.RANGE, reading.relative)
    return _Reading(f"{start}/{ctx.published.isoformat()}", Granularity.RANGE, True)


# --- calendar arithmetic ----------------------------------------------------------------------


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _interval(first: dt.date, last: dt.date) -> str:
    return f"{first.isoformat()}/{last.isoformat()}"


def _year_for(published: dt.date, month: int, day: int, tense: str | None) -> int:
    """The year of a month and day without one, by tense; nearest when the tense is silent."""
    candidates = [published.year - 1, published.year, published.year + 1]
    dated = [
        (year, _day(year, month, min(day, calendar.monthrange(year, month)[1])))
        for year in candidates
    ]
    usable = [(year, day_) for year, day_ in dated if day_ is not None]
    if tense == "future":
        return min((y for y, d in usable if d >= published), default=published.year)
    if tense == "past":
        return max((y for y, d in usable if d <= published), default=published.year)
    return min(usable, key=lambda yd: (abs((yd[1] - published).days), yd[1] > published))[0]


def _month_year(ctx: _Context, match: re.Match[str], month: int, relation: str | None) -> int:
    published = ctx.published
    assert published is not None
    current = published.year * 12 + published.month - 1
    if relation == "this":
        return published.year
    if relation == "last":
        return published.year if month < published.month else published.year - 1
    if relation == "next":
        return published.year if month > published.month else published.year + 1
    tense = ctx.looking(match)
    options = [
        (year, year * 12 + month - 1)
        for year in (published.year - 1, published.year, published.year + 1)
    ]
    if tense == "future":
        return min((y for y, index in options if index >= current), default=published.year)
    if tense == "past":
        return max((y for y, index in options if index <= current), default=published.year)
    return min(options, key=lambda yi: (abs(yi[1] - current), yi[1] > current))[0]


def _period_granularity(period: str, relation: str, edge: str | None, season: bool) -> Granularity:
    if season:
        return Granularity.SEASON
    if edge is not None or relation in ("past", "previous") or period == "weekend":
        return Granularity.RANGE
    return {"week": Granularity.WEEK, "month": Granularity.MONTH}.get(period, Granularity.YEAR)


def _period_bounds(published: dt.date, period: str, shift: int) -> tuple[dt.date, dt.date]:
    """First and last day of the calendar week, weekend, month or year ``shift`` periods away."""
    if period in ("week", "weekend"):
        monday = (
            published - dt.timedelta(days=published.isoweekday() - 1) + dt.timedelta(weeks=shift)
        )
        if period == "weekend":
            return monday + dt.timedelta(days=5), monday + dt.timedelta(days=6)
        return monday, monday + dt.timedelta(days=6)
    if period == "month":
        index = published.year * 12 + published.month - 1 + shift
        year, month = divmod(index, 12)
        return dt.date(year, month + 1, 1), dt.date(
            year, month + 1, calendar.monthrange(year, month + 1)[1]
        )
    year = published.year + shift
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _minus(published: dt.date, unit: Unit, count: float) -> dt.date:
    """The day ``count`` units before ``published`` (after it for a negative count)."""
    amount = count * unit.times
    if unit.clock:
        return published
    if unit.designator == "D":
        return published - dt.timedelta(days=round(amount))
    if unit.designator == "W":
        return published - dt.timedelta(weeks=amount)
    months = round(amount * 12) if unit.designator == "Y" else round(amount)
    index = published.year * 12 + published.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(published.day, calendar.monthrange(year, month + 1)[1]))


def _point(day: dt.date, granularity: Granularity) -> str:
    if granularity == Granularity.YEAR:
        return f"{day.year:04d}"
    if granularity == Granularity.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    if granularity == Granularity.WEEK:
        monday = day - dt.timedelta(days=day.isoweekday() - 1)
        return _interval(monday, monday + dt.timedelta(days=6))
    return day.isoformat()


def _season_value(published: dt.date, season: Season, shift: int) -> str:
    """The season ``shift`` instances from the one holding the publication day (or the nearest
    one when none holds it), as "YYYY-<code>"; a winter is dated by the year of its December."""
    found = _season_instance(published, season, shift, containing_only=False)
    assert found is not None
    return f"{found:04d}-{season.code}"


def _season_instance(
    published: dt.date, season: Season, shift: int, *, containing_only: bool
) -> int | None:
    instances = []
    first_month, last_month = season.months[0], season.months[-1]
    for year in range(published.year - 2, published.year + 2):
        end_year = year + 1 if last_month < first_month else year
        start = dt.date(year, first_month, 1)
        end = dt.date(end_year, last_month, calendar.monthrange(end_year, last_month)[1])
        instances.append((year, start, end))
    holding = [year for year, start, end in instances if start <= published <= end]
    if containing_only:
        return holding[0] if holding else None
    if shift < 0:
        return max(year for year, _start, end in instances if end < published)
    if shift > 0:
        return min(year for year, start, _end in instances if start > published)
    if holding:
        return holding[0]
    return min(
        instances, key=lambda i: min(abs((i[1] - published).days), abs((i[2] - published).days))
    )[0]


# --- tense ------------------------------------------------------------------------------------


def _tense(doc: Doc, start: int, end: int, rules: TimeRules) -> str | None:
    """ "future", "past" or ``None`` for the verb governing the characters ``start:end``.

    The governing verb is the first verb above the expression; non-finite verbs ("to meet") are
    passed over to the finite verb above them, and a verb of scheduling on the way makes it
    future ("plans to meet on Friday"). An expression that modifies a noun ("the March
    incident", "a vote as soon as Friday") dates that noun, so only the grammatical tense
    above it counts, not a verb of scheduling ("was expected to refer to the March incident").
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    token: Token = span.root
    through_noun = False
    while True:
        if token.i not in range(span.start, span.end) and token.pos_ in ("NOUN", "PROPN"):
            through_noun = True
        if not through_noun and token.lemma_.lower() in rules.future_verbs:
            return "future"
        if token.pos_ in ("VERB", "AUX"):
            found = _finite_tense(token, rules)
            if found != "nonfinite":
                return found
        if token.head.i == token.i:
            return None
        token = token.head


def _finite_tense(verb: Token, rules: TimeRules) -> str | None:
    auxiliaries = [child for child in verb.children if child.dep_ in ("aux", "auxpass")]
    if any(aux.lower_ in rules.future_auxiliaries for aux in auxiliaries):
        return "future"
    if any(aux.lemma_.lower() == "have" for aux in auxiliaries):
        return "past"
    if any(aux.lower_ in rules.modal_auxiliaries for aux in auxiliaries):
        return "future"
    finite = [aux for aux in auxiliaries if aux.tag_ in ("VBD", "VBZ", "VBP", "MD")]
    carrier = finite[0] if finite else verb
    if carrier.tag_ == "VBD":
        return "past"
    if carrier.tag_ in ("VBZ", "VBP", "MD"):
        return None
    return "nonfinite"


# --- numbers and words ------------------------------------------------------------------------


def _number(text: str, rules: TimeRules) -> float | None:
    text = _words_of(text)
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if text in rules.numbers:
        return rules.numbers[text]
    parts = text.split("-")
    if len(parts) == 2 and all(part in rules.numbers for part in parts):
        return rules.numbers[parts[0]] + rules.numbers[parts[1]]
    return None


def _words_of(text: str) -> str:
    return " ".join(text.lower().split())


def _entity_chars(doc: Doc) -> frozenset[int]:
    chars: set[int] = set()
    for entity in doc.ents:
        if entity.label_ in _DATE_LABELS:
            chars.update(range(entity.start_char, entity.end_char))
    return frozenset(chars)


# --- patterns ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    abbreviations: tuple[str, ...]
    numbers: tuple[str, ...]
    units: tuple[str, ...]
    parts: tuple[str, ...]
    seasons: tuple[str, ...]
    relative_days: tuple[str, ...]
    clock: tuple[str, ...]
    approximators: tuple[str, ...]
    prepositions: tuple[str, ...]


def _alternation(items: Iterable[str], *, capitalised: bool = False) -> str:
    forms = sorted({item.lower() for item in items}, key=lambda f: (-len(f), f))
    escaped = [re.escape(form).replace(r"\ ", r"\s+") for form in forms]
    if capitalised:
        # Names of months and days must be capitalised: "May" the month, not "may" the verb.
        return "(?-i:" + "|".join(form[:1].upper() + form[1:] for form in escaped) + ")"
    return "(?:" + "|".join(escaped) + ")"


def _compile(v: _Vocabulary) -> tuple[tuple[str, re.Pattern[str]], ...]:
    prep = rf"(?:\b(?P<prep>{_alternation(v.prepositions)})\s+)?"
    month = _alternation(v.months, capitalised=True)
    abbreviation = _alternation(v.abbreviations, capitalised=True) + r"\.?"
    weekday = _alternation(v.weekdays, capitalised=True)
    number_word = _alternation(v.numbers)
    number = rf"(?P<num>\d+(?:\.\d+)?|{number_word}(?:-{number_word})?)"
    unit = rf"(?P<unit>{_alternation(v.units)})"
    part = rf"(?P<part>{_alternation(v.parts)})"
    approx = rf"(?:(?P<approx>{_alternation(v.approximators)})\s+)?"
    year = r"(?P<y>\d{4})"
    ordinal = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
    sources = [
        ("iso", rf"{prep}\b(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}})\b"),
        (
            "day",
            rf"{prep}\b(?:{weekday},?\s+)?(?P<mon>{month}|{abbreviation})\s+{ordinal}\b"
            rf"(?:,?\s+{year}\b)?",
        ),
        ("day_first", rf"{prep}\b{ordinal}\s+(?:of\s+)?(?P<mon>{month})\b(?:,?\s+{year}\b)?"),
        (
            "month",
            rf"{prep}\b(?:(?P<rel>last|this|next)\s+)?(?:{part}(?:\s+|-))?(?P<mon>{month})\b"
            rf"(?:,?\s+(?:of\s+)?{year}\b)?",
        ),
        ("year", rf"{prep}\b(?:{part}(?:\s+|-))?{year}\b(?!\s*(?:-|–)\s*\d)"),
        ("decade", r"\bthe\s+(?P<decade>\d{3}0)s\b"),
        (
            "weekday",
            rf"{prep}\b(?:(?P<rel>last|this|next)\s+)?(?P<wd>{weekday})\b"
            r"(?:\s+(?:morning|afternoon|evening|night))?",
        ),
        ("dayword", rf"{prep}\b(?P<dayword>{_alternation(v.relative_days)})\b"),
        (
            "period",
            rf"\b(?:(?P<edge>earlier|later)\s+)?(?:the\s+)?(?P<rel>this|last|next|past|previous"
            rf"|coming)\s+(?P<per>week|weekend|month|year|{_alternation(v.seasons)})\b",
        ),
        ("ago", rf"\b{approx}{number}\s+{unit}\s+ago\b"),
        (
            "stretch",
            rf"\b(?:the\s+)?(?P<rel>past|last|previous|next|coming)\s+{number}\s+{unit}\b",
        ),
        (
            "season",
            rf"{prep}\b(?:(?P<the>the)\s+)?(?P<season>{_alternation(v.seasons)})\b"
            rf"(?:\s+(?:of\s+)?{year}\b)?",
        ),
        (
            "duration",
            rf"\b{approx}{number}"
            rf"(?:\s+|-){unit}\b(?!(?:\s+|-)(?:old|ago)\b)",
        ),
        (
            "clock",
            rf"{prep}(?:\b(?P<h>\d{{1,2}})(?::(?P<min>\d{{2}}))?\s*(?P<ampm>a\.m\.|p\.m\.|am\b|pm\b)"
            rf"|\b(?P<clockword>{_alternation(v.clock)})\b)",
        ),
    ]
    return tuple((kind, re.compile(source, re.IGNORECASE)) for kind, source in sources)


# --- loading helpers --------------------------------------------------------------------------


def _numbered(file: DataFile, name: str, low: int, high: int) -> dict[str, int]:
    entries = table(file, name)
    result = {}
    for key in entries:
        value = integer(file, entries, key, name=f"{name}.{key}", minimum=low)
        if value > high:
            raise ConfigError(
                f"{name}.{key} must be at most {high}, got {value}", where=file.at(key)
            )
        result[key.lower()] = value
    return result


def _numbers(file: DataFile) -> dict[str, float]:
    entries = table(file, "numbers")
    result: dict[str, float] = {}
    for key in entries:
        result[_words_of(key)] = integer(file, entries, key, name=f"numbers.{key}", minimum=1)
    return result


def _units(file: DataFile) -> dict[str, Unit]:
    result: dict[str, Unit] = {}
    for name, entry in table(file, "units").items():
        if not isinstance(entry, dict):
            raise ConfigError(f"units.{name} must be a table", where=file.at(name))
        designator = string(file, entry, "designator", name=f"units.{name}.designator")
        clock = entry.get("clock", False)
        if designator not in ("Y", "M", "W", "D", "H", "S") or not isinstance(clock, bool):
            raise ConfigError(
                f"units.{name}: designator must be one of Y M W D H S and clock true or false",
                where=file.at(name),
            )
        times = (
            integer(file, entry, "times", name=f"units.{name}.times", minimum=1)
            if "times" in entry
            else 1
        )
        granularity = _granularity(file, entry, name)
        unit = Unit(designator=designator, times=times, clock=clock, granularity=granularity)
        result[name.lower()] = unit
        result[string(file, entry, "plural", name=f"units.{name}.plural").lower()] = unit
    return result


def _granularity(file: DataFile, entry: dict[str, Any], name: str) -> Granularity:
    value = string(file, entry, "granularity", name=f"units.{name}.granularity")
    try:
        return Granularity(value)
    except ValueError as exc:
        known = ", ".join(g.value for g in Granularity)
        raise ConfigError(
            f"units.{name}.granularity {value!r} is not one of {known}", where=file.at(name)
        ) from exc


def _parts(file: DataFile) -> dict[str, Part]:
    result: dict[str, Part] = {}
    for name, entry in table(file, "parts").items():
        if not isinstance(entry, dict):
            raise ConfigError(f"parts.{name} must be a table", where=file.at(name))
        bounds = []
        for key, high in (("month_days", 31), ("year_months", 12)):
            pair = entry.get(key)
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(n, int) and 1 <= n <= high for n in pair)
                or pair[0] > pair[1]
            ):
                raise ConfigError(
                    f"parts.{name}.{key} must be [first, last] within 1..{high}",
                    where=file.at(name),
                )
            bounds.append((pair[0], pair[1]))
        part = Part(month_days=bounds[0], year_months=bounds[1])
        for word in words(file, entry, "words", name=f"parts.{name}.words"):
            result[_words_of(word)] = part
    return result


def _seasons(file: DataFile) -> dict[str, Season]:
    result: dict[str, Season] = {}
    for name, entry in table(file, "seasons").items():
        months = entry.get("months") if isinstance(entry, dict) else None
        code = entry.get("code") if isinstance(entry, dict) else None
        if (
            not isinstance(code, int)
            or not 21 <= code <= 24
            or not isinstance(months, list)
            or not months
            or not all(isinstance(m, int) and 1 <= m <= 12 for m in months)
        ):
            raise ConfigError(
                f"seasons.{name} must be {{ code = 21..24, months = [month numbers] }}",
                where=file.at(name),
            )
        result[name.lower()] = Season(code=code, months=tuple(months))
    return result

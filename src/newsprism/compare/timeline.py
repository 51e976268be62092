"""Timeline: the dated moments of the story and which outlets mention each.

Time expressions the analysis normalised (days, weeks, months, seasons, years, ranges) are
grouped by value; each mention carries the sentence around it and what it dates (the analysis'
event span). Durations ("25 years") and
clock times are not moments and are left out. Expressions no publication date anchors ("on
Friday" in an undated article) are grouped by their words and listed after the dated ones.

Every value also gets a readable label (:func:`readable_time`: "late February 2022", "June - 29
July 2022", "summer 2019", "before 29 July 2021"): the report and the terminal show the label,
the JSON keeps the ISO 8601 value beside it.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict

from newsprism.analyze.timex import Part, TimeRules
from newsprism.compare.story import StoryView
from newsprism.model import Evidence, Granularity, TimelineEvent

__all__ = ["compare_timeline", "readable_time"]

_NOT_MOMENTS = {Granularity.DURATION, Granularity.TIME}
_LEADING = re.compile(r"^(?i:on|in|at|by|since|the|during|earlier|later|until|from)\s+")


def compare_timeline(view: StoryView, *, rules: TimeRules) -> tuple[TimelineEvent, ...]:
    """Events ordered by date (ranges by their start); unanchored expressions last.

    Args:
        view: The story.
        rules: The time vocabulary (parts of months and years, seasons) for the labels.
    """
    groups: dict[tuple[str | None, str], list[tuple[Evidence, Evidence, Evidence]]] = (
        defaultdict(list)
    )
    granularity: dict[tuple[str | None, str], str] = {}
    for article in view.articles:
        for time in article.analyzed.times:
            if time.granularity in _NOT_MOMENTS:
                continue
            if time.value is None:
                key: tuple[str | None, str] = (None, _plain(time.text))
            else:
                key = (time.value, "")
            sentence = article.sentence_at(time.start)
            mention = (
                article.evidence(sentence.start, sentence.end)
                if sentence is not None
                else article.evidence(time.start, time.end)
            )
            dated = (
                article.evidence(time.event.start, time.event.end)
                if time.event is not None
                else mention
            )
            groups[key].append((mention, article.evidence(time.start, time.end), dated))
            granularity.setdefault(key, time.granularity.value)
    events = []
    for key, items in groups.items():
        outlets = tuple(o for o in view.outlets if any(m.outlet == o for m, _, _ in items))
        events.append(
            TimelineEvent(
                value=key[0],
                granularity=granularity[key],
                outlets=outlets,
                mentions=tuple(m for m, _, _ in items),
                expressions=tuple(e for _, e, _ in items),
                dated=tuple(d for _, _, d in items),
                label=readable_time(key[0], rules) if key[0] is not None else "",
            )
        )
    events.sort(key=lambda e: (e.value is None, _start(e.value), e.expressions[0].text))
    return tuple(events)


def _start(value: str | None) -> str:
    # A range sorts by its start; an open start ("../2021-07-29") by its end.
    if value is None:
        return ""
    start, _, end = value.partition("/")
    return end if start in {"", ".."} else start


def _plain(text: str) -> str:
    previous = None
    text = text.lower().strip()
    while previous != text:
        previous, text = text, _LEADING.sub("", text)
    return text


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DURATION = re.compile(r"^P(?:(?P<date>[\d.YMWD]+))?(?:T(?P<time>[\d.HMS]+))?$")
_DURATION_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day"}
_CLOCK_UNITS = {"H": "hour", "M": "minute", "S": "second"}


def readable_time(value: str, rules: TimeRules) -> str:
    """A time value as a reader would write it.

    "2022-07-29" -> "29 July 2022"; "2022-06" -> "June 2022"; "2018-22" (ISO 8601-2 season) ->
    "summer 2018"; "2022-02-21/2022-02-28" -> "late February 2022"; "2022-06/2022-07-29" ->
    "June - 29 July 2022"; "../2021-07-29" -> "before 29 July 2021"; "2021-07-29/.." -> "from
    29 July 2021"; "P12Y" -> "12 years"; "PT25M" -> "25 minutes". A value of no known shape is
    returned as it is.

    Args:
        value: An ISO 8601 value as :class:`~newsprism.model.TimeExpression` carries.
        rules: The time vocabulary: the parts of a month or year ("early", "mid", "late") and
            the season names.
    """
    if "/" in value:
        start, _, end = value.partition("/")
        if start in {"", ".."}:
            return f"before {readable_time(end, rules)}" if end not in {"", ".."} else value
        if end in {"", ".."}:
            return f"from {readable_time(start, rules)}"
        return _interval_label(start, end, rules)
    if match := _DAY.match(value):
        year, month, day = (int(g) for g in match.groups())
        return f"{day} {calendar.month_name[month]} {year}" if 1 <= month <= 12 else value
    if match := _MONTH.match(value):
        year, number = int(match[1]), int(match[2])
        if 1 <= number <= 12:
            return f"{calendar.month_name[number]} {year}"
        for name, season in rules.seasons.items():
            if season.code == number:
                # A winter spans the turn of the year it is dated by.
                return (f"{name} {year}-{(year + 1) % 100:02d}" if season.months[0] >
                        season.months[-1] else f"{name} {year}")
        return value
    if _YEAR.match(value):
        return value
    if value.startswith("P") and (match := _DURATION.match(value)):
        return _duration_label(match) or value
    if value.startswith("T"):
        return value[1:]
    return value


def _interval_label(start: str, end: str, rules: TimeRules) -> str:
    first, last = _DAY.match(start), _DAY.match(end)
    if first and last and first[1] == last[1] and first[2] == last[2]:
        year, month = int(first[1]), int(first[2])
        days = (int(first[3]), int(last[3]))
        month_end = calendar.monthrange(year, month)[1]
        for word, part in _parts(rules):
            if days == (part.month_days[0], min(part.month_days[1], month_end)):
                return f"{word} {calendar.month_name[month]} {year}"
        if days == (1, month_end):
            return f"{calendar.month_name[month]} {year}"
        return f"{days[0]} - {days[1]} {calendar.month_name[month]} {year}"
    if first and last and first[1] == last[1]:
        return (f"{int(first[3])} {calendar.month_name[int(first[2])]} - "
                f"{readable_time(end, rules)}")
    first_month, last_month = _MONTH.match(start), _MONTH.match(end)
    if first_month and last_month and first_month[1] == last_month[1]:
        months = (int(first_month[2]), int(last_month[2]))
        for word, part in _parts(rules):
            if months == part.year_months:
                return f"{word} {first_month[1]}"
        return (f"{calendar.month_name[months[0]]} - {calendar.month_name[months[1]]} "
                f"{first_month[1]}")
    if first_month and last and first_month[1] == last[1]:
        return f"{calendar.month_name[int(first_month[2])]} - {readable_time(end, rules)}"
    if _YEAR.match(start) and _YEAR.match(end) and int(end) - int(start) == 9 and (
        start.endswith("0")
    ):
        return f"the {start}s"
    return f"{readable_time(start, rules)} - {readable_time(end, rules)}"


def _parts(rules: TimeRules) -> list[tuple[str, Part]]:
    # The first word of each part ("early", "mid", "late"), in file order.
    seen: dict[tuple[tuple[int, int], tuple[int, int]], tuple[str, Part]] = {}
    for word, part in rules.parts.items():
        seen.setdefault((part.month_days, part.year_months), (word, part))
    return list(seen.values())


def _duration_label(match: re.Match[str]) -> str:
    pieces = []
    for group, units in (("date", _DURATION_UNITS), ("time", _CLOCK_UNITS)):
        for number, designator in re.findall(r"([\d.]+)([A-Z])", match[group] or ""):
            unit = units.get(designator)
            if unit is None:
                return ""
            count = float(number)
            shown = f"{count:g}"
            pieces.append(f"{shown} {unit}" + ("" if count == 1 else "s"))
    return ", ".join(pieces)

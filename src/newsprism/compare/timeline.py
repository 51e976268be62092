"""Timeline: the dated moments of the story and which outlets mention each.

Time expressions the analysis normalised (days, weeks, months, seasons, years, ranges) are
grouped by value; each mention carries the sentence around it and what it dates (the analysis'
event span). Durations ("25 years") and
clock times are not moments and are left out. Expressions no publication date anchors ("on
Friday" in an undated article) are grouped by their words and listed after the dated ones.
"""

from __future__ import annotations

import re
from collections import defaultdict

from newsprism.compare.story import StoryView
from newsprism.model import Evidence, Granularity, TimelineEvent

__all__ = ["compare_timeline"]

_NOT_MOMENTS = {Granularity.DURATION, Granularity.TIME}
_LEADING = re.compile(r"^(?i:on|in|at|by|since|the|during|earlier|later|until|from)\s+")


def compare_timeline(view: StoryView) -> tuple[TimelineEvent, ...]:
    """Events ordered by date (ranges by their start); unanchored expressions last."""
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

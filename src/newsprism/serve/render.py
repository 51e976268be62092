"""Page rendering for ``newsprism serve``: the Jinja2 environment, article highlighting, plots.

Everything from articles reaches a page through a Jinja2 expression, which escapes it
(autoescape is on for every template) and drops Unicode bidi overrides and isolates, as the
HTML report does. The one piece of markup passed through unescaped is the story comparison's
HTML from :func:`newsprism.present.html.report_parts`, which escapes every article text itself
(``tests/present/test_html.py::test_scraped_markup_is_escaped``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
import markupsafe

from newsprism import __version__
from newsprism.corpus import ArticleView, OutletProfile, Rate
from newsprism.model import Span

# Bidi embeddings, overrides and isolates: removed from every value a page shows.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _finalize(value: Any) -> Any:
    # Applied to every {{ expression }} before it is escaped; markup already made safe (a macro's
    # output, the report's escaped HTML) passes as it is.
    if isinstance(value, markupsafe.Markup):
        return value
    if isinstance(value, str):
        return _BIDI.sub("", value)
    return "" if value is None else value


def _http_url(url: str | None) -> str | None:
    """The URL when it is http(s), else ``None`` (never a ``javascript:`` link)."""
    if url and urlsplit(url).scheme.lower() in {"http", "https"}:
        return url
    return None


def _path(value: str) -> str:
    """A value as one URL path segment."""
    return quote(value, safe="")


def environment() -> jinja2.Environment:
    """The templates of ``newsprism.serve`` with autoescape on everywhere."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsprism.serve", "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["http_url"] = _http_url
    env.filters["path"] = _path
    env.globals["version"] = __version__
    return env


def report_css() -> str:
    """The HTML report's stylesheet, shared by the app's pages."""
    return (
        resources.files("newsprism.present").joinpath("templates", "report.css").read_text("utf-8")
    )


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of article text and the highlights covering it.

    Attributes:
        text: The text (escaped when rendered).
        classes: CSS classes (``ent``, ``quote``, ``cue``, ``time`` ...); empty when plain.
        tip: What the highlights are, for the title attribute.
        href: A link (an entity's page), or ``None``.
    """

    text: str
    classes: str = ""
    tip: str = ""
    href: str | None = None


@dataclass(frozen=True, slots=True)
class _Mark:
    start: int
    end: int
    css: str
    tip: str
    href: str | None


def highlighted(view: ArticleView) -> list[list[Segment]]:
    """The article body as paragraphs of segments, entities, quotes and times marked."""
    article = view.article
    body = article.body
    marks: list[_Mark] = []
    analysis = view.analysis
    if analysis is not None:
        for entity in analysis.entities:
            global_id = view.global_ids.get(entity.id)
            href = f"/entities/{_path(global_id)}" if global_id else None
            for mention in entity.mentions:
                marks.append(_Mark(mention.start, mention.end, "ent",
                                   f"{entity.name} ({entity.label}, {mention.kind})", href))
        for attribution in analysis.attributions:
            cue = attribution.cue
            marks.append(_Mark(attribution.content.start, attribution.content.end, "quote",
                               f"{attribution.kind} statement", None))
            detail = f"reporting verb: {cue.lemma}, {cue.class_}"
            if cue.subclass:
                detail += f" ({cue.subclass})"
            marks.append(_Mark(cue.start, cue.end, f"cue {cue.class_}", detail, None))
        for time in analysis.times:
            value = time.value or "not dated"
            marks.append(_Mark(time.start, time.end, "time",
                               f"{value} ({time.granularity})", None))
    paragraphs = article.paragraphs or (Span(0, len(body), body),)
    return [_segments(body, p.start, p.end, marks) for p in paragraphs]


def _segments(body: str, start: int, end: int, marks: Sequence[_Mark]) -> list[Segment]:
    inside = [m for m in marks if m.start < end and m.end > start and m.start < m.end]
    cuts = sorted({start, end, *(max(m.start, start) for m in inside),
                   *(min(m.end, end) for m in inside)})
    pieces = []
    for left, right in itertools.pairwise(cuts):
        covering = [m for m in inside if m.start <= left and m.end >= right]
        text = body[left:right]
        if not covering:
            pieces.append(Segment(text))
            continue
        classes = " ".join(dict.fromkeys(c for m in covering for c in m.css.split()))
        tip = "; ".join(dict.fromkeys(m.tip for m in covering))
        href = next((m.href for m in covering if m.href), None)
        pieces.append(Segment(text, classes, tip, href))
    return pieces


# -- plots: inline SVG, drawn from numbers by the templates -----------------------------------


@dataclass(frozen=True, slots=True)
class PlotRow:
    """One row of a dot-and-interval plot, in the plot's own units (0..width)."""

    label: str
    value: str
    x: float
    low: float
    high: float
    y: float
    current: bool


@dataclass(frozen=True, slots=True)
class Plot:
    """A dot-and-interval plot of one rate across outlets."""

    title: str
    rows: tuple[PlotRow, ...]
    width: int
    height: int
    axis_max: str
    left: int


_PLOT_WIDTH = 560
_PLOT_LEFT = 170
_ROW_HEIGHT = 22


def rate_plot(
    title: str, profiles: Sequence[OutletProfile], pick: str, current: str
) -> Plot:
    """Rates per 1,000 words of one measure (``statements``, or a verb class or subclass
    as ``verbs.marked`` / ``marked.doubt``) across outlets, each with its interval."""
    rates = [(p.outlet, _pick(p, pick)) for p in profiles]
    top = max((r.high for _, r in rates), default=0.0) or 1.0
    span = _PLOT_WIDTH - _PLOT_LEFT - 20
    rows = []
    for number, (outlet, value) in enumerate(rates):
        rows.append(
            PlotRow(
                label=outlet,
                value=f"{value.per_1000:.2f} ({value.count})",
                x=_PLOT_LEFT + span * value.per_1000 / top,
                low=_PLOT_LEFT + span * value.low / top,
                high=_PLOT_LEFT + span * value.high / top,
                y=20 + number * _ROW_HEIGHT,
                current=outlet == current,
            )
        )
    return Plot(title, tuple(rows), _PLOT_WIDTH, 30 + len(rows) * _ROW_HEIGHT,
                f"{top:.2f}", _PLOT_LEFT)


def _pick(profile: OutletProfile, pick: str) -> Rate:
    if pick == "statements":
        return profile.statements
    group, _, key = pick.partition(".")
    table = profile.verbs if group == "verbs" else profile.marked
    found = table.get(key)
    if found is None:
        from newsprism.corpus import rate

        return rate(0, profile.words)
    return found

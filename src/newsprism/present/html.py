"""The HTML report of one story comparison: one self-contained file, nothing fetched.

Layout: a short summary (the highest-scoring findings, see ``newsprism.compare.findings``), the
headlines side by side, the key differences (numbered in order), descriptors, reporting verbs,
voices chart, what only one outlet reports, timeline, then the articles in columns with every
finding highlighted in the text (hover or tap a highlight for what it shows; findings link to
their spans). Long lists and the article texts are folded in ``<details>`` (no script needed);
each article links to its original URL (http and https only, ``rel="noopener noreferrer"``);
opinion and analysis pieces are labelled and counted apart from news.
All text from the articles is escaped; the page carries a Content-Security-Policy that
forbids every script, so a ``<script>`` in a scraped article can never run; CSS is inline and
no font, image or script is loaded from anywhere. Unicode bidi embeddings, overrides and isolates
(U+202A-U+202E, U+2066-U+2069) in scraped text are removed as it is escaped, so none can reverse
the report's text around them. The columns stack on a phone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape as _escape_html
from importlib import resources
from string import Template
from urllib.parse import urlsplit

from newsprism import __version__
from newsprism.model import (
    ComparedArticle,
    Evidence,
    Finding,
    StoryComparison,
    Voice,
)

__all__ = ["ReportParts", "outlet_classes", "render_report", "report_parts"]

# Bidi controls that reorder the text after them up to the end of the paragraph, not just of the
# element they are in: removed from every escaped text. The marks (LRM, RLM, ALM) stay.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def escape(text: str) -> str:
    """``text`` for HTML: markup characters escaped, bidi overrides and isolates removed."""
    return _BIDI.sub("", _escape_html(text))


# Outlet and side colours are classes o0..o6 and s0..s6 of report.css, assigned in story order
# (no colour means anything); no inline style, so a page may forbid inline styles by its CSP.
_COLOURS = 7
_KEY_KINDS = ("contradiction", "verb", "descriptor", "omission", "headline", "voices",
              "timeline")
_KIND_LABELS = {
    "contradiction": "contradiction", "omission": "left out",
    "headline": "headline", "descriptor": "descriptor", "verb": "verb", "voices": "voices",
    "timeline": "date", "only-in": "only here", "shared": "shared",
}
# Items shown before a list folds ("N more"), rows before a table folds.
_VISIBLE_ITEMS = 6
_VISIBLE_ROWS = 8


@dataclass(frozen=True, slots=True)
class ReportParts:
    """The pieces of a report page, each HTML with every article text escaped.

    The self-contained report (:func:`render_report`) and the web app's story page
    (``newsprism serve``) put them in their own page frames.
    """

    title: str
    outlet_count: int
    article_count: str
    outlet_chips: str
    sources: str
    nav: str
    sections: str


def report_parts(comparison: StoryComparison) -> ReportParts:
    """The report's title, header pieces and sections for one comparison."""
    colours = outlet_classes(comparison)
    anchors = _Anchors(comparison)
    # The articles first: rendering them records which spans have an anchor to link to.
    articles = _articles(comparison, colours, anchors)
    sections = [
        ("summary", "In short", _summary(comparison, colours)),
        ("headlines", "Headlines", _headlines(comparison, colours)),
        ("differences", "Key differences", _differences(comparison, colours, anchors)),
        ("descriptors", "How each outlet describes people", _descriptors(comparison, colours)),
        ("verbs", "Reporting verbs", _verbs(comparison, colours)),
        ("voices", "Voices", _voices(comparison, colours)),
        ("coverage", "What each outlet reports", _coverage(comparison, colours, anchors)),
        ("timeline", "Timeline", _timeline(comparison, colours, anchors)),
        ("articles", "The articles side by side", articles),
    ]
    return ReportParts(
        title=_title(comparison),
        outlet_count=len(comparison.outlets),
        article_count=_article_count(comparison),
        outlet_chips=" ".join(_chip(o.outlet, colours) + _via(o.published_by)
                              for o in comparison.outlets),
        sources=_sources(comparison, colours),
        nav=" ".join(f'<a href="#{key}">{escape(name)}</a>' for key, name, _ in sections),
        sections="\n".join(
            f'<section id="{key}"><h2>{escape(name)}</h2>\n{body}\n</section>'
            for key, name, body in sections
        ),
    )


def render_report(comparison: StoryComparison) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    parts = report_parts(comparison)
    template = Template(_resource("report.html"))
    return template.substitute(
        version=escape(__version__),
        title=escape(parts.title),
        css=_resource("report.css"),
        outlet_count=str(parts.outlet_count),
        article_count=parts.article_count,
        outlet_chips=parts.outlet_chips,
        sources=parts.sources,
        nav=parts.nav,
        sections=parts.sections,
    )


def _resource(name: str) -> str:
    return resources.files("newsprism.present").joinpath("templates", name).read_text("utf-8")


def _title(comparison: StoryComparison) -> str:
    # Named after the outlets, not after one outlet's headline: no outlet frames the story.
    names = [o.outlet for o in comparison.outlets]
    if not names:
        return "story comparison"
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"How {joined} cover one story"


def outlet_classes(comparison: StoryComparison) -> dict[str, str]:
    """Outlet -> its colour class (``o0`` .. ``o6`` in report.css), in story order."""
    return {o.outlet: f"o{i % _COLOURS}" for i, o in enumerate(comparison.outlets)}


def _chip(outlet: str, colours: dict[str, str]) -> str:
    return f'<span class="chip {colours.get(outlet, "")}">{escape(outlet)}</span>'


def _via(published_by: Iterable[str]) -> str:
    carriers = list(published_by)
    if not carriers:
        return ""
    names = ", ".join(carriers)
    if len(carriers) == 1:
        return f' <span class="via">via {escape(names)}</span>'
    # Copies of one original count once: one voice, several carriers.
    return (f' <span class="via">one voice, {len(carriers)} carriers: {escape(names)}'
            "</span>")


def _article_count(comparison: StoryComparison) -> str:
    genres = [a.genre for a in comparison.articles]
    news = sum(1 for g in genres if g is None)
    text = f"{news} news article{'' if news == 1 else 's'}"
    for genre in sorted({g for g in genres if g}):
        count = genres.count(genre)
        text += f", {count} {genre} piece{'' if count == 1 else 's'}"
    return escape(text)


def _link(url: str | None, text: str) -> str:
    """An escaped link to an article's original URL (http and https only)."""
    if not url or urlsplit(url).scheme.lower() not in {"http", "https"}:
        return escape(text)
    return (f'<a href="{escape(url)}" rel="noopener noreferrer" '
            f'target="_blank">{escape(text)}</a>')


def _genre_label(article: ComparedArticle) -> str:
    if not article.genre:
        return ""
    return (f' <span class="genre" title="read from {escape(article.genre_from or "")}">'
            f"{escape(article.genre.capitalize())}</span>")


def _sources(comparison: StoryComparison, colours: dict[str, str]) -> str:
    items = []
    for article in comparison.articles:
        headline = article.headline or article.id
        carriers = ""
        if article.carriers:
            carriers = (f' <span class="via">also carried by {escape(", ".join(article.carriers))}'
                        "</span>")
        items.append(f"<li>{_chip(article.outlet, colours)}{_genre_label(article)} "
                     f"{_link(article.url, headline)}{carriers}</li>")
    return f'<ul class="plain sources">{"".join(items)}</ul>'


def _fold(items: Sequence[str], *, noun: str, tag: str = "ol", css: str = "findings",
          visible: int = _VISIBLE_ITEMS) -> str:
    """A list whose items after the first ``visible`` fold into a <details>."""
    shown = f'<{tag} class="{css}">{"".join(items[:visible])}</{tag}>'
    rest = items[visible:]
    if not rest:
        return shown
    start = f' start="{visible + 1}"' if tag == "ol" else ""
    return (shown + f'<details class="more"><summary>{len(rest)} more {escape(noun)}</summary>'
            f'<{tag} class="{css}"{start}>{"".join(rest)}</{tag}></details>')


def _fold_rows(head: str, rows: Sequence[str], *, noun: str) -> str:
    """A table whose rows after the first few fold into a <details> with the same head."""
    table = f'<div class="scroll"><table>{head}{"".join(rows[:_VISIBLE_ROWS])}</table></div>'
    rest = rows[_VISIBLE_ROWS:]
    if not rest:
        return table
    return (table + f'<details class="more"><summary>{len(rest)} more {escape(noun)}</summary>'
            f'<div class="scroll"><table>{head}{"".join(rest)}</table></div></details>')


def _summary(comparison: StoryComparison, colours: dict[str, str]) -> str:
    # The few most telling findings, by the score newsprism.compare.findings documents.
    by_id = {f.id: f for f in comparison.findings}
    ranked = [by_id[i] for i in comparison.summary if i in by_id]
    if not ranked:
        return "<p>No contradiction, verb of doubt, descriptor contrast or omission found.</p>"
    items = "".join(
        f'<li><a href="#{escape(f.id)}">{escape(f.id)}</a> '
        f'<span class="kind">{_KIND_LABELS.get(f.kind, "")}</span>'
        f"{' '.join(_chip(o, colours) for o in f.outlets)} {escape(_clip(f.summary, 260))}</li>"
        for f in ranked
    )
    return (f'<ol class="findings summary">{items}</ol>'
            '<p class="key">Chosen by score: contradictions first, then verbs of doubt, main '
            "actors left out, descriptor contrasts.</p>")


def _anchor_id(evidence: Evidence) -> str:
    return f"ev-{evidence.article}-{evidence.field[0]}{evidence.start}-{evidence.end}"


class _Anchors:
    """Which evidence spans are rendered with an id, and the findings behind each span."""

    def __init__(self, comparison: StoryComparison) -> None:
        self.ids: set[str] = set()
        self.findings: dict[tuple[str, str, int, int], list[Finding]] = defaultdict(list)
        for finding in comparison.findings:
            for evidence in finding.evidence:
                key = (evidence.article, evidence.field, evidence.start, evidence.end)
                self.findings[key].append(finding)

    def about(self, evidence: Evidence) -> list[Finding]:
        return self.findings.get(
            (evidence.article, evidence.field, evidence.start, evidence.end), []
        )

    def claim(self, anchor: str) -> str:
        """`` id="..."`` for the first element rendered for a span, nothing after."""
        if anchor in self.ids:
            return ""
        self.ids.add(anchor)
        return f' id="{anchor}"'

    def link(self, evidence: Evidence) -> str:
        anchor = _anchor_id(evidence)
        where = (f"{evidence.outlet} · {evidence.article} · {evidence.field} "
                 f"{evidence.start}–{evidence.end}")
        clipped = _clip(evidence.text, 220)
        quoted = clipped[:1] in {"“", '"', "‘", "'"}
        text = escape(clipped) if quoted else f"“{escape(clipped)}”"
        if anchor in self.ids:
            text = f'<a href="#{anchor}">{text}</a>'
        return f'{text} <span class="where">{escape(where)}</span>'


def _headlines(comparison: StoryComparison, colours: dict[str, str]) -> str:
    if not comparison.headlines:
        return "<p>No article has a headline.</p>"
    cards = []
    for reading in comparison.headlines:
        text = reading.headline.text
        if reading.cue is not None:
            cue = reading.cue
            colour = reading.cue_class or ""
            tip = f"reporting cue: {colour}" + (f" ({reading.cue_subclass})"
                                                 if reading.cue_subclass else "")
            shown = (
                escape(text[: cue.start])
                + f'<mark class="cue {escape(colour)}" tabindex="0">{escape(cue.text)}'
                f'<span class="tip">{escape(tip)}</span></mark>'
                + escape(text[cue.end :])
            )
        else:
            shown = escape(text)
        cue_line = "none"
        if reading.cue is not None:
            cue_line = f"“{escape(reading.cue.text)}” — {escape(reading.cue_class or '')}"
            if reading.cue_subclass:
                cue_line += f" ({escape(reading.cue_subclass)})"
        rows = [
            ("puts first", escape(reading.subject or "no named participant")),
            ("attributed to", escape(reading.speaker or "—")),
            ("cue", cue_line),
            ("order", escape(reading.order)),
            ("names", escape(", ".join(reading.entities) or "—")),
        ]
        if reading.quoted:
            rows.append(("in quotes", escape(", ".join(f"‘{q}’" for q in reading.quoted))))
        dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
        cards.append(
            f'<div class="card {colours.get(reading.outlet, "")}">'
            f'{_chip(reading.outlet, colours)}<p class="headline">{shown}</p>'
            f'<dl class="reading">{dl}</dl></div>'
        )
    return f'<div class="cols">{"".join(cards)}</div>'


def _differences(
    comparison: StoryComparison, colours: dict[str, str], anchors: _Anchors
) -> str:
    items = [_finding_item(f, colours, anchors) for f in comparison.findings
             if f.kind in _KEY_KINDS]
    if not items:
        return "<p>No differences found.</p>"
    return _fold(items, noun="differences")


def _finding_item(finding: Finding, colours: dict[str, str], anchors: _Anchors) -> str:
    chips = " ".join(_chip(o, colours) for o in finding.outlets)
    evidence = ""
    if finding.evidence:
        lines = "".join(f"<li>{anchors.link(e)}</li>" for e in finding.evidence[:24])
        more = len(finding.evidence) - 24
        if more > 0:
            lines += f"<li>… and {more} more</li>"
        evidence = (f"<details><summary>evidence ({len(finding.evidence)} spans)</summary>"
                    f"<ul>{lines}</ul></details>")
    return (
        f'<li id="{escape(finding.id)}"><span class="fid">{escape(finding.id)}</span> '
        f'<span class="kind {escape(finding.kind)}">{_KIND_LABELS.get(finding.kind, "")}'
        f"</span>{chips} {escape(finding.summary)}{evidence}</li>"
    )


def _descriptors(comparison: StoryComparison, colours: dict[str, str]) -> str:
    shown = [p for p in comparison.portraits if len(p.outlets) >= 2] or list(comparison.portraits)
    if not shown:
        return "<p>No entity is characterised by any outlet.</p>"
    outlets = [o.outlet for o in comparison.outlets]
    head = "".join(f"<th>{_chip(o, colours)}</th>" for o in outlets)
    rows = []
    for portrait in shown:
        only = {item.outlet: set(item.words) for item in portrait.only}
        cells = []
        for outlet in outlets:
            uses = [u for u in portrait.uses if u.outlet == outlet]
            if outlet not in portrait.outlets:
                cells.append('<td class="where">not mentioned</td>')
            elif not uses:
                cells.append('<td class="where">mentioned, no descriptor</td>')
            else:
                parts = [
                    f"{_emphasise(u.evidence.text, only.get(outlet, set()))}"
                    f' <span class="where">{escape(u.kind)}</span>'
                    for u in uses
                ]
                cells.append("<td>" + "<br>".join(parts) + "</td>")
        rows.append(f"<tr><th>{escape(portrait.name)}</th>{''.join(cells)}</tr>")
    return (
        '<p class="key">Words in <span class="only-word">bold</span> are used by that outlet '
        "only.</p>"
        + _fold_rows(f"<tr><th>entity</th>{head}</tr>", rows, noun="people and organisations")
    )


def _emphasise(text: str, only: set[str]) -> str:
    out = []
    for piece in re.split(r"([A-Za-z][A-Za-z'’\-]*)", text):
        if piece and piece.lower() in only:
            out.append(f'<span class="only-word">{escape(piece)}</span>')
        else:
            out.append(escape(piece))
    return "".join(out)


def _verbs(comparison: StoryComparison, colours: dict[str, str]) -> str:
    if not comparison.voices:
        return "<p>No attributed statements.</p>"
    outlets = [o.outlet for o in comparison.outlets]
    groups: dict[str, dict[str, list[Voice]]] = defaultdict(lambda: defaultdict(list))
    for voice in comparison.voices:
        groups[voice.side or "side unknown"][voice.outlet].append(voice)
    head = "".join(f"<th>{_chip(o, colours)}</th>" for o in outlets)
    rows = []
    for side in sorted(groups, key=lambda s: (s == "side unknown", s)):
        cells = []
        for outlet in outlets:
            voices = groups[side].get(outlet, [])
            parts = []
            for voice in voices:
                verbs = "".join(
                    f'<span class="verb {escape(v.class_)}" title="{escape(v.class_)}'
                    f'{" · " + escape(v.subclass) if v.subclass else ""}">'
                    f"{escape(v.cue.text)}</span>"
                    for v in voice.verbs
                )
                parts.append(f"<b>{escape(voice.speaker)}</b><br>{verbs}")
            cells.append("<td>" + ("<br>".join(parts) or '<span class="where">—</span>')
                         + "</td>")
        rows.append(f"<tr><th>{escape(side)}</th>{''.join(cells)}</tr>")
    return (
        '<p class="key"><i class="verb marked">marked</i> verbs colour what they report '
        '(doubt: “claimed”; assertive: “insisted”; concessive: “admitted”); '
        '<i class="verb neutral">neutral</i> ones (“said”) do not.</p>'
        + _fold_rows(f"<tr><th>side</th>{head}</tr>", rows, noun="sides")
    )


def _voices(comparison: StoryComparison, colours: dict[str, str]) -> str:
    if not comparison.voices:
        return "<p>No attributed statements.</p>"
    sides = sorted({v.side for v in comparison.voices if v.side})
    side_colour = {s: f"s{i % _COLOURS}" for i, s in enumerate(sides)}
    most = max(v.words for v in comparison.voices) or 1
    cards = []
    for coverage in comparison.outlets:
        mine = [v for v in comparison.voices if v.outlet == coverage.outlet]
        rows = []
        for voice in mine:
            colour = side_colour.get(voice.side or "", "s-unknown")
            width = max(1.0, 100.0 * voice.words / most)
            label = (f"{voice.words} words · {voice.statements} statements "
                     f"({voice.direct} direct, {voice.indirect} indirect, {voice.mixed} mixed)")
            rows.append(
                f'<div class="bar-row"><div>{escape(voice.speaker)}<br>'
                f'<span class="bar-label">{escape(voice.side or "side unknown")}</span></div>'
                f'<div><svg class="bar {colour}" viewBox="0 0 100 10" preserveAspectRatio="none"'
                f' role="img" aria-label="{voice.words} words"><rect width="{width:.1f}"'
                f' height="10" rx="1"/></svg>'
                f'<span class="bar-label">{escape(label)}</span></div></div>'
            )
        total = sum(v.words for v in mine)
        cards.append(
            f'<div class="card {colours[coverage.outlet]}">'
            f"{_chip(coverage.outlet, colours)} <span class=\"where\">{len(mine)} sources, "
            f"{total} words attributed</span>"
            f'<div class="bars">{"".join(rows) or "<p>none</p>"}</div></div>'
        )
    legend = "".join(f'<span class="{c}"></span>{escape(s)}' for s, c in side_colour.items())
    legend += '<span class="s-unknown"></span>side unknown'
    return f'<div class="cols">{"".join(cards)}</div><p class="legend">{legend}</p>'


def _coverage(comparison: StoryComparison, colours: dict[str, str], anchors: _Anchors) -> str:
    if len(comparison.outlets) < 2:
        return "<p>One outlet only: nothing to compare.</p>"
    opinion = {a.id for a in comparison.articles if a.genre}
    cards = []
    for coverage in comparison.outlets:
        only = [s for f in comparison.facts if f.outlets == (coverage.outlet,)
                for s in f.statements]
        news = [f'<li class="only">{anchors.link(s)}</li>' for s in only
                if s.article not in opinion]
        views = [f'<li class="only">{anchors.link(s)}</li>' for s in only if s.article in opinion]
        body = _fold(news, noun="statements", tag="ul", css="plain") if news else (
            '<ul class="plain"><li>nothing</li></ul>')
        if views:
            body += (f'<details class="more"><summary>{len(views)} in opinion or analysis '
                     f'pieces</summary><ul class="plain">{"".join(views)}</ul></details>')
        cards.append(
            f'<div class="card {colours[coverage.outlet]}">'
            f"<h3>Only {_chip(coverage.outlet, colours)} reports ({len(news)})</h3>{body}</div>"
        )
    shared = [f for f in comparison.facts if len(f.outlets) >= 2]
    shared_items = []
    for fact in shared:
        quotes = "".join(f"<li>{_chip(s.outlet, colours)} {anchors.link(s)}</li>"
                         for s in fact.statements)
        why = ", ".join(fact.pairs[0].shared) if fact.pairs else ""
        missing = (" · not in " + ", ".join(fact.missing_from)) if fact.missing_from else ""
        shared_items.append(
            f'<li><ul class="plain">{quotes}</ul><span class="where">shared: {escape(why)}'
            f"{escape(missing)}</span></li>"
        )
    return (
        '<p class="key">Claims are matched across outlets by shared words, synonyms, names, '
        'numbers and phrases, clause by clause; <i class="sent only">only here</i> and '
        '<i class="sent shared">shared</i> are highlighted in the articles below. A statement '
        "is listed as one outlet's only when no other outlet states it in any words newsprism "
        "recognises. Statements of opinion and analysis pieces are counted apart.</p>"
        f'<div class="cols">{"".join(cards)}</div>'
        f"<h3>Reported by more than one outlet ({len(shared)})</h3>"
        + (_fold(shared_items, noun="shared facts") if shared_items
           else '<ol class="findings"><li>none found</li></ol>')
    )


def _timeline(comparison: StoryComparison, colours: dict[str, str], anchors: _Anchors) -> str:
    if not comparison.timeline:
        return "<p>No time expressions.</p>"
    rows = []
    undated = False
    for event in comparison.timeline:
        if event.value is None and not undated:
            undated = True
            rows.append(
                '<li><span class="date">not dated</span><span class="where">relative '
                "expressions without a publication date to anchor them (give one with "
                "--published YYYY-MM-DD)</span></li>"
            )
        label = (event.label or event.value
                 or ", ".join(dict.fromkeys(e.text for e in event.expressions)))
        mentions = "".join(
            f"<li>{_chip(m.outlet, colours)} {_snippet(m, e, anchors)}</li>"
            for m, e in list(zip(event.mentions, event.expressions, strict=True))[:6]
        )
        rows.append(
            f'<li><div><span class="date">{escape(label)}</span><br>'
            f'<span class="where">{escape(event.granularity)}</span><br>'
            f'{" ".join(_chip(o, colours) for o in event.outlets)}</div>'
            f'<ul class="plain">{mentions}</ul></li>'
        )
    return _fold(rows, noun="dates", css="timeline", visible=_VISIBLE_ROWS)


def _snippet(sentence: Evidence, expression: Evidence, anchors: _Anchors, width: int = 90) -> str:
    # The words around a time expression, the expression in bold, linked to its sentence.
    start = max(expression.start - width, sentence.start)
    end = min(expression.end + width, sentence.end)
    text = sentence.text
    before = text[start - sentence.start : expression.start - sentence.start]
    after = text[expression.end - sentence.start : end - sentence.start]
    html = (("…" if start > sentence.start else "") + escape(before)
            + f"<b>{escape(expression.text)}</b>" + escape(after)
            + ("…" if end < sentence.end else ""))
    anchor = _anchor_id(sentence)
    if anchor in anchors.ids:
        html = f'<a href="#{anchor}">{html}</a>'
    where = f"{sentence.outlet} · {sentence.article} · body {expression.start}–{expression.end}"
    return f'<span class="snippet">{html}</span> <span class="where">{escape(where)}</span>'


@dataclass(frozen=True, slots=True)
class _Mark:
    start: int
    end: int
    css: str
    tip: str
    anchor: str


def _articles(comparison: StoryComparison, colours: dict[str, str], anchors: _Anchors) -> str:
    sentences: dict[str, list[_Mark]] = defaultdict(list)
    for fact in comparison.facts:
        css = "sent shared" if len(fact.outlets) >= 2 else "sent only"
        tip = (f"reported by {', '.join(fact.outlets)}"
               + (f"; not by {', '.join(fact.missing_from)}" if fact.missing_from else ""))
        for s in fact.statements:
            sentences[s.article].append(_Mark(s.start, s.end, css, tip, _anchor_id(s)))
    marks: dict[str, list[_Mark]] = defaultdict(list)
    for portrait in comparison.portraits:
        for use in portrait.uses:
            e = use.evidence
            marks[e.article].append(_Mark(e.start, e.end, "desc",
                                          f"{portrait.name}: {use.kind}", _anchor_id(e)))
    for voice in comparison.voices:
        for verb in voice.verbs:
            e = verb.cue
            tip = f"{voice.speaker} ({voice.side or 'side unknown'}): {verb.lemma}, {verb.class_}"
            if verb.subclass:
                tip += f" — {verb.subclass}"
            marks[e.article].append(_Mark(e.start, e.end, f"cue {verb.class_}", tip,
                                          _anchor_id(e)))
    for event in comparison.timeline:
        for e in event.expressions:
            when = event.label or event.value or "not dated"
            marks[e.article].append(_Mark(e.start, e.end, "time",
                                          f"{when} ({event.granularity})", _anchor_id(e)))
    columns = []
    for article in comparison.articles:
        body = _body_html(article, sentences[article.id], marks[article.id], anchors)
        meta = [article.id]
        if article.published_by:
            meta.append(f"published by {article.published_by}")
        if article.carriers:
            meta.append(f"also carried by {', '.join(article.carriers)}")
        meta.append(f"published {article.published}" if article.published
                    else "publication date unknown")
        source = (f' · {_link(article.url, "original article")}'
                  if article.url and _link(article.url, "x") != "x" else "")
        words = len(article.body.split())
        columns.append(
            f'<article class="card {colours.get(article.outlet, "")}">'
            f"{_chip(article.outlet, colours)}{_genre_label(article)}"
            f"<h3>{escape(article.headline or '(no headline)')}"
            f'</h3><p class="article-meta">{escape(" · ".join(meta))}{source}</p>'
            f'<details class="article-text"><summary>Full text, {words} words, findings '
            f'highlighted</summary><div class="article-body">{body}</div></details></article>'
        )
    key = (
        '<p class="key"><i class="sent only">only this outlet</i> <i class="sent shared">'
        'reported by others too</i> <mark class="desc">descriptor</mark> '
        '<mark class="cue marked">marked verb</mark> <mark class="cue neutral">neutral verb'
        '</mark> <mark class="time">date</mark></p>'
    )
    return key + f'<div class="cols">{"".join(columns)}</div>'


def _body_html(
    article: ComparedArticle, sentences: Sequence[_Mark], marks: Sequence[_Mark],
    anchors: _Anchors,
) -> str:
    body = article.body
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", body)]
    ordered_sentences = sorted(sentences, key=lambda m: m.start)
    ordered_marks = sorted(marks, key=lambda m: (m.start, -(m.end - m.start)))
    out = []
    for p_start, p_end in paragraphs:
        pieces = []
        cursor = p_start
        for sentence in ordered_sentences:
            if sentence.end <= p_start or sentence.start >= p_end:
                continue
            s_start, s_end = max(sentence.start, p_start), min(sentence.end, p_end)
            if s_start < cursor:
                continue
            pieces.append(escape(body[cursor:s_start]))
            inner = _marked(body, s_start, s_end, ordered_marks, anchors, article)
            pieces.append(
                f'<span class="{sentence.css}"{anchors.claim(sentence.anchor)} '
                f'title="{escape(sentence.tip)}">{inner}</span>'
            )
            cursor = s_end
        pieces.append(escape(body[cursor:p_end]))
        out.append("<p>" + "".join(pieces) + "</p>")
    return "".join(out)


def _marked(
    body: str, start: int, end: int, marks: Sequence[_Mark], anchors: _Anchors,
    article: ComparedArticle,
) -> str:
    pieces = []
    cursor = start
    for mark in marks:
        if mark.start < cursor or mark.start >= end or mark.end > end:
            continue
        pieces.append(escape(body[cursor : mark.start]))
        related = anchors.about(Evidence(article.outlet, article.id, "body", mark.start,
                                         mark.end, body[mark.start : mark.end]))
        tip = mark.tip + "".join(f" · {f.id}: {_clip(f.summary, 140)}" for f in related[:2])
        pieces.append(
            f'<mark class="{escape(mark.css)}"{anchors.claim(mark.anchor)} tabindex="0">'
            f"{escape(body[mark.start : mark.end])}"
            f'<span class="tip" role="tooltip">{escape(tip)}</span></mark>'
        )
        cursor = mark.end
    pieces.append(escape(body[cursor:end]))
    return "".join(pieces)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

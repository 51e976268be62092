"""Terminal renderings for people: rich tables and panels, returned for the CLI to print."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsprism.model import (
    AnalyzedArticle,
    Article,
    GlobalEntity,
    Outlet,
    Publication,
    Skipped,
    Story,
    StoryComparison,
)


def outlet_label(outlet: Outlet | None) -> str:
    """``CNN`` or ``unknown``."""
    return outlet.name if outlet else "unknown"


def article_panel(
    article: Article,
    *,
    body_chars: int | None = None,
    publications: Sequence[Publication] = (),
) -> RenderableType:
    """One article: metadata, then the body, then what was set apart.

    ``publications``, when the same text was published more than once, are listed too.
    """
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold cyan")
    meta.add_column()
    meta.add_row("id", article.id)
    meta.add_row("source", escape(article.source.where()))
    meta.add_row("outlet", escape(outlet_label(article.outlet)))
    if article.original_outlet:
        meta.add_row("original outlet", escape(article.original_outlet.name) + " (syndicated)")
    if len(publications) > 1:
        meta.add_row(
            "published by",
            "\n".join(
                escape(f"{outlet_label(p.outlet)}  {p.url or p.source.where()}")
                for p in publications
            ),
        )
    meta.add_row("headline", escape(article.headline or "—"))
    if article.standfirst:
        meta.add_row("standfirst", escape(article.standfirst))
    meta.add_row("authors", escape(", ".join(article.authors) or "—"))
    if article.contributors:
        meta.add_row("contributors", escape(", ".join(article.contributors)))
    if article.published:
        meta.add_row("published", f"{article.published} (from {article.published_from})")
    else:
        meta.add_row("published", "unknown (supply one with --published YYYY-MM-DD)")
    if article.copy_of:
        meta.add_row("copy of", f"{article.copy_of.id} ({article.copy_of.kind})")
    body = article.body if body_chars is None else _clip(article.body, body_chars)
    parts: list[RenderableType] = [meta, Text(""), Text(body)]
    for caption in article.captions:
        credit = f"  [dim]credit: {escape(caption.credit)}[/dim]" if caption.credit else ""
        parts.append(Text.from_markup(f"[magenta]caption[/magenta] {escape(caption.text)}{credit}"))
    if article.removed:
        kinds = Counter(item.kind.value for item in article.removed)
        summary = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        parts.append(Text.from_markup(f"[dim]removed: {summary}[/dim]"))
    return Panel(Group(*parts), title=escape(article.headline or article.id), expand=True)


def articles_table(
    rows: Sequence[Article], *, outlets: Mapping[str, Sequence[str]] | None = None
) -> Table:
    """A one-line-per-article overview; ``outlets`` gives every publishing outlet by id."""
    table = Table(show_lines=False)
    for column in ("id", "outlet", "original", "published", "headline", "paras", "removed"):
        table.add_column(column, overflow="fold")
    for article in rows:
        table.add_row(
            article.id,
            escape(
                ", ".join(outlets[article.id])
                if outlets and outlets.get(article.id)
                else outlet_label(article.outlet)
            ),
            escape(article.original_outlet.name) if article.original_outlet else "",
            str(article.published or "unknown"),
            escape(article.headline or "—"),
            str(len(article.paragraphs)),
            str(len(article.removed)),
        )
    return table


def stories_table(stories: Sequence[Story]) -> Table:
    """One line per story: its id, size, outlets, days and title."""
    table = Table(title="Stories", title_justify="left", show_lines=False)
    for column in ("story", "articles", "outlets", "days", "title"):
        table.add_column(column, overflow="fold")
    for story in stories:
        table.add_row(
            story.id,
            str(len(story.articles)),
            escape(", ".join(story.outlets)),
            story_days(story),
            escape(story.title),
        )
    return table


def entities_table(entities: Sequence[GlobalEntity], *, title: str = "Entities") -> Table:
    """One line per global entity: names, roles and where it is mentioned."""
    table = Table(title=title, title_justify="left")
    for column in ("entity", "label", "name", "aliases", "roles", "articles", "outlets"):
        table.add_column(column, overflow="fold")
    for entity in entities:
        table.add_row(
            entity.id,
            entity.label,
            escape(entity.name),
            escape("; ".join(entity.aliases[:4])),
            escape("; ".join(entity.roles[:2])),
            str(len(entity.articles)),
            escape(", ".join(entity.outlets)),
        )
    return table


def story_days(story: Story) -> str:
    """The day, or first..last days, of a story's articles; empty when none is dated."""
    if story.first_published is None or story.last_published is None:
        return ""
    if story.first_published == story.last_published:
        return story.first_published.isoformat()
    return f"{story.first_published.isoformat()}..{story.last_published.isoformat()}"


def skipped_lines(skipped: Sequence[Skipped]) -> list[str]:
    """One plain line per skipped input: ``where: [code] reason``."""
    return [f"{item.where}: [{item.code}] {item.reason}" for item in skipped]


def analysis_panel(result: AnalyzedArticle, *, content_chars: int = 160) -> RenderableType:
    """One analysed article: who is mentioned, who says what with which cue, and when."""
    names = {entity.id: entity.name for entity in result.entities}
    entities = Table(title="entities", title_justify="left", expand=True)
    for column in ("name", "label", "mentions", "roles", "descriptors"):
        entities.add_column(column, overflow="fold")
    for entity in result.entities:
        entities.add_row(
            escape(entity.name),
            entity.label,
            str(len(entity.mentions)),
            escape("; ".join(dict.fromkeys(role.text for role in entity.roles))),
            escape("; ".join(dict.fromkeys(d.text for d in entity.descriptors))),
        )
    attributions = Table(title="attributions", title_justify="left", expand=True)
    for column in ("source", "cue", "kind", "content"):
        attributions.add_column(column, overflow="fold")
    for attribution in result.attributions:
        source = attribution.source.text if attribution.source else "—"
        if attribution.entity is not None and names.get(attribution.entity) != source:
            source = f"{source} → {names.get(attribution.entity, attribution.entity)}"
        cue = attribution.cue
        marked = f" [{cue.class_}{'/' + cue.subclass if cue.subclass else ''}]"
        attributions.add_row(
            escape(source),
            escape(cue.text) + (marked if cue.class_ != "neutral" else ""),
            attribution.kind.value,
            escape(_clip(attribution.content.text, content_chars)),
        )
    times = Table(title="time expressions", title_justify="left", expand=True)
    for column in ("text", "value", "granularity"):
        times.add_column(column)
    # Loaded here, not at import: the compare package brings numpy and scipy, which the other
    # views (and 'newsprism --help') do not need.
    from newsprism.analyze.timex import load_time_rules
    from newsprism.compare.timeline import readable_time

    rules = load_time_rules()
    for time in result.times:
        value = (readable_time(time.value, rules) if time.value
                 else ("relative, no anchor" if time.relative else "—"))
        times.add_row(escape(time.text), value, time.granularity.value)
    title = escape(result.article.headline or result.article.id)
    return Panel(Group(entities, attributions, times), title=title, expand=True)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


# --- story comparisons (newsprism compare) ---------------------------------------------------


def comparison_view(comparison: StoryComparison, *, per_outlet: int = 6) -> RenderableType:
    """A story comparison for the terminal: headlines, differences, descriptors, verbs,
    voices, single-outlet statements (at most ``per_outlet`` each) and the timeline."""
    parts: list[RenderableType] = [
        Text.from_markup(
            "[bold]Story:[/bold] "
            + ", ".join(
                escape(o.outlet) + (
                    f" (via {escape(', '.join(o.published_by))})" if len(o.published_by) == 1
                    else f" (one voice, {len(o.published_by)} carriers: "
                    f"{escape(', '.join(o.published_by))})" if o.published_by else "")
                + f" — {len(o.articles)} article(s), {o.words} words"
                for o in comparison.outlets
            )
        ),
        comparison_summary(comparison),
        comparison_headlines_table(comparison),
        comparison_findings_table(comparison),
        comparison_descriptors_table(comparison),
        comparison_voices_table(comparison),
        comparison_only_in(comparison, per_outlet=per_outlet),
        comparison_timeline_table(comparison),
    ]
    return Group(*parts)


def comparison_summary(comparison: StoryComparison) -> RenderableType:
    """The few most telling findings (contradictions, verbs of doubt, omissions, descriptor
    contrasts), highest score first, and the articles with their URL and genre."""
    by_id = {f.id: f for f in comparison.findings}
    lines = [Text.from_markup(f"[bold]{escape(f.id)}[/bold] [cyan]{escape(f.kind)}[/cyan] "
                              f"{escape(f.summary)}")
             for f in (by_id[i] for i in comparison.summary if i in by_id)]
    for article in comparison.articles:
        label = f" [yellow]{escape(article.genre.upper())}[/yellow]" if article.genre else ""
        carriers = (f" (also carried by {escape(', '.join(article.carriers))})"
                    if article.carriers else "")
        lines.append(Text.from_markup(
            f"[dim]{escape(article.outlet)}{label} · "
            f"{escape(article.url or article.id)}{carriers}[/dim]"))
    if not comparison.summary:
        lines.insert(0, Text("No contradiction, verb of doubt, omission or descriptor contrast."))
    return Panel(Group(*lines), title="In short", expand=True)


def comparison_headlines_table(comparison: StoryComparison) -> Table:
    """One row per headline: text, what it puts first, speaker, cue and order."""
    table = Table(title="Headlines", show_lines=True, expand=True)
    for column in ("outlet", "headline", "first", "attributed to", "cue", "order"):
        table.add_column(column, overflow="fold")
    for reading in comparison.headlines:
        cue = "—"
        if reading.cue is not None:
            cue = f"{reading.cue.text} ({reading.cue_class}"
            cue += f": {reading.cue_subclass})" if reading.cue_subclass else ")"
        table.add_row(
            escape(reading.outlet), escape(reading.headline.text),
            escape(reading.subject or "—"), escape(reading.speaker or "—"), escape(cue),
            reading.order,
        )
    return table


def comparison_findings_table(comparison: StoryComparison) -> Table:
    """The key differences (headline, descriptor, verb, voices and date findings)."""
    table = Table(title="Key differences", show_lines=False, expand=True)
    table.add_column("id", style="dim")
    table.add_column("kind", style="cyan")
    table.add_column("finding", overflow="fold")
    table.add_column("evidence", overflow="fold", style="dim")
    for finding in comparison.findings:
        if finding.kind in {"only-in", "shared"}:
            continue
        where = "; ".join(
            f"{e.outlet} {e.article}:{e.field}:{e.start}-{e.end}" for e in finding.evidence[:3]
        )
        if len(finding.evidence) > 3:
            where += f" (+{len(finding.evidence) - 3})"
        table.add_row(finding.id, finding.kind, escape(finding.summary), escape(where))
    return table


def comparison_descriptors_table(comparison: StoryComparison) -> Table:
    """Entities mentioned by two or more outlets, each outlet's descriptors side by side."""
    outlets = [o.outlet for o in comparison.outlets]
    table = Table(title="How each outlet describes people", show_lines=True, expand=True)
    table.add_column("entity", style="bold")
    for outlet in outlets:
        table.add_column(escape(outlet), overflow="fold")
    for portrait in comparison.portraits:
        if len(portrait.outlets) < 2:
            continue
        only = {item.outlet: set(item.words) for item in portrait.only}
        cells = []
        for outlet in outlets:
            uses = [u for u in portrait.uses if u.outlet == outlet]
            if outlet not in portrait.outlets:
                cells.append("[dim]not mentioned[/dim]")
                continue
            shown = [_emphasised(u.evidence.text, only.get(outlet, set())) for u in uses]
            cells.append("\n".join(shown) or "[dim]no descriptor[/dim]")
        table.add_row(escape(portrait.name), *cells)
    return table


def comparison_voices_table(comparison: StoryComparison) -> Table:
    """Speakers per outlet: side, statements, words, direct/indirect, cues (marked in red)."""
    table = Table(title="Voices and reporting verbs", show_lines=False, expand=True)
    for column in ("outlet", "speaker", "side", "statements", "words", "direct/indirect/mixed",
                   "verbs"):
        table.add_column(column, overflow="fold")
    for voice in comparison.voices:
        verbs = ", ".join(
            f"[bold red]{escape(v.cue.text)}[/bold red]" if v.class_ == "marked"
            else escape(v.cue.text)
            for v in voice.verbs
        )
        table.add_row(
            escape(voice.outlet), escape(voice.speaker), escape(voice.side or "unknown"),
            str(voice.statements), str(voice.words),
            f"{voice.direct}/{voice.indirect}/{voice.mixed}", verbs,
        )
    return table


def comparison_only_in(comparison: StoryComparison, *, per_outlet: int = 6) -> RenderableType:
    """Statements only one outlet reports, and how many are shared."""
    lines: list[RenderableType] = []
    for coverage in comparison.outlets:
        only = [f for f in comparison.facts if f.outlets == (coverage.outlet,)]
        lines.append(Text.from_markup(
            f"[bold]Only {escape(coverage.outlet)}[/bold] ({len(only)} statements)"))
        for fact in only[:per_outlet]:
            first = fact.statements[0]
            lines.append(Text(f"  • {_clip(first.text, 200)}  [{first.article}:{first.start}]"))
        if len(only) > per_outlet:
            lines.append(Text(f"  … {len(only) - per_outlet} more (--format json or --html)"))
    shared = [f for f in comparison.facts if len(f.outlets) > 1]
    lines.append(Text.from_markup(f"[bold]Reported by more than one outlet[/bold] ({len(shared)})"))
    for fact in shared[:per_outlet]:
        for statement in fact.statements:
            lines.append(Text(f"  {statement.outlet}: {_clip(statement.text, 160)}"))
        if fact.pairs:
            lines.append(Text(f"    shared: {', '.join(fact.pairs[0].shared)}", style="dim"))
    return Panel(Group(*lines), title="Coverage", expand=True)


def comparison_timeline_table(comparison: StoryComparison) -> Table:
    """Dated events with the outlets mentioning each; unanchored expressions last."""
    table = Table(title="Timeline", show_lines=False, expand=True)
    for column in ("when", "outlets", "mention"):
        table.add_column(column, overflow="fold")
    for event in comparison.timeline:
        when = event.label or event.value or "not dated: " + ", ".join(
            dict.fromkeys(e.text for e in event.expressions))
        sentence, expression = event.mentions[0], event.expressions[0]
        at = expression.start - sentence.start
        before = sentence.text[max(0, at - 60) : at]
        after = sentence.text[at + len(expression.text) : at + len(expression.text) + 60]
        table.add_row(
            escape(when), escape(", ".join(event.outlets)),
            ("…" if at > 60 else "") + escape(before) + f"[bold]{escape(expression.text)}[/bold]"
            + escape(after) + "…",
        )
    return table


def _emphasised(text: str, only: set[str]) -> str:
    words = text.split()
    return " ".join(
        f"[bold magenta]{escape(w)}[/bold magenta]" if w.lower().strip(",.") in only
        else escape(w)
        for w in words
    )

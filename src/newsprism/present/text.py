"""Terminal renderings for people: rich tables and panels, returned for the CLI to print."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsprism.model import AnalyzedArticle, Article, Outlet, Skipped


def outlet_label(outlet: Outlet | None) -> str:
    """``CNN`` or ``unknown``."""
    return outlet.name if outlet else "unknown"


def article_panel(article: Article, *, body_chars: int | None = None) -> RenderableType:
    """One article: metadata, then the body, then what was set apart."""
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold cyan")
    meta.add_column()
    meta.add_row("id", article.id)
    meta.add_row("source", escape(article.source.where()))
    meta.add_row("outlet", escape(outlet_label(article.outlet)))
    if article.original_outlet:
        meta.add_row("original outlet", escape(article.original_outlet.name) + " (syndicated)")
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


def articles_table(rows: Sequence[Article]) -> Table:
    """A one-line-per-article overview."""
    table = Table(show_lines=False)
    for column in ("id", "outlet", "original", "published", "headline", "paras", "removed"):
        table.add_column(column, overflow="fold")
    for article in rows:
        table.add_row(
            article.id,
            escape(outlet_label(article.outlet)),
            escape(article.original_outlet.name) if article.original_outlet else "",
            str(article.published or "unknown"),
            escape(article.headline or "—"),
            str(len(article.paragraphs)),
            str(len(article.removed)),
        )
    return table


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
    for time in result.times:
        value = time.value or ("relative, no anchor" if time.relative else "—")
        times.add_row(escape(time.text), value, time.granularity.value)
    title = escape(result.article.headline or result.article.id)
    return Panel(Group(entities, attributions, times), title=title, expand=True)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + " …"

"""The HTML pages: server-rendered, readable without JavaScript (htmx only makes the stories
filter and pagination swap the list in place)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from newsprism.corpus import StoryQuery, article_view
from newsprism.present.html import ReportParts, report_parts
from newsprism.serve.api import (
    ID,
    MAX_LIMIT,
    entity_of,
    stories_page,
    story_query,
    story_state,
)
from newsprism.serve.app import Corpus, corpus_of
from newsprism.serve.render import highlighted, rate_plot, report_css
from newsprism.store.base import SearchQuery
from newsprism.store.search import search

router = APIRouter(include_in_schema=False)
CorpusDep = Annotated[Corpus, Depends(corpus_of)]
# Outlets shown beside the current one in the profile plots.
_PLOT_OUTLETS = 12


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    template = request.app.state.templates.get_template(name)
    return HTMLResponse(template.render(request_path=request.url.path, **context))


def page_story_query(
    outlet: Annotated[str, Query(max_length=200)] = "",
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
    min_outlets: Annotated[str, Query(max_length=10)] = "",
    q: Annotated[str, Query(max_length=500)] = "",
    limit: Annotated[str, Query(max_length=10)] = "",
    offset: Annotated[str, Query(max_length=10)] = "",
) -> StoryQuery:
    """The stories filters as a form sends them: an empty field means no filter."""
    return story_query(
        outlet=outlet or None,
        since=_day(since, "since"),
        until=_day(until, "until"),
        min_outlets=_number(min_outlets, "min_outlets", 1, 1, 1000),
        q=q or None,
        limit=_number(limit, "limit", 20, 1, MAX_LIMIT),
        offset=_number(offset, "offset", 0, 0, 1_000_000),
    )


def _day(value: str, name: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise HTTPException(400, f"{name}: give a day as YYYY-MM-DD, not {value!r}") from None


def _number(value: str, name: str, default: int, low: int, high: int) -> int:
    if not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise HTTPException(400, f"{name}: give a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise HTTPException(400, f"{name}: give a number from {low} to {high}")
    return number


@router.get("/", response_class=HTMLResponse)
def stories(
    request: Request, corpus: CorpusDep, query: Annotated[StoryQuery, Depends(page_story_query)]
) -> HTMLResponse:
    """The stories, newest first, with filters and pages."""
    page = stories_page(corpus, query)
    outlets = sorted({o for s in corpus.stories() for o in s.outlets})
    params = {
        "outlet": query.outlet or "", "since": query.since or "", "until": query.until or "",
        "min_outlets": query.min_outlets if query.min_outlets > 1 else "",
        "q": query.text or "", "limit": query.limit if query.limit != 20 else "",
    }
    kept = {k: v for k, v in params.items() if v != ""}

    def at(offset: int) -> str:
        return "/?" + urlencode({**kept, "offset": offset} if offset else kept)

    previous = at(max(0, query.offset - query.limit)) if query.offset > 0 else None
    following = at(query.offset + query.limit) if query.offset + query.limit < page.total else None
    return _page(request, "stories.html", page=page, query=query, outlets=outlets,
                 params=params, previous=previous, following=following)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, corpus: CorpusDep, story_id: Annotated[str, ID]) -> HTMLResponse:
    """One story compared across outlets (the HTML report's sections)."""
    from newsprism.pipeline import compare_story

    state = story_state(corpus, story_id)
    if state is None:
        raise HTTPException(404, f"no story {story_id!r}")
    stored, key = state

    def render() -> str:
        # The comparison the store keeps for this state (computed and kept when missing).
        comparison = compare_story(corpus.store(), story_id, settings=corpus.settings)
        parts: ReportParts = report_parts(comparison)
        template = request.app.state.templates.get_template("story.html")
        html: str = template.render(request_path=request.url.path, story=stored, parts=parts,
                                    comparison=comparison)
        return html

    # The whole page is cached under the fingerprint of the story's state: a changed story
    # has another key, so no reader gets a page of what it was.
    return HTMLResponse(corpus.cached(f"story-page:{story_id}:{key}", render) if key else render())


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(
    request: Request, corpus: CorpusDep, article_id: Annotated[str, ID]
) -> HTMLResponse:
    """One article with its entities, quotes and times highlighted."""
    view = article_view(corpus.store(), article_id)
    if view is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return _page(request, "article.html", view=view, paragraphs=highlighted(view))


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity(request: Request, corpus: CorpusDep, entity_id: Annotated[str, ID]) -> HTMLResponse:
    """One person or organisation across the corpus."""
    view = entity_of(corpus, entity_id)
    if view is None:
        raise HTTPException(404, f"no entity {entity_id!r}")
    # The page groups up to a thousand descriptors and quotes: rendered once per corpus state.
    html = corpus.cached(
        f"entity-page:{entity_id}",
        lambda: request.app.state.templates.get_template("entity.html").render(
            request_path=request.url.path, view=view),
    )
    return HTMLResponse(html)


@router.get("/outlets", response_class=HTMLResponse)
def outlets(request: Request, corpus: CorpusDep) -> HTMLResponse:
    """Every outlet, with links to their profiles."""
    return _page(request, "outlets.html", profiles=corpus.profiles())


@router.get("/outlets/{name}", response_class=HTMLResponse)
def outlet(
    request: Request, corpus: CorpusDep, name: Annotated[str, Path(min_length=1, max_length=200)]
) -> HTMLResponse:
    """An outlet's profile beside the others."""
    profiles = corpus.profiles()
    profile = profiles.get(name)
    if profile is None:
        raise HTTPException(404, f"no analysed article of outlet {name!r}")
    shown = [p for p in profiles.outlets[:_PLOT_OUTLETS]]
    if profile not in shown:
        shown.append(profile)
    plots = [
        rate_plot("Attributed statements per 1,000 words", shown, "statements", name),
        rate_plot("Marked reporting verbs per 1,000 words", shown, "verbs.marked", name),
        rate_plot("Verbs of doubt (“claimed”) per 1,000 words", shown, "marked.doubt", name),
    ]
    return _page(request, "outlet.html", profile=profile, plots=plots, profiles=profiles)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    corpus: CorpusDep,
    q: Annotated[str, Query(max_length=500)] = "",
    scope: Annotated[str, Query(alias="in", max_length=20)] = "articles",
    outlet: Annotated[str, Query(max_length=200)] = "",
    speaker: Annotated[str, Query(max_length=200)] = "",
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
    limit: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    """Full-text search over articles, quotes or entities, filters as on the command line."""
    hits = None
    count = _number(limit, "limit", 20, 1, MAX_LIMIT)
    if q.strip():
        query = SearchQuery(q, scope=scope, outlet=outlet or None,  # type: ignore[arg-type]
                            speaker=speaker or None, since=_day(since, "since"),
                            until=_day(until, "until"), limit=count)
        hits = search(corpus.store(), query)
    form = {"q": q, "in": scope, "outlet": outlet, "speaker": speaker,
            "since": since, "until": until, "limit": count}
    return _page(request, "search.html", hits=hits, form=form)


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """The API, read from the OpenAPI schema (``/openapi.json``), as a page."""
    schema = request.app.openapi()
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            operations.append({
                "method": method.upper(), "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [
                    {"name": p["name"], "in": p["in"], "required": p.get("required", False),
                     "description": p.get("description", ""),
                     "schema": _schema_text(p.get("schema", {}))}
                    for p in operation.get("parameters", [])
                ],
            })
    return _page(request, "docs.html", operations=operations, info=schema.get("info", {}))


@router.get("/static/report.css")
def css() -> PlainTextResponse:
    """The HTML report's stylesheet (``newsprism.present``), shared by every page."""
    return PlainTextResponse(report_css(), media_type="text/css",
                             headers={"Cache-Control": "max-age=3600"})


def _schema_text(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(_schema_text(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    kind = str(schema.get("type", ""))
    if schema.get("format"):
        kind += f" ({schema['format']})"
    return kind

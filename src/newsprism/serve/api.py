"""The JSON API under ``/api``: the same data as the pages, in the records' own JSON
(``newsprism.model.to_dict``), documented in the OpenAPI schema (``/openapi.json``, ``/docs``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from newsprism.corpus import (
    CorpusProfile,
    EntityView,
    OutletProfile,
    StoryPage,
    StoryQuery,
    article_view,
    entity_view,
    find_stories,
)
from newsprism.model import Story, StoryComparison, to_dict
from newsprism.serve.app import Corpus, corpus_of, problem
from newsprism.serve.exports import EXPORT_FORMATS, export_stream
from newsprism.store.base import SearchHit, SearchQuery
from newsprism.store.search import search
from newsprism.store.tables import TABLES

router = APIRouter(prefix="/api", tags=["api"])
CorpusDep = Annotated[Corpus, Depends(corpus_of)]

# Most results one call returns.
MAX_LIMIT = 100
ID = Path(min_length=1, max_length=100, description="An id as the store gives it.")

PROBLEM = {
    "description": "A problem (RFC 9457): type, title, status, detail.",
    "content": {"application/problem+json": {}},
}
ERRORS: dict[int | str, dict[str, Any]] = {400: PROBLEM, 404: PROBLEM, 422: PROBLEM}


class StoriesOut(BaseModel):
    """A page of stories, newest first."""

    total: int = Field(description="Stories matching the filters, in all.")
    offset: int
    limit: int
    stories: list[dict[str, Any]] = Field(description="Story records (newsprism.model.Story).")


class SearchOut(BaseModel):
    """Search hits, best first."""

    scope: str
    hits: list[dict[str, Any]]


class IngestIn(BaseModel):
    """URLs to fetch, extract, analyse and store."""

    urls: list[str] = Field(min_length=1, max_length=50)
    outlet: str | None = Field(default=None, max_length=200)
    published: dt.date | None = None


class IngestOut(BaseModel):
    """What an ingest did."""

    read: int
    added: int
    already_present: int
    analysed: int
    skipped: list[dict[str, Any]]
    articles: list[str]
    stories: list[str]


def story_query(
    outlet: Annotated[str | None, Query(max_length=200, description="Credited outlet.")] = None,
    since: Annotated[dt.date | None, Query(description="Published on or after.")] = None,
    until: Annotated[dt.date | None, Query(description="Published on or before.")] = None,
    min_outlets: Annotated[int, Query(ge=1, le=1000, description="Outlets at least.")] = 1,
    q: Annotated[str | None, Query(max_length=500, description="Words in an article.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> StoryQuery:
    """The stories filters of the list page and ``/api/stories``."""
    return StoryQuery(
        outlet=outlet or None,
        since=since,
        until=until,
        min_outlets=min_outlets,
        text=q if q and q.strip() else None,
        limit=limit,
        offset=offset,
    )


def stories_page(corpus: Corpus, query: StoryQuery) -> StoryPage:
    """A page of stories from the cached story list."""
    return find_stories(corpus.store(), query, stories=corpus.stories())


@router.get("/stories", response_model=StoriesOut, responses=ERRORS, summary="List stories")
def api_stories(
    corpus: CorpusDep, query: Annotated[StoryQuery, Depends(story_query)]
) -> dict[str, Any]:
    """Stories, newest first, filtered by outlet, dates, outlets covering, words."""
    page = stories_page(corpus, query)
    return {
        "total": page.total,
        "offset": query.offset,
        "limit": query.limit,
        "stories": [to_dict(s) for s in page.stories],
    }


@dataclasses.dataclass(frozen=True, slots=True)
class ComparedStory:
    """A stored story and its comparison.

    Attributes:
        story: The story.
        comparison: Its comparison, computed from the story's present state.
        key: The fingerprint of that state (``newsprism.pipeline.comparison_key``); what is
            derived from the comparison is cached under it.
    """

    story: Story
    comparison: StoryComparison
    key: str


def comparison_of(corpus: Corpus, story_id: str) -> ComparedStory | None:
    """A stored story with its comparison, or ``None`` when no story has this id.

    The comparison is the one the store keeps for the story's present state, computed from the
    stored analyses (and kept) when there is none: ``newsprism.pipeline.compare_story``. The
    app caches it under the state's fingerprint, taken at each request (a few small queries),
    so a story whose articles, analyses or publications changed is never served stale.
    """
    from newsprism.pipeline import compare_story

    state = story_state(corpus, story_id)
    if state is None:
        return None
    story, key = state
    if key is None:
        # An article without an analysis: comparing analyses it, which changes the key.
        comparison = compare_story(corpus.store(), story_id, settings=corpus.settings)
        return ComparedStory(story, comparison, "")
    comparison = corpus.cached(
        f"comparison:{story_id}:{key}",
        lambda: compare_story(corpus.store(), story_id, settings=corpus.settings),
    )
    return ComparedStory(story, comparison, key)


def story_state(corpus: Corpus, story_id: str) -> tuple[Story, str | None] | None:
    """A stored story and the fingerprint of its present state (``None`` while an article has
    no analysis), or ``None`` when no story has this id: what the story's cached comparison
    and page are keyed by."""
    from newsprism.pipeline import comparison_key

    store = corpus.store()
    story = store.get_story(story_id)
    if story is None:
        return None
    return story, comparison_key(store, story, settings=corpus.settings)


@router.get("/stories/{story_id}", responses=ERRORS, summary="Compare one story")
def api_story(corpus: CorpusDep, story_id: Annotated[str, ID]) -> dict[str, Any]:
    """The story's ``StoryComparison``: summary, findings with evidence, descriptors, verbs,
    voices, facts, contradictions, timeline, the articles."""
    found = comparison_of(corpus, story_id)
    if found is None:
        raise HTTPException(404, f"no story {story_id!r}")
    data: dict[str, Any] = to_dict(found.comparison)
    return data


@router.get("/articles/{article_id}", responses=ERRORS, summary="One article")
def api_article(corpus: CorpusDep, article_id: Annotated[str, ID]) -> dict[str, Any]:
    """The article, its stored analysis (entities, attributions, times; ``null`` when not
    analysed), its publications, story and the global ids of its entities."""
    view = article_view(corpus.store(), article_id)
    if view is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return {
        "article": to_dict(view.article),
        "analysis": to_dict(dataclasses.replace(view.analysis, article=view.article))
        if view.analysis is not None
        else None,
        "publications": [to_dict(p) for p in view.publications],
        "story": view.story.id if view.story else None,
        "global_ids": view.global_ids,
    }


def entity_json(view: EntityView) -> dict[str, Any]:
    """An entity view as JSON."""
    return {
        "entity": to_dict(view.entity),
        "names": [{"outlet": o, "name": n, "articles": c} for o, n, c in view.names],
        "descriptors": [_row(r) for r in view.descriptors],
        "quotes": [_row(r) for r in view.quotes],
        "stories": [{"id": s.id, "title": s.title, "outlets": list(s.outlets),
                     "last_published": _day(s.last_published)} for s in view.stories],
    }


@router.get("/entities/{entity_id}", responses=ERRORS, summary="One entity across the corpus")
def api_entity(corpus: CorpusDep, entity_id: Annotated[str, ID]) -> dict[str, Any]:
    """How each outlet names and describes a person or organisation, who quotes them with
    which verbs, and the stories they are in."""
    view = entity_of(corpus, entity_id)
    if view is None:
        raise HTTPException(404, f"no entity {entity_id!r}")
    return entity_json(view)


def entity_of(corpus: Corpus, entity_id: str) -> EntityView | None:
    """An entity across the corpus (kept until the store changes), or ``None``."""
    return corpus.cached(f"entity:{entity_id}", lambda: entity_view(corpus.store(), entity_id))


def profile_json(profile: OutletProfile) -> dict[str, Any]:
    """An outlet profile as JSON."""
    data: dict[str, Any] = dataclasses.asdict(profile)
    return data


@router.get("/outlets", responses=ERRORS, summary="Every outlet's profile")
def api_outlets(corpus: CorpusDep) -> dict[str, Any]:
    """Profiles of every outlet: rates per 1,000 words with counts and 95% intervals."""
    profiles: CorpusProfile = corpus.profiles()
    return {"articles": profiles.articles,
            "outlets": [profile_json(p) for p in profiles.outlets]}


@router.get("/outlets/{name}", responses=ERRORS, summary="One outlet's profile")
def api_outlet(
    corpus: CorpusDep, name: Annotated[str, Path(min_length=1, max_length=200)]
) -> dict[str, Any]:
    """An outlet's profile over the analysed corpus (see ``newsprism.corpus``)."""
    profile = corpus.profiles().get(name)
    if profile is None:
        raise HTTPException(404, f"no analysed article of outlet {name!r}")
    return profile_json(profile)


def search_query(
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words; a phrase in \"\".")],
    scope: Annotated[Literal["articles", "quotes", "entities"], Query(alias="in")] = "articles",
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    speaker: Annotated[str | None, Query(max_length=200, description="Quotes only.")] = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
) -> SearchQuery:
    """The search filters, as on the command line."""
    return SearchQuery(q, scope=scope, outlet=outlet or None, speaker=speaker or None,
                       since=since, until=until, limit=limit)


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """A search hit as JSON."""
    data = dataclasses.asdict(hit)
    data["published"] = _day(hit.published)
    return data


@router.get("/search", response_model=SearchOut, responses=ERRORS, summary="Full-text search")
def api_search(
    corpus: CorpusDep, query: Annotated[SearchQuery, Depends(search_query)]
) -> dict[str, Any]:
    """Articles, quotes or entities matching all the words, best first (BM25)."""
    hits = search(corpus.store(), query)
    return {"scope": query.scope, "hits": [hit_json(h) for h in hits]}


@router.get(
    "/export/{table}",
    responses={**ERRORS, 200: {"description": "The table, streamed.",
                               "content": {"text/csv": {}, "application/x-ndjson": {}}}},
    summary="Export one tidy table",
)
def api_export(
    corpus: CorpusDep,
    table: Annotated[Literal[tuple(TABLES)], Path(description="A table name.")],  # type: ignore[valid-type]
    format: Annotated[Literal["csv", "jsonl"], Query()] = "csv",
) -> StreamingResponse:
    """One of the tidy tables (``newsprism export``) as CSV or JSON lines, streamed."""
    media = EXPORT_FORMATS[format]
    return StreamingResponse(
        export_stream(corpus, table, format),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{table}.{format}"'},
    )


@router.post(
    "/ingest",
    response_model=IngestOut,
    responses={**ERRORS, 401: PROBLEM, 403: PROBLEM},
    summary="Ingest URLs (only with --allow-ingest and the token)",
)
def api_ingest(
    request: Request,
    corpus: CorpusDep,
    body: Annotated[IngestIn, Body()],
    authorization: Annotated[str | None, Header()] = None,
) -> Any:
    """Fetch, extract, analyse and store articles from URLs. Refused unless the server runs
    with ``--allow-ingest``; needs ``Authorization: Bearer TOKEN``. Loopback, private,
    link-local and metadata addresses are refused (after DNS resolution, on every redirect)
    unless the server runs with ``--allow-private-urls``."""
    from newsprism.serve.ingest import ingest_urls

    if not corpus.config.allow_ingest:
        return problem(403, "Forbidden", "this server is read-only; start it with "
                       "--allow-ingest and a token to accept ingests")
    if not corpus.check_token(authorization):
        response = problem(401, "Unauthorized", "send Authorization: Bearer TOKEN")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return ingest_urls(corpus, body.urls, outlet=body.outlet, published=body.published)


def _row(row: Any) -> dict[str, Any]:
    data: dict[str, Any] = dataclasses.asdict(row)
    data["published"] = _day(data.get("published"))
    return data


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None

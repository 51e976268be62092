"""The HTML pages: every page renders the corpus, escapes scraped text, and needs no inline
script or style (the Content-Security-Policy forbids both)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from newsprism.store import open_store
from tests.serve.conftest import Served

# Attributes the CSP would block or that would run script.
_INLINE = re.compile(r"<[^>]*\s(?:style|on[a-z]+)\s*=", re.IGNORECASE)


def _pages(client: TestClient, served: Served) -> dict[str, str]:
    with open_store(served.db) as store:
        bout = next(e for e in store.list_entities(label="PERSON") if e.name == "Viktor Bout")
        rt = next(a.id for a in store.list_articles() if a.outlet == "RT")
    paths = {
        "stories": "/",
        "filtered": "/?outlet=RT&min_outlets=2",
        "story": f"/stories/{served.story}",
        "article": f"/articles/{rt}",
        "hostile": f"/articles/{served.hostile_article}",
        "entity": f"/entities/{bout.id}",
        "outlets": "/outlets",
        "outlet": "/outlets/RT",
        "search": "/search?q=%22good+faith%22&in=quotes",
        "docs": "/docs",
    }
    pages = {}
    for name, path in paths.items():
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text[:300])
        pages[name] = answer.text
    return pages


def test_issue12_pages_show_the_corpus(client: TestClient, served: Served) -> None:
    pages = _pages(client, served)
    listed = pages["stories"].split('id="results"')[1]
    assert served.story in listed and "Prisoner swap talks go on" in listed
    filtered = pages["filtered"].split('id="results"')[1]
    assert served.story in filtered and "Prisoner swap talks go on" not in filtered
    story = pages["story"]
    assert '<section id="headlines">' in story and '<mark class="cue marked"' in story
    for text in ("jailed Russian businessman", "convicted Russian arms dealer", "Key differences",
                 "Ned Price"):
        assert text in story, text
    assert 'href="/articles/' in story
    article = pages["article"]
    assert re.search(r'<mark class="ent"[^>]*><a href="/entities/[^"]+">', article)
    assert '<mark class="cue marked"' in article and '<mark class="time"' in article
    assert "Karine Jean-Pierre" in article
    entity = pages["entity"]
    assert "jailed Russian businessman" in entity and "convicted Russian arms dealer" in entity
    assert f"/stories/{served.story}" in entity
    outlet = pages["outlet"]
    assert "<svg" in outlet and "per 1,000 words" in outlet and "95% interval" in outlet
    assert "Karine Jean-Pierre" in pages["search"] and "stressed" in pages["search"]
    assert "/api/stories/{story_id}" in pages["docs"]


def test_issue12_pages_escape_scraped_markup(client: TestClient, served: Served) -> None:
    pages = _pages(client, served)
    for name, page in pages.items():
        assert not _INLINE.search(page), name
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts == ['<script src="/static/htmx.min.js" defer>'], name
        assert "<img" not in page and "<b>Times</b>" not in page, name
    hostile = pages["hostile"]
    assert "&lt;script&gt;document.title=&#34;pwned-headline&#34;&lt;/script&gt;" in hostile
    assert "&lt;img src=x onerror=" in hostile
    assert "Hostile &lt;b&gt;Times&lt;/b&gt;" in hostile


@pytest.mark.parametrize("path", ["/stories/x", "/articles/x", "/entities/x", "/outlets/x"])
def test_issue12_unknown_ids_are_plain_404_pages(sqlite_client: TestClient, path: str) -> None:
    answer = sqlite_client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "404" in answer.text and "Traceback" not in answer.text

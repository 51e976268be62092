"""The JSON API against the app (httpx through Starlette's TestClient), on SQLite and PostgreSQL:
the same data as the library gives, problems as RFC 9457 JSON, never a traceback."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from fastapi.testclient import TestClient

from newsprism.config import load_settings
from newsprism.model import to_dict
from newsprism.pipeline import compare_story
from newsprism.store import open_store
from newsprism.store.export import export_tables
from tests.serve.conftest import HOSTILE_HEADLINE, Served


def test_issue12_stories_newest_first_with_filters_and_pages(
    client: TestClient, served: Served
) -> None:
    everything = client.get("/api/stories").json()
    assert everything["total"] == len(everything["stories"]) >= 2
    days = [s["last_published"] for s in everything["stories"]]
    assert days == sorted(days, reverse=True)  # the hostile article (30 July) comes first
    both = client.get("/api/stories", params={"min_outlets": 2}).json()
    assert [s["id"] for s in both["stories"]] == [served.story]
    assert set(both["stories"][0]["outlets"]) == {"RT", "CNN"}
    rt = client.get("/api/stories", params={"outlet": "RT"}).json()
    assert [s["id"] for s in rt["stories"]] == [served.story]
    assert client.get("/api/stories", params={"outlet": "Nobody"}).json()["total"] == 0
    words = client.get("/api/stories", params={"q": "Lavrov"}).json()
    assert served.story in [s["id"] for s in words["stories"]]
    later = client.get("/api/stories", params={"since": "2022-07-30"}).json()
    assert served.story not in [s["id"] for s in later["stories"]] and later["total"] >= 1
    page = client.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == everything["total"]
    assert [s["id"] for s in page["stories"]] == [everything["stories"][1]["id"]]


def test_issue12_story_is_the_library_comparison(client: TestClient, served: Served) -> None:
    answer = client.get(f"/api/stories/{served.story}")
    assert answer.status_code == 200
    with open_store(served.db) as store:
        expected = to_dict(compare_story(store, served.story, settings=load_settings()))
    assert answer.json() == json.loads(json.dumps(expected))
    outlets = {o["outlet"] for o in answer.json()["outlets"]}
    assert outlets == {"RT", "CNN"}


def test_issue12_article_carries_its_analysis_and_entity_links(
    client: TestClient, served: Served
) -> None:
    story = client.get(f"/api/stories/{served.story}").json()
    rt = next(a for a in story["articles"] if a["outlet"] == "RT")
    data = client.get(f"/api/articles/{rt['id']}").json()
    body = data["article"]["body"]
    assert data["story"] == served.story
    for attribution in data["analysis"]["attributions"]:
        content = attribution["content"]
        assert body[content["start"] : content["end"]] == content["text"]
    names = {e["id"]: e["name"] for e in data["analysis"]["entities"]}
    assert data["global_ids"] and set(data["global_ids"]) <= set(names)
    bout = next(local for local, name in names.items() if name.endswith("Bout"))
    entity = client.get(f"/api/entities/{data['global_ids'][bout]}").json()
    assert entity["entity"]["name"] == "Viktor Bout"


def test_issue12_entity_across_the_corpus(client: TestClient, served: Served) -> None:
    with open_store(served.db) as store:
        bout = next(e for e in store.list_entities(label="PERSON") if e.name == "Viktor Bout")
    data = client.get(f"/api/entities/{bout.id}").json()
    named = {(n["outlet"], n["name"]) for n in data["names"]}
    assert {"RT", "CNN"} <= {outlet for outlet, _ in named}
    descriptors = {(d["outlet"], d["text"]) for d in data["descriptors"]}
    assert ("RT", "jailed Russian businessman") in descriptors
    assert ("CNN", "convicted Russian arms dealer") in descriptors
    assert served.story in [s["id"] for s in data["stories"]]
    assert client.get("/api/entities/g-nobody").status_code == 404


def test_issue12_quotes_of_an_entity_carry_their_verbs(client: TestClient, served: Served) -> None:
    with open_store(served.db) as store:
        speaker = next(e for e in store.list_entities(label="PERSON")
                       if e.name == "Karine Jean-Pierre")
    quotes = client.get(f"/api/entities/{speaker.id}").json()["quotes"]
    assert quotes and {q["outlet"] for q in quotes} == {"RT"}
    assert "stressed" in {q["cue_text"] for q in quotes}
    assert all(q["cue_class"] in {"neutral", "marked", "cognitive", "unlisted"} for q in quotes)


def test_issue12_outlet_profile_counts_the_stored_analyses(
    client: TestClient, served: Served
) -> None:
    profile = client.get("/api/outlets/RT").json()
    with open_store(served.db) as store:
        rt = [a for a in store.iter_analyses()
              if a.article.outlet and a.article.outlet.name == "RT"]
    words = sum(len(a.article.body.split()) for a in rt)
    statements = sum(len(a.attributions) for a in rt)
    marked = sum(1 for a in rt for t in a.attributions if t.cue.class_ == "marked")
    assert (profile["articles"], profile["words"], profile["stories"]) == (len(rt), words, 1)
    assert profile["statements"]["count"] == statements
    rate = profile["statements"]
    assert rate["low"] < rate["per_1000"] < rate["high"]
    assert abs(rate["per_1000"] - 1000 * statements / words) < 1e-9
    assert profile["verbs"]["marked"]["count"] == marked
    assert sum(s["statements"] for s in profile["sides"]) == statements
    everyone = client.get("/api/outlets").json()
    assert {"RT", "CNN"} <= {p["outlet"] for p in everyone["outlets"]}
    assert client.get("/api/outlets/Nobody").status_code == 404


def test_issue12_search_quotes_and_articles(client: TestClient) -> None:
    quotes = client.get("/api/search", params={"q": "good faith", "in": "quotes"}).json()
    assert quotes["scope"] == "quotes"
    found = {(h["speaker"], h["outlet"], h["cue"]) for h in quotes["hits"]}
    assert ("Karine Jean-Pierre", "RT", "stressed") in found
    # Credited to CNN, published by KION 46: the filter finds it under either name.
    cnn = client.get("/api/search", params={"q": "Lavrov", "outlet": "CNN"}).json()["hits"]
    assert [h["headline"][:13] for h in cnn] == ["Blinken says "]
    bad = client.get("/api/search", params={"q": "Lavrov", "speaker": "x"})
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/problem+json"


def test_issue12_export_streams_the_tables(
    client: TestClient, served: Served, tmp_path: Path
) -> None:
    with open_store(served.db) as store:
        export_tables(store, tmp_path, format="csv", tables=["attributions", "stories"])
        export_tables(store, tmp_path, format="jsonl", tables=["mentions"])
    for table in ("attributions", "stories"):
        answer = client.get(f"/api/export/{table}", params={"format": "csv"})
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        expected = list(csv.reader(io.StringIO((tmp_path / f"{table}.csv").read_text("utf-8"))))
        assert list(csv.reader(io.StringIO(answer.text))) == expected
        assert len(expected) > 1
    lines = client.get("/api/export/mentions", params={"format": "jsonl"}).text.splitlines()
    assert lines == (tmp_path / "mentions.jsonl").read_text("utf-8").splitlines()


def test_issue12_problems_are_json_for_the_api_and_pages_for_readers(
    client: TestClient,
) -> None:
    missing = client.get("/api/stories/s-nothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["status"] == 404 and "s-nothing" in missing.json()["detail"]
    invalid = client.get("/api/stories", params={"limit": 0})
    assert invalid.status_code == 422 and invalid.json()["title"] == "Invalid request"
    backwards = client.get("/api/stories", params={"since": "2022-08-01", "until": "2022-07-01"})
    assert backwards.status_code == 400
    page = client.get("/stories/s-nothing")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "s-nothing" in page.text and "Traceback" not in page.text


def test_issue12_an_internal_failure_shows_no_traceback(sqlite_served: Served) -> None:
    from newsprism.serve import ServeConfig, create_app

    app = create_app(ServeConfig(db=sqlite_served.db))

    def broken() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.state.corpus.stores.get = broken
    with TestClient(app, raise_server_exceptions=False) as client:
        for path, kind in (("/api/stories", "application/problem+json"), ("/", "text/html")):
            answer = client.get(path)
            assert answer.status_code == 500
            assert answer.headers["content-type"].startswith(kind)
            assert "secret" not in answer.text and "Traceback" not in answer.text


def test_issue12_every_answer_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/stories", "/nope", "/static/serve.css", "/openapi.json"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_issue12_hostile_markup_stays_text_in_json(client: TestClient, served: Served) -> None:
    data = client.get(f"/api/articles/{served.hostile_article}").json()
    assert data["article"]["headline"] == HOSTILE_HEADLINE  # data, unchanged; pages escape it


def test_issue12_prepare_computes_the_outlet_profiles_at_start(sqlite_served: Served) -> None:
    import time

    from newsprism.serve import ServeConfig, create_app

    app = create_app(ServeConfig(db=sqlite_served.db, prepare=True))
    with TestClient(app):
        deadline = time.monotonic() + 60
        while "profiles" not in app.state.corpus.caches.values:
            assert time.monotonic() < deadline, "the profiles were not prepared"
            time.sleep(0.05)
        profiles = app.state.corpus.caches.values["profiles"]
        assert {"RT", "CNN"} <= {p.outlet for p in profiles.outlets}

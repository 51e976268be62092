"""Full-text search over the stored corpus (issue 11), on SQLite, PostgreSQL and in memory:
hits carry the article, the matched text and its span in the body, quotes their speaker and cue."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.config import load_settings
from newsprism.errors import QueryError
from newsprism.ingest.outlets import load_outlets
from newsprism.pipeline import Analyzer, InputSpec, ingest_into
from newsprism.store import Store, open_store
from newsprism.store.base import SearchQuery
from newsprism.store.search import parse_query, search
from tests.conftest import CNN_SAMPLE, RT_SAMPLE

SETTINGS = load_settings()


@pytest.fixture
def corpus(store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer) -> Store:
    ingest_into(
        sample_inputs, store=store, settings=SETTINGS, outlets=load_outlets(), analyzer=analyzer
    )
    return store


def _bodies(store: Store) -> dict[str, str]:
    return {a.id: a.body for a in store.iter_articles()}


def test_issue11_articles_are_ranked_and_the_match_located(corpus: Store) -> None:
    bodies = _bodies(corpus)
    hits = search(corpus, SearchQuery("prisoner swap"))
    assert len(hits) == 2
    assert hits[0].score >= hits[1].score
    for hit in hits:
        assert hit.start_char is not None and hit.end_char is not None
        assert bodies[hit.article_id][hit.start_char : hit.end_char] == hit.text
        assert hit.text.lower() in {"prisoner", "swap"}
    # Inflections match: "swaps" finds "swap"; the phrase keeps its order.
    assert {h.article_id for h in search(corpus, SearchQuery("swaps"))} == set(bodies)
    assert search(corpus, SearchQuery('"swap prisoner"')) == []


def test_issue11_filters_by_outlet_and_day(corpus: Store) -> None:
    lavrov = search(corpus, SearchQuery("Lavrov"))
    assert [h.outlet for h in lavrov] == ["KION 46"]
    # A syndicated copy is found under the outlet that wrote it, too.
    assert search(corpus, SearchQuery("Lavrov", outlet="CNN")) == lavrov
    assert search(corpus, SearchQuery("Lavrov", outlet="RT")) == []
    day = dt.date(2022, 7, 29)
    assert len(search(corpus, SearchQuery("Moscow", since=day, until=day))) == 2
    assert search(corpus, SearchQuery("Moscow", since=day + dt.timedelta(days=1))) == []


def test_issue11_quotes_carry_speaker_cue_and_span(corpus: Store) -> None:
    bodies = _bodies(corpus)
    hits = search(corpus, SearchQuery("good faith", scope="quotes"))
    assert hits and all(h.outlet == "RT" for h in hits)
    for hit in hits:
        assert hit.start_char is not None
        assert bodies[hit.article_id][hit.start_char : hit.end_char] == hit.text
        assert "good faith" in hit.text
        assert hit.cue and hit.cue_class
    claimed = search(corpus, SearchQuery("contradicted", scope="quotes", speaker="jean-pierre"))
    assert [(h.speaker, h.cue, h.cue_class) for h in claimed] == [
        ("Karine Jean-Pierre", "claimed", "marked")
    ]
    assert search(corpus, SearchQuery("contradicted", scope="quotes", speaker="Blinken")) == []


def test_issue11_entities_are_found_by_their_mentions(corpus: Store) -> None:
    bodies = _bodies(corpus)
    hits = search(corpus, SearchQuery("Bout", scope="entities"))
    assert {h.outlet for h in hits} == {"RT", "KION 46"}
    for hit in hits:
        assert hit.entity_id is not None and hit.start_char is not None
        assert bodies[hit.article_id][hit.start_char : hit.end_char] == hit.text
        assert "Bout" in hit.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (SearchQuery("  ... "), "no word to search for"),
        (SearchQuery("Lavrov", speaker="Blinken"), "--in quotes"),
        (SearchQuery("Lavrov", since=dt.date(2022, 8, 1), until=dt.date(2022, 7, 1)), "after"),
        (SearchQuery("Lavrov", limit=0), "at least 1"),
    ],
)
def test_queries_that_cannot_run_are_bad_input(
    corpus: Store, query: SearchQuery, message: str
) -> None:
    with pytest.raises(QueryError, match=message) as caught:
        search(corpus, query)
    assert str(caught.value).startswith("[E110]")


def test_query_syntax_is_words_and_phrases() -> None:
    terms = parse_query('U.S.-Russia "prisoner swap" AND')
    assert [t.words for t in terms] == [("U",), ("S",), ("Russia",), ("prisoner", "swap"),
                                         ("AND",)]


runner = CliRunner()


def test_issue11_search_command(db_url: str) -> None:
    for path, outlet in ((RT_SAMPLE, ["--outlet", "RT"]), (CNN_SAMPLE, [])):
        ingest = ["ingest", str(path), *outlet, "--db", db_url, "--published", "2022-07-29"]
        assert runner.invoke(app, ingest).exit_code == 0
    result = runner.invoke(
        app, ["search", "negotiate", "--db", db_url, "--in", "quotes", "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits and {h["outlet"] for h in hits} == {"RT"}
    with open_store(db_url) as store:
        body = store.get_article(hits[0]["article_id"]).body  # type: ignore[union-attr]
    assert body[hits[0]["start_char"] : hits[0]["end_char"]] == hits[0]["text"]
    assert {"speaker", "cue", "score", "headline"} <= set(hits[0])
    table = runner.invoke(app, ["search", "Lavrov", "--db", db_url, "--limit", "5"])
    assert table.exit_code == 0 and "KION 46" in table.stdout and "1 hits" in table.stderr
    bad = runner.invoke(app, ["search", "...", "--db", db_url])
    assert bad.exit_code == 2 and "no word to search for" in bad.stderr

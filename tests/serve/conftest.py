"""Fixtures of the web app tests: the two samples and a hostile article, ingested, analysed,
entities resolved, once per session on SQLite and on PostgreSQL; an app over each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import SAMPLE_DAY

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from newsprism.pipeline import Analyzer, InputSpec

# Scraped text is untrusted: a headline and a quote carrying live markup, an outlet name too.
HOSTILE_HEADLINE = (
    'Prisoner swap talks go on <script>document.title="pwned-headline"</script>'
    "<img src=x onerror=\"document.title='pwned-img'\">"
)
HOSTILE_BODY = (
    "Officials say the talks on a prisoner swap with Moscow continue this week.\n\n"
    "“<script>document.title='pwned-quote'</script> We will not back down "
    "<img src=x onerror=\"document.title='pwned-quote-img'\">,” the spokesman said on Friday.\n\n"
    "Viktor Bout, a convicted arms dealer, remains in a US prison, officials said.\n"
)
HOSTILE_OUTLET = "Hostile <b>Times</b>"


@dataclass(frozen=True, slots=True)
class Served:
    """A database the app serves, and what is in it."""

    db: str
    backend: str
    story: str
    hostile_article: str


def _build(db: str, backend: str, inputs: list[InputSpec], analyzer: Analyzer) -> Served:
    from newsprism.config import load_settings
    from newsprism.ingest.outlets import load_outlets
    from newsprism.pipeline import run
    from newsprism.store import open_store

    with open_store(db) as store:
        report = run(inputs, store=store, settings=load_settings(), outlets=load_outlets(),
                     analyzer=analyzer)
        (story_id, _), = report.comparisons
        hostile = [a.id for a in report.ingest.articles if a.outlet and "Hostile" in a.outlet.name]
    return Served(db, backend, story_id, hostile[0])


@pytest.fixture(scope="session")
def served_inputs(
    sample_inputs: list[InputSpec], tmp_path_factory: pytest.TempPathFactory
) -> list[InputSpec]:
    """The two samples and a JSONL article whose headline, quote and outlet hold markup."""
    from newsprism.pipeline import InputSpec

    path = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    record = {"text": HOSTILE_BODY, "title": HOSTILE_HEADLINE, "outlet": HOSTILE_OUTLET,
              "published": "2022-07-30", "url": "https://hostile.example/talks"}
    path.write_text(json.dumps(record) + "\n", "utf-8")
    return [*sample_inputs, InputSpec(str(path))]


@pytest.fixture(scope="session")
def sqlite_served(
    served_inputs: list[InputSpec], analyzer: Analyzer, tmp_path_factory: pytest.TempPathFactory
) -> Served:
    """The served corpus in an SQLite file."""
    db = str(tmp_path_factory.mktemp("served") / "news.db")
    return _build(db, "sqlite", served_inputs, analyzer)


@pytest.fixture(scope="session")
def postgres_served(
    served_inputs: list[InputSpec], analyzer: Analyzer, request: pytest.FixtureRequest
) -> Served:
    """The served corpus in a PostgreSQL database of the session's server."""
    postgres = request.getfixturevalue("postgres")
    _, url = postgres.fresh()
    return _build(url, "postgresql", served_inputs, analyzer)


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest) -> Served:
    """The served corpus on each backend."""
    name = "postgres_served" if request.param == "postgresql" else "sqlite_served"
    found: Served = request.getfixturevalue(name)
    return found


@pytest.fixture
def client(served: Served) -> Iterator[TestClient]:
    """A read-only app over the served corpus, on each backend."""
    from fastapi.testclient import TestClient

    from newsprism.serve import ServeConfig, create_app

    with TestClient(create_app(ServeConfig(db=served.db))) as test_client:
        yield test_client


@pytest.fixture
def sqlite_client(sqlite_served: Served) -> Iterator[TestClient]:
    """A read-only app over the SQLite copy only (for tests that need one backend)."""
    from fastapi.testclient import TestClient

    from newsprism.serve import ServeConfig, create_app

    with TestClient(create_app(ServeConfig(db=sqlite_served.db))) as test_client:
        yield test_client


__all__ = ["SAMPLE_DAY", "Path"]

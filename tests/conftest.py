"""Fixtures shared by every test module: where the repository and the shared data are."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from newsprism.pipeline import Analyzer, InputSpec
    from newsprism.store import Store

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
BENCHDATA = SHARED / "benchdata"
RT_SAMPLE = CORPUS / "000_463718cccb5341d0.txt"
CNN_SAMPLE = CORPUS / "003_4ac3225d892de0a0.txt"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The sample corpus folder (../shared/corpus beside the repository)."""
    if not CORPUS.is_dir():
        pytest.fail(f"sample corpus not found at {CORPUS}; clone the repo beside shared/")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_texts(corpus_dir: Path) -> dict[str, str]:
    """The two sample scrapes as text: ``rt`` and ``cnn`` (the KION 46 copy of CNN's story)."""
    return {
        "rt": RT_SAMPLE.read_text(encoding="utf-8"),
        "cnn": CNN_SAMPLE.read_text(encoding="utf-8"),
    }


@pytest.fixture(scope="session")
def benchdata() -> Path:
    """The public benchmark data folder (../shared/benchdata)."""
    if not BENCHDATA.is_dir():
        pytest.fail(f"benchmark data not found at {BENCHDATA}")
    return BENCHDATA


# -- databases: every store test runs on SQLite and on a real PostgreSQL server ---------------

BACKENDS = ["sqlite", "postgresql"]


class PostgresDatabases:
    """One scratch PostgreSQL server for the test session; a fresh database for each test.

    The migrations run once, into a template database; each test's database is a copy of it
    (``CREATE DATABASE ... TEMPLATE``), which takes a fraction of a second.
    """

    TEMPLATE = "newsprism_template"

    def __init__(self) -> None:
        from newsprism.store.pgserver import TemporaryServer
        from newsprism.store.postgres import PostgresStore

        self.server = TemporaryServer.start()
        try:
            PostgresStore(self.server.create_database(self.TEMPLATE)).close()
        except BaseException:
            self.server.stop()
            raise
        self._made = 0

    def fresh(self, *, migrated: bool = True) -> tuple[str, str]:
        """A new database's ``(name, URL)``; ``migrated=False`` gives an empty one."""
        self._made += 1
        name = f"test_{os.getpid()}_{self._made}"
        return name, self.server.create_database(name, template=self.TEMPLATE if migrated else None)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    """The session's PostgreSQL server (started on first use, stopped at the end).

    Outside CI a machine without PostgreSQL skips these tests; under ``CI=true`` that fails.
    """
    from newsprism.errors import StoreError

    try:
        databases = PostgresDatabases()
    except StoreError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL could not be started in CI: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        yield databases
    finally:
        databases.server.stop()


@pytest.fixture
def pg_url(postgres: PostgresDatabases) -> Iterator[str]:
    """The URL of a new, migrated PostgreSQL database, dropped after the test."""
    name, url = postgres.fresh()
    yield url
    postgres.server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A ``--db`` value for a new database: an SQLite file, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "news.db")
    url: str = request.getfixturevalue("pg_url")
    return url


# -- the analysed corpus (issue 11): the two samples, read and analysed once per session -------

SAMPLE_DAY = "2022-07-29"


@pytest.fixture(scope="session")
def sample_inputs(corpus_dir: Path) -> list[InputSpec]:
    """The two samples as pipeline inputs: RT's article, and CNN's story as KION 46 published
    it, both dated 29 July 2022 (the day the Blinken-Lavrov call took place)."""
    import datetime as dt

    from newsprism.pipeline import InputSpec

    day = dt.date.fromisoformat(SAMPLE_DAY)
    return [
        InputSpec(str(RT_SAMPLE), outlet="RT", published=day),
        InputSpec(str(CNN_SAMPLE), published=day),
    ]


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The packaged analysis stage (spaCy model, rules, tagger), loaded once per session."""
    from newsprism.config import load_settings
    from newsprism.pipeline import load_analyzer

    return load_analyzer(load_settings())


@pytest.fixture(params=[*BACKENDS, "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of every backend: SQLite, PostgreSQL, and the in-memory one."""
    from newsprism.store import MemoryStore, open_store

    opened: Store
    if request.param == "memory":
        opened = MemoryStore()
    elif request.param == "postgresql":
        opened = open_store(request.getfixturevalue("pg_url"))
    else:
        opened = open_store(tmp_path / "news.db")
    with opened:
        yield opened

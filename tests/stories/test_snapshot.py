"""The story clusterer's snapshot: a store keeps the state instead of replaying every article."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from newsprism.config import load_settings
from newsprism.ingest.outlets import load_outlets
from newsprism.pipeline import ingest_into, load_clusterer
from newsprism.store import SQLiteStore, open_store
from newsprism.stories import StoryClusterer, story_item
from tests.conftest import CNN_SAMPLE, RT_SAMPLE
from tests.stories.test_stories import _basil


def test_snapshot_restores_the_state_and_the_decisions_that_follow(benchdata: Path) -> None:
    rows = _basil(benchdata, 120)
    # Eager merges and splits, so that the restored state is exercised beyond plain joins.
    settings = dataclasses.replace(
        load_settings().stories, merge_threshold=0.3, split_every=2, split_threshold=0.1
    )
    items = [story_item(article, settings=settings) for article, _ in rows]
    original = StoryClusterer(settings=settings)
    for item in items[:60]:
        original.add(item)
    original.drain()
    restored = StoryClusterer.from_snapshot(original.snapshot(), settings=settings)
    assert restored is not None
    assert restored.labels() == original.labels()
    assert restored.stories() == original.stories()
    for item in items[60:]:
        assert restored.add(item) == original.add(item)
    assert restored.drain() == original.drain()
    assert restored.labels() == original.labels()


def test_snapshot_of_other_settings_or_garbage_is_not_used(benchdata: Path) -> None:
    settings = load_settings().stories
    clusterer = StoryClusterer(settings=settings)
    for article, _ in _basil(benchdata, 5):
        clusterer.add(story_item(article, settings=settings))
    data = clusterer.snapshot()
    other = dataclasses.replace(settings, join_threshold=0.2)
    assert StoryClusterer.from_snapshot(data, settings=other) is None
    assert StoryClusterer.from_snapshot(b"not a snapshot", settings=settings) is None


def test_ingest_loads_the_saved_state_without_reading_stored_articles(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings()
    db = db_url
    with open_store(db) as store:
        first = ingest_into(
            [str(RT_SAMPLE)], store=store, settings=settings, outlets=load_outlets(), outlet="RT"
        )
        saved = store.load_story_state()
        assert saved is not None and saved[0] == 1

    def no_replay(*args: object, **kwargs: object) -> None:
        raise AssertionError("stored articles replayed into the clusterer")

    monkeypatch.setattr(StoryClusterer, "restore", no_replay)
    with open_store(db) as store:
        second = ingest_into(
            [str(CNN_SAMPLE)], store=store, settings=settings, outlets=load_outlets()
        )
        assert second.stories == first.stories
        saved = store.load_story_state()
        assert saved is not None and saved[0] == 2
        assert load_clusterer(store, settings=settings).labels() == {
            first.articles[0].id: first.stories[0],
            second.articles[0].id: first.stories[0],
        }


def test_a_stale_snapshot_falls_back_to_replay(tmp_path: Path) -> None:
    settings = load_settings()
    db = tmp_path / "news.db"
    with SQLiteStore(db) as store:
        first = ingest_into(
            [str(RT_SAMPLE)], store=store, settings=settings, outlets=load_outlets(), outlet="RT"
        )
        # A snapshot that covers fewer articles than the store holds is not trusted.
        store.save_story_state(0, StoryClusterer(settings=settings.stories).snapshot())
        clusterer = load_clusterer(store, settings=settings)
        assert clusterer.labels() == {first.articles[0].id: first.stories[0]}

"""Optional sentence embeddings in the story clusterer (the 'embeddings' extra, which `make test`
installs).

NeuS/AllSides items are one story told by a left, a centre and a right outlet, worded differently
on purpose: TF-IDF alone leaves many of them apart; MiniLM embeddings join some of them.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from newsprism.config import StoriesSettings, load_settings
from newsprism.model import Article, Source, SourceKind
from newsprism.stories import StoryClusterer, StoryItem, story_item
from newsprism.stories.embed import TextEncoder
from newsprism.stories.features import terms

_PART = re.compile(r"TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)", re.DOTALL)
# The short-items profile bench/stories_neus.py chose on NeuS train.
_SHORT = {
    "join_threshold": 0.3,
    "full_terms": 1,
    "merge_threshold": 0.7,
    "link": "average",
    "idf_prior_documents": 1000,
    "background_weight": 0.0,
}


@pytest.fixture(scope="module")
def encoder() -> TextEncoder:
    from newsprism.stories.embed import load_embedder

    return load_embedder()


def _neus_val(benchdata: Path, stories: int) -> list[tuple[StoryItem, str]]:
    settings = load_settings().stories
    path = benchdata / "neus_allsides" / "naacl2022_lrc_roundup_random_order_probe" / "val.source"
    if not path.exists():
        pytest.skip("NeuS/AllSides benchmark data not available")
    rows = []
    for number, line in enumerate(path.read_text("utf-8").splitlines()[:stories]):
        for part_number, part in enumerate(line.split("[SEP]")):
            match = _PART.search(part)
            if match:
                article = Article(
                    id=f"val-{number}-{part_number}",
                    source=Source(SourceKind.FILE, f"val-{number}-{part_number}"),
                    body=match.group(2),
                    paragraphs=(),
                    headline=match.group(1),
                )
                rows.append((story_item(article, settings=settings), f"val-{number}"))
    # Interleaved as a stream: first items of every story, then the second ones, ...
    return [row for _, row in sorted(enumerate(rows), key=lambda r: (r[1][0].id[-1], r[0]))]


def _joined_pairs(
    rows: Sequence[tuple[StoryItem, str]], settings: StoriesSettings, encoder: TextEncoder | None
) -> set[tuple[str, str]]:
    clusterer = StoryClusterer(settings=settings, encoder=encoder)
    clusterer.prime([item for item, _ in rows])
    for item, _ in rows:
        clusterer.add(item)
    labels = clusterer.labels()
    gold = {item.id: story for item, story in rows}
    ids = sorted(labels)
    return {
        (a, b)
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
        if labels[a] == labels[b] and gold[a] == gold[b]
    }


def test_embeddings_join_differently_worded_items_tfidf_keeps_apart(
    benchdata: Path, encoder: TextEncoder
) -> None:
    rows = _neus_val(benchdata, 40)
    settings = dataclasses.replace(load_settings().stories, **_SHORT)  # type: ignore[arg-type]
    tfidf = _joined_pairs(rows, settings, None)
    embedded = _joined_pairs(rows, settings, encoder)
    gained = embedded - tfidf
    assert len(embedded) > len(tfidf)
    by_id = {item.id: item for item, _ in rows}
    # Some gained pair shares at most one content word of its headlines: wording cannot link it.
    overlaps = [
        len(
            set(terms(by_id[a].summary.headline or ""))
            & set(terms(by_id[b].summary.headline or ""))
        )
        for a, b in gained
    ]
    assert min(overlaps) <= 1


def test_encoder_vectors_are_blended_not_required(benchdata: Path) -> None:
    # Without an encoder the clusterer is exactly the TF-IDF one, whatever the embedding settings.
    rows = _neus_val(benchdata, 20)
    base = dataclasses.replace(load_settings().stories, **_SHORT)  # type: ignore[arg-type]
    other = dataclasses.replace(base, embedding_weight=0.9, embedding_threshold=0.1)

    def labels(settings: StoriesSettings) -> dict[str, str]:
        clusterer = StoryClusterer(settings=settings)
        for item, _ in rows:
            clusterer.add(item)
        return clusterer.labels()

    assert labels(base) == labels(other)


class _Constant:
    """An encoder that gives every text the same direction: every score is lifted alike."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.ones((len(texts), 4))


def test_encoder_protocol_accepts_any_encode_object() -> None:
    settings = dataclasses.replace(load_settings().stories, **_SHORT)  # type: ignore[arg-type]
    clusterer = StoryClusterer(settings=settings, encoder=_Constant())
    for number, headline in enumerate(["Floods in Valencia", "Election in Chile"]):
        article = Article(
            id=f"a{number}",
            source=Source(SourceKind.FILE, f"a{number}"),
            body="",
            paragraphs=(),
            headline=headline,
        )
        clusterer.add(story_item(article, settings=settings))
    # No shared word, but identical embeddings (cosine 1, weight 0.5) clear the blended bar
    # (0.5 x 0.3 + 0.5 x 0.5): the second headline joins the first, found as a recent story.
    assert clusterer.story_of("a1") == clusterer.story_of("a0")


def test_ingest_with_embeddings_puts_the_samples_in_one_story(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsprism.cli import app
    from tests.conftest import CNN_SAMPLE, RT_SAMPLE

    runner = CliRunner()
    db = str(tmp_path / "news.db")
    first = runner.invoke(
        app, ["ingest", str(RT_SAMPLE), "--outlet", "RT", "--db", db, "--embeddings"]
    )
    assert first.exit_code == 0, first.stderr
    second = runner.invoke(app, ["ingest", str(CNN_SAMPLE), "--db", db, "--embeddings"])
    assert second.exit_code == 0, second.stderr
    listed = runner.invoke(app, ["stories", "--db", db, "--format", "json"])
    (story,) = json.loads(listed.stdout)
    assert story["outlets"] == ["RT", "CNN"]

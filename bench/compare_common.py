"""Shared by the compare benchmarks: NeuS/AllSides triples as articles, analysis with a cache.

NeuS (../shared/benchdata/neus_allsides; Lee et al., NAACL 2022): each line of
``{train,val}.source`` is one AllSides story, three outlets' coverage (left, center, right in
random order, the outlets unnamed), each "TITLE=> ... ARTICLE=> ..." (the excerpt AllSides
shows, one to three paragraphs) joined by "[SEP]". Articles are built directly (no extractor):
the excerpt is the body, the title the headline, the outlet "outlet 1" .. "outlet 3".

Analysis results are cached under bench/results/cache/ (git-ignored), keyed by a digest of the
input texts and the spaCy model, since parsing is the slow part; ``--no-cache`` re-parses.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsprism.analyze import analyze
from newsprism.analyze.nlp import load_model
from newsprism.config import load_settings
from newsprism.model import (
    AnalyzedArticle,
    Article,
    Outlet,
    Source,
    SourceKind,
    Span,
    from_dict,
    to_dict,
)

REPO = Path(__file__).resolve().parents[1]
NEUS = (
    REPO.parent / "shared" / "benchdata" / "neus_allsides"
    / "naacl2022_lrc_roundup_random_order_probe"
)
CACHE = REPO / "bench" / "results" / "cache"
ANALYSIS_CODE = REPO / "src" / "newsprism" / "analyze"
DATA = REPO / "src" / "newsprism" / "data"
_PART = re.compile(r"^\s*TITLE=>\s*(?P<title>.*?)\s*ARTICLE=>\s*(?P<body>.*?)\s*$", re.S)


@dataclass(frozen=True, slots=True)
class NeusStory:
    """One AllSides story: its line number (1-based) and its three articles."""

    line: int
    articles: tuple[Article, ...]


def load_neus(split: str, limit: int | None = None) -> list[NeusStory]:
    """The stories of ``split`` ("train" or "val") with three non-empty excerpts."""
    stories = []
    path = NEUS / f"{split}.source"
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        parts = line.split("[SEP]")
        articles = []
        for index, part in enumerate(parts, start=1):
            match = _PART.match(part)
            if not match or not match.group("body"):
                break
            body = match.group("body")
            articles.append(
                Article(
                    id=f"{split}{number}-{index}",
                    source=Source(kind=SourceKind.FILE, location=str(path), line=number),
                    body=body,
                    paragraphs=(Span(0, len(body), body),),
                    outlet=Outlet(name=f"outlet {index}"),
                    headline=match.group("title").rstrip(".") or None,
                )
            )
        if len(articles) == 3:
            stories.append(NeusStory(line=number, articles=tuple(articles)))
        if limit is not None and len(stories) >= limit:
            break
    return stories


def analysed(
    articles: Sequence[Article], *, name: str, cache: bool = True
) -> list[AnalyzedArticle]:
    """The articles analysed, from the cache when the same inputs were analysed before."""
    model = load_model()
    digest = hashlib.sha256()
    for article in articles:
        digest.update(article.id.encode())
        digest.update(article.body.encode())
    digest.update(model.label.encode())
    # The analysis code and its rule files are part of the key: a cached analysis made by
    # other rules must not stand in for this code's.
    for source in sorted([*ANALYSIS_CODE.rglob("*.py"), *DATA.iterdir()]):
        if source.is_file():
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    digest.update(json.dumps(dataclasses.asdict(load_settings().analyze), sort_keys=True,
                             default=str).encode())
    path = CACHE / f"{name}-{digest.hexdigest()[:16]}.jsonl"
    if cache and path.exists():
        with path.open(encoding="utf-8") as stream:
            return [from_dict(AnalyzedArticle, json.loads(line)) for line in stream]
    results = list(analyze(articles, model=model, settings=load_settings().analyze))
    CACHE.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as stream:
        for result in results:
            stream.write(json.dumps(to_dict(result), ensure_ascii=False) + "\n")
    temporary.replace(path)
    return results

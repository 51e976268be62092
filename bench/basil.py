"""BASIL (../shared/benchdata/basil; Fan et al., EMNLP 2019) for the descriptor benchmarks.

Each article JSON gives its body as paragraphs of sentences; each annotation file marks
phrase-level bias spans by sentence (``p<N>``) and offsets in that sentence. An article's body is
built here as its paragraphs (the sentences joined by spaces) joined by blank lines, and every
lexical-bias span whose target is one of the article's main entities is mapped into that body.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from newsprism.model import Article, Outlet, Source, SourceKind, Span

BASIL = Path(__file__).resolve().parents[1].parent / "shared" / "benchdata" / "basil"
PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class BiasSpan:
    """A lexical-bias span in body offsets, with the main entity it targets."""

    article: str
    start: int
    end: int
    text: str
    target: str


@dataclass(frozen=True, slots=True)
class Item:
    """One BASIL article: the Article built from it, its event and its lexical-bias spans."""

    article: Article
    event: str
    spans: tuple[BiasSpan, ...]
    main_entities: tuple[str, ...]


def load_items(limit: int | None = None) -> list[Item]:
    """BASIL articles in a stable order (the first ``limit`` only, when given)."""
    items = []
    for path in sorted((BASIL / "articles").glob("*/*.json")):
        items.append(_item(path))
        if limit is not None and len(items) >= limit:
            break
    return items


def _item(path: Path) -> Item:
    record = json.loads(path.read_text("utf-8"))
    annotation_path = BASIL / "annotations" / path.parent.name / f"{path.stem}_ann.json"
    annotation = json.loads(annotation_path.read_text("utf-8"))
    paragraphs, sentence_starts, position = [], [], 0
    for sentences in record["body-paragraphs"]:
        for sentence in sentences:
            sentence_starts.append(position)
            position += len(sentence) + 1
        paragraphs.append(" ".join(sentences))
        position += len(PARAGRAPH_SEPARATOR) - 1
    body = PARAGRAPH_SEPARATOR.join(paragraphs)
    main = tuple(name.strip() for name in record["main-entities"])
    spans = []
    for phrase in annotation["phrase-level-annotations"]:
        if phrase["bias"] != "lex" or not phrase["id"].startswith("p"):
            continue
        target = phrase["target"].replace("_", " ").strip()
        if target not in main:
            continue
        offset = sentence_starts[int(phrase["id"][1:])]
        start, end = offset + phrase["start"], offset + phrase["end"]
        assert body[start:end] == phrase["txt"], (path, phrase["id"])
        spans.append(BiasSpan(path.stem, start, end, phrase["txt"], target))
    offsets, cursor = [], 0
    for paragraph in paragraphs:
        offsets.append(Span(cursor, cursor + len(paragraph), paragraph))
        cursor += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    article = Article(
        id=path.stem,
        source=Source(kind=SourceKind.FILE, location=str(path)),
        body=body,
        paragraphs=tuple(offsets),
        outlet=Outlet(name=record["source"]),
        headline=record.get("title"),
        published=dt.date.fromisoformat(record["date"]),
    )
    return Item(
        article=article, event=record["triplet-uuid"], spans=tuple(spans), main_entities=main
    )

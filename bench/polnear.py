"""PolNeAR (political news attribution relations) for newsprism's attribution benchmark and model.

Reads ``../shared/benchdata/polnear/<split>/{text,attributions}`` (brat standoff: ``T`` lines give
``Source``/``Cue``/``Content`` spans, possibly in several ``start end;start end`` fragments, ``E``
lines tie them into attributions). An article annotated by several annotators is read from one
file, the first by annotator id. Parsed documents are cached under ``bench/results/cache`` keyed
by the texts and the spaCy model, so a second run does not parse again.

Only the train and dev splits are read; the test split is held back by the data owners.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin

REPO = Path(__file__).resolve().parents[1]
POLNEAR = REPO.parent / "shared" / "benchdata" / "polnear"
CACHE = REPO / "bench" / "results" / "cache"
SPLITS = ("train", "dev")

logger = logging.getLogger(__name__)

_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t")
_EVENT = re.compile(r"^(E\d+)\t(.*)$")


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One annotated attribution: character fragments of each role (source may be empty)."""

    source: tuple[tuple[int, int], ...]
    cue: tuple[tuple[int, int], ...]
    content: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Article:
    """One PolNeAR article with the attributions of the annotator chosen for it."""

    name: str
    annotator: str
    text: str
    attributions: tuple[GoldAttribution, ...]


def load_split(split: str, *, limit: int | None = None) -> list[Article]:
    """The articles of ``split`` ("train" or "dev"), sorted by name."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    folder = POLNEAR / split
    by_article: dict[str, list[Path]] = defaultdict(list)
    for path in sorted((folder / "attributions").glob("*.ann")):
        article, _annotator = path.stem.rsplit("_", 1)
        by_article[article].append(path)
    articles = []
    for name in sorted(by_article)[:limit]:
        path = sorted(by_article[name])[0]
        text = (folder / "text" / f"{name}.txt").read_text(encoding="utf-8")
        articles.append(
            Article(
                name=name,
                annotator=path.stem.rsplit("_", 1)[1],
                text=text,
                attributions=tuple(_read_ann(path)),
            )
        )
    return articles


def _read_ann(path: Path) -> Iterable[GoldAttribution]:
    spans: dict[str, tuple[tuple[int, int], ...]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        bound = _TEXT_BOUND.match(line)
        if bound:
            fragments = tuple(
                (int(a), int(b))
                for a, b in (part.split() for part in bound.group(3).split(";"))
            )
            spans[bound.group(1)] = fragments
            continue
        event = _EVENT.match(line)
        if event:
            roles = dict(part.split(":", 1) for part in event.group(2).split())
            events.append(roles)
    for roles in events:
        cue = spans.get(roles.get("Cue", ""), ())
        content = tuple(
            fragment
            for role in ("Content", "Content2")
            for fragment in spans.get(roles.get(role, ""), ())
        )
        if not cue or not content:
            continue
        yield GoldAttribution(
            source=spans.get(roles.get("Source", ""), ()),
            cue=cue,
            content=tuple(sorted(content)),
        )


def development_part(articles: Sequence[Article], part: str) -> list[Article]:
    """Split train articles for development: every article whose name hashes to 0 mod 10 is
    in the "holdout" part, the others in the "fit" part."""
    if part not in ("fit", "holdout"):
        raise ValueError(f"part must be fit or holdout, not {part!r}")
    held = [a for a in articles if hashlib.sha256(a.name.encode()).digest()[0] % 10 == 0]
    return held if part == "holdout" else [a for a in articles if a not in held]


def parse(nlp: Language, articles: Sequence[Article], *, label: str) -> list[Doc]:
    """Parse the articles' texts, reading and writing a cache keyed by texts and model."""
    digest = hashlib.sha256(label.encode())
    for article in articles:
        digest.update(article.text.encode("utf-8"))
    path = CACHE / f"polnear-{digest.hexdigest()[:16]}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    logger.info("parsing %d articles (cached afterwards in %s)", len(articles), path)
    docs = list(nlp.pipe((article.text for article in articles), batch_size=16))
    CACHE.mkdir(parents=True, exist_ok=True)
    bin_ = DocBin()
    for doc in docs:
        bin_.add(doc)
    bin_.to_disk(path)
    return docs


def token_indices(doc: Doc, fragments: Iterable[tuple[int, int]]) -> list[int]:
    """Indices of the tokens that the character fragments touch, spaces left out."""
    indices: set[int] = set()
    for start, end in fragments:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            indices.update(token.i for token in span if not token.is_space)
    return sorted(indices)

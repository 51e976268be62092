"""Metric helpers shared by the body-extraction benchmarks, re-implemented from their definitions.

Shingle scores (scrapinghub article-extraction-benchmark, ``evaluate.py``): texts are tokenised
with the regex ``\\w+``; each text becomes the multiset of its 4-token shingles (a text shorter
than four tokens is one shorter shingle); per document, true positives, false positives and false
negatives are counted on shingles and divided by their sum, so that long texts weigh no more than
short ones. Precision and recall are averaged over the documents that have a defined value, F1 is
the harmonic mean of the two averages, accuracy the share of exact token-sequence matches, and
"±" is the standard deviation over bootstrap resamples of the documents (upstream's published
tables give this plain deviation).

Segment scores (trafilatura ``tests/eval_common.py``): whitespace-normalised substring test on
the extracted text; a "with" segment found is a true positive, missing a false negative; a
"without" segment found is a false positive, absent a true negative; counts are summed over the
corpus.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

SHINGLE_TOKENS = 4
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 13

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ShingleCounts:
    """One document's shingle matches, each divided by their sum (all zero for two empty texts)."""

    tp: float
    fp: float
    fn: float
    exact: bool


@dataclass(frozen=True, slots=True)
class ShingleScores:
    """Macro-averaged shingle scores over a set of documents, with bootstrap deviations."""

    f1: float
    precision: float
    recall: float
    accuracy: float
    f1_std: float
    precision_std: float
    recall_std: float
    documents: int


def tokens(text: str | None) -> list[str]:
    """Word tokens as the shingle metric sees them."""
    return _TOKEN.findall(text or "")


def shingles(text: str | None, size: int = SHINGLE_TOKENS) -> Counter[tuple[str, ...]]:
    """The multiset of ``size``-token shingles of a text."""
    words = tokens(text)
    return Counter(
        shingle
        for start in range(max(1, len(words) - size + 1))
        if (shingle := tuple(words[start : start + size]))
    )


def shingle_counts(true: str | None, pred: str | None) -> ShingleCounts:
    """Normalised true positives, false positives and false negatives of one prediction."""
    gold, found = shingles(true), shingles(pred)
    tp = sum((gold & found).values())
    fp = sum((found - gold).values())
    fn = sum((gold - found).values())
    total = tp + fp + fn
    exact = tokens(true) == tokens(pred)
    if total == 0:
        return ShingleCounts(0.0, 0.0, 0.0, exact)
    return ShingleCounts(tp / total, fp / total, fn / total, exact)


def _precision(item: ShingleCounts) -> float:
    if item.fp == item.fn == 0:
        return 1.0
    return item.tp / (item.tp + item.fp)


def _recall(item: ShingleCounts) -> float:
    if item.fp == item.fn == 0:
        return 1.0
    return item.tp / (item.tp + item.fn)


def _point(items: Sequence[ShingleCounts]) -> tuple[float, float, float]:
    precision = statistics.mean([_precision(i) for i in items if i.tp + i.fp > 0] or [0.0])
    recall = statistics.mean([_recall(i) for i in items if i.tp + i.fn > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def shingle_scores(
    items: Sequence[ShingleCounts], *, bootstrap: int = BOOTSTRAP_SAMPLES
) -> ShingleScores:
    """Macro precision, recall, F1 and accuracy, with seeded bootstrap standard deviations."""
    f1, precision, recall = _point(items)
    accuracy = sum(item.exact for item in items) / len(items) if items else 0.0
    rng = random.Random(BOOTSTRAP_SEED)
    samples: list[tuple[float, float, float]] = []
    if len(items) > 1:
        for _ in range(bootstrap):
            samples.append(_point([items[rng.randrange(len(items))] for _ in items]))
    spread = [
        statistics.stdev(values) if len(values) > 1 else 0.0
        for values in zip(*samples, strict=True)
    ] or [0.0, 0.0, 0.0]
    return ShingleScores(
        f1=f1,
        precision=precision,
        recall=recall,
        accuracy=accuracy,
        f1_std=spread[0],
        precision_std=spread[1],
        recall_std=spread[2],
        documents=len(items),
    )


def normalise_space(text: str) -> str:
    """Whitespace runs as one space, ends stripped (the segment metric's normalisation)."""
    return _SPACE.sub(" ", text).strip()


@dataclass(slots=True)
class SegmentCounts:
    """Summed segment matches: found "with" (tp), missed "with" (fn), found "without" (fp)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, with_: Sequence[str], without: Sequence[str], text: str | None) -> None:
        """Count one document's segments against the extracted text (``None`` finds nothing)."""
        found = normalise_space(text) if text else ""
        hits = sum(1 for segment in with_ if found and normalise_space(segment) in found)
        false = sum(1 for segment in without if found and normalise_space(segment) in found)
        self.tp += hits
        self.fn += len(with_) - hits
        self.fp += false
        self.tn += len(without) - false

    def scores(self) -> dict[str, float]:
        """Precision, recall, accuracy and F1 of the summed counts."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        total = self.tp + self.fp + self.fn + self.tn
        denominator = 2 * self.tp + self.fp + self.fn
        return {
            "f1": 2 * self.tp / denominator if denominator else 0.0,
            "precision": precision,
            "recall": recall,
            "accuracy": (self.tp + self.tn) / total if total else 0.0,
        }

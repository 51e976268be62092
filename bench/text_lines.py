"""Benchmark: the plain-text line classifier on web pages rendered to plain text.

Plain-text scrapes of unseen outlets are simulated by rendering the HTML pages of two public data
sets to text, one line per block element (as a scraper's "text_content" with line breaks does),
and classifying those lines as body or not:

* article-extraction-benchmark (181 news pages, full article body as ground truth): every line is
  labelled body when its words appear in the ground-truth body, boilerplate when they do not
  (short lines only near the previous body line, to avoid chance matches); lines partly in the
  body are left unlabelled. Scores: line- and word-weighted precision/recall of body lines, and
  the upstream shingle F1 of the joined body against the ground truth.
* trafilatura-eval (990 pages, mostly German and English, with "with"/"without" segments): the
  upstream segment test on the joined body text.

Alternatives run on the same lines in the same run: "keep every line of more than N words" (N
chosen on the dev half) and jusText 3 (each line one paragraph, stoplist picked per page by
stopword share). Pages are split into a dev half (used while writing the rules) and a test half
by a hash of their id; both are reported.

    .venv/bin/python bench/text_lines.py [--limit N] [--no-justext]

Writes bench/results/text_lines.json and exits 1 when a score on the full run falls below its
pinned floor (FLOORS).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import html
import json
import logging
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import justext
import trafilatura
from lxml import etree

from newsprism.config import load_settings
from newsprism.extract.text import LineClass, classify_lines, default_text_rules, split_lines
from newsprism.ingest.outlets import load_outlets

REPO = Path(__file__).resolve().parents[1]
BENCHDATA = REPO.parent / "shared" / "benchdata"
AEB = BENCHDATA / "article-extraction-benchmark"
TRAF = BENCHDATA / "trafilatura-eval"
RESULTS = REPO / "bench" / "results" / "text_lines.json"

# Floors for the full run (both halves), newsprism's classifier; a drop below fails the run.
# Measured 2026-11: aeb words F1 0.927, shingle F1 0.901, traf segments F1 0.849, headline 0.60.
FLOORS = {
    "aeb.words.f1": 0.90,
    "aeb.shingle.f1": 0.88,
    "traf.segments.f1": 0.82,
    "traf.headline": 0.55,
}
# Candidate N for the "more than N words" baseline; the best on the dev half is reported.
BASELINE_WORDS = tuple(range(2, 21))
# Lines with fewer tokens are labelled only when found next to the previous body line.
SHORT_LINE_TOKENS = 4
# Tokens after the previous body line within which a short line counts as "next to" it.
NEAR_WINDOW_TOKENS = 40
# Share of a long line's token trigrams in the ground truth above which it is body, below which
# it is boilerplate; in between it is left unlabelled.
BODY_SHARE, BOILERPLATE_SHARE = 0.9, 0.1
SHINGLE = 4

# Elements whose start and end break a line, and elements whose text a scraper drops.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
DROPPED_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "head",
    "object",
    "canvas",
    "button",
    "select",
    "input",
    "textarea",
    "option",
)
_WORDS = re.compile(r"\w+")

log = logging.getLogger("bench.text_lines")


@dataclass(frozen=True, slots=True)
class Page:
    """One benchmark page rendered to text, with its ground truth."""

    dataset: str
    id: str
    text: str
    truth: str | None = None
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    title: str | None = None

    @property
    def half(self) -> str:
        """'dev' or 'test', fixed by the page id."""
        digest = hashlib.sha256(f"{self.dataset}/{self.id}".encode()).digest()
        return "dev" if digest[0] % 2 == 0 else "test"


@dataclass(slots=True)
class Counts:
    """Body-vs-boilerplate confusion counts, by line and by word."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    wtp: int = 0
    wfp: int = 0
    wfn: int = 0
    shingle: list[tuple[float, float]] = field(default_factory=list)
    seg: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def add_lines(
        self, truth: Sequence[bool | None], kept: Sequence[bool], weights: Sequence[int]
    ) -> None:
        for label, keep, weight in zip(truth, kept, weights, strict=True):
            if label is None:
                continue
            if label and keep:
                self.tp += 1
                self.wtp += weight
            elif keep:
                self.fp += 1
                self.wfp += weight
            elif label:
                self.fn += 1
                self.wfn += weight
            else:
                self.tn += 1


def render_text(markup: bytes) -> str:
    """Render an HTML page to plain text: one line per block element, scripts and styles
    dropped, whitespace inside a line collapsed; blank lines removed."""
    tree = trafilatura.load_html(markup)
    if tree is None:
        return ""
    etree.strip_elements(
        tree, *DROPPED_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False
    )
    parts: list[str] = []
    for action, element in etree.iterwalk(tree, events=("start", "end")):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        block = tag in BLOCK_TAGS
        if action == "start":
            if block:
                parts.append("\n")
            if element.text:
                parts.append(element.text)
        else:
            if block:
                parts.append("\n")
            if element.tail and element is not tree:
                parts.append(element.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def aeb_line_labels(lines: Sequence[str], truth: str) -> list[bool | None]:
    """Label each line body (True), boilerplate (False) or unknown (None) against a truth body."""
    truth_tokens = [t.lower() for t in _WORDS.findall(truth)]
    joined = " " + " ".join(truth_tokens) + " "
    # Token index of each character offset's token start, to turn a find() into a position.
    starts: dict[int, int] = {}
    offsets: list[int] = []
    offset = 1
    for index, token in enumerate(truth_tokens):
        starts[offset] = index
        offsets.append(offset - 1)
        offset += len(token) + 1
    offsets.append(len(joined))
    trigrams = set(zip(truth_tokens, truth_tokens[1:], truth_tokens[2:], strict=False))
    labels: list[bool | None] = []
    last_end = 0
    for line in lines:
        tokens = [t.lower() for t in _WORDS.findall(line)]
        if not tokens:
            labels.append(False)
            continue
        needle = " " + " ".join(tokens) + " "
        if len(tokens) < SHORT_LINE_TOKENS:
            found = joined.find(needle, offsets[min(last_end, len(offsets) - 1)])
            if found < 0 and joined.find(needle) < 0:
                labels.append(False)
            elif found >= 0 and starts[found + 1] - last_end <= NEAR_WINDOW_TOKENS:
                labels.append(True)
                last_end = starts[found + 1] + len(tokens)
            else:
                labels.append(None)
            continue
        grams = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
        share = sum(1 for g in grams if g in trigrams) / len(grams) if grams else 0.0
        if share >= BODY_SHARE:
            labels.append(True)
            found = joined.find(needle)
            if found >= 0:
                last_end = starts[found + 1] + len(tokens)
        elif share <= BOILERPLATE_SHARE:
            labels.append(False)
        else:
            labels.append(None)
    return labels


def shingle_scores(predicted: str, truth: str) -> tuple[float, float]:
    """Upstream article-extraction-benchmark precision and recall of one document."""
    pred = _shingles(predicted)
    gold = _shingles(truth)
    tp = sum((pred & gold).values())
    fp = sum((pred - gold).values())
    fn = sum((gold - pred).values())
    precision = tp / (tp + fp) if tp + fp else (1.0 if not gold else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def _shingles(text: str) -> collections.Counter[tuple[str, ...]]:
    tokens = _WORDS.findall(text)
    return collections.Counter(
        tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1))
    )


def segment_counts(body: str, with_: Iterable[str], without: Iterable[str]) -> list[int]:
    """Upstream trafilatura-eval test: [tp, fn, fp, tn] of segments in the joined body text."""
    text = " ".join(body.split())
    tp = fn = fp = tn = 0
    for segment in with_:
        if " ".join(segment.split()) in text:
            tp += 1
        else:
            fn += 1
    for segment in without:
        if " ".join(segment.split()) in text:
            fp += 1
        else:
            tn += 1
    return [tp, fn, fp, tn]


def load_pages(limit: int | None) -> list[Page]:
    """The pages of both data sets rendered to text (``limit`` per data set)."""
    pages = []
    truth = json.loads((AEB / "ground-truth.json").read_text("utf-8"))
    for key in sorted(truth)[:limit]:
        markup = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes())
        pages.append(Page("aeb", key, render_text(markup), truth=truth[key]["articleBody"]))
    evaldata = json.loads((TRAF / "evaldata.json").read_text("utf-8"))
    for url in sorted(evaldata)[:limit]:
        entry = evaldata[url]
        path = TRAF / "cache" / f"{entry['file']}.gz"
        if not path.exists():
            path = TRAF / "eval" / f"{entry['file']}.gz"
        markup = gzip.decompress(path.read_bytes())
        pages.append(
            Page(
                "traf",
                url,
                render_text(markup),
                with_=tuple(entry["with"]),
                without=tuple(entry["without"]),
                title=entry.get("title") or None,
            )
        )
    return pages


def segment_line_labels(lines: Sequence[str], page: Page) -> list[bool | None]:
    """Lines holding a "with" segment are body, lines holding a "without" one are not."""
    labels: list[bool | None] = [None] * len(lines)
    normal = [" ".join(line.split()) for line in lines]
    for segments, value in ((page.without, False), (page.with_, True)):
        for segment in segments:
            wanted = " ".join(segment.split())
            for index, line in enumerate(normal):
                if wanted and wanted in line:
                    labels[index] = None if labels[index] is False and value else value
    return labels


class JusText:
    """jusText 3 on the same lines: one <p> per line, the best-matching stoplist per page."""

    def __init__(self) -> None:
        self.stoplists = {name: justext.get_stoplist(name) for name in justext.get_stoplists()}

    def keep(self, lines: Sequence[str]) -> list[bool]:
        words = [w.lower() for line in lines for w in _WORDS.findall(line)]
        language = max(
            self.stoplists, key=lambda name: sum(w in self.stoplists[name] for w in words)
        )
        markup = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        paragraphs = justext.justext(markup + "</body></html>", self.stoplists[language])
        kept = [not p.is_boilerplate for p in paragraphs]
        if len(kept) != len(lines):
            texts = [" ".join(p.text.split()) for p in paragraphs]
            good = {t for t, k in zip(texts, kept, strict=True) if k}
            return [" ".join(line.split()) in good for line in lines]
        return kept


def run(pages: Sequence[Page], *, use_justext: bool) -> dict[str, Any]:
    """Score newsprism, the word-count baseline and jusText on every page; returns the report."""
    settings = load_settings().extract
    rules = default_text_rules()
    outlets = load_outlets()
    jus = JusText() if use_justext else None
    systems = ["newsprism", *(f"words>{n}" for n in BASELINE_WORDS)] + (["justext"] if jus else [])
    counts: dict[tuple[str, str, str], Counts] = collections.defaultdict(Counts)
    headline = collections.Counter[tuple[str, str]]()
    seconds = collections.Counter[str]()
    for page in pages:
        lines = [line.text for line in split_lines(page.text)]
        if not lines:
            continue
        started = time.perf_counter()
        labels = classify_lines(page.text, settings=settings, rules=rules, outlets=outlets)
        seconds["newsprism"] += time.perf_counter() - started
        kept: dict[str, list[bool]] = {"newsprism": [lb.cls is LineClass.BODY for lb in labels]}
        for n in BASELINE_WORDS:
            kept[f"words>{n}"] = [len(line.split()) > n for line in lines]
        if jus is not None:
            started = time.perf_counter()
            kept["justext"] = jus.keep(lines)
            seconds["justext"] += time.perf_counter() - started
        truth = (
            aeb_line_labels(lines, page.truth)
            if page.truth is not None
            else segment_line_labels(lines, page)
        )
        weights = [len(_WORDS.findall(line)) for line in lines]
        for system in systems:
            c = counts[(page.dataset, page.half, system)]
            c.add_lines(truth, kept[system], weights)
            body = "\n".join(line for line, keep in zip(lines, kept[system], strict=True) if keep)
            if page.truth is not None:
                c.shingle.append(shingle_scores(body, page.truth))
            else:
                for i, value in enumerate(segment_counts(body, page.with_, page.without)):
                    c.seg[i] += value
        if page.title:
            found = next((lb.line.text for lb in labels if lb.cls is LineClass.HEADLINE), "")
            headline[(page.half, "pages")] += 1
            headline[(page.half, "right")] += _same_title(found, page.title)
    return _report(counts, headline, seconds, systems, len(pages))


def _same_title(found: str, title: str) -> bool:
    a, b = _plain(found), _plain(title)
    return bool(a) and (a == b or (len(a) >= len(b) // 2 and (a in b or b in a)))


def _plain(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def score_counts(c: Counts) -> dict[str, float]:
    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    out: dict[str, float] = {}
    p = c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0
    r = c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0
    out |= {"lines.p": p, "lines.r": r, "lines.f1": f1(p, r)}
    p = c.wtp / (c.wtp + c.wfp) if c.wtp + c.wfp else 0.0
    r = c.wtp / (c.wtp + c.wfn) if c.wtp + c.wfn else 0.0
    out |= {"words.p": p, "words.r": r, "words.f1": f1(p, r)}
    if c.shingle:
        p = sum(s[0] for s in c.shingle) / len(c.shingle)
        r = sum(s[1] for s in c.shingle) / len(c.shingle)
        out |= {"shingle.p": p, "shingle.r": r, "shingle.f1": f1(p, r)}
    tp, fn, fp, tn = c.seg
    if tp + fn + fp + tn:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out |= {
            "segments.p": p,
            "segments.r": r,
            "segments.f1": f1(p, r),
            "segments.accuracy": (tp + tn) / (tp + fn + fp + tn),
        }
    return out


def _merge(parts: Iterable[Counts]) -> Counts:
    total = Counts()
    for c in parts:
        total.tp += c.tp
        total.fp += c.fp
        total.fn += c.fn
        total.tn += c.tn
        total.wtp += c.wtp
        total.wfp += c.wfp
        total.wfn += c.wfn
        total.shingle.extend(c.shingle)
        total.seg = [a + b for a, b in zip(total.seg, c.seg, strict=True)]
    return total


def _report(
    counts: dict[tuple[str, str, str], Counts],
    headline: collections.Counter[tuple[str, str]],
    seconds: collections.Counter[str],
    systems: Sequence[str],
    pages: int,
) -> dict[str, Any]:
    scores: dict[str, dict[str, dict[str, float]]] = {}
    for dataset in ("aeb", "traf"):
        for half in ("dev", "test", "all"):
            halves = ("dev", "test") if half == "all" else (half,)
            for system in systems:
                merged = _merge(counts[(dataset, h, system)] for h in halves)
                scores.setdefault(f"{dataset}.{half}", {})[system] = score_counts(merged)
    # The baseline's N is chosen on the dev half of both data sets (word-weighted F1).
    best = max(
        (s for s in systems if s.startswith("words>")),
        key=lambda s: (
            scores["aeb.dev"][s].get("words.f1", 0.0)
            + scores["traf.dev"][s].get("segments.f1", 0.0)
        ),
    )
    return {
        "pages": pages,
        "baseline": best,
        "scores": {
            key: {s: v for s, v in table.items() if s in {"newsprism", best, "justext"}}
            for key, table in scores.items()
        },
        "headline": {
            half: headline[(half, "right")] / headline[(half, "pages")]
            for half in ("dev", "test")
            if headline[(half, "pages")]
        },
        "seconds": dict(seconds),
    }


def _table(report: dict[str, Any]) -> str:
    rows = []
    header = f"{'set':10} {'system':10} " + " ".join(
        f"{k:>9}"
        for k in (
            "lines.p",
            "lines.r",
            "words.p",
            "words.r",
            "words.f1",
            "shingle.f1",
            "segs.p",
            "segs.r",
            "segs.f1",
        )
    )
    rows.append(header)
    for key, table in report["scores"].items():
        for system, s in table.items():
            values = [
                s.get(k)
                for k in (
                    "lines.p",
                    "lines.r",
                    "words.p",
                    "words.r",
                    "words.f1",
                    "shingle.f1",
                    "segments.p",
                    "segments.r",
                    "segments.f1",
                )
            ]
            cells = " ".join(f"{v:9.3f}" if v is not None else f"{'':>9}" for v in values)
            rows.append(f"{key:10} {system:10} {cells}")
    rows.append(f"headline accuracy (trafilatura-eval titles): {report['headline']}")
    rows.append(f"baseline: keep lines of more than N words, N chosen on dev: {report['baseline']}")
    rows.append(f"seconds: {report['seconds']}")
    rows.append(f"pages: {report['pages']}, inputs sha256 {report.get('inputs_sha256', '')[:16]}")
    return "\n".join(rows)


def _floors(report: dict[str, Any]) -> list[str]:
    failures = []
    for name, floor in FLOORS.items():
        if name == "traf.headline":
            value = min(report["headline"].values(), default=0.0)
        else:
            dataset, metric, score = name.split(".")
            value = report["scores"][f"{dataset}.all"]["newsprism"].get(f"{metric}.{score}", 0.0)
        if value < floor:
            failures.append(f"{name} = {value:.3f} < floor {floor}")
    return failures


def _digest(pages: Sequence[Page]) -> str:
    # Which rendered inputs the scores belong to: a changed renderer or data set shows here.
    digest = hashlib.sha256()
    for page in pages:
        digest.update(f"{page.dataset}/{page.id}\n{page.text}\n".encode())
    return digest.hexdigest()


def _write(report: dict[str, Any]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=RESULTS.parent, delete=False, suffix=".tmp") as f:
        json.dump(report, f, indent=2)
    Path(f.name).replace(RESULTS)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the table, write the JSON, check the floors."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="pages per data set")
    parser.add_argument("--no-justext", action="store_true", help="skip the jusText run")
    args = parser.parse_args(argv)
    pages = load_pages(args.limit)
    report = run(pages, use_justext=not args.no_justext)
    report["inputs_sha256"] = _digest(pages)
    print(_table(report))
    _write(report)
    failures = [] if args.limit else _floors(report)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: publication dates of web pages, newsprism against htmldate and trafilatura.

Data (read from ../shared/benchdata, never copied):

* htmldate-mediacloud2020: 200 news pages from 2020, worldwide, gold day in
  eval_mediacloud_2020.json (5 pages annotated as having no date). newsprism's date rules were
  developed on this set.
* trafilatura-eval: the pages whose annotation carries a "date" (728), mostly German blogs and
  news; an independent check. Its annotators often recorded the date a page shows most
  prominently, which on many pages is the "updated" date; newsprism returns publication dates
  only, so some of its answers there count as wrong by design.

Systems, run in the same process on the same bytes: newsprism's find_published_date; htmldate
1.11 find_date in fast and extensive mode, each for the original (publication) date and for
its default (latest) date; trafilatura 2.3 extract_metadata().date.

A second table takes the pages whose URL path holds a year (``/2020/``, ``-20200817-``; chosen
by that shape alone, not by any system's answer) and scores what the URL says by itself, as for
an input whose text states no date (a JSONL record with a url, a feed item, a plain-text scrape):
newsprism's url_date against htmldate's own URL pattern (extractors.extract_url_date), with
both full systems beside them on the same pages. The URL patterns were written looking at
mediacloud URLs only; trafilatura-eval's are the untuned check.

Scores per data set: correct (the gold day; a page annotated without a date is correct when no
date is given), wrong (a day given that is not the gold day), none (no day given). newsprism's
answers are also broken down by provenance and confidence, and its wrong answers into a day off
by one (a time zone) and others.

    .venv/bin/python bench/dates.py [--limit N]

Writes bench/results/dates.json and exits 1 when a full run falls below a pinned floor (FLOORS).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import gzip
import hashlib
import json
import logging
import math
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import htmldate
import trafilatura
from htmldate.extractors import extract_url_date
from htmldate.utils import Extractor
from trafilatura.utils import load_html

from newsprism.extract.dates import find_published_date, url_date

REPO = Path(__file__).resolve().parents[1]
BENCHDATA = REPO.parent / "shared" / "benchdata"
MEDIACLOUD = BENCHDATA / "htmldate-mediacloud2020"
TRAF = BENCHDATA / "trafilatura-eval"
RESULTS = REPO / "bench" / "results" / "dates.json"

# Floors for a full run, newsprism only; a drop below fails the run. Targets: mediacloud
# correct >= 0.92 with at most 3% wrong; trafilatura-eval pinned at the first measured values.
FLOORS = {
    "mediacloud.correct": 0.92,
    "trafilatura.correct": 0.82,
}
CEILINGS = {
    "mediacloud.wrong": 0.03,
    "trafilatura.wrong": 0.07,
}
# The URL alone, on pages whose URL path holds a year; pinned at the first measured values
# (mediacloud 0.712 correct / 0.015 wrong, trafilatura-eval 0.523 / 0.037).
URL_FLOORS = {"mediacloud.correct": 0.70, "trafilatura.correct": 0.51}
URL_CEILINGS = {"mediacloud.wrong": 0.03, "trafilatura.wrong": 0.05}


@dataclass(frozen=True, slots=True)
class Page:
    """One annotated page."""

    dataset: str
    url: str
    gold: str | None
    raw: bytes


def mediacloud_pages() -> Iterator[Page]:
    """The 200 MediaCloud 2020 pages; a NaN gold date means the page has none."""
    gold = json.loads((MEDIACLOUD / "eval_mediacloud_2020.json").read_text("utf-8"))
    for url, entry in gold.items():
        day = entry["date"] if isinstance(entry["date"], str) else None
        raw = gzip.decompress((MEDIACLOUD / "test_set" / f"{entry['file']}.gz").read_bytes())
        yield Page("mediacloud", url, day, raw)


def trafilatura_pages() -> Iterator[Page]:
    """trafilatura-eval pages annotated with a date (file in cache/ first, as upstream)."""
    gold = json.loads((TRAF / "evaldata.json").read_text("utf-8"))
    for url, entry in gold.items():
        if not entry.get("date"):
            continue
        path = TRAF / "cache" / f"{entry['file']}.gz"
        if not path.exists():
            path = TRAF / "eval" / f"{entry['file']}.gz"
        yield Page("trafilatura", url, entry["date"], gzip.decompress(path.read_bytes()))


def _newsprism(page: Page) -> tuple[str | None, dict[str, str]]:
    tree = load_html(page.raw)
    if tree is None:
        return None, {}
    found = find_published_date(tree, url=page.url)
    if found is None:
        return None, {}
    return found.value.isoformat(), {"by": found.found_by, "confidence": found.confidence.value}


def _htmldate(
    *, extensive: bool, original: bool
) -> Callable[[Page], tuple[str | None, dict[str, str]]]:
    def run(page: Page) -> tuple[str | None, dict[str, str]]:
        try:
            day = htmldate.find_date(
                page.raw, extensive_search=extensive, original_date=original, url=page.url
            )
        except (ValueError, TypeError):
            day = None
        return day, {}

    return run


def _trafilatura(page: Page) -> tuple[str | None, dict[str, str]]:
    found = trafilatura.extract_metadata(page.raw.decode("utf-8", "replace"), default_url=page.url)
    return (found.date if found is not None else None), {}


def _newsprism_url(page: Page) -> tuple[str | None, dict[str, str]]:
    found = url_date(page.url)
    if found is None:
        return None, {}
    return found.value.isoformat(), {"by": found.found_by, "confidence": found.confidence.value}


# htmldate's own limits: its earliest date, and today.
_HTMLDATE_URL = Extractor(
    extensive=False,
    max=dt.datetime.now(),
    min=dt.datetime(1995, 1, 1),
    original=True,
    format="%Y-%m-%d",
)


def _htmldate_url(page: Page) -> tuple[str | None, dict[str, str]]:
    return extract_url_date(page.url, _HTMLDATE_URL), {}


# A path holding a year: the pages whose URL may carry a date, whatever its form.
_YEAR_IN_PATH = re.compile(r"(?<!\d)(?:19|20)\d{2}")


def dated_url(page: Page) -> bool:
    """Whether the page's URL path holds a year (the URL-date table's pages)."""
    return bool(_YEAR_IN_PATH.search(urlsplit(page.url).path))


Systems = dict[str, Callable[[Page], tuple[str | None, dict[str, str]]]]

SYSTEMS: Systems = {
    "newsprism": _newsprism,
    "htmldate fast, original": _htmldate(extensive=False, original=True),
    "htmldate extensive, original": _htmldate(extensive=True, original=True),
    "htmldate fast, latest": _htmldate(extensive=False, original=False),
    "htmldate extensive, latest": _htmldate(extensive=True, original=False),
    "trafilatura 2.3 metadata": _trafilatura,
}
URL_SYSTEMS: Systems = {
    "newsprism URL only": _newsprism_url,
    "htmldate URL pattern only": _htmldate_url,
    "newsprism page and URL": _newsprism,
    "htmldate fast, original": SYSTEMS["htmldate fast, original"],
}


def _off_by_one(answer: str, gold: str | None) -> bool:
    try:
        return (
            gold is not None
            and abs((dt.date.fromisoformat(answer) - dt.date.fromisoformat(gold)).days) == 1
        )
    except ValueError:
        return False


def evaluate(pages: Sequence[Page], systems: Systems | None = None) -> dict[str, Any]:
    """Run every system on every page; scores per data set and system."""
    systems = SYSTEMS if systems is None else systems
    report: dict[str, Any] = {"datasets": {}}
    by_set: dict[str, list[Page]] = collections.defaultdict(list)
    for page in pages:
        by_set[page.dataset].append(page)
    for dataset, members in by_set.items():
        scores: dict[str, Any] = {}
        for name, system in systems.items():
            start = time.perf_counter()
            correct = wrong = none = off_by_one = 0
            breakdown: collections.Counter[str] = collections.Counter()
            failures = []
            for page in members:
                answer, info = system(page)
                if answer == page.gold or (answer is None and page.gold is None):
                    correct += 1
                    outcome = "correct"
                elif answer is None:
                    none += 1
                    outcome = "none"
                else:
                    wrong += 1
                    off_by_one += _off_by_one(answer, page.gold)
                    outcome = "wrong"
                if info:
                    breakdown[f"{info['by']}/{info['confidence']}/{outcome}"] += 1
                if name.startswith("newsprism") and outcome != "correct":
                    failures.append({"url": page.url, "gold": page.gold, "answer": answer, **info})
            count = len(members)
            scores[name] = {
                "pages": count,
                "correct": round(correct / count, 4),
                "wrong": round(wrong / count, 4),
                "none": round(none / count, 4),
                "wrong_off_by_one_day": off_by_one,
                "seconds": round(time.perf_counter() - start, 1),
            }
            if name.startswith("newsprism"):
                scores[name]["by_provenance"] = dict(sorted(breakdown.items()))
                scores[name]["failures"] = failures
        report["datasets"][dataset] = scores
    return report


def _table(report: dict[str, Any]) -> str:
    lines = []
    for dataset, scores in report["datasets"].items():
        pages = next(iter(scores.values()))["pages"]
        lines.append(f"\n{dataset} ({pages} pages)")
        lines.append(
            f"{'system':<30} {'correct':>8} {'wrong':>8} {'none':>8} {'±1 day':>7} {'s':>6}"
        )
        for name, score in scores.items():
            lines.append(
                f"{name:<30} {score['correct']:>8.3f} {score['wrong']:>8.3f} {score['none']:>8.3f}"
                f" {score['wrong_off_by_one_day']:>7} {score['seconds']:>6.1f}"
            )
    return "\n".join(lines)


def _check(report: dict[str, Any]) -> list[str]:
    failures = []
    for key, floor in FLOORS.items():
        dataset, metric = key.split(".")
        value = report["datasets"][dataset]["newsprism"][metric]
        if value < floor:
            failures.append(f"{key} = {value:.3f} below the floor {floor}")
    for key, ceiling in CEILINGS.items():
        dataset, metric = key.split(".")
        value = report["datasets"][dataset]["newsprism"][metric]
        if value > ceiling:
            failures.append(f"{key} = {value:.3f} above the ceiling {ceiling}")
    url_scores = report["url_dates"]["datasets"]
    for key, floor in URL_FLOORS.items():
        dataset, metric = key.split(".")
        value = url_scores[dataset]["newsprism URL only"][metric]
        if value < floor:
            failures.append(f"URL only {key} = {value:.3f} below the floor {floor}")
    for key, ceiling in URL_CEILINGS.items():
        dataset, metric = key.split(".")
        value = url_scores[dataset]["newsprism URL only"][metric]
        if value > ceiling:
            failures.append(f"URL only {key} = {value:.3f} above the ceiling {ceiling}")
    return failures


def _digest(pages: Sequence[Page]) -> str:
    digest = hashlib.sha256()
    for page in pages:
        digest.update(f"{page.dataset}\n{page.url}\n{page.gold}\n".encode())
        digest.update(page.raw)
    return digest.hexdigest()


def _write(report: dict[str, Any]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=RESULTS.parent, delete=False, suffix=".tmp", encoding="utf-8"
    ) as handle:
        json.dump(report, handle, indent=1, ensure_ascii=False)
    Path(handle.name).replace(RESULTS)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when the floors hold (or on a partial run), 1 otherwise."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="use only the first N pages of each set")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # htmldate and trafilatura log every odd page
    limit = args.limit if args.limit is not None else math.inf
    pages = [
        page
        for source in (mediacloud_pages, trafilatura_pages)
        for index, page in enumerate(source())
        if index < limit
    ]
    report = evaluate(pages)
    report["url_dates"] = evaluate([p for p in pages if dated_url(p)], URL_SYSTEMS)
    report["inputs_sha256"] = _digest(pages)
    report["full_run"] = args.limit is None
    print(_table(report))
    print("\nPages whose URL path holds a year: what the URL says alone, and the full systems")
    print(_table(report["url_dates"]))
    failures = _check(report) if args.limit is None else []
    report["floor_failures"] = failures
    _write(report)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

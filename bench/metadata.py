"""Benchmark: headline and author of web pages, newsprism against trafilatura's metadata.

Data: trafilatura-eval (../shared/benchdata/trafilatura-eval, read in place), the pages whose
annotation has the "title" and "author" keys (851; mostly German and English blogs, news and
institutional pages). The rules were written looking at this set; there is no second labelled
set, so these figures are not a held-out test.

Systems, run in the same process on the same bytes: newsprism's read_html_metadata, and
trafilatura 2.3's extract_metadata (what a trafilatura user gets).

Scores:

* title exact: pages with a non-empty gold title (845); the answer equals the gold after both
  are normalised: Unicode NFKC, case-folded, whitespace runs collapsed, typographic quotes and
  dashes made ASCII.
* author exact: pages with a non-empty gold author (538); both sides split into names on ";",
  ",", " and ", " und ", " & " (the gold joins several authors with "; " but sometimes with
  "und" or commas), each name normalised as titles are, degree suffixes ("PhD", "MD") dropped,
  and compared as sets.
* invented author: pages annotated with an empty author (313) for which an author is given.
  The annotation leaves some real bylines out, so this rate cannot reach zero without also
  dropping true authors.

    .venv/bin/python bench/metadata.py [--limit N]

Writes bench/results/metadata.json and exits 1 when a full run falls below a pinned floor.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trafilatura
from trafilatura.utils import load_html

from newsprism.extract.metadata import read_html_metadata

REPO = Path(__file__).resolve().parents[1]
TRAF = REPO.parent / "shared" / "benchdata" / "trafilatura-eval"
RESULTS = REPO / "bench" / "results" / "metadata.json"

# newsprism floors for a full run (targets: title 0.80, author 0.70 — not reached, pinned at
# the measured value so that it cannot silently drop); invented authors pinned as a ceiling.
FLOORS = {"title_exact": 0.80, "author_exact": 0.60}
CEILINGS = {"invented_author": 0.20}

_ASCII = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "‚": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "\u00a0": " ",
    }
)
_NAME_SPLIT = re.compile(r";|,|\s+and\s+|\s+und\s+|\s*&\s*", re.IGNORECASE)
_DEGREES = frozenset({"phd", "ph.d.", "md", "m.d."})


@dataclass(frozen=True, slots=True)
class Page:
    """One annotated page: gold title and author ("" = annotated as absent)."""

    url: str
    title: str
    author: str
    raw: bytes


@dataclass(frozen=True, slots=True)
class Answer:
    """What a system says."""

    title: str | None
    authors: str


def pages() -> Iterator[Page]:
    """Pages annotated for title and author (the file in cache/ first, as upstream)."""
    gold = json.loads((TRAF / "evaldata.json").read_text("utf-8"))
    for url, entry in gold.items():
        if "title" not in entry or "author" not in entry:
            continue
        author = entry["author"] or ""
        if isinstance(author, list):
            author = "; ".join(author)
        path = TRAF / "cache" / f"{entry['file']}.gz"
        if not path.exists():
            path = TRAF / "eval" / f"{entry['file']}.gz"
        yield Page(url, entry["title"] or "", author, gzip.decompress(path.read_bytes()))


def normalise(text: str | None) -> str:
    """NFKC, case-folded, ASCII quotes and dashes, whitespace collapsed."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_ASCII).casefold().split())


def names(text: str | None) -> frozenset[str]:
    """The set of normalised names in an author string."""
    found = (normalise(part) for part in _NAME_SPLIT.split(text or ""))
    return frozenset(name for name in found if name and name not in _DEGREES)


def _newsprism(page: Page) -> Answer:
    tree = load_html(page.raw)
    if tree is None:
        return Answer(None, "")
    found = read_html_metadata(tree, url=page.url)
    return Answer(found.headline, "; ".join(found.authors))


def _trafilatura(page: Page) -> Answer:
    found = trafilatura.extract_metadata(page.raw.decode("utf-8", "replace"), default_url=page.url)
    if found is None:
        return Answer(None, "")
    return Answer(found.title, found.author or "")


SYSTEMS: dict[str, Callable[[Page], Answer]] = {
    "newsprism": _newsprism,
    "trafilatura 2.3 metadata": _trafilatura,
}


def evaluate(items: Sequence[Page]) -> dict[str, Any]:
    """Scores of every system."""
    report: dict[str, Any] = {"systems": {}}
    titled = sum(1 for page in items if page.title)
    authored = sum(1 for page in items if page.author)
    unauthored = sum(1 for page in items if not page.author)
    for name, system in SYSTEMS.items():
        start = time.perf_counter()
        title_hits = author_hits = invented = 0
        failures: list[dict[str, str | None]] = []
        for page in items:
            answer = system(page)
            title_ok = bool(page.title) and normalise(answer.title) == normalise(page.title)
            author_ok = bool(page.author) and names(answer.authors) == names(page.author)
            title_hits += title_ok
            author_hits += author_ok
            invented += not page.author and bool(answer.authors)
            if name == "newsprism" and (
                (page.title and not title_ok)
                or (page.author and not author_ok)
                or (not page.author and answer.authors)
            ):
                failures.append(
                    {
                        "url": page.url,
                        "gold_title": page.title,
                        "title": answer.title,
                        "gold_author": page.author,
                        "authors": answer.authors,
                    }
                )
        report["systems"][name] = {
            "title_exact": round(title_hits / max(titled, 1), 4),
            "author_exact": round(author_hits / max(authored, 1), 4),
            "invented_author": round(invented / max(unauthored, 1), 4),
            "seconds": round(time.perf_counter() - start, 1),
        }
        if name == "newsprism":
            report["systems"][name]["failures"] = failures
    report["pages"] = {"titled": titled, "authored": authored, "unauthored": unauthored}
    return report


def _table(report: dict[str, Any]) -> str:
    counts = report["pages"]
    lines = [
        f"trafilatura-eval: {counts['titled']} titled, {counts['authored']} with an author, "
        f"{counts['unauthored']} annotated without one",
        f"{'system':<28} {'title':>7} {'author':>7} {'invented':>9} {'s':>6}",
    ]
    for name, score in report["systems"].items():
        lines.append(
            f"{name:<28} {score['title_exact']:>7.3f} {score['author_exact']:>7.3f}"
            f" {score['invented_author']:>9.3f} {score['seconds']:>6.1f}"
        )
    return "\n".join(lines)


def _check(report: dict[str, Any]) -> list[str]:
    ours = report["systems"]["newsprism"]
    failures = [
        f"{key} = {ours[key]:.3f} below the floor {floor}"
        for key, floor in FLOORS.items()
        if ours[key] < floor
    ]
    failures.extend(
        f"{key} = {ours[key]:.3f} above the ceiling {ceiling}"
        for key, ceiling in CEILINGS.items()
        if ours[key] > ceiling
    )
    return failures


def _digest(items: Sequence[Page]) -> str:
    digest = hashlib.sha256()
    for page in items:
        digest.update(f"{page.url}\n{page.title}\n{page.author}\n".encode())
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
    parser.add_argument("--limit", type=int, help="use only the first N annotated pages")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # trafilatura logs every odd page
    items = list(pages())[: args.limit]
    report = evaluate(items)
    report["inputs_sha256"] = _digest(items)
    report["full_run"] = args.limit is None
    print(_table(report))
    failures = _check(report) if args.limit is None else []
    report["floor_failures"] = failures
    _write(report)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

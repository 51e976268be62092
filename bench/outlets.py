"""Benchmark: one outlet name whichever route a page took, on real news pages.

Data (read from ../shared/benchdata, never copied): the article-extraction-benchmark's 181 news
pages from many outlets, each with its URL. There is no gold outlet name; the benchmark measures
what the issue asked for (issue 8):

* agreement: the share of pages whose outlet name is the same on three routes: the HTML file
  alone (no URL), the page with its URL (a WARC record or a JSONL record with a url), and the
  page fetched from a local server (``http://127.0.0.1:8000/page.html``);
* credited agreement: the same, for the outlet a comparison credits (the original outlet of a
  syndicated copy, else the publisher): CNN's story on MSN is CNN's on every route;
* how the with-URL route named the outlet: from the directory (its domain or a page name it
  knows), a name the page gives itself, the registered domain, or an unnamed label.

Baseline, in the same run: the behaviour before issue 8, which a user would otherwise get: the
file route names the outlet by its og:site_name, a URL route by the URL's host (www. dropped),
the local route by its host (127.0.0.1).

    .venv/bin/python bench/outlets.py [--limit N]

Writes bench/results/outlets.json and exits 1 when a full run falls below FLOORS.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsprism.config import load_settings
from newsprism.errors import InputError
from newsprism.extract import extract_document
from newsprism.extract.body import parse_html
from newsprism.extract.metadata import read_html_metadata
from newsprism.ingest.outlets import OutletDirectory, load_outlets
from newsprism.ingest.readers import make_document
from newsprism.model import MediaType, Source, SourceKind

REPO = Path(__file__).resolve().parents[1]
AEB = REPO.parent / "shared" / "benchdata" / "article-extraction-benchmark"
RESULTS = REPO / "bench" / "results" / "outlets.json"
LOCAL = "http://127.0.0.1:8000/page.html"
# Pinned at the first full run; a drop fails the run. The pages that disagree are pages that
# name no outlet (the file and local routes cannot know a domain) and aggregator copies.
FLOORS = {"newsprism.agreement": 0.93, "newsprism.credited_agreement": 0.95}
_KNOWN = {"outlets.toml:domain", "outlets.toml:name"}


def _pages(limit: int | None) -> list[tuple[str, str, str]]:
    truth = json.loads((AEB / "ground-truth.json").read_text("utf-8"))
    pages = []
    for key, entry in sorted(truth.items())[:limit]:
        html = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes())
        pages.append((key, entry["url"], html.decode("utf-8", "replace")))
    return pages


def _newsprism(
    html: str, url: str | None, name: str, directory: OutletDirectory
) -> tuple[str, str, str]:
    kind = SourceKind.WARC if url else SourceKind.FILE
    doc = make_document(
        html, source=Source(kind, f"{name}.html"), media_type=MediaType.HTML, url=url
    )
    settings = load_settings()
    try:
        article = extract_document(doc, settings=settings, outlets=directory)
    except InputError:
        return "(no article)", "none", "(no article)"
    outlet = article.outlet
    if outlet is None:
        return "(none)", "none", "(none)"
    credited = (article.original_outlet or outlet).name
    found_by = outlet.found_by
    if found_by == "html-meta":
        found_by = (
            "directory (page name)"
            if outlet.domain and _known(outlet.name, directory)
            else "page name"
        )
    elif found_by in _KNOWN:
        found_by = "directory (domain)"
    return outlet.name, found_by, credited


def _known(name: str, directory: OutletDirectory) -> bool:
    found = directory.by_name(name)
    return found is not None and found.name == name


def _baseline(html: str, url: str | None) -> str:
    if url:
        host = urlsplit(url).hostname or ""
        return host.removeprefix("www.")
    metadata = read_html_metadata(parse_html(html), url=None)
    return metadata.site_name or "(none)"


def evaluate(pages: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """Names on the three routes for every page, newsprism and the baseline."""
    directory = load_outlets()
    agree = {"newsprism": 0, "baseline": 0, "credited": 0}
    how: collections.Counter[str] = collections.Counter()
    disagreements = []
    for key, url, html in pages:
        routes = [
            _newsprism(html, None, key, directory),
            _newsprism(html, url, key, directory),
            _newsprism(html, LOCAL, key, directory),
        ]
        names = [name for name, _, _ in routes]
        agree["credited"] += len({credited for _, _, credited in routes}) == 1
        how[routes[1][1]] += 1
        if len(set(names)) == 1:
            agree["newsprism"] += 1
        else:
            disagreements.append(
                {"url": url, "file": names[0], "url_route": names[1], "local": names[2]}
            )
        base = [_baseline(html, None), _baseline(html, url), _baseline(html, LOCAL)]
        agree["baseline"] += len(set(base)) == 1
    count = len(pages)
    return {
        "pages": count,
        "newsprism": {
            "agreement": round(agree["newsprism"] / count, 4),
            "credited_agreement": round(agree["credited"] / count, 4),
            "named_by": {k: round(v / count, 4) for k, v in how.most_common()},
            "disagreements": disagreements,
        },
        "baseline (before issue 8)": {"agreement": round(agree["baseline"] / count, 4)},
        "directory_entries": len(directory.entries),
    }


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
    parser.add_argument("--limit", type=int, help="use only the first N pages")
    args = parser.parse_args(argv)
    report = evaluate(_pages(args.limit))
    print(
        f"article-extraction-benchmark ({report['pages']} pages), outlet directory of"
        f" {report['directory_entries']} entries"
    )
    print(f"{'system':<28} {'same name on file, URL and local routes':>40}")
    for name in ("newsprism", "baseline (before issue 8)"):
        print(f"{name:<28} {report[name]['agreement']:>40.3f}")
    credited = report["newsprism"]["credited_agreement"]
    print(f"{'newsprism, credited outlet':<28} {credited:>40.3f}")
    print("\nnewsprism, page with its URL: how the outlet was named")
    for how, share in report["newsprism"]["named_by"].items():
        print(f"  {how:<26} {share:.3f}")
    failures = []
    if args.limit is None:
        for key, floor in FLOORS.items():
            system, metric = key.split(".")
            if report[system][metric] < floor:
                failures.append(f"{key} = {report[system][metric]:.3f} below the floor {floor}")
    report["floor_failures"] = failures
    report["full_run"] = args.limit is None
    _write(report)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

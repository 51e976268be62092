"""Benchmark: time to build the full comparison report for a 3-outlet story and a 30-article
story.

Stories: one BASIL event (Fox, NYT, HuffPost full articles) and 30 BASIL articles (10 events)
taken as one story, the worst case for alignment (every outlet pair is compared). Timed
separately, median of --repeat runs: analysis (spaCy parse and rules; the stage a report
needs first), compare (newsprism.compare.compare) and render (HTML report and terminal view).
The alternative in the same run is the plain word-Jaccard aligner of bench/compare_align.py on
the same statements, for scale.

    .venv/bin/python bench/compare_time.py [--repeat N]

Writes bench/results/compare_time.json; exits 1 when compare + render exceeds CEILINGS.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from rich.console import Console

from compare_align import baseline_pairs
from compare_common import REPO, analysed
from compare_descriptors import load_events
from newsprism.analyze import analyze
from newsprism.analyze.nlp import load_model
from newsprism.compare import compare, load_compare_rules
from newsprism.compare.facts import story_statements
from newsprism.compare.story import build_view
from newsprism.config import load_settings
from newsprism.present.html import render_report
from newsprism.present.text import comparison_view

RESULTS = REPO / "bench" / "results" / "compare_time.json"
# Seconds for compare + render (not analysis), on the 2-core development machine.
CEILINGS = {"3 outlets": 1.0, "30 articles": 10.0}


def timed(function: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    events = list(load_events(10).values())
    stories = {
        "3 outlets": events[0][0],
        "30 articles": [a for items, _ in events for a in items][:30],
    }
    model, settings = load_model(), load_settings()
    rules = load_compare_rules()
    rows = {}
    for name, articles in stories.items():
        analysis_seconds, _ = timed(
            lambda a=articles: list(analyze(a, model=model, settings=settings.analyze)), 1)
        story = analysed(articles, name=f"basil-time-{len(articles)}")
        compare_seconds, comparison = timed(
            lambda s=story: compare(s, settings=settings.compare, rules=rules), args.repeat)

        def render(c: object = comparison) -> int:
            console = Console(file=io.StringIO(), width=120)
            console.print(comparison_view(c))  # type: ignore[arg-type]
            return len(render_report(c))  # type: ignore[arg-type]

        render_seconds, size = timed(render, args.repeat)
        statements = story_statements(build_view(story, rules), rules)
        baseline_seconds, _ = timed(lambda st=statements: baseline_pairs(st, 0.15), args.repeat)
        rows[name] = {
            "articles": len(articles),
            "outlets": len({a.outlet.name for a in articles if a.outlet}),
            "sentences": len(statements), "analysis": analysis_seconds,
            "compare": compare_seconds, "render": render_seconds, "html_bytes": size,
            "baseline_align": baseline_seconds,
        }
    print(f"{'story':<12} {'articles':>8} {'sentences':>9} {'analysis s':>10} {'compare s':>9} "
          f"{'render s':>8} {'html KB':>7} {'jaccard align s':>15}")
    for name, row in rows.items():
        print(f"{name:<12} {row['articles']:>8} {row['sentences']:>9} {row['analysis']:>10.2f} "
              f"{row['compare']:>9.3f} {row['render']:>8.3f} {row['html_bytes'] / 1024:>7.0f} "
              f"{row['baseline_align']:>15.3f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=1), "utf-8")
    slow = [n for n, r in rows.items() if r["compare"] + r["render"] > CEILINGS[n]]
    if slow:
        print(f"over ceiling: {', '.join(slow)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run newsprism's benchmarks, print a summary table and write bench/results/summary.json.

A benchmark is a script ``bench/NAME.py`` with a ``if __name__ == "__main__":`` block, except
helpers (names starting with ``_``, modules without that block), training scripts
(``train_*.py``) and this runner. Each runs in its own process with this interpreter, from the
repository root, one after the other (they time themselves on one core). A benchmark exits 0
when it passes, 1 when a score falls below its pinned floor; anything else (a crash, a timeout)
is a failure. Each writes ``bench/results/NAME.json``; the summary embeds those results.

    .venv/bin/python bench/run_all.py                      # every benchmark
    .venv/bin/python bench/run_all.py dates metadata       # chosen ones, by name
    .venv/bin/python bench/run_all.py --limit 20           # quick run (scripts taking --limit)
    .venv/bin/python bench/run_all.py --list               # names only

Exit code: 0 when every benchmark run passed, 1 when one is below a floor or failed, 2 for an
unknown name.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
SUMMARY = RESULTS / "summary.json"
_MAIN = re.compile(r"^if __name__ == [\"']__main__[\"']:", re.MULTILINE)
# What a benchmark's exit code means.
STATUS = {0: "passed", 1: "below floor"}


@dataclass(frozen=True, slots=True)
class Outcome:
    """One benchmark run."""

    name: str
    status: str
    exit_code: int | None
    seconds: float
    results_file: str | None
    output_tail: str


def discover() -> list[str]:
    """Names of the benchmark scripts in bench/, sorted."""
    names = []
    for path in sorted(BENCH.glob("*.py")):
        name = path.stem
        if name.startswith("_") or name.startswith("train_") or path == Path(__file__).resolve():
            continue
        if _MAIN.search(path.read_text(encoding="utf-8")):
            names.append(name)
    return names


def run_one(name: str, *, limit: int | None, timeout: float | None) -> Outcome:
    """Run ``bench/NAME.py`` in a subprocess, echoing its output, and read its results file."""
    script = BENCH / f"{name}.py"
    command = [sys.executable, str(script)]
    if limit is not None and "--limit" in script.read_text(encoding="utf-8"):
        command += ["--limit", str(limit)]
    results = RESULTS / f"{name}.json"
    started = time.time()
    print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
    try:
        done = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        output = _text(exc.stdout) + _text(exc.stderr)
        print(output, end="", flush=True)
        return Outcome(
            name,
            f"timed out after {timeout:.0f} s",
            None,
            time.time() - started,
            None,
            output[-2000:],
        )
    output = done.stdout + done.stderr
    print(output, end="", flush=True)
    fresh = results.exists() and results.stat().st_mtime >= started
    return Outcome(
        name,
        STATUS.get(done.returncode, f"failed (exit {done.returncode})"),
        done.returncode,
        time.time() - started,
        str(results.relative_to(REPO)) if fresh else None,
        output[-2000:],
    )


def _text(stream: str | bytes | None) -> str:
    if stream is None:
        return ""
    return stream.decode("utf-8", "replace") if isinstance(stream, bytes) else stream


def summary_table(outcomes: Sequence[Outcome]) -> str:
    """The summary as a plain-text table."""
    rows = [("benchmark", "status", "seconds", "results")]
    rows += [
        (o.name, o.status, f"{o.seconds:.0f}", o.results_file or "(none written)") for o in outcomes
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def write_summary(outcomes: Sequence[Outcome], *, limit: int | None) -> None:
    """Write summary.json atomically: every run with its status and its results file's data."""
    runs: list[dict[str, Any]] = []
    for outcome in outcomes:
        entry: dict[str, Any] = asdict(outcome)
        if outcome.results_file:
            entry["results"] = json.loads((REPO / outcome.results_file).read_text("utf-8"))
        runs.append(entry)
    summary = {
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "limit": limit,
        "passed": all(o.status == "passed" for o in outcomes),
        "runs": runs,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=RESULTS, delete=False, suffix=".tmp", encoding="utf-8"
    ) as stream:
        json.dump(summary, stream, indent=2)
        stream.write("\n")
    Path(stream.name).replace(SUMMARY)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="print the benchmark names and exit")
    parser.add_argument("--limit", type=int, default=None, help="passed to scripts taking it")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per benchmark")
    args = parser.parse_args(argv)
    known = discover()
    if args.list:
        print("\n".join(known))
        return 0
    chosen = [name.removesuffix(".py") for name in args.names] or known
    unknown = [name for name in chosen if name not in known]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    outcomes = [run_one(name, limit=args.limit, timeout=args.timeout) for name in chosen]
    write_summary(outcomes, limit=args.limit)
    print(f"\n{summary_table(outcomes)}\n\nwritten: {SUMMARY.relative_to(REPO)}")
    return 0 if all(o.status == "passed" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())

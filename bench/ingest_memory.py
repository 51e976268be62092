"""Peak memory and time of ingesting one 45 MB plain-text article, then of the next ingest.

Issue 10: a 45 MB text (under the 50 MB cap) used to peak at 1.1 GB, and every later ingest into
that database paid for it again. The text is generated here, in a temporary folder, from NeuS /
AllSides sentences (../shared/benchdata) shuffled with a fixed seed, so nothing large is kept in
the repository. Each ingest is its own `newsprism ingest` process measured by `/usr/bin/time -v`
(maximum resident set size, wall time). The reference beside it is a process that only imports
newsprism and reads the text: what any ingest costs before doing any work.

    nice -n 10 .venv/bin/python bench/ingest_memory.py [--megabytes 45]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEUS = (
    ROOT.parent
    / "shared/benchdata/neus_allsides/naacl2022_lrc_roundup_random_order_probe/train.source"
)
NEXT = ROOT.parent / "shared/corpus/003_4ac3225d892de0a0.txt"
NEWSPRISM = str(Path(sys.executable).parent / "newsprism")
_PEAK = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
_WALL = re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)")
_READ_ONLY = (
    "import sys, newsprism, newsprism.pipeline; from pathlib import Path;"
    " Path(sys.argv[1]).read_text(encoding='utf-8')"
)


def make_text(path: Path, size: int) -> None:
    """Paragraphs of 2-5 NeuS sentences, shuffled with seed 10, up to ``size`` bytes."""
    sentences: list[str] = []
    with NEUS.open(encoding="utf-8") as lines:
        for line in lines:
            for item in line.split("[SEP]"):
                text = item.partition("ARTICLE=>")[2].strip()
                sentences.extend(s.strip() + "." for s in text.split(". ") if len(s.split()) > 4)
    rng = random.Random(10)
    paragraphs, total = [], 0
    while total < size:
        paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
        paragraphs.append(paragraph)
        total += len(paragraph.encode("utf-8")) + 2
    body = "\n\n".join(paragraphs).encode("utf-8")[:size].decode("utf-8", errors="ignore")
    path.write_text("Headline of a very long article\n\n" + body + "\n", encoding="utf-8")


def measured(command: list[str]) -> dict[str, float]:
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=False
    )
    if result.returncode not in (0, 2):
        raise SystemExit(f"{command} failed:\n{result.stderr[-2000:]}")
    peak = _PEAK.search(result.stderr)
    wall = _WALL.search(result.stderr)
    assert peak and wall, result.stderr[-2000:]
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return {"peak_mb": round(int(peak.group(1)) / 1024, 1), "wall_s": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=float, default=45.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsprism-memory-") as folder:
        big = Path(folder) / "big.txt"
        make_text(big, int(args.megabytes * 1_000_000))
        rows = {
            "reference: import + read the text": measured(
                [sys.executable, "-c", _READ_ONLY, str(big)]
            )
        }
        # As a user runs it (the text is too long for spaCy, so analysis passes it over and
        # loads the model for the next article), and without analysis.
        for flags in ([], ["--no-analyze"]):
            db = Path(folder) / f"news{len(flags)}.db"
            label = " ".join(flags) or "default"
            rows[f"ingest the {args.megabytes:g} MB text ({label})"] = measured(
                [NEWSPRISM, "ingest", str(big), "--db", str(db), *flags]
            )
            rows[f"next ingest, one sample article ({label})"] = measured(
                [NEWSPRISM, "ingest", str(NEXT), "--db", str(db), *flags]
            )
        size_mb = round(big.stat().st_size / 1e6, 1)
    print(f"{'run':52s} {'peak MB':>9s} {'wall s':>8s}")
    for name, row in rows.items():
        print(f"{name:52s} {row['peak_mb']:9.1f} {row['wall_s']:8.1f}")
    out = ROOT / "bench/results/ingest_memory.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"text_mb": size_mb, "runs": rows}, indent=1) + "\n", "utf-8")
    print(f"text {size_mb} MB; written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Issue 10: scraped text cannot drive the terminal (escape sequences, bidi overrides, newlines
in file names) through show, list, stories, story, the skip lines or any JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.cli._safe import one_line, safe_json, terminal_text

runner = CliRunner()
NEWSPRISM = str(Path(sys.executable).parent / "newsprism")

# Retitles the terminal window, then clears the screen; then an override reversing the rest.
ESCAPES = "\x1b]0;PWNED\x07\x1b[2J"
HOSTILE_TITLE = f"Talks resume {ESCAPES}in Geneva \u202eevila"


def _hostile_inputs(folder: Path, corpus_texts: dict[str, str]) -> list[str]:
    body = corpus_texts["rt"].split("\n", 1)[1]
    record = {
        "title": HOSTILE_TITLE,
        "text": f"{ESCAPES}\u202e" + body,
        "outlet": f"Evil{ESCAPES} Times",
        "url": "https://evil.example/a",
    }
    jsonl = folder / "hostile.jsonl"
    jsonl.write_text(json.dumps(record) + "\n", encoding="utf-8")
    newline_name = folder / "two\nlines.txt"
    newline_name.write_bytes(b"")
    return [str(jsonl), str(newline_name)]


def _clean(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output


def test_issue10_scraped_escapes_never_reach_the_terminal(
    tmp_path: Path, corpus_texts: dict[str, str]
) -> None:
    db = str(tmp_path / "news.db")
    ingest = runner.invoke(app, ["ingest", *_hostile_inputs(tmp_path, corpus_texts), "--db", db])
    assert ingest.exit_code == 2, ingest.stderr
    _clean(ingest.stderr)
    (skip_line,) = [line for line in ingest.stderr.splitlines() if line.startswith("skipped")]
    assert "two\\nlines.txt" in skip_line and "[E101]" in skip_line

    listed = runner.invoke(app, ["list", "--db", db, "--format", "json"])
    (summary,) = json.loads(listed.stdout)
    assert "\\u202e" in listed.stdout  # the same value, written as an escape
    outputs = {
        "list": runner.invoke(app, ["list", "--db", db]),
        "show": runner.invoke(app, ["show", summary["id"], "--db", db]),
        "stories": runner.invoke(app, ["stories", "--db", db]),
    }
    (story,) = json.loads(runner.invoke(app, ["stories", "--db", db, "--format", "json"]).stdout)
    outputs["story"] = runner.invoke(app, ["story", story["id"], "--db", db])
    for name, result in outputs.items():
        assert result.exit_code == 0, (name, result.stderr)
        _clean(result.stdout)
        _clean(result.stderr)
        assert "PWNED" in result.stdout, name  # the text itself is still shown
    assert "<U+202E>" in outputs["show"].stdout
    # Every --format json output writes the same values with the controls escaped.
    scripted = {
        "search": ["search", "Geneva", "--db", db, "--format", "json"],
        "compare": ["compare", "--db", db, story["id"], "--format", "json"],
        "entities": ["entities", "--db", db, "--format", "json"],
    }
    for name, arguments in scripted.items():
        result = runner.invoke(app, arguments)
        assert result.exit_code == 0, (name, result.stderr)
        _clean(result.stdout)
        assert "\\u202e" in result.stdout or name == "entities", name


def test_issue10_terminal_text_rules() -> None:
    assert terminal_text(HOSTILE_TITLE) == "Talks resume ]0;PWNED[2Jin Geneva <U+202E>evila"
    assert terminal_text("one\ttwo\nthree\r") == "one\ttwo\nthree"
    assert terminal_text("\u200fRLM stays") == "\u200fRLM stays"
    assert one_line("a\nb\rc") == "a\\nb\\rc"
    assert json.loads(safe_json(json.dumps("x\u202e\x9by"))) == "x\u202e\x9by"
    assert "\u202e" not in safe_json(json.dumps("x\u202ey", ensure_ascii=False))


def test_issue10_no_raw_trafilatura_log_lines(tmp_path: Path) -> None:
    # Markup trafilatura cannot parse (it logs "ERROR trafilatura.utils: ..." for it): the record's
    # text is kept, and nothing of trafilatura's own logging reaches the terminal.
    records = [
        {"html": "Talks resumed in Geneva on Friday after a pause of two weeks.", "outlet": "A"},
        {"html": "<p>Talks resumed in Geneva on Friday, officials said.</p>", "outlet": "B"},
    ]
    path = tmp_path / "short.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    # A real process: under pytest the root logger already has pytest's handler.
    command = [NEWSPRISM, "ingest", str(path), "--db", str(tmp_path / "news.db")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    assert "trafilatura" not in result.stderr and "ERROR" not in result.stderr
    assert "added 2" in result.stderr
    verbose = subprocess.run(
        [*command[:-2], "--db", str(tmp_path / "verbose.db"), "--verbose"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert "ERROR trafilatura" in verbose.stderr  # still there for whoever asks

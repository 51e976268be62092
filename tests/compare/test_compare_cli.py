"""``newsprism compare`` end to end on the two samples: terminal view, JSON, HTML, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.model import StoryComparison, from_dict
from newsprism.store import open_store
from tests.conftest import CNN_SAMPLE, RT_SAMPLE

runner = CliRunner()
SAMPLES = [str(RT_SAMPLE), str(CNN_SAMPLE), "--outlet", "RT", "--outlet", "",
           "--published", "2022-07-29"]


def test_compare_json_is_the_story_comparison(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = runner.invoke(app, ["compare", *SAMPLES, "--format", "json", "--html", str(report)])
    assert result.exit_code == 0, result.stderr
    comparison = from_dict(StoryComparison, json.loads(result.stdout))
    assert [o.outlet for o in comparison.outlets] == ["RT", "CNN"]
    assert {h.outlet: h.cue.text for h in comparison.headlines if h.cue} == {
        "RT": "has claimed", "CNN": "says"}
    page = report.read_text("utf-8")
    assert "jailed Russian businessman" in page and "convicted Russian arms dealer" in page
    assert f"report: {report}" in result.stderr


def test_compare_text_view() -> None:
    result = runner.invoke(app, ["compare", *SAMPLES])
    assert result.exit_code == 0, result.stderr
    for words in ("Headlines", "has claimed", "Key differences", "Viktor Bout",
                  "Voices and reporting verbs", "Only RT", "Only CNN", "Timeline",
                  "late April 2022"):
        assert words in result.stdout, words


def test_compare_rejects_mismatched_outlets() -> None:
    result = runner.invoke(app, ["compare", str(RT_SAMPLE), str(CNN_SAMPLE),
                                 "--outlet", "A", "--outlet", "B", "--outlet", "C"])
    assert result.exit_code == 2
    assert "--outlet given 3 times for 2 inputs" in result.stderr


def test_compare_missing_file_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["compare", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2


def test_compare_a_story_from_the_database(db_url: str) -> None:
    db = db_url
    for args in ([str(RT_SAMPLE), "--outlet", "RT"], [str(CNN_SAMPLE)]):
        ingest = ["ingest", *args, "--db", str(db), "--published", "2022-07-29"]
        assert runner.invoke(app, ingest).exit_code == 0
    with open_store(db) as store:
        stories = store.list_stories()
    story = next(s for s in stories if len(s.articles) == max(len(t.articles) for t in stories))
    result = runner.invoke(app, ["compare", story.id, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    comparison = from_dict(StoryComparison, json.loads(result.stdout))
    assert {a.id for a in comparison.articles} == {m.id for m in story.articles}
    assert all(a.published is not None for a in comparison.articles)

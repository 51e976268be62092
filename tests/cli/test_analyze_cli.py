"""``newsprism analyze`` end to end: the documented JSON on the samples, dates resolved against
--published, --no-clean offsets on a PolNeAR text, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import newsprism
from newsprism.cli import app
from newsprism.config import load_settings
from tests.conftest import BENCHDATA, CNN_SAMPLE, RT_SAMPLE

runner = CliRunner()
POLNEAR_TEXT = BENCHDATA / "polnear" / "train" / "text"


def _json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_analyze_json_has_article_fields_and_analysis() -> None:
    result = runner.invoke(
        app, ["analyze", str(RT_SAMPLE), "--outlet", "RT", "--published", "2022-11-12"]
    )
    assert result.exit_code == 0, result.stderr
    (record,) = _json_lines(result.stdout)
    assert record["outlet"]["name"] == "RT"
    assert record["headline"].startswith("Moscow has failed to negotiate seriously")
    body = record["body"]
    entities = {entity["id"]: entity for entity in record["entities"]}
    claimed = next(a for a in record["attributions"] if a["cue"]["text"] == "claimed")
    assert entities[claimed["entity"]]["name"] == "Karine Jean-Pierre"
    assert claimed["cue"]["lemma"] == "claim" and claimed["cue"]["class"] == "marked"
    assert claimed["kind"] == "direct"
    for span in (claimed["source"], claimed["cue"], claimed["content"]):
        assert body[span["start"] : span["end"]] == span["text"]
    bout = next(e for e in record["entities"] if e["name"] == "Viktor Bout")
    assert "jailed Russian businessman" in [d["text"] for d in bout["descriptors"]]
    friday = next(t for t in record["times"] if t["text"] == "on Friday")
    assert (friday["value"], friday["granularity"]) == ("2022-11-11", "day")


def test_analyze_without_a_date_leaves_relative_times_unanchored() -> None:
    result = runner.invoke(app, ["analyze", str(CNN_SAMPLE)])
    assert result.exit_code == 0, result.stderr
    (record,) = _json_lines(result.stdout)
    assert record["published"] is None
    friday = next(t for t in record["times"] if t["text"] == "on Friday")
    assert friday["value"] is None and friday["relative"] is True


def test_no_clean_offsets_index_the_file_itself() -> None:
    path = sorted(POLNEAR_TEXT.glob("*.txt"))[0]
    text = path.read_text(encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(path), "--no-clean"])
    assert result.exit_code == 0, result.stderr
    (record,) = _json_lines(result.stdout)
    assert record["body"] == text
    assert record["attributions"], "a PolNeAR article with no attribution found"
    for attribution in record["attributions"]:
        for span in (attribution["source"], attribution["cue"], attribution["content"]):
            if span is not None:
                assert text[span["start"] : span["end"]] == span["text"]


def test_no_clean_refuses_html_and_goes_on(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><p>" + "Words here. " * 50 + "</p></article></body></html>"
    )
    result = runner.invoke(app, ["analyze", str(page), str(RT_SAMPLE), "--no-clean"])
    assert result.exit_code == 2
    assert (
        "page.html" in result.stderr and "--no-clean takes plain-text inputs only" in result.stderr
    )
    (record,) = _json_lines(result.stdout)
    assert record["source"]["location"] == str(RT_SAMPLE)


def test_text_format_shows_speakers_and_cues() -> None:
    result = runner.invoke(app, ["analyze", str(RT_SAMPLE), "--format", "text"])
    assert result.exit_code == 0, result.stderr
    assert "Karine Jean-Pierre" in result.stdout and "claimed" in result.stdout


def test_python_api_analyze() -> None:
    (result,) = newsprism.analyze_articles(RT_SAMPLE, outlet="RT")
    assert result.article.outlet is not None and result.article.outlet.name == "RT"
    assert any(a.cue.text == "stressed" for a in result.attributions)


def test_fast_analyses_with_the_perceptron() -> None:
    """--fast picks the perceptron tagger, otherwise the one defaults.toml names; each analysis
    names the tagger that made it."""
    default = runner.invoke(app, ["analyze", str(RT_SAMPLE)])
    fast = runner.invoke(app, ["analyze", str(RT_SAMPLE), "--fast"])
    assert default.exit_code == 0, default.stderr
    assert fast.exit_code == 0, fast.stderr
    ((plain,), (quick,)) = (_json_lines(default.stdout), _json_lines(fast.stdout))
    assert str(quick["attribution_model"]).startswith("perceptron")
    expected = "MiniLM" if load_settings().analyze.attribution_tagger == "encoder" else "perceptron"
    assert expected in str(plain["attribution_model"])

"""Credits, bylines and contributor lines, on lines taken from real pages (cases/credits.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsprism.errors import ConfigError
from newsprism.extract.credits import (
    is_person_name,
    load_credit_rules,
    parse_byline,
    parse_contributors,
    split_credit,
    split_names,
)

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "cases" / "credits.json").read_text("utf-8")
)


def _ids(section: str) -> list[str]:
    return [f"{case['page']}:{case['text'][:30]}" for case in CASES[section]]


@pytest.mark.parametrize("case", CASES["split_credit"], ids=_ids("split_credit"))
def test_split_credit(case: dict[str, Any]) -> None:
    found = split_credit(case["text"])
    assert found is not None
    assert found.caption == case["caption"]
    assert found.credit == case["credit"]
    if found.credit is not None:
        # The offset points at the credit inside the line, for spans.
        assert case["text"][found.credit_start :].startswith(found.credit)


@pytest.mark.parametrize("case", CASES["not_a_credit"], ids=_ids("not_a_credit"))
def test_lines_without_credit(case: dict[str, Any]) -> None:
    assert split_credit(case["text"]) is None


@pytest.mark.parametrize("case", CASES["parse_byline"], ids=_ids("parse_byline"))
def test_parse_byline(case: dict[str, Any]) -> None:
    byline = parse_byline(case["text"])
    assert byline is not None
    assert byline.authors == tuple(case["authors"])
    assert byline.outlet == case["outlet"]


@pytest.mark.parametrize("case", CASES["not_a_byline"], ids=_ids("not_a_byline"))
def test_lines_that_are_not_bylines(case: dict[str, Any]) -> None:
    assert parse_byline(case["text"]) is None
    assert parse_byline(case["text"], require_prefix=False) is None


def test_byline_without_by_needs_a_title_or_outlet() -> None:
    assert parse_byline("Jennifer Hansler, CNN") is None
    found = parse_byline("Jennifer Hansler, CNN", require_prefix=False)
    assert found is not None and found.authors == ("Jennifer Hansler",)
    assert parse_byline("Jennifer Hansler", require_prefix=False) is None


@pytest.mark.parametrize("case", CASES["parse_contributors"], ids=_ids("parse_contributors"))
def test_parse_contributors(case: dict[str, Any]) -> None:
    found = parse_contributors(case["text"])
    assert found is not None
    assert found.names == tuple(case["names"])
    assert found.org == case["org"]


@pytest.mark.parametrize("case", CASES["not_contributors"], ids=_ids("not_contributors"))
def test_lines_that_are_not_contributor_lines(case: dict[str, Any]) -> None:
    assert parse_contributors(case["text"]) is None


def test_an_outlet_contributing_names_no_person() -> None:
    found = parse_contributors("The Associated Press contributed to this report.")
    assert found is not None and found.names == ()


def test_person_names() -> None:
    assert is_person_name("Karine Jean-Pierre")
    assert is_person_name("Ursula von der Leyen")
    assert is_person_name("Martin Luther King Jr.")
    assert not is_person_name("Reuters")  # one word: an outlet, not a byline name
    assert not is_person_name("The Associated Press")
    assert not is_person_name("the Russian government")
    assert split_names("Evgenii Shapovalov, Uliana Pavlova and Jorge Engels") == (
        "Evgenii Shapovalov",
        "Uliana Pavlova",
        "Jorge Engels",
    )
    assert split_names("Jane Doe in Moscow and John Roe in Kyiv") == ("Jane Doe", "John Roe")


def test_a_broken_rules_file_names_file_and_line(tmp_path: Path) -> None:
    packaged = Path(__file__).resolve().parents[2] / "src/newsprism/data/boilerplate.toml"
    text = packaged.read_text("utf-8").replace("name_max_words = 5", "name_max_words = -1")
    broken = tmp_path / "rules.toml"
    broken.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as raised:
        load_credit_rules(broken)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("name_max_words"))
    assert f"rules.toml:{line}" in str(raised.value)
    assert "name_max_words" in str(raised.value)


def test_a_broken_contributor_pattern_names_its_entry(tmp_path: Path) -> None:
    packaged = Path(__file__).resolve().parents[2] / "src/newsprism/data/boilerplate.toml"
    text = packaged.read_text("utf-8")
    lines = text.splitlines()
    header = next(i for i, t in enumerate(lines, 1) if t.startswith("[[contributors.pattern]]"))
    start = next(i for i in range(header, len(lines)) if lines[i].startswith("pattern"))
    lines[start] = 'pattern = "(?P<names>unclosed"'
    broken = tmp_path / "rules.toml"
    broken.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(ConfigError, match="does not compile") as raised:
        load_credit_rules(broken)
    assert f"rules.toml:{header}" in str(raised.value)

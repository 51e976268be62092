"""Time expressions on the sample stories and on BASIL sentences (cases/timex.json), with and
without a publication date."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsprism.analyze import AnalyzeRules
from newsprism.analyze.nlp import LoadedModel
from newsprism.analyze.timex import find_times, load_time_rules
from newsprism.errors import ConfigError
from newsprism.model import AnalyzedArticle, Article, Granularity, TimeExpression

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "cases" / "timex.json").read_text("utf-8")
)
FRIDAY = dt.date(2022, 7, 29)


def triples(times: tuple[TimeExpression, ...]) -> list[tuple[str, str | None, str]]:
    return [(t.text, t.value, t.granularity.value) for t in times]


def test_cnn_story_against_its_publication_day(analyzed: dict[str, AnalyzedArticle]) -> None:
    result = analyzed["cnn"]
    assert result.article.published == FRIDAY
    assert triples(result.times) == [
        ("on Friday", "2022-07-29", "day"),
        ("in late February", "2022-02-21/2022-02-28", "range"),
        ("since June", "2022-06/2022-07-29", "range"),
        ("earlier this week", "2022-07-25/2022-07-29", "range"),
        ("Friday", "2022-07-29", "day"),
        ("on Wednesday", "2022-07-27", "day"),
        ("this week", "2022-07-25/2022-07-31", "week"),
        ("after noon", "T12:00", "time"),
        ("roughly 25 minutes", "PT25M", "duration"),
        ("on Friday", "2022-07-29", "day"),
        ("today", "2022-07-29", "day"),
        ("more than a year ago", "../2021-07-29", "range"),
        ("in June 2021", "2021-06", "month"),
        ("on Thursday", "2022-07-28", "day"),
    ]
    body = result.article.body
    for time in result.times:
        assert body[time.start : time.end] == time.text
        assert time.anchor == (FRIDAY if time.relative else None)


def test_without_publication_day_relative_values_stay_unknown(
    cnn_article: Article, model: LoadedModel, rules: AnalyzeRules
) -> None:
    doc = model.nlp(cnn_article.body)
    found = find_times(doc, published=None, rules=rules.times)
    assert [t.text for t in found] == [
        t.text for t in find_times(doc, published=FRIDAY, rules=rules.times)
    ]
    for time in found:
        assert time.anchor is None
        if time.relative:
            assert time.value is None, time
    kept = {t.text: (t.value, t.granularity) for t in found if not t.relative}
    assert kept == {
        "after noon": ("T12:00", Granularity.TIME),
        "roughly 25 minutes": ("PT25M", Granularity.DURATION),
        "in June 2021": ("2021-06", Granularity.MONTH),
    }
    since = next(t for t in found if t.text == "since June")
    assert (since.value, since.granularity, since.relative) == (None, Granularity.RANGE, True)


def test_rt_story_durations_and_years(analyzed: dict[str, AnalyzedArticle]) -> None:
    result = analyzed["rt"]
    assert result.article.published is None
    assert triples(result.times) == [
        ("on Friday", None, "day"),
        ("on Friday", None, "day"),
        ("25 years", "P25Y", "duration"),
        ("in 2012", "2012", "year"),
        ("Last month", None, "month"),
        ("In late April", None, "range"),
        ("12 years", "P12Y", "duration"),
        ("nine years", "P9Y", "duration"),
    ]


def test_rt_story_with_a_publication_day(
    rt_article: Article, model: LoadedModel, rules: AnalyzeRules
) -> None:
    doc = model.nlp(rt_article.body)
    found = {t.text: t.value for t in find_times(doc, published=FRIDAY, rules=rules.times)}
    assert found["Last month"] == "2022-06"
    assert found["In late April"] == "2022-04-21/2022-04-30"
    assert found["on Friday"] == "2022-07-29"


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['article'][:8]}:{case['sentence']}"


@pytest.mark.parametrize("case", CASES["basil"], ids=[_case_id(c) for c in CASES["basil"]])
def test_basil_sentence(
    case: dict[str, Any],
    basil_article: Callable[[str], Article],
    model: LoadedModel,
    rules: AnalyzeRules,
) -> None:
    article = basil_article(case["article"])
    [paragraph] = [p.text for p in article.paragraphs if case["sentence"] in p.text]
    doc = model.nlp(paragraph)
    [sentence] = [s for s in doc.sents if case["sentence"] in s.text]
    found = [
        t
        for t in find_times(doc, published=article.published, rules=rules.times)
        if sentence.start_char <= t.start < sentence.end_char
    ]
    for text, value, granularity in case["expect"]:
        assert (text, value, granularity) in triples(tuple(found)), triples(tuple(found))


def test_ages_and_counts_are_not_times(model: LoadedModel, rules: AnalyzeRules) -> None:
    # BASIL sentences (2010-06-14 and 2011-03-29, a Tuesday): ages are no durations.
    doc = model.nlp(
        "Political observers have predicted that the 68-year-old congressman will likely hold on"
        " to his seat. The 10-year-old lawsuit, argued in lively exchanges at the court Tuesday,"
        " claims that Wal-Mart Stores Inc., the world's largest employer, favors men over women."
    )
    found = triples(find_times(doc, published=dt.date(2011, 3, 29), rules=rules.times))
    assert found == [("Tuesday", "2011-03-29", "day")]


def test_future_tense_looks_ahead(model: LoadedModel, rules: AnalyzeRules) -> None:
    doc = model.nlp("Blinken will speak to Lavrov on Friday. Blinken spoke to Lavrov on Friday.")
    wednesday = dt.date(2022, 7, 27)
    values = [t.value for t in find_times(doc, published=wednesday, rules=rules.times)]
    assert values == ["2022-07-29", "2022-07-22"]


def test_issue9_forward_prepositions_look_ahead(model: LoadedModel, rules: AnalyzeRules) -> None:
    # BASIL 2018: in December 2018 "by the summer" is summer 2019, not the summer just past;
    # a past-tense verb keeps it behind the publication day.
    december = dt.date(2018, 12, 20)
    doc = model.nlp("The wall should be built by the summer, aides say. Talks go on until March. "
                    "The review had been finished by the summer.")
    found = [(t.text, t.value) for t in find_times(doc, published=december, rules=rules.times)]
    assert found == [("by the summer", "2019-22"), ("until March", "2019-03"),
                     ("by the summer", "2018-22")]


def test_a_month_takes_the_year_its_sentence_stated(model: LoadedModel, rules: AnalyzeRules
                                                     ) -> None:
    # Written for this test. "in May" after "in 2023" is May 2023, not the May before the
    # publication day; "since 2019" opens a period, "last May" says its own year, and another
    # sentence's year is not this one's.
    november = dt.date(2026, 11, 10)
    doc = model.nlp(
        "The law was passed in 2023 and signed by the governor in May. "
        "Prices have risen since 2019, and in May they rose again. "
        "The bill was drafted in June 2022, a year before last May's vote. "
        "It took effect in 2024. In March, judges blocked it."
    )
    found = [(t.text, t.value, t.relative)
             for t in find_times(doc, published=november, rules=rules.times)]
    assert found == [
        ("in 2023", "2023", False), ("in May", "2023-05", False),
        ("since 2019", "2019/2026-11-10", True), ("in May", "2026-05", True),
        ("in June 2022", "2022-06", False), ("before last May", "2026-05", True),
        ("in 2024", "2024", False), ("In March", "2026-03", True),
    ]


def test_broken_rule_file_names_its_line(tmp_path: Path) -> None:
    packaged = load_time_rules()
    assert packaged.where == "timex.toml"
    text = (
        Path(__file__).resolve().parents[2] / "src" / "newsprism" / "data" / "timex.toml"
    ).read_text("utf-8")
    broken = tmp_path / "timex.toml"
    broken.write_text(text.replace('noon = "12:00"', 'noon = "twelve"'), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_time_rules(broken)
    line = text.splitlines().index('noon = "12:00"') + 1
    assert f"{broken}:{line}" in str(raised.value)
    assert "HH:MM" in str(raised.value)


def test_time_expressions_are_records(analyzed: dict[str, AnalyzedArticle]) -> None:
    first = analyzed["cnn"].times[0]
    assert dataclasses.is_dataclass(first)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.value = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("sample", "expression", "event"),
    [
        ("rt", "In late April", "Moscow and Washington completed a prisoner swap"),
        ("rt", "Last month", "CNN reported"),
        (
            "cnn",
            "on Friday",
            "US Secretary of State Antony Blinken spoke with Russian Foreign "
            "Minister Sergey Lavrov",
        ),
        ("cnn", "since June", "That proposal, which has been on the table"),
        ("cnn", "in late February", "Moscow launched its war"),
        ("cnn", "in June 2021", "the Geneva meeting"),
        ("cnn", "roughly 25 minutes", "lasted"),
    ],
)
def test_expressions_date_the_event_they_modify(
    analyzed: dict[str, AnalyzedArticle], sample: str, expression: str, event: str
) -> None:
    result = analyzed[sample]
    time = next(t for t in result.times if t.text == expression)
    assert time.event is not None
    assert time.event.text == event
    assert result.article.body[time.event.start : time.event.end] == event


def test_the_two_ends_of_a_range_are_one_expression(
    model: LoadedModel, rules: AnalyzeRules
) -> None:
    # Written for this test; published Thursday 20 December 2018.
    doc = model.nlp(
        "She served between 2011 and 2014. The offer stood from June to August. Sales rose "
        "from January through March. He met her on Monday and on Friday."
    )
    found = triples(find_times(doc, published=dt.date(2018, 12, 20), rules=rules.times))
    assert found == [
        ("2011 and 2014", "2011/2014", "range"),
        ("from June to August", "2018-06/2018-08", "range"),
        ("from January through March", "2018-01/2018-03", "range"),
        # Two days joined by "and" are two dates, not a range.
        ("on Monday", "2018-12-17", "day"),
        ("on Friday", "2018-12-14", "day"),
    ]

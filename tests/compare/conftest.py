"""Fixtures for the compare tests: the two sample scrapes extracted, analysed and compared once
per session (RT's outlet comes from the caller as in data/sample_corpus.toml; the date is the day
both stories ran, Friday 29 July 2022)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

import newsprism
from newsprism.analyze import analyze
from newsprism.analyze.nlp import load_model
from newsprism.compare import CompareRules, compare, load_compare_rules
from newsprism.config import load_settings
from newsprism.model import AnalyzedArticle, StoryComparison
from tests.conftest import CNN_SAMPLE, RT_SAMPLE

SAMPLE_DAY = dt.date(2022, 7, 29)


@pytest.fixture(scope="session")
def compare_rules() -> CompareRules:
    """The packaged compare rule files."""
    return load_compare_rules()


@pytest.fixture(scope="session")
def sample_story() -> list[AnalyzedArticle]:
    """RT's and CNN's (KION 46 copy) articles, analysed, publication day given."""
    articles = newsprism.extract_articles(RT_SAMPLE, outlet="RT", published=SAMPLE_DAY)
    articles += newsprism.extract_articles(CNN_SAMPLE, published=SAMPLE_DAY)
    settings = load_settings()
    return list(analyze(articles, model=load_model(), settings=settings.analyze))


@pytest.fixture(scope="session")
def sample_comparison(
    sample_story: list[AnalyzedArticle], compare_rules: CompareRules
) -> StoryComparison:
    """The comparison of the two samples."""
    return compare(sample_story, settings=load_settings().compare, rules=compare_rules)


CASES = Path(__file__).parent / "cases"


def analyse_case(
    name: str, published: dt.date | None = None, *, days: dict[str, dt.date] | None = None
) -> list[AnalyzedArticle]:
    """The files of the hand-made story ``tests/compare/cases/NAME`` (written for these tests),
    extracted and analysed in name order; ``days`` dates single files otherwise."""
    articles = []
    for path in sorted(p for p in (CASES / name).iterdir() if p.suffix in (".txt", ".html")):
        day = (days or {}).get(path.name, published)
        articles += newsprism.extract_articles(path, published=day)
    return list(analyze(articles, model=load_model(), settings=load_settings().analyze))


def compare_case(
    analysed: list[AnalyzedArticle], rules: CompareRules, **settings: object
) -> StoryComparison:
    """A hand-made story compared with the packaged settings (``settings`` changes some)."""
    chosen = dataclasses.replace(load_settings().compare, **settings)  # type: ignore[arg-type]
    return compare(analysed, settings=chosen, rules=rules)

"""Fixtures for the analysis tests: the spaCy model and rule files loaded once per session, and
articles built directly from the sample corpus and BASIL (not through the extractor)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from newsprism.analyze import AnalyzeRules, analyze, load_analyze_rules
from newsprism.analyze.nlp import LoadedModel, load_model
from newsprism.config import AnalyzeSettings, load_settings
from newsprism.model import AnalyzedArticle, Article, Source, SourceKind, Span
from tests.conftest import BENCHDATA, CNN_SAMPLE, RT_SAMPLE

# The body paragraphs of the two scrapes, as 1-based line numbers: the RT file's headline (1),
# caption (2) and "Read more" link (7) are left out; so are the CNN copy's skip link, headline,
# byline and everything from the wire signature (line 37) on.
RT_BODY_LINES = (3, 4, 5, 6, 8, 9, 10, 11)
CNN_BODY_LINES = tuple(range(7, 36, 2))
# The CNN story ran on Friday 29 July 2022 (the day of the Blinken-Lavrov call it reports).
CNN_PUBLISHED = dt.date(2022, 7, 29)


def make_article(paragraphs: Sequence[str], *, published: dt.date | None, location: str) -> Article:
    """An article whose body is the paragraphs joined by blank lines."""
    spans = []
    position = 0
    for paragraph in paragraphs:
        spans.append(Span(position, position + len(paragraph), paragraph))
        position += len(paragraph) + 2
    return Article(
        id=location.rsplit("/", 1)[-1],
        source=Source(kind=SourceKind.FILE, location=location),
        body="\n\n".join(paragraphs),
        paragraphs=tuple(spans),
        published=published,
    )


def sample_article(path: Path, lines: Sequence[int], published: dt.date | None) -> Article:
    """The sample scrape at ``path`` with only the given lines as its body."""
    text = path.read_text(encoding="utf-8").splitlines()
    paragraphs = [text[number - 1].strip() for number in lines]
    assert all(paragraphs), f"an empty body line in {path.name}: the sample file changed"
    return make_article(paragraphs, published=published, location=str(path))


@pytest.fixture(scope="session")
def model() -> LoadedModel:
    """The spaCy pipeline, loaded once."""
    return load_model()


@pytest.fixture(scope="session")
def rules() -> AnalyzeRules:
    """The packaged rule files, read once."""
    return load_analyze_rules()


@pytest.fixture(scope="session")
def settings() -> AnalyzeSettings:
    """The default analysis settings from defaults.toml."""
    return load_settings().analyze


@pytest.fixture(scope="session")
def rt_article() -> Article:
    """RT's story, publication date unknown (as the scrape gives it)."""
    return sample_article(RT_SAMPLE, RT_BODY_LINES, None)


@pytest.fixture(scope="session")
def cnn_article() -> Article:
    """CNN's story (KION 46 copy), published 29 July 2022."""
    return sample_article(CNN_SAMPLE, CNN_BODY_LINES, CNN_PUBLISHED)


@pytest.fixture(scope="session")
def analyzed(
    rt_article: Article,
    cnn_article: Article,
    model: LoadedModel,
    settings: AnalyzeSettings,
    rules: AnalyzeRules,
) -> dict[str, AnalyzedArticle]:
    """Both sample stories analysed in one ``analyze`` run: ``rt`` and ``cnn``."""
    rt, cnn = analyze([rt_article, cnn_article], model=model, settings=settings, rules=rules)
    return {"rt": rt, "cnn": cnn}


@pytest.fixture(scope="session")
def basil_article() -> Callable[[str], Article]:
    """A BASIL article by file name ("<triplet-uuid>_<n>"), published on its ``date``."""

    def read(name: str) -> Article:
        found = sorted((BENCHDATA / "basil" / "articles").glob(f"*/{name}.json"))
        if not found:
            pytest.fail(f"BASIL article {name} not found under {BENCHDATA / 'basil'}")
        record = json.loads(found[0].read_text("utf-8"))
        paragraphs = [" ".join(sentences) for sentences in record["body-paragraphs"]]
        return make_article(
            paragraphs,
            published=dt.date.fromisoformat(record["date"]),
            location=str(found[0]),
        )

    return read

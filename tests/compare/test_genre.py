"""Opinion and analysis pieces (issue 9): read from the page's JSON-LD type, the URL's section or
an "Opinion" kicker; news has no genre."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import newsprism
from newsprism.compare import CompareRules
from newsprism.compare.story import genre_of
from newsprism.model import AnalyzedArticle

PAGE = """<!doctype html><html><head><title>Why the swap matters</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "%s",
"headline": "Why the swap matters", "datePublished": "2022-07-29"}</script></head>
<body><article><h1>Why the swap matters</h1>
<p>The prisoner exchange under discussion between Washington and Moscow says more about the
state of relations between the two countries than any summit of the past year could.</p>
<p>Both governments have reasons to want a deal, and both have reasons to drag it out, which is
why the talks have moved so slowly since the spring.</p></article></body></html>"""


@pytest.mark.parametrize(("kind", "genre"), [("OpinionNewsArticle", "opinion"),
                                             ("AnalysisNewsArticle", "analysis"),
                                             ("NewsArticle", None)])
def test_genre_from_jsonld(tmp_path: Path, kind: str, genre: str | None) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE % kind, "utf-8")
    (article,) = newsprism.extract_articles(path)
    assert article.genre == genre


@pytest.mark.parametrize(
    ("url", "headline", "expected"),
    [
        ("https://www.example.com/opinion/2022/07/29/swap.html", None, ("opinion", "url")),
        ("https://www.example.com/news/analysis/swap", None, ("analysis", "url")),
        ("https://www.example.com/world/2022/07/29/swap", "Opinion: The swap is a trap",
         ("opinion", "kicker")),
        ("https://www.example.com/world/2022/07/29/swap", "Blinken speaks to Lavrov",
         (None, None)),
    ],
)
def test_genre_from_url_and_kicker(
    sample_story: list[AnalyzedArticle], compare_rules: CompareRules, url: str,
    headline: str | None, expected: tuple[str | None, str | None],
) -> None:
    cnn = sample_story[1]
    article = dataclasses.replace(cnn.article, url=url, headline=headline or cnn.article.headline)
    assert genre_of(dataclasses.replace(cnn, article=article), compare_rules) == expected

"""HTML extraction end to end (extract_html) on real pages of the article-extraction benchmark."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newsprism.config import load_settings
from newsprism.errors import NoArticleError
from newsprism.extract.html import extract_html
from newsprism.ingest.outlets import load_outlets
from newsprism.model import Article, MediaType, RawDocument, Source, SourceKind
from tests.conftest import BENCHDATA

AEB = BENCHDATA / "article-extraction-benchmark"
SETTINGS = load_settings().extract
OUTLETS = load_outlets()
# The first pages of the benchmark in id order: each must come out nearly whole.
PAGES = 4
RECALL_FLOOR = 0.95
PRECISION_FLOOR = 0.6
_CHROME = ("nav", "header", "footer")


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text)
    return {tuple(words[i : i + 4]) for i in range(len(words) - 3)}


def _doc(key: str, html: str, url: str) -> RawDocument:
    return RawDocument(key, Source(SourceKind.FILE, key), MediaType.HTML, html, url=url)


def _pages() -> list[tuple[str, str, str, str]]:
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (
            key,
            gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8"),
            truth[key]["url"],
            truth[key]["articleBody"],
        )
        for key in sorted(truth)[:PAGES]
    ]


@pytest.fixture(scope="module")
def pages(benchdata: Path) -> list[tuple[str, str, str, str]]:
    """(id, html, url, ground-truth body) of the first benchmark pages."""
    return _pages()


@pytest.mark.parametrize("index", range(PAGES))
def test_news_page_body_holds_the_ground_truth(
    pages: list[tuple[str, str, str, str]], index: int
) -> None:
    key, html, url, truth = pages[index]
    article: Article = extract_html(_doc(key, html, url), settings=SETTINGS, outlets=OUTLETS)
    gold, found = _shingles(truth), _shingles(article.body)
    assert len(gold & found) / len(gold) >= RECALL_FLOOR
    assert len(gold & found) / len(found) >= PRECISION_FLOOR
    assert article.headline and article.url == url
    assert article.paragraphs and article.paragraphs[0].text == article.body.split("\n\n")[0]
    for caption in article.captions:
        assert caption.text not in article.body
    # The headline is a field, not the body's first paragraph (trafilatura often starts with it).
    assert article.body.split("\n\n")[0] != article.headline
    for item in article.removed:
        if item.rule == "html:headline":
            assert item.text == article.headline


@pytest.mark.parametrize("index", range(PAGES))
def test_page_with_its_article_taken_out_is_no_article(
    pages: list[tuple[str, str, str, str]], index: int
) -> None:
    # The same real page with only its navigation, header and footer left in the body: what
    # trafilatura falls back to there is menu text, not an article.
    key, html, url, _ = pages[index]
    tree = lxml_html.fromstring(html)
    body = tree.find("body")
    assert body is not None
    chrome = [
        element
        for element in body.iter(*_CHROME)
        if not any(a.tag in _CHROME for a in element.iterancestors())
    ]
    for child in list(body):
        body.remove(child)
    body.extend(chrome)
    shell = lxml_html.tostring(tree, encoding="unicode")
    with pytest.raises(NoArticleError):
        extract_html(_doc(key, shell, url), settings=SETTINGS, outlets=OUTLETS)

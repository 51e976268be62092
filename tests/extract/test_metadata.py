"""HTML metadata: annotated trafilatura-eval pages, author junk, and the tree left unchanged."""

from __future__ import annotations

import datetime as dt
import gzip
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml.html import HtmlElement, document_fromstring, tostring
from trafilatura.utils import load_html

from newsprism.errors import ConfigError
from newsprism.extract.metadata import load_metadata_rules, read_html_metadata
from tests.conftest import BENCHDATA, REPO_ROOT

TRAF = BENCHDATA / "trafilatura-eval"


@dataclass(frozen=True, slots=True)
class PageCase:
    """An annotated page: its file, URL and the gold values asserted."""

    name: str
    file: str
    url: str
    headline: str | None
    authors: tuple[str, ...]
    published: dt.date | None
    language: str


PAGES = (
    PageCase(
        "lemire-blog",
        "lemire.me.json.html",
        "https://lemire.me/blog/2019/08/02/json-parsing-simdjson-vs-json-for-modern-c/",
        "JSON parsing: simdjson vs. JSON for Modern C++",
        ("Daniel Lemire",),
        dt.date(2019, 8, 2),
        "en",
    ),
    PageCase(
        "it-learner-de",
        "it-learner.de.autotuning.html",
        "https://it-learner.de/wenn-das-netzwerk-unter-windows-10-sehr-langsam-ist-koennte-das-"
        "abschalten-der-autotuning-funktion-abhilfe-schaffen/",
        "Wenn das Netzwerk unter Windows 10 sehr langsam ist, könnte das Abschalten der "
        "Autotuning Funktion Abhilfe schaffen.",
        ("Markus Elsberger",),
        dt.date(2019, 5, 16),
        "de",
    ),
    PageCase(
        "instyle-news",
        "instyle.com.cancer.html",
        "https://www.instyle.com/beauty/wigs-for-black-women-cancer",
        "Black Women Battling Breast Cancer Deserve More Wig Options, According to Coils to "
        "Locs Founder Dianne Austin",
        ("Kayla Greaves",),
        dt.date(2020, 10, 13),
        "en",
    ),
    PageCase(
        "ambito-es",
        "ambito.com-paritarias.html",
        "https://www.ambito.com/politica/paritarias/al-rojo-gremios-la-alimentacion-marcan-"
        "inflacion-53-abril-y-amenazan-paro-n5431248",
        "Paritarias al rojo: gremios de la alimentación marcan inflación de 5,3% en abril y "
        "amenazan con paro",
        ("Mariano Martín",),
        dt.date(2022, 5, 4),
        "es",
    ),
    # Gold: "David Brand and Ramsey Khalifeh" (two people). The gold title is an older headline
    # than the page's, so only authors and date are asserted.
    PageCase(
        "gothamist-two-authors",
        "gothamist.com-plagues.html",
        "https://gothamist.com/news/rezoning-plan-plagues-bronx-city-councilmembers-re-election-bid",
        None,
        ("David Brand", "Ramsey Khalifeh"),
        dt.date(2023, 11, 8),
        "en",
    ),
    # Annotated without an author: the JSON-LD author is the broadcaster (an Organization).
    PageCase(
        "rtl-organisation-author",
        "rtl.de-lockdown.html",
        "https://www.rtl.de/cms/bericht-bund-und-laender-wollen-lockdown-verlaengern-um-weitere-"
        "vier-wochen-4723862.html",
        None,
        (),
        None,
        "de",
    ),
)


def _page(file: str) -> HtmlElement:
    path = TRAF / "cache" / f"{file}.gz"
    if not path.exists():
        path = TRAF / "eval" / f"{file}.gz"
    tree = load_html(gzip.decompress(path.read_bytes()))
    assert tree is not None, f"{path} did not parse"
    return tree


@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_annotated_page_gives_gold_values(case: PageCase) -> None:
    found = read_html_metadata(_page(case.file), url=case.url)
    if case.headline is not None:
        assert found.headline == case.headline
    assert found.authors == case.authors
    assert found.language == case.language
    if case.published is not None:
        assert found.published is not None and found.published.value == case.published


def test_reading_metadata_leaves_the_tree_unchanged() -> None:
    tree = _page("gothamist.com-plagues.html")
    before = tostring(tree)
    read_html_metadata(tree, url="https://gothamist.com/news/x")
    assert tostring(tree) == before


def test_site_name_canonical_url_and_standfirst_of_a_real_page() -> None:
    found = read_html_metadata(_page("lemire.me.json.html"), url=None)
    assert found.site_name == "Daniel Lemire's blog"
    assert found.canonical_url == (
        "https://lemire.me/blog/2019/08/02/json-parsing-simdjson-vs-json-for-modern-c/"
    )
    assert found.standfirst is not None and found.standfirst.startswith(
        "JSON is the ubiquitous data format on the Internet."
    )


def _html(head: str, body: str) -> HtmlElement:
    return document_fromstring(
        f'<html lang="en-GB"><head>{head}</head><body>{body}'
        "<p>The storm reached the coast on Tuesday night, the weather service said.</p>"
        "</body></html>"
    )


@pytest.mark.parametrize(
    "author",
    [
        "admin",
        "Redaktion",
        "dpa",
        "Example News",
        "https://www.facebook.com/examplenews",
        "Bundesministerium für Wirtschaft und Klimaschutz",
        "Example News Staff",
    ],
)
def test_placeholder_and_organisation_authors_are_dropped(author: str) -> None:
    head = (
        '<meta property="og:site_name" content="Example News">'
        f'<meta name="author" content="{author}">'
    )
    assert read_html_metadata(_html(head, "<h1>Storm hits</h1>"), url=None).authors == ()


def test_byline_names_are_cut_from_their_label_and_date() -> None:
    body = (
        "<h1>Storm hits the coast</h1>"
        '<div class="byline">Posted on 5 March 2021 by Jane Doe and John Roe | 10:00</div>'
    )
    assert read_html_metadata(_html("", body), url=None).authors == ("Jane Doe", "John Roe")


def test_comment_authors_are_not_bylines() -> None:
    body = (
        "<h1>Storm hits the coast</h1>"
        '<div class="comments"><div class="comment-author">By Jane Doe</div></div>'
    )
    assert read_html_metadata(_html("", body), url=None).authors == ()


def test_title_without_heading_loses_the_site_name() -> None:
    head = (
        '<meta property="og:site_name" content="Example News">'
        "<title>Storm hits the coast | Example News</title>"
    )
    found = read_html_metadata(_html(head, "<p>Menu</p>"), url="https://www.example-news.org/a")
    assert (found.headline, found.site_name, found.language) == (
        "Storm hits the coast",
        "Example News",
        "en",
    )


def test_heading_that_names_the_site_is_not_the_headline() -> None:
    head = "<title>Storm hits the coast - Example News</title>"
    body = "<h1>Example News</h1><h2>Storm hits the coast</h2>"
    found = read_html_metadata(_html(head, body), url="https://example-news.org/storm")
    assert found.headline == "Storm hits the coast"


def test_rules_file_with_a_bad_pattern_names_file_and_line(tmp_path: Path) -> None:
    packaged = REPO_ROOT / "src" / "newsprism" / "data" / "html_metadata.toml"
    lines = packaged.read_text("utf-8").splitlines()
    index = next(i for i, row in enumerate(lines) if row.startswith("byline_marker ="))
    lines[index] = "byline_marker = '(unclosed'"
    broken = tmp_path / "meta.toml"
    broken.write_text("\n".join(lines), "utf-8")
    with pytest.raises(ConfigError, match=rf"meta\.toml:{index + 1}.*byline_marker"):
        load_metadata_rules(broken)

"""Publication dates: real benchmark pages, pages whose only date is not a publication date, and
date strings as containers carry them."""

from __future__ import annotations

import datetime as dt
import gzip
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml.html import HtmlElement, document_fromstring, tostring
from trafilatura.utils import load_html

from newsprism.errors import ConfigError
from newsprism.extract.dates import find_published_date, load_date_rules, parse_date_string
from newsprism.model import Confidence
from tests.conftest import BENCHDATA

MEDIACLOUD = BENCHDATA / "htmldate-mediacloud2020" / "test_set"
TRAF = BENCHDATA / "trafilatura-eval"


@dataclass(frozen=True, slots=True)
class PageCase:
    """A benchmark page, its annotated day and the provenance newsprism should give."""

    name: str
    path: Path
    url: str
    day: dt.date | None
    found_by: str | None


PAGES = (
    # JSON-LD datePublished 03:16Z, confirmed by the visible date (Polish month name).
    PageCase(
        "tvn24-jsonld",
        MEDIACLOUD / "1686918031.html.gz",
        "https://tvn24.pl/swiat/koronawirus-w-chile-po-zniesieniu-obostrzen-tlumy-ludzi-w-"
        "sklepach-i-dlugie-kolejki-4665386",
        dt.date(2020, 8, 19),
        "jsonld",
    ),
    # "2020-12-05T23:15:0Z" is 6 December in Italy, as the visible "06 Dicembre 2020" says.
    PageCase(
        "gazzetta-utc-late",
        MEDIACLOUD / "1789111868.html.gz",
        "https://www.lagazzettadelmezzogiorno.it/news/mondo/1265473/california-certifica-voto-"
        "biden-oltre-quorum-270-elettori.html",
        dt.date(2020, 12, 6),
        "jsonld",
    ),
    # "2020-08-25T00:23Z" on a .ca site is still 24 August in every Canadian time zone.
    PageCase(
        "radio-canada-utc-early",
        MEDIACLOUD / "1691900941.html.gz",
        "http://ici.radio-canada.ca/nouvelle/1728875/transport-scolaire-ottawa-mi-septembre-covid",
        dt.date(2020, 8, 24),
        "jsonld",
    ),
    # No structured date: the written date under the headline ("20 septembrie 2020 16:20"),
    # not the site's "today" above it in the navigation bar.
    PageCase(
        "yam-text",
        MEDIACLOUD / "1716324024.html.gz",
        "https://news.yam.md/ro/story/10939686",
        dt.date(2020, 9, 20),
        "text",
    ),
    # The photo caption under the headline says "January 16, 2020"; the article is of the 18th.
    PageCase(
        "oann-caption",
        MEDIACLOUD / "1498311133.html.gz",
        "https://www.oann.com/protesters-gather-at-paris-theater-to-confront-macron-over-pension-"
        "reform/",
        dt.date(2020, 1, 18),
        "text",
    ),
    # A radio station's home page states no publication date.
    PageCase("96fm-home", MEDIACLOUD / "1630687900.html.gz", "https://www.96fm.ie/", None, None),
    # The post was updated on 2020-01-14; it was published on 2019-06-28.
    PageCase(
        "arsnova-updated",
        TRAF / "cache" / "arsnova.thm.de.frag.html.gz",
        "https://arsnova.thm.de/blog/frag-jetzt/",
        dt.date(2019, 6, 28),
        "time-element",
    ),
    PageCase(
        "lemire-time",
        TRAF / "cache" / "lemire.me.json.html.gz",
        "https://lemire.me/blog/2019/08/02/json-parsing-simdjson-vs-json-for-modern-c/",
        dt.date(2019, 8, 2),
        "time-element",
    ),
)


def _page(path: Path) -> HtmlElement:
    if not path.exists():
        path = TRAF / "eval" / path.name
    tree = load_html(gzip.decompress(path.read_bytes()))
    assert tree is not None, f"{path} did not parse"
    return tree


@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_benchmark_page_gives_its_annotated_day(case: PageCase) -> None:
    found = find_published_date(_page(case.path), url=case.url)
    if case.day is None:
        assert found is None
        return
    assert found is not None
    assert (found.value, found.found_by) == (case.day, case.found_by)
    assert found.evidence


def test_updated_day_of_a_real_page_is_not_returned() -> None:
    # The page marks 2020-01-14 as its modification; that day must never come back.
    tree = _page(TRAF / "cache" / "arsnova.thm.de.frag.html.gz")
    markup = tostring(tree)
    found = find_published_date(tree, url="https://arsnova.thm.de/blog/frag-jetzt/")
    assert found is not None and found.value != dt.date(2020, 1, 14)
    assert tostring(tree) == markup  # read only


def _html(body: str, head: str = "") -> HtmlElement:
    return document_fromstring(
        f"<html><head><title>Storm hits the coast</title>{head}</head>"
        f"<body><article><h1>Storm hits the coast</h1>{body}"
        "<p>The storm reached the coast on Tuesday night, the weather service said, and "
        "thousands of homes lost power.</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("body", "head"),
    [
        (
            "<figure><img src='a.jpg'><figcaption>Waves on 3 March 2021. Photo: J. Doe"
            "</figcaption></figure>",
            "",
        ),
        ("<p class='meta'>Updated: March 3, 2021</p>", ""),
        ("<time class='updated' datetime='2021-03-03T10:00:00+01:00'>3 March 2021</time>", ""),
        ("", '<meta property="article:modified_time" content="2021-03-03T10:00:00+00:00">'),
    ],
    ids=["caption", "updated-label", "updated-time", "modified-meta"],
)
def test_page_whose_only_date_is_not_a_publication_gives_none(body: str, head: str) -> None:
    assert find_published_date(_html(body, head), url=None) is None


def test_published_stamp_wins_over_updated_stamp() -> None:
    tree = _html("<p>Published: 1 March 2021 | Updated: 3 March 2021</p>")
    found = find_published_date(tree, url=None)
    assert found is not None
    assert (found.value, found.found_by, found.evidence) == (
        dt.date(2021, 3, 1),
        "text",
        "1 March 2021",
    )


def test_structured_date_and_visible_date_that_disagree_give_none() -> None:
    head = '<meta property="article:published_time" content="2021-02-10T10:00:00+01:00">'
    assert find_published_date(_html("<p>3 March 2021</p>", head), url=None) is None


def test_agreeing_meta_and_url_are_high_confidence() -> None:
    head = '<meta property="article:published_time" content="2021-03-03T10:00:00+01:00">'
    found = find_published_date(_html("", head), url="https://example.org/2021/03/03/storm/")
    assert found is not None
    assert (found.value, found.found_by, found.confidence) == (
        dt.date(2021, 3, 3),
        "meta",
        Confidence.HIGH,
    )


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2022-07-29", dt.date(2022, 7, 29)),
        ("2022-07-29T23:30:00-05:00", dt.date(2022, 7, 29)),  # the day written, not converted
        ("Fri, 29 Jul 2022 10:00:00 +0000", dt.date(2022, 7, 29)),
        ("July 29, 2022", dt.date(2022, 7, 29)),
        ("Jul. 29, 2022", dt.date(2022, 7, 29)),
        ("29 July 2022", dt.date(2022, 7, 29)),
        ("29. Juli 2022", dt.date(2022, 7, 29)),
        ("29 de julio de 2022", dt.date(2022, 7, 29)),
        ("29 июля 2022 г.", dt.date(2022, 7, 29)),
        ("29.07.2022", dt.date(2022, 7, 29)),
        ("2022/07/29", dt.date(2022, 7, 29)),
        ("2022年7月29日", dt.date(2022, 7, 29)),
        ("20220729", dt.date(2022, 7, 29)),
        ("13/04/2022", dt.date(2022, 4, 13)),
        ("04/13/2022", dt.date(2022, 4, 13)),
    ],
)
def test_parse_date_string_reads_the_written_day(text: str, day: dt.date) -> None:
    assert parse_date_string(text) == day


@pytest.mark.parametrize(
    "text",
    [
        "03/04/2022",  # 3 April or 4 March
        "",
        "yesterday",
        "3 hours ago",
        "July 2022",
        "2022-02-30",
        "1890-05-01",
        "29/07/2022 or 30/07/2022",
        "Tuesday",
    ],
)
def test_parse_date_string_returns_none_rather_than_guessing(text: str) -> None:
    assert parse_date_string(text) is None


def test_parse_date_string_rejects_a_future_day() -> None:
    later = dt.date.today() + dt.timedelta(days=30)
    assert parse_date_string(later.isoformat()) is None


def test_rules_file_with_a_month_under_two_numbers_names_file_and_line(tmp_path: Path) -> None:
    packaged = (Path(__file__).resolve().parents[2] / "src" / "newsprism" / "data").joinpath(
        "date_patterns.toml"
    )
    text = packaged.read_text("utf-8").replace('2 = ["february",', '2 = ["january", "february",')
    broken = tmp_path / "dates.toml"
    broken.write_text(text, "utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("2 = "))
    with pytest.raises(ConfigError, match=rf"dates\.toml:{line}.*'january'"):
        load_date_rules(broken)

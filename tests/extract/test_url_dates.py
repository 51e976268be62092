"""Issue 8: publication dates from URLs, for every input that carries one, below page metadata."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newsprism.api import extract_report
from newsprism.extract.dates import url_date
from newsprism.model import Article, Confidence

# Written for these tests.
_BODY = (
    "The city council voted on Monday night to close two branch libraries and move their books to"
    " a new central building that opens next spring.",
    "Council members who opposed the plan said the branches served neighborhoods where many"
    " families do not own a car, and that the bus routes to the center run only once an hour.",
    "The mayor said the savings would pay for longer opening hours at the new building and for a"
    " mobile library that would visit the closed branches twice a week.",
    "Residents packed the chamber for more than three hours of public comment, most of them asking"
    " the council to delay the vote until after a study of the bus routes.",
)


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://www.example.com/news/2018/04/17/council-votes/", "2018-04-17"),
        ("https://www.example.com/2018/4/7/council-votes", "2018-04-07"),
        ("https://www.example.com/world/2018/apr/17/council-votes", "2018-04-17"),
        ("https://www.example.com/local/council-votes-2018-04-17", "2018-04-17"),
        ("https://www.example.com/local/20180417/council-votes", "2018-04-17"),
        ("https://www.example.com/local/council-votes-20180417-story.html", "2018-04-17"),
        ("https://www.example.com/2018_04_17_council.html", "2018-04-17"),
    ],
)
def test_issue8_url_path_dates_are_read(url: str, day: str) -> None:
    found = url_date(url)
    assert found is not None and found.value.isoformat() == day
    assert found.found_by == "url" and found.confidence is Confidence.LOW
    assert found.evidence == url


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.com/news/2018/04/council-votes/",  # a month, not a day
        "https://www.example.com/2018/04/17/recap-of-2017-12-30-game",  # two different days
        "https://www.example.com/news/council-votes-1523980800",  # a timestamp, not a date
        "https://www.example.com/2018/13/40/x",  # not a calendar day
        "https://www.example.com/search?date=2018-04-17",  # the query is not the path
        f"https://www.example.com/{dt.date.today().year + 2}/01/02/x",  # in the future
        "http://127.0.0.1:8000/story.html",
    ],
)
def test_urls_without_one_clear_day_give_none(url: str) -> None:
    assert url_date(url) is None


def _jsonl(tmp_path: Path, record: dict[str, str]) -> Article:
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    articles, skipped = extract_report(path)
    assert skipped == []
    (article,) = articles
    return article


def test_issue8_a_text_record_gets_its_urls_date(tmp_path: Path) -> None:
    url = "https://www.example.com/news/2018/04/17/council-votes-to-close-branches/"
    article = _jsonl(tmp_path, {"text": "\n\n".join(_BODY), "url": url})
    assert article.published == dt.date(2018, 4, 17)
    assert article.published_from == "url" and article.published_confidence is Confidence.LOW
    assert article.published_evidence == url


def test_a_records_own_date_outranks_its_url(tmp_path: Path) -> None:
    record = {
        "text": "\n\n".join(_BODY),
        "url": "https://www.example.com/news/2018/04/17/council-votes/",
        "published": "2018-04-18",
    }
    article = _jsonl(tmp_path, record)
    assert article.published == dt.date(2018, 4, 18) and article.published_from == "record"


@pytest.mark.parametrize(
    ("url_day", "published", "confidence"),
    [("2018/04/17", dt.date(2018, 4, 17), Confidence.HIGH), ("2018/04/19", None, None)],
)
def test_a_text_date_line_is_confirmed_or_undone_by_its_urls_date(
    tmp_path: Path, url_day: str, published: dt.date | None, confidence: Confidence | None
) -> None:
    # A scrape's own date line under its headline; its URL agrees, or states another day (and
    # which of the two is the publication day cannot be told).
    text = "\n\n".join(("Council votes to close two branch libraries", "April 17, 2018", *_BODY))
    url = f"https://www.example.com/news/{url_day}/council-votes/"
    article = _jsonl(tmp_path, {"text": text, "url": url})
    assert article.headline == "Council votes to close two branch libraries"
    assert article.published == published
    assert article.published_confidence is confidence
    assert article.published_from == ("text" if published else None)


def _html(*, published: str | None = None, canonical: str | None = None) -> str:
    ld: dict[str, object] = {"@type": "NewsArticle", "headline": "Council votes to close branches"}
    if published:
        ld["datePublished"] = published
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        '<html lang="en"><head><meta charset="utf-8"><title>Council votes to close branches'
        f'</title>{link}<script type="application/ld+json">{json.dumps(ld)}</script></head>'
        "<body><article><h1>Council votes to close branches</h1>"
        + "".join(f"<p>{p}</p>" for p in _BODY)
        + "</article></body></html>"
    )


def test_issue8_a_url_date_does_not_override_a_disagreeing_jsonld_date(tmp_path: Path) -> None:
    url = "https://www.example.com/news/2018/04/17/council-votes/"
    article = _jsonl(tmp_path, {"html": _html(published="2018-04-19T10:30:00-04:00"), "url": url})
    assert article.published == dt.date(2018, 4, 19)
    assert article.published_from == "jsonld"


def test_a_url_date_stands_in_for_a_page_that_states_none(tmp_path: Path) -> None:
    url = "https://www.example.com/news/2018/04/17/council-votes/"
    article = _jsonl(tmp_path, {"html": _html(), "url": url})
    assert article.published == dt.date(2018, 4, 17)
    assert article.published_from == "url" and article.published_confidence is Confidence.LOW


def test_a_page_read_from_elsewhere_has_the_date_of_its_canonical_url(tmp_path: Path) -> None:
    canonical = "https://www.example.com/news/2018/04/17/council-votes/"
    page = tmp_path / "saved.html"
    page.write_text(_html(canonical=canonical), encoding="utf-8")
    articles, _ = extract_report(page)
    assert articles[0].published == dt.date(2018, 4, 17)
    assert articles[0].published_from == "url"

"""The HTML report: self-contained, every piece of article text escaped, findings present."""

from __future__ import annotations

import dataclasses
import html
import re

from newsprism.model import StoryComparison
from newsprism.present.html import render_report


def test_report_is_self_contained(sample_comparison: StoryComparison) -> None:
    page = render_report(sample_comparison)
    assert page.startswith("<!doctype html>")
    assert 'name="viewport"' in page
    assert "script-src 'none'" in page  # Content-Security-Policy: no script runs at all
    # Nothing is loaded from elsewhere: no src= at all, no stylesheet links, no @import/url().
    assert not re.search(r"\bsrc\s*=", page)
    assert "<link" not in page
    assert "@import" not in page and "url(" not in page
    assert "<script" not in page


def test_report_shows_the_findings(sample_comparison: StoryComparison) -> None:
    page = render_report(sample_comparison)
    for text in (
        "has claimed",  # RT's headline cue
        "jailed Russian businessman",
        "convicted Russian arms dealer",
        "Bout maintains he is innocent.",
        "lasted roughly 25 minutes",
        "In late April",
        "late April 2022",
        "Karine Jean-Pierre",
        "Ned Price",
    ):
        assert text in page, text
    # Dates are shown as a reader writes them, never as raw ISO 8601 intervals.
    assert not re.search(r"\d{4}-\d{2}(?:-\d{2})?/|\.\./\d{4}", page)
    for section in ("headlines", "differences", "descriptors", "verbs", "voices", "coverage",
                    "timeline", "articles"):
        assert f'<section id="{section}">' in page
    # Every evidence link points at a span rendered in the article columns.
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    links = set(re.findall(r'href="#([^"]+)"', page))
    assert links and links <= ids


def test_scraped_markup_is_escaped(hostile_comparison: StoryComparison) -> None:
    page = render_report(hostile_comparison)
    assert "<script" not in page
    assert "<img" not in page
    assert "<b>X</b>" not in page
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" in page
    assert "Outlet &lt;b&gt;X&lt;/b&gt;" in page


def _with_urls(comparison: StoryComparison, *urls: str | None) -> StoryComparison:
    articles = tuple(dataclasses.replace(a, url=u)
                     for a, u in zip(comparison.articles, urls, strict=True))
    return dataclasses.replace(comparison, articles=articles)


def test_issue9_article_links_are_escaped_and_safe(sample_comparison: StoryComparison) -> None:
    hostile = 'https://example.org/a?x=1&y="><script>alert(1)</script>'
    page = render_report(_with_urls(sample_comparison, hostile, "javascript:alert(1)"))
    assert "<script>alert(1)" not in page
    link = re.search(r'<a href="(https://example\.org/[^"]*)" rel="noopener noreferrer"', page)
    assert link is not None
    assert html.unescape(link.group(1)) == hostile
    # Only http(s) URLs become links.
    assert 'href="javascript:' not in page


def test_issue9_summary_first_and_findings_numbered_in_order(
    sample_comparison: StoryComparison,
) -> None:
    page = render_report(sample_comparison)
    sections = re.findall(r'<section id="([^"]+)">', page)
    assert sections[0] == "summary"
    summary = page[page.index('<section id="summary">'):page.index('<section id="headlines">')]
    assert re.findall(r'href="#(F\d+)"', summary) == list(sample_comparison.summary)
    differences = page[page.index('<section id="differences">'):
                       page.index('<section id="descriptors">')]
    shown = [int(n) for n in re.findall(r'<li id="F(\d+)">', differences)]
    assert shown == list(range(1, len(shown) + 1))


def test_issue9_opinion_pieces_are_labelled(sample_comparison: StoryComparison) -> None:
    # The genre comes from the page (JSON-LD), else the URL's section, else a kicker.
    rt, cnn = sample_comparison.articles
    assert rt.genre is None and cnn.genre is None
    page = render_report(dataclasses.replace(sample_comparison, articles=(
        dataclasses.replace(rt, genre="opinion", genre_from="url"), cnn)))
    assert '<span class="genre" title="read from url">Opinion</span>' in page
    assert "1 news article, 1 opinion piece" in page


def test_issue10_bidi_overrides_are_neutralised(hostile_comparison: StoryComparison) -> None:
    body = next(a.body for a in hostile_comparison.articles if "\u202e" in a.body)
    assert "give \u202edetails" in body
    page = render_report(hostile_comparison)
    assert "\u202e" not in page
    assert "give details" in page

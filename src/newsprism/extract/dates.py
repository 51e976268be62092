"""Publication dates: from HTML pages, with provenance and confidence, and from date strings.

A wrong date is worse than none, so a date is never guessed. :func:`find_published_date` gathers
every place a page states its publication day, and only answers when they agree or when one
trustworthy statement stands unopposed:

* ``jsonld``: ``datePublished`` of the page's schema.org article object;
* ``meta``: ``<meta property="article:published_time">`` and the other names in
  ``data/date_patterns.toml``;
* ``time-element``: a ``<time>`` (or ``itemprop="datePublished"``) element by the headline;
* ``text``: a written date by the headline ("June 7, 2020", "7. Juni 2020");
* ``url``: a full date in the URL path (``/2020/06/07/``);
* ``htmldate``: htmldate's answer, used only when nothing above states a date and the URL or
  the page's text by the headline does not contradict it.

Modified or updated stamps, dates in photo captions, comments and teaser lists are not
publication dates and are never returned. A timestamp written in UTC near midnight may fall on
another day where the outlet is; the page's visible date decides it when there is one.

:func:`parse_date_string` reads dates carried by containers (a JSONL field, a feed item, a
``--published`` flag): ISO 8601, RFC 2822 and common written forms in several languages.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

import htmldate
from lxml import etree
from lxml.html import HtmlElement

from newsprism.datafile import (
    DataFile,
    integer,
    number,
    read_data_file,
    regex,
    table,
    words,
)
from newsprism.model import Confidence

__all__ = [
    "DateFinding",
    "DateRules",
    "date_line",
    "default_date_rules",
    "find_published_date",
    "jsonld_blocks",
    "jsonld_items",
    "jsonld_types",
    "load_date_rules",
    "parse_date_string",
    "url_date",
]

LOGGER = logging.getLogger(__name__)

RULES_FILE = "date_patterns.toml"

# Elements whose text is never page text.
_NO_TEXT_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "title"})
_UTC_NAMES = frozenset({"z", "utc", "gmt"})
_OFFSET = re.compile(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d{2})?$")
_TIME = (
    r"(?:[T\s,]+(?:at\s+|à\s+|um\s+|-\s*|\|\s*)?(?P<hour>\d{1,2})[:h.](?P<minute>\d{2})"
    r"(?::\d{1,2}(?:[.,]\d+)?)?\s*(?P<ampm>[ap]\.?m\.?)?\s*"
    r"(?P<zone>(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?"
)
_ISO = re.compile(
    r"(?<![\d.])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)" + _TIME, re.IGNORECASE
)
_YMD = re.compile(
    r"(?<![\d.])(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})(?![\d/])" + _TIME, re.IGNORECASE
)
_DMY_DOTS = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4})(?!\d)" + _TIME, re.IGNORECASE
)
# Slashes and hyphens between day and month: which comes first is known only when one is > 12.
_NUMERIC_EITHER = re.compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/])" + _TIME,
    re.IGNORECASE,
)
_CJK = re.compile(r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]?")
# A bare compact stamp ("20200607", "20200607T1030"), read only from attribute values.
_COMPACT = re.compile(r"^(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:T?\d{4,6})?$")
_WORD = re.compile(r"[^\W_]+")
_HOURS = 24
_SHOWN = frozenset({"text", "url"})
_JSON = json.JSONDecoder(strict=False)
_JSON_TYPE = re.compile(r'"@type"\s*:\s*"(?:https?://schema\.org/)?(\w+)"')
_JSON_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')
# Evidence strings are cut to this length.
_EVIDENCE_CHARS = 200


@dataclass(frozen=True, slots=True)
class DateFinding:
    """A publication day and how it was found.

    Attributes:
        value: The publication day, as the publisher states it.
        found_by: Provenance: "jsonld", "meta", "time-element", "text", "url", "htmldate".
        confidence: HIGH when two independent statements agree, MEDIUM for one trustworthy
            statement, LOW for htmldate's answer alone.
        evidence: The raw string the day was read from, with where it stood.
    """

    value: dt.date
    found_by: str
    confidence: Confidence
    evidence: str


@dataclass(frozen=True, slots=True)
class DateRules:
    """The compiled contents of ``data/date_patterns.toml`` (see that file for each field)."""

    earliest_year: int
    future_days: int
    utc_safe_hours: tuple[int, int]
    text_after_headline: int
    text_before_headline: int
    label_reach: int
    stamp_max_words: int
    headline_title_share: float
    meta_published: frozenset[str]
    meta_generic: frozenset[str]
    meta_modified: frozenset[str]
    article_types: frozenset[str]
    page_types: frozenset[str]
    published_keys: tuple[str, ...]
    published_marker: re.Pattern[str]
    modified_marker: re.Pattern[str]
    excluded_marker: re.Pattern[str]
    excluded_tags: frozenset[str]
    modified_label: re.Pattern[str]
    published_label: re.Pattern[str]
    months: Mapping[str, int]
    written: tuple[re.Pattern[str], ...]
    timezones: Mapping[str, tuple[float, float]]
    url_dates: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Stamp:
    """One date expression found in a string."""

    day: dt.date
    start: int
    end: int
    # The time of day (hours) of a time stated in UTC: the local day may be another.
    utc_hour: float | None = None
    # A time stated with a non-zero UTC offset: the day is the outlet's local day.
    zoned: bool = False


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One statement of a date on a page."""

    day: dt.date
    found_by: str
    evidence: str
    utc_hour: float | None = None
    zoned: bool = False
    # Marked as the publication stamp (pubdate, itemprop, a "published" class or label).
    marked: bool = False
    # Lower is stronger: a JSON-LD "datePublished" before "dateCreated" before "uploadDate";
    # an explicit meta name before a generic one ("date").
    rank: int = 0


@dataclass(frozen=True, slots=True)
class _PageDates:
    """Everything a page says about its dates, grouped by kind."""

    structured: tuple[_Candidate, ...]
    visible: tuple[_Candidate, ...]
    url: _Candidate | None
    # Days the page marks as modified or updated, kept to reject them as publication days.
    modified: frozenset[dt.date]
    # The range of UTC offsets where the outlet is, when its domain or language tag says.
    offsets: tuple[float, float] | None = None


def _candidate(
    stamp: _Stamp, found_by: str, evidence: str, *, marked: bool = False, rank: int = 0
) -> _Candidate:
    return _Candidate(
        stamp.day, found_by, evidence, stamp.utc_hour, stamp.zoned, marked=marked, rank=rank
    )


# --- public functions ---------------------------------------------------------------------------


def parse_date_string(text: str, *, rules: DateRules | None = None) -> dt.date | None:
    """Read the day from a date string carried by a container or given by the user.

    Accepts ISO 8601 ("2022-07-29", "2022-07-29T10:00:00+02:00"), RFC 2822 ("Fri, 29 Jul 2022
    10:00:00 +0000"), compact stamps ("20220729") and written forms ("July 29, 2022",
    "29. Juli 2022", "29 de julio de 2022", "29.07.2022"). The day is the one written: a time
    zone is not converted.

    Args:
        text: The date string.
        rules: Date rules; ``None`` uses the packaged ``data/date_patterns.toml``.

    Returns:
        The day, or ``None`` when the string holds no date, an ambiguous one ("03/04/2022"),
        several different days, or a day outside the plausible range (before
        ``earliest_year`` or in the future).
    """
    rules = rules or default_date_rules()
    stamps = _stamps(text.strip(), rules, whole_value=True)
    days = {stamp.day for stamp in stamps}
    return days.pop() if len(days) == 1 else None


def find_published_date(
    tree: HtmlElement, *, url: str | None, rules: DateRules | None = None
) -> DateFinding | None:
    """Find a page's publication day, or ``None`` when the page does not state it reliably.

    The tree is only read, never changed.

    Args:
        tree: The parsed page.
        url: The page's URL, when known (a date in its path is one more witness).
        rules: Date rules; ``None`` uses the packaged ``data/date_patterns.toml``.

    Returns:
        The day with its provenance, confidence and evidence; ``None`` when no statement is
        found, or when statements disagree and none can be trusted over the others.
    """
    rules = rules or default_date_rules()
    page = _page_dates(tree, url, rules)
    if page.structured or page.visible or page.url:
        return _decide(page, rules)
    # htmldate searches further (whole-page patterns); asked only when the page states no
    # date where this module looks, so it never overrides a contradiction found here.
    return _htmldate_fallback(tree, url, page, rules)


def load_date_rules(path: Path | None = None) -> DateRules:
    """Compile a date rules file.

    Args:
        path: A file laid out as ``data/date_patterns.toml``; ``None`` reads the packaged one.

    Raises:
        ConfigError: The file cannot be read, is not TOML, lacks a key, has a value of the wrong
            type, a pattern that does not compile, or a month form listed under two months; the
            message names ``file:line``.
    """
    file = read_data_file(RULES_FILE, path)
    return _compile_rules(file)


@functools.cache
def default_date_rules() -> DateRules:
    """The packaged date rules, compiled once per process."""
    return load_date_rules()


# --- reading date strings -----------------------------------------------------------------------


def _stamps(text: str, rules: DateRules, *, whole_value: bool = False) -> list[_Stamp]:
    """Every plausible date expression in ``text``, in order of position."""
    found: list[_Stamp] = []
    taken: list[tuple[int, int]] = []
    patterns: tuple[re.Pattern[str], ...] = (_ISO, _YMD, _CJK, *rules.written, _DMY_DOTS)
    for pattern in patterns:
        for match in pattern.finditer(text):
            if _overlaps(match.span(), taken):
                continue
            stamp = _from_match(match, rules)
            if stamp is not None:
                found.append(stamp)
                taken.append(match.span())
    for match in _NUMERIC_EITHER.finditer(text):
        if _overlaps(match.span(), taken):
            continue
        stamp = _from_either(match, rules)
        if stamp is not None:
            found.append(stamp)
            taken.append(match.span())
    if whole_value and not found:
        compact = _COMPACT.match(text)
        if compact:
            day = _valid_day(compact["y"], compact["m"], compact["d"], rules)
            if day is not None:
                found.append(_Stamp(day, 0, len(text)))
    return sorted(found, key=lambda stamp: stamp.start)


def _overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _from_match(match: re.Match[str], rules: DateRules) -> _Stamp | None:
    groups = match.groupdict()
    month = groups["m"]
    if not month.isdigit():
        month = str(rules.months[month.casefold().rstrip(".")])
    day = _valid_day(groups["y"], month, groups["d"], rules)
    if day is None:
        return None
    return _Stamp(day, match.start(), match.end(), _utc_hour(groups), _zoned(groups))


def _from_either(match: re.Match[str], rules: DateRules) -> _Stamp | None:
    first, second = int(match["a"]), int(match["b"])
    if first != second and first <= 12 and second <= 12:
        return None
    day_first = _valid_day(match["y"], match["b"], match["a"], rules)
    month_first = _valid_day(match["y"], match["a"], match["b"], rules)
    day = day_first or month_first
    if day is None:
        return None
    groups = match.groupdict()
    return _Stamp(day, match.start(), match.end(), _utc_hour(groups), _zoned(groups))


def _valid_day(year: str, month: str, day: str, rules: DateRules) -> dt.date | None:
    try:
        value = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    latest = dt.date.today() + dt.timedelta(days=rules.future_days)
    return value if rules.earliest_year <= value.year and value <= latest else None


def _zone_offset(zone: str | None) -> float | None:
    """The UTC offset in hours a zone names ("Z", "GMT+10", "+05:30"); ``None`` if none."""
    if zone is None:
        return None
    zone = "".join(zone.split()).casefold()
    if zone in _UTC_NAMES:
        return 0.0
    match = _OFFSET.match(zone)
    if match is None:
        return None
    value = int(match[2]) + int(match[3] or 0) / 60
    return -value if match[1] == "-" else value


def _zoned(groups: Mapping[str, str | None]) -> bool:
    return _zone_offset(groups.get("zone")) not in {None, 0.0}


def _utc_hour(groups: Mapping[str, str | None]) -> float | None:
    hour, minute = groups.get("hour"), groups.get("minute")
    if _zone_offset(groups.get("zone")) != 0.0 or hour is None or minute is None:
        return None
    if int(hour) == 0 and int(minute) == 0:
        # Midnight UTC on the dot is a date stored as a timestamp, not a moment.
        return None
    value = int(hour) % 12 if groups.get("ampm") else int(hour)
    if (groups.get("ampm") or "").casefold().startswith("p"):
        value += 12
    return value + int(minute) / 60


# --- gathering a page's dates -------------------------------------------------------------------


def _page_dates(tree: HtmlElement, url: str | None, rules: DateRules) -> _PageDates:
    headline = _headline_element(tree, rules)
    keep = _ancestors(headline)
    structured = _jsonld_dates(tree, rules)
    modified: set[dt.date] = set()
    microdata = list(_microdata_dates(tree, keep, rules))
    for candidate, is_modified in (*_meta_dates(tree, rules), *microdata):
        if is_modified:
            modified.add(candidate.day)
        elif candidate.found_by == "meta":
            structured.append(candidate)
    visible, visible_modified = _visible_dates(tree, headline, keep, microdata, rules)
    modified.update(visible_modified)
    return _PageDates(
        structured=tuple(structured),
        visible=tuple(visible),
        # A page read from elsewhere (a local server, an archive) has its date in the URL it
        # gives itself.
        url=_url_date(url, rules) or _url_date(_canonical_url(tree), rules),
        modified=frozenset(modified),
        offsets=_region_offsets(tree, url or _canonical_url(tree), rules),
    )


def _jsonld_dates(tree: HtmlElement, rules: DateRules) -> list[_Candidate]:
    """``datePublished`` of article objects; of page objects only when no article has one."""
    articles: list[_Candidate] = []
    pages: list[_Candidate] = []
    for text, data in jsonld_blocks(tree):
        if data is None:
            articles.extend(_jsonld_dates_by_pattern(text, rules))
            continue
        for item in jsonld_items(data):
            types = jsonld_types(item)
            if types & rules.article_types:
                target = articles
            elif types & rules.page_types:
                target = pages
            else:
                continue
            candidate = _jsonld_date(item, rules)
            if candidate is not None:
                target.append(candidate)
    return sorted(articles or pages, key=lambda candidate: candidate.rank)


def jsonld_blocks(tree: HtmlElement) -> Iterator[tuple[str, Any]]:
    """Each ``<script type="application/ld+json">`` block: its text and its data.

    A block with junk after its object (a stray brace) is read up to the end of the object;
    the data is ``None`` when the text is not JSON.
    """
    for script in tree.iter("script"):
        if "ld+json" in (script.get("type") or "").lower() and script.text:
            yield script.text, _read_json(script.text)


def _read_json(text: str) -> Any:
    try:
        return _JSON.raw_decode(text.strip())[0]
    except json.JSONDecodeError:
        LOGGER.debug("unparsable JSON-LD block")
        return None


def _jsonld_dates_by_pattern(text: str, rules: DateRules) -> list[_Candidate]:
    """``datePublished`` read from a broken JSON-LD block that declares an article type."""
    types = {match[1] for match in _JSON_TYPE.finditer(text)}
    match = _JSON_PUBLISHED.search(text)
    if not (types & rules.article_types) or match is None:
        return []
    stamps = _stamps(match[1].strip(), rules, whole_value=True)
    if not stamps:
        return []
    return [_candidate(stamps[0], "jsonld", match[0])]


def jsonld_items(data: Any) -> Iterator[dict[str, Any]]:
    """The top-level objects of a JSON-LD block's data: list items, ``@graph`` members and a
    ``mainEntity``. Objects nested deeper (live-blog updates, related articles, images) are
    not the page and are not returned."""
    items = data if isinstance(data, list) else [data]
    for item in items:
        if not isinstance(item, dict):
            continue
        graph = item.get("@graph")
        if isinstance(graph, list):
            yield from (member for member in graph if isinstance(member, dict))
        yield item
        main = item.get("mainEntity")
        if isinstance(main, dict):
            yield main


def jsonld_types(item: Mapping[str, Any]) -> set[str]:
    """A JSON-LD object's ``@type`` names, without a schema.org URL prefix."""
    kind = item.get("@type")
    if isinstance(kind, str):
        return {kind.rsplit("/", 1)[-1]}
    if isinstance(kind, list):
        return {k.rsplit("/", 1)[-1] for k in kind if isinstance(k, str)}
    return set()


def _jsonld_date(item: Mapping[str, Any], rules: DateRules) -> _Candidate | None:
    for rank, key in enumerate(rules.published_keys):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            stamps = _stamps(value.strip(), rules, whole_value=True)
            if not stamps:
                return None
            evidence = f'"{key}": "{value.strip()}"'
            return _candidate(stamps[0], "jsonld", evidence, rank=rank)
    return None


def _meta_dates(tree: HtmlElement, rules: DateRules) -> Iterator[tuple[_Candidate, bool]]:
    """``<meta property|name>`` dates, each with whether it names a modification."""
    for meta in tree.iter("meta"):
        attribute = "property" if meta.get("property") else "name"
        name = (meta.get(attribute) or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if not name or not content:
            continue
        is_modified = name in rules.meta_modified
        rank = 1 if name in rules.meta_generic else 0
        if not is_modified and not rank and name not in rules.meta_published:
            continue
        stamps = _stamps(content, rules, whole_value=True)
        if stamps:
            evidence = f'<meta {attribute}="{name}" content="{content}">'
            yield _candidate(stamps[0], "meta", evidence, rank=rank), is_modified


def _microdata_dates(
    tree: HtmlElement, keep: set[HtmlElement], rules: DateRules
) -> Iterator[tuple[_Candidate, bool]]:
    """``itemprop="datePublished|dateModified"`` dates of the page's own item.

    An itemprop belongs to the nearest ``itemscope`` around it; a scope that does not hold the
    headline is another item (a teaser, a related story) and its dates are skipped.
    """
    # XPath hands back only the marked elements: walking the whole tree costs more.
    for element in tree.xpath("//*[@itemprop]"):
        itemprop = (element.get("itemprop") or "").strip().lower()
        if itemprop not in {"datepublished", "datemodified"}:
            continue
        scope = next((a for a in element.iterancestors() if a.get("itemscope") is not None), None)
        if scope is not None and keep and scope not in keep:
            continue
        if scope is None and _in_excluded(element, rules, stop=keep):
            continue
        value = element.get("content") or element.get("datetime") or element.text_content()
        stamps = _stamps(value.strip(), rules, whole_value=True)
        if not stamps:
            continue
        found_by = {"meta": "meta", "time": "time-element"}.get(element.tag, "text")
        evidence = _element_evidence(element)
        candidate = _candidate(stamps[0], found_by, evidence, marked=True)
        yield candidate, itemprop == "datemodified"


def url_date(url: str | None, *, rules: DateRules | None = None) -> DateFinding | None:
    """The publication day a URL's path states (``/2018/04/17/``, ``-20180417``), or ``None``.

    Only the path is read, percent-decoded, with the ``[url]`` patterns of
    ``data/date_patterns.toml``. A path that states two different days states none. The finding
    has ``found_by="url"`` and LOW confidence: a URL's date is the day the address was made,
    which a page's own statements outrank; callers use it only when the page states no date.

    Args:
        url: The article's URL.
        rules: Date rules; ``None`` uses the packaged ``data/date_patterns.toml``.
    """
    rules = rules or default_date_rules()
    candidate = _url_date(url, rules)
    if candidate is None:
        return None
    return DateFinding(candidate.day, "url", Confidence.LOW, candidate.evidence)


def date_line(line: str, *, rules: DateRules | None = None) -> DateFinding | None:
    """The publication day a stand-alone date line of a plain-text scrape states ("Published
    Tuesday, 14 March 2023", "March 15, 2023 | 4:05 PM"), or ``None``.

    The caller passes only a line standing by the headline: one that is a date and little else
    (at most ``stamp_max_words`` other words, as for a page's visible stamp). A line marked as
    modified ("Updated ...") states no publication day, nor does one stating two different days.
    The finding has ``found_by="text"`` and MEDIUM confidence, as a page's visible date has.

    Args:
        line: One line of text.
        rules: Date rules; ``None`` uses the packaged ``data/date_patterns.toml``.
    """
    rules = rules or default_date_rules()
    stamps = _stamps(line, rules)
    if not stamps or len({stamp.day for stamp in stamps}) > 1:
        return None
    stamp = stamps[0]
    around = line[: stamp.start] + " " + line[stamp.end :]
    if len(_WORD.findall(around)) > rules.stamp_max_words:
        return None
    # A label stands just before the date ("Updated: March 3") or opens the line, before the
    # time that precedes the date ("Updated 1:39 am EST, Wednesday, November 20, 2019").
    before = line[: stamp.start].casefold()
    digit = re.search(r"\d", before)
    labels = (before[-rules.label_reach :], before[: digit.start()] if digit else before)
    published = any(rules.published_label.search(label) for label in labels)
    if not published and any(rules.modified_label.search(label) for label in labels):
        return None
    return DateFinding(stamp.day, "text", Confidence.MEDIUM, " ".join(line.split()))


def _url_date(url: str | None, rules: DateRules) -> _Candidate | None:
    if not url:
        return None
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return None
    days: dict[dt.date, str] = {}
    taken: list[tuple[int, int]] = []
    for pattern in rules.url_dates:
        for match in pattern.finditer(path):
            if _overlaps(match.span(), taken):
                continue
            month = match["m"]
            if not month.isdigit():
                number = rules.months.get(month.casefold())
                if number is None:
                    continue
                month = str(number)
            day = _valid_day(match["y"], month, match["d"], rules)
            if day is not None:
                taken.append(match.span())
                days.setdefault(day, match.group(0))
    if len(days) != 1:
        return None
    return _Candidate(next(iter(days)), "url", url)


def _region_offsets(
    tree: HtmlElement, url: str | None, rules: DateRules
) -> tuple[float, float] | None:
    """The UTC offsets of the outlet's region: its country-code domain, else its language tag."""
    host = (urlsplit(url).hostname or "") if url else ""
    suffix = host.rsplit(".", 1)[-1].lower()
    if suffix in rules.timezones:
        return rules.timezones[suffix]
    tags = [tree.get("lang") or ""]
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("http-equiv") or "").lower()
        if name in {"og:locale", "content-language", "dc.language", "language"}:
            tags.append(meta.get("content") or "")
    for tag in tags:
        parts = re.split(r"[-_]", tag.strip().lower())
        if len(parts) > 1 and parts[1] in rules.timezones:
            return rules.timezones[parts[1]]
    return None


def _canonical_url(tree: HtmlElement) -> str | None:
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            return str(link.get("href"))
    for meta in tree.iter("meta"):
        if (meta.get("property") or "").lower() == "og:url" and meta.get("content"):
            return str(meta.get("content"))
    return None


def _headline_element(tree: HtmlElement, rules: DateRules) -> HtmlElement | None:
    """The page's headline element: the heading that best matches the title the page gives
    itself (an ``<h1>`` first, then ``<h2>``, ``<h3>``); the first ``<h1>`` when none does.

    Of headings that match equally, the longest wins: a logo ``<h1>`` with the site's name
    matches the title's "| Site" part as well as the headline matches the rest.
    """
    wanted = {word for title in _page_titles(tree) for word in _WORD.findall(title.casefold())}
    first_h1: HtmlElement | None = None
    for tag in ("h1", "h2", "h3"):
        best: tuple[float, int, HtmlElement] | None = None
        for heading in tree.iter(tag):
            words = _WORD.findall(heading.text_content().casefold())
            if not words:
                continue
            if first_h1 is None and tag == "h1":
                first_h1 = heading
            score = sum(word in wanted for word in words) / len(words)
            if best is None or (score, len(words)) > best[:2]:
                best = (score, len(words), heading)
        if best is not None and best[0] >= rules.headline_title_share:
            return best[2]
    return first_h1


def _page_titles(tree: HtmlElement) -> list[str]:
    """The titles a page gives itself: ``og:title``, ``twitter:title`` and ``<title>``."""
    titles = [
        meta.get("content") or ""
        for meta in tree.iter("meta")
        if (meta.get("property") or meta.get("name") or "").lower() in {"og:title", "twitter:title"}
    ]
    titles.extend(title.text_content() for title in tree.iter("title"))
    return titles


def _element_evidence(element: HtmlElement) -> str:
    markup = etree.tostring(element, encoding="unicode", with_tail=False)
    return " ".join(markup.split())[:_EVIDENCE_CHARS]


# --- dates by the headline ----------------------------------------------------------------------


class _Piece(NamedTuple):
    """A run of page text, ``start``..``end`` in the joined text, and the element it is in.

    A tuple, not a frozen dataclass: a page has thousands and they are made in a hot loop.
    """

    start: int
    end: int
    owner: HtmlElement


def _page_text(
    tree: HtmlElement, *, until: HtmlElement | None = None, reach: int = 0
) -> tuple[str, list[_Piece]]:
    """The page's text in document order, with the element owning each piece.

    With ``until``, the text stops ``reach`` characters after the end of that element (the
    rest of a long page is not needed to find the dates by its headline).
    """
    parts: list[str] = []
    pieces: list[_Piece] = []
    position = 0
    skipping = 0
    stop: int | None = None
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if stop is not None and position > stop:
            break
        silent = not isinstance(element.tag, str) or element.tag in _NO_TEXT_TAGS
        if event == "start":
            if silent:
                skipping += 1
                continue
            owner, raw = element, element.text
        else:
            if silent:
                skipping -= 1
            if element is until:
                stop = position + reach
            owner, raw = element.getparent(), element.tail
        # Whitespace is collapsed so that distances count visible characters.
        piece = " ".join(raw.split()) if raw and not skipping and owner is not None else ""
        if piece:
            pieces.append(_Piece(position, position + len(piece), owner))
            parts.append(piece)
            position += len(piece) + 1
    return " ".join(parts), pieces


def _visible_dates(
    tree: HtmlElement,
    headline: HtmlElement | None,
    keep: set[HtmlElement],
    microdata: Iterable[tuple[_Candidate, bool]],
    rules: DateRules,
) -> tuple[list[_Candidate], set[dt.date]]:
    """Dated ``<time>`` elements and written dates by the headline, and the modified days."""
    found: list[_Candidate] = []
    modified: set[dt.date] = set()
    for candidate, is_modified in microdata:
        if not is_modified and candidate.found_by != "meta":
            found.append(candidate)
    for element in tree.iter("time"):
        if element.get("itemprop") or _in_excluded(element, rules, stop=keep):
            continue
        # The date the element shows is the outlet's local day; its datetime may be in UTC.
        stamps = _stamps(element.text_content().strip(), rules) or _stamps(
            (element.get("datetime") or "").strip(), rules, whole_value=True
        )
        if not stamps:
            continue
        marks = _marks(element)
        published = element.get("pubdate") is not None or bool(rules.published_marker.search(marks))
        if not published and rules.modified_marker.search(marks):
            modified.add(stamps[0].day)
            continue
        evidence = _element_evidence(element)
        found.append(_candidate(stamps[0], "time-element", evidence, marked=published))
    if headline is not None:
        text_found, text_modified = _text_dates(tree, headline, keep, rules)
        found.extend(text_found)
        modified.update(text_modified)
    return found, modified


def _text_dates(
    tree: HtmlElement, headline: HtmlElement, keep: set[HtmlElement], rules: DateRules
) -> tuple[list[_Candidate], set[dt.date]]:
    """Written dates within reach of the headline that stand as stamps, not in prose."""
    text, pieces = _page_text(tree, until=headline, reach=rules.text_after_headline)
    starts = [piece.start for piece in pieces]
    heading = set(headline.iter())
    inside = [i for i, piece in enumerate(pieces) if piece.owner in heading]
    if not inside:
        return [], set()
    head_start, head_end = pieces[inside[0]].start, pieces[inside[-1]].end
    low = max(0, head_start - rules.text_before_headline)
    high = min(len(text), head_end + rules.text_after_headline)
    titles = " ".join(" ".join(_page_titles(tree)).split())
    after: list[_Candidate] = []
    before: list[_Candidate] = []
    modified: set[dt.date] = set()
    for stamp in _stamps(text[low:high], rules):
        start, end = stamp.start + low, stamp.end + low
        if head_start <= start < head_end:
            continue
        piece = pieces[bisect.bisect_right(starts, start) - 1]
        if _in_excluded(piece.owner, rules, stop=keep):
            continue
        around = text[piece.start : start] + " " + text[end : piece.end]
        if len(_WORD.findall(around)) > rules.stamp_max_words:
            continue
        label = text[max(0, start - rules.label_reach) : start].casefold()
        marks = _marks(piece.owner)
        published = bool(rules.published_label.search(label)) or bool(
            rules.published_marker.search(marks)
        )
        if not published and (
            rules.modified_label.search(label) or rules.modified_marker.search(marks)
        ):
            modified.add(stamp.day)
            continue
        evidence = " ".join(text[start:end].split())
        if evidence in titles:
            # A date in the page's title is what the article is about, not when it appeared.
            continue
        (after if start >= head_end else before).append(
            _candidate(stamp, "text", evidence, marked=published)
        )
    # A stamp under the headline is the article's; one above it may be the site's "today".
    return after + before[::-1], modified


def _ancestors(element: HtmlElement | None) -> set[HtmlElement]:
    result: set[HtmlElement] = set()
    while element is not None:
        result.add(element)
        element = element.getparent()
    return result


def _marks(element: HtmlElement) -> str:
    """An element's class and id, lower-cased and joined by a space."""
    return " ".join((element.get(name) or "").lower() for name in ("class", "id")).strip()


def _in_excluded(element: HtmlElement, rules: DateRules, *, stop: set[HtmlElement]) -> bool:
    """Whether the element lies in a caption, comment, teaser list or other foreign container.

    Containers that also hold the headline (``stop``) are the article's own and end the search.
    """
    current: HtmlElement | None = element
    while current is not None and current.tag not in {"body", "html"}:
        if current in stop:
            return False
        if current.tag in rules.excluded_tags:
            return True
        marks = _marks(current)
        if marks and rules.excluded_marker.search(marks):
            return True
        current = current.getparent()
    return False


# --- deciding -----------------------------------------------------------------------------------


def _decide(page: _PageDates, rules: DateRules) -> DateFinding | None:
    """Choose the publication day from the page's statements, or ``None`` when unsure.

    Structured data (JSON-LD, meta) is read by machines and the visible date by people; when
    both exist they must agree, once a UTC timestamp is read as the outlet's local day. When
    they do not (a re-publication, an updated stamp shown as the date, another time zone), the
    URL's date decides, or nothing is returned. A structured date that is not a
    ``datePublished`` (a video's ``uploadDate``) gives way to the visible date.
    """
    # A visible stamp that is a UTC datetime attribute is read as the outlet's day, too.
    visible = [
        dataclasses.replace(c, day=_local_day(c, [], rules, page.offsets), utc_hour=None)
        if c.utc_hour is not None
        else c
        for c in page.visible
    ]
    shown = next((c for c in visible if c.marked), visible[0] if visible else None)
    witnesses = [c for c in (shown, page.url) if c is not None]
    if page.structured:
        chosen = _consensus(page.structured, witnesses)
        day = _local_day(chosen, [*visible, *witnesses, *page.structured], rules, page.offsets)
        # A page may show two dates by its headline (published and updated): one must agree.
        shown = next((c for c in visible if c.day == day), shown)
        if shown is None or shown.day == day:
            agreeing = any(w.day == day for w in witnesses)
            confidence = Confidence.HIGH if agreeing else Confidence.MEDIUM
            return DateFinding(day, chosen.found_by, confidence, chosen.evidence)
        if chosen.rank == 0:
            if page.url is not None and page.url.day == day:
                return DateFinding(day, chosen.found_by, Confidence.MEDIUM, chosen.evidence)
            if page.url is not None and page.url.day == shown.day:
                return DateFinding(shown.day, shown.found_by, Confidence.MEDIUM, shown.evidence)
            return None
    if shown is not None:
        day = _local_day(shown, witnesses, rules, page.offsets)
        if page.url is not None and any(c.day == page.url.day for c in visible):
            shown = next(c for c in visible if c.day == page.url.day)
            day = shown.day
        if page.url is None:
            return DateFinding(day, shown.found_by, Confidence.MEDIUM, shown.evidence)
        if page.url.day == day:
            return DateFinding(day, shown.found_by, Confidence.HIGH, shown.evidence)
        return None
    if page.url is not None:
        return DateFinding(page.url.day, "url", Confidence.LOW, page.url.evidence)
    return None


def _consensus(candidates: Iterable[_Candidate], witnesses: Iterable[_Candidate]) -> _Candidate:
    """The structured statement to trust: the best-ranked, then the one the page's visible date
    or URL confirms, then the most often stated day, then the earliest (a later one being a
    re-publication)."""
    candidates = list(candidates)
    best_rank = min(c.rank for c in candidates)
    candidates = [c for c in candidates if c.rank == best_rank]
    seen = {w.day for w in witnesses}
    counts = Counter(c.day for c in candidates)
    day = min(counts, key=lambda d: (d not in seen, -counts[d], d))
    return next(c for c in candidates if c.day == day)


def _local_day(
    chosen: _Candidate,
    witnesses: Iterable[_Candidate],
    rules: DateRules,
    offsets: tuple[float, float] | None,
) -> dt.date:
    """The day a UTC timestamp falls on where the outlet is.

    The page's own local statements decide first (a visible date, a timestamp with a non-zero
    offset on the neighbouring day); then the outlet's region, when all its offsets agree.
    """
    low, high = rules.utc_safe_hours
    if chosen.utc_hour is None or low <= chosen.utc_hour < high:
        return chosen.day
    # Late in the UTC day, outlets east of Greenwich are on the next day; early, those west of
    # it are on the previous one.
    neighbour = chosen.day + dt.timedelta(days=1 if chosen.utc_hour >= high else -1)
    # What the reader sees (a visible date, the URL) or a time with its own offset is local.
    local = [
        w.day
        for w in witnesses
        if w is not chosen and (w.zoned or (w.utc_hour is None and w.found_by in _SHOWN))
    ]
    if neighbour in local and chosen.day not in local:
        return neighbour
    if offsets is not None and chosen.day not in local:
        shifts = {math.floor((chosen.utc_hour + offset) / _HOURS) for offset in offsets}
        if len(shifts) == 1:
            return chosen.day + dt.timedelta(days=shifts.pop())
    return chosen.day


def _htmldate_fallback(
    tree: HtmlElement, url: str | None, page: _PageDates, rules: DateRules
) -> DateFinding | None:
    """htmldate's day, when the first date standing alone in the page's text confirms it."""
    try:
        found = htmldate.find_date(tree, extensive_search=False, original_date=True, url=url)
    except (ValueError, TypeError) as exc:
        LOGGER.debug("htmldate failed: %s", exc)
        return None
    if not found:
        return None
    day = dt.date.fromisoformat(found)
    first = _first_stamp(tree, rules)
    if day in page.modified or first is None or first.day != day:
        return None
    return DateFinding(day, "htmldate", Confidence.LOW, f"{found} ({first.evidence})")


# First window of page text searched for its first stamp (characters), and the margin at a
# window's end within which a date may be cut off.
_SCAN_FIRST = 4096
_SCAN_EDGE = 200


def _first_stamp(tree: HtmlElement, rules: DateRules) -> _Candidate | None:
    """The first date on the page that stands as a stamp (not in prose, captions or lists)."""
    text, pieces = _page_text(tree)
    starts = [piece.start for piece in pieces]
    # The text is searched in growing windows from its start: the first stamp is usually near
    # the top, and reading every date of a long page is the costly part. A date within
    # _SCAN_EDGE of a window's end may be cut off by it and waits for the next window.
    limit, checked = _SCAN_FIRST, 0
    while True:
        whole = limit >= len(text)
        for stamp in _stamps(text if whole else text[:limit], rules):
            if stamp.end <= checked:
                continue
            if not whole and stamp.end > limit - _SCAN_EDGE:
                break
            piece = pieces[bisect.bisect_right(starts, stamp.start) - 1]
            if _in_excluded(piece.owner, rules, stop=set()):
                continue
            around = text[piece.start : stamp.start] + " " + text[stamp.end : piece.end]
            if len(_WORD.findall(around)) <= rules.stamp_max_words:
                return _candidate(stamp, "text", " ".join(text[stamp.start : stamp.end].split()))
        if whole:
            return None
        checked, limit = limit - _SCAN_EDGE, limit * 2


# --- loading ------------------------------------------------------------------------------------


def _compile_rules(file: DataFile) -> DateRules:
    months = _months(file)
    alternation = "|".join(re.escape(form) for form in sorted(months, key=lambda m: (-len(m), m)))
    month = rf"(?P<m>{alternation})(?![^\W\d_])\.?"
    written = (
        re.compile(
            r"(?<![\w.])(?P<d>\d{1,2})(?:st|nd|rd|th|er|e|º|°)?\.?\s*(?:de\s+|of\s+)?"
            + month
            + r",?\s*(?:de\s+|del\s+)?(?P<y>\d{4})(?!\d)"
            + _TIME,
            re.IGNORECASE,
        ),
        re.compile(
            # The look-ahead (a letter, then a digit within a month name's length) rejects
            # most word starts at once, before the long alternation of month names is tried.
            r"(?<![\w])"
            + rf"(?=[^\W\d_][^\d]{{0,{max(map(len, months), default=0)}}}\s*\d)"
            + month
            + r"\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(?P<y>\d{4})(?!\d)"
            + _TIME,
            re.IGNORECASE,
        ),
        re.compile(
            r"(?<![\w.])(?P<y>\d{4})\.?\s+" + month + r"\s+(?P<d>\d{1,2})\.?(?!\d)" + _TIME,
            re.IGNORECASE,
        ),
    )
    low, high = (
        _int(file, "limits", "utc_safe_from_hour"),
        _int(file, "limits", "utc_safe_until_hour"),
    )
    return DateRules(
        earliest_year=_int(file, "limits", "earliest_year"),
        future_days=_int(file, "limits", "future_days"),
        utc_safe_hours=(low, high),
        text_after_headline=_int(file, "limits", "text_after_headline"),
        text_before_headline=_int(file, "limits", "text_before_headline"),
        label_reach=_int(file, "limits", "label_reach"),
        stamp_max_words=_int(file, "limits", "stamp_max_words"),
        headline_title_share=_share(file, "limits", "headline_title_share"),
        meta_published=frozenset(w.lower() for w in _strings(file, "meta", "published")),
        meta_generic=frozenset(w.lower() for w in _strings(file, "meta", "generic")),
        meta_modified=frozenset(w.lower() for w in _strings(file, "meta", "modified")),
        article_types=frozenset(_strings(file, "jsonld", "article_types")),
        page_types=frozenset(_strings(file, "jsonld", "page_types")),
        published_keys=_strings(file, "jsonld", "published_keys"),
        published_marker=_regex(file, "markup", "published"),
        modified_marker=_regex(file, "markup", "modified"),
        excluded_marker=_regex(file, "markup", "excluded"),
        excluded_tags=frozenset(_strings(file, "markup", "excluded_tags")),
        modified_label=_label(file, "modified"),
        published_label=_label(file, "published"),
        months=months,
        written=written,
        timezones=_timezones(file),
        url_dates=tuple(_url_pattern(file, value) for value in _strings(file, "url", "patterns")),
    )


def _int(file: DataFile, name: str, key: str) -> int:
    return integer(file, table(file, name), key, name=f"[{name}] {key}", minimum=0, within=name)


def _share(file: DataFile, name: str, key: str) -> float:
    return number(
        file, table(file, name), key, name=f"[{name}] {key}", minimum=0, maximum=1, within=name
    )


def _strings(file: DataFile, name: str, key: str) -> tuple[str, ...]:
    return words(file, table(file, name), key, name=f"[{name}] {key}", within=name)


def _regex(file: DataFile, name: str, key: str) -> re.Pattern[str]:
    return regex(
        file, table(file, name), key, name=f"[{name}] {key}", flags=re.IGNORECASE, within=name
    )


def _url_pattern(file: DataFile, value: str) -> re.Pattern[str]:
    try:
        pattern = re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise file.error(
            f"[url] patterns: {value!r} does not compile ({exc})", key="patterns", within="url"
        ) from exc
    missing = [name for name in ("y", "m", "d") if name not in pattern.groupindex]
    if missing:
        raise file.error(
            f"[url] patterns: {value!r} lacks the named groups {', '.join(missing)}",
            key="patterns",
            within="url",
        )
    return pattern


def _label(file: DataFile, key: str) -> re.Pattern[str]:
    # A label counts when it is the last words before the date: "Updated: ", "Posted on ".
    labels = sorted(_strings(file, "labels", key), key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in labels)
    return re.compile(rf"(?<![^\W\d_])(?:{alternation})\b[^\d\n]{{0,12}}$", re.IGNORECASE)


def _timezones(file: DataFile) -> dict[str, tuple[float, float]]:
    zones: dict[str, tuple[float, float]] = {}
    for region, pair in table(file, "timezones").items():
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(v, int | float) for v in pair)
            or pair[0] > pair[1]
        ):
            raise file.error(
                f"[timezones] {region} must be [lowest, highest] UTC offset in hours",
                key=region,
                within="timezones",
            )
        zones[region.lower()] = (float(pair[0]), float(pair[1]))
    return zones


def _months(file: DataFile) -> dict[str, int]:
    months: dict[str, int] = {}
    for key, forms in table(file, "months").items():
        if not key.isdigit() or not 1 <= int(key) <= 12:
            raise file.error(
                f"[months] key {key!r} must be a month number 1-12", key=key, within="months"
            )
        if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
            raise file.error(f"[months] {key} must be a list of strings", key=key, within="months")
        for form in forms:
            form = form.casefold()
            if months.get(form, int(key)) != int(key):
                raise file.error(
                    f"[months] {form!r} is listed under months {months[form]} and {key}; "
                    "remove it from one",
                    key=key,
                    within="months",
                )
            months[form] = int(key)
    return months

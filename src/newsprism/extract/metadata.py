"""An HTML page's metadata: headline, standfirst, authors, site name, language and date.

Read from the parsed tree without changing it (the body extractor runs on the same tree next).
Each value comes from what the page states, never from a guess:

* headline: the page's heading (``<h1>``, else ``<h2>``/``<h3>``) that agrees with the title it
  gives itself (``og:title``, JSON-LD ``headline``, ``<title>``); without one, that title with
  the site's name cut off ("Headline | Site");
* standfirst: the description the page gives (``og:description``, ``description``, JSON-LD);
* authors: explicit author markup only, in order of trust: JSON-LD ``author`` persons, author
  meta fields, microdata ``itemprop="author"``, ``rel="author"`` links, links to an author page
  ("/author/jane-doe/"), byline elements (class "byline", "author"), short texts opening with a
  byline label ("By …", "Von …"). Names of organisations, of the site itself and placeholders
  ("admin", "Redaktion") are dropped;
* site name: ``og:site_name``, else the JSON-LD publisher or web site name; every name the page
  gives itself is also kept, most trusted first (JSON-LD ``publisher.name``, ``og:site_name``,
  ``application-name``, ...), for the outlet directory to recognise;
* credited: every name the JSON-LD ``author`` and author meta fields give, organisations too
  ("Reuters"), for syndication to recognise a wire;
* language: the ISO 639-1 code of ``<html lang>`` or the language meta fields;
* published: :func:`newsprism.extract.dates.find_published_date`.

The rules' vocabulary lives in ``data/html_metadata.toml``.
"""

from __future__ import annotations

import enum
import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

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
from newsprism.extract.dates import (
    DateFinding,
    DateRules,
    find_published_date,
    jsonld_blocks,
    jsonld_items,
    jsonld_types,
)
from newsprism.ingest.outlets import PageName

__all__ = [
    "HtmlMetadata",
    "MetadataRules",
    "default_metadata_rules",
    "load_metadata_rules",
    "read_html_metadata",
]

RULES_FILE = "html_metadata.toml"

_WORD = re.compile(r"[^\W_]+")
_LANGUAGE = re.compile(r"^([a-z]{2})(?:$|[-_])", re.IGNORECASE)
# Not a name: a handle or address, a domain ("symple.ch"), a label or bracket left in.
_NOT_A_NAME = re.compile(r"@|[:()\[\]{}<>=+*#]")
_DOMAIN = re.compile(r"https?:|www\.|[a-z0-9]\.[a-z]{2,}\b")
_NAME_STRIP = " ,;:|-–—·•/()[]~*_\"'“”„«»©"
# What ends the names in a byline: a separator, a dash, a comma before a date, a digit.
_BYLINE_TAIL = re.compile(r"\s*(?:[|•·/→]|\s[-–—]|,\s*(?=\S*\d)|\d)")
_HCARD = re.compile(r"(?:^|\s)(?:vcard|fn)(?:$|\s)")
_PAGE_TAGS = frozenset({"article", "main", "body", "html"})
_NO_BYLINE_TAGS = frozenset({"meta", "link", "script", "style", "body", "html", "head", "img"})
_TEXT_TAGS = ("p", "span", "div", "li", "em", "i", "strong", "b", "small", "address", "td")
# A full name has at least this many capitalised words ("Jane Doe").
_FULL_NAME_WORDS = 2
# Separators between several names in one author field.
_GROUPS = re.compile(r"\s*(?:;|\s[|/]\s|\s[-–—]\s)\s*")
_NAME_LIST = re.compile(r"\s*(?:\s(?:and|und|et|и)\s|&)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HtmlMetadata:
    """What an HTML page says about itself.

    Attributes:
        headline: The article's headline.
        standfirst: The summary the page gives (its description).
        authors: Byline authors, names only, in page order.
        site_name: The name the site gives itself.
        language: ISO 639-1 code from the page's language markup.
        canonical_url: The page's canonical URL (``rel="canonical"``, else ``og:url``).
        published: The publication day with provenance, or ``None`` when not reliably stated.
        genre: "opinion" or "analysis" when the page's JSON-LD types the article so
            (``OpinionNewsArticle``, ``AnalysisNewsArticle``).
        page_names: The names the page gives itself, most trusted first, with where each is.
        credited: Names in the page's author fields (JSON-LD ``author``, author meta), people
            and organisations alike, as written.
    """

    headline: str | None = None
    standfirst: str | None = None
    authors: tuple[str, ...] = ()
    site_name: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    published: DateFinding | None = None
    genre: str | None = None
    page_names: tuple[PageName, ...] = ()
    credited: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MetadataRules:
    """The compiled contents of ``data/html_metadata.toml`` (see that file for each field)."""

    title_share: float
    lone_h1_min_words: int
    separators: tuple[str, ...]
    site_segment_max_words: int
    author_meta_names: frozenset[str]
    person_types: frozenset[str]
    byline_marker: re.Pattern[str]
    author_link: re.Pattern[str]
    byline_excluded: re.Pattern[str]
    byline_prefix: re.Pattern[str]
    name_max_words: int
    name_max_chars: int
    byline_max_words: int
    max_authors: int
    degrees: frozenset[str]
    name_stop_words: frozenset[str]
    particles: frozenset[str]
    comment_marker: re.Pattern[str]
    max_acronym: int
    max_inner_acronym: int
    min_compound: int
    title_names: tuple[str, ...]
    description_names: tuple[str, ...]
    site_names: tuple[str, ...]
    language_names: tuple[str, ...]
    article_types: frozenset[str]
    publisher_types: frozenset[str]
    publisher_names: tuple[str, ...]
    placeholder_fragments: tuple[str, ...]
    byline_label: re.Pattern[str]
    placeholders: frozenset[str]
    organisation_words: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Page:
    """The parts of a page the readers share, gathered once."""

    tree: HtmlElement
    meta: Mapping[str, tuple[str, ...]]
    jsonld: tuple[dict[str, Any], ...]
    by_id: Mapping[str, dict[str, Any]]
    url: str | None

    def first_meta(self, names: Iterable[str]) -> str | None:
        for name in names:
            for value in self.meta.get(name, ()):
                if value:
                    return value
        return None


def read_html_metadata(
    tree: HtmlElement,
    *,
    url: str | None,
    rules: MetadataRules | None = None,
    date_rules: DateRules | None = None,
) -> HtmlMetadata:
    """Read a page's metadata; the tree is not changed.

    Args:
        tree: The parsed page.
        url: The page's URL when known.
        rules: Metadata rules; ``None`` uses the packaged ``data/html_metadata.toml``.
        date_rules: Date rules; ``None`` uses the packaged ``data/date_patterns.toml``.

    Returns:
        The metadata; a value the page does not state is ``None`` (or empty).
    """
    rules = rules or default_metadata_rules()
    page = _gather(tree, url)
    site_name = _site_name(page, rules)
    canonical = _canonical_url(page)
    return HtmlMetadata(
        headline=_headline(page, site_name, rules),
        standfirst=_standfirst(page, rules),
        authors=_authors(page, site_name, rules),
        site_name=site_name,
        language=_language(page, rules),
        canonical_url=canonical,
        published=find_published_date(tree, url=url or canonical, rules=date_rules),
        genre=_genre(page, rules),
        page_names=_page_names(page, rules),
        credited=_credited(page, rules),
    )


def load_metadata_rules(path: Path | None = None) -> MetadataRules:
    """Compile a metadata rules file.

    Args:
        path: A file laid out as ``data/html_metadata.toml``; ``None`` reads the packaged one.

    Raises:
        ConfigError: The file cannot be read, is not TOML, lacks a key, has a value of the wrong
            type or a pattern that does not compile; the message names ``file:line``.
    """
    file = read_data_file(RULES_FILE, path)
    return _compile_rules(file)


@functools.cache
def default_metadata_rules() -> MetadataRules:
    """The packaged metadata rules, compiled once per process."""
    return load_metadata_rules()


# --- gathering ------------------------------------------------------------------------------


def _gather(tree: HtmlElement, url: str | None) -> _Page:
    meta: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        # Microdata (itemprop) is read with its item scope, in _microdata_authors: a review's
        # itemprop="author" is not the article's.
        name = (element.get("property") or element.get("name") or "").strip().lower()
        if not name and element.get("http-equiv"):
            name = (element.get("http-equiv") or "").strip().lower()
        content = _clean(element.get("content"))
        if name and content:
            meta.setdefault(name, []).append(content)
    items = [
        item for _, data in jsonld_blocks(tree) if data is not None for item in jsonld_items(data)
    ]
    by_id = {item["@id"]: item for item in items if isinstance(item.get("@id"), str)}
    return _Page(
        tree=tree,
        meta={name: tuple(values) for name, values in meta.items()},
        jsonld=tuple(items),
        by_id=by_id,
        url=url,
    )


def _articles(page: _Page, rules: MetadataRules) -> Iterator[dict[str, Any]]:
    """The JSON-LD objects describing the article or page itself."""
    for item in page.jsonld:
        if jsonld_types(item) & rules.article_types:
            yield item


# schema.org article types that mark a genre other than news.
_GENRES = {"OpinionNewsArticle": "opinion", "AnalysisNewsArticle": "analysis"}


def _genre(page: _Page, rules: MetadataRules) -> str | None:
    """"opinion" or "analysis" from the JSON-LD type of the article itself."""
    for item in _articles(page, rules):
        for kind in sorted(jsonld_types(item)):
            if kind in _GENRES:
                return _GENRES[kind]
    return None


def _clean(text: str | None) -> str:
    """Whitespace collapsed, control and zero-width characters removed."""
    if not text:
        return ""
    # Entities escaped twice in the source ("Redacci&amp;oacute;n") arrive as "&oacute;".
    text = html.unescape(text) if "&" in text else text
    if not text.isprintable():  # printable text holds no control or format character
        text = "".join(
            ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf"} or ch == " "
        )
    return " ".join(text.split())


def _text(element: HtmlElement) -> str:
    """An element's text with a space between the texts of its children ("Jane Doe" and
    "Editor" in two spans must not read "Jane DoeEditor")."""
    return _clean(" ".join(element.itertext()))


def _short_text(element: HtmlElement, max_words: int) -> str | None:
    """``_text`` of an element, or ``None`` when it has more than ``max_words`` words.

    Long texts (a whole article marked "author-box") are refused before they are cleaned:
    cleaning only removes characters and collapses spaces, and only an entity ("&nbsp;") can
    split a word in two, so the raw count less the entities bounds the clean count.
    """
    raw = " ".join(element.itertext())
    if len(raw.split()) - raw.count("&") > max_words:
        return None
    text = _clean(raw)
    return text if len(text.split()) <= max_words else None


def _folded(text: str) -> str:
    """Letters and digits only, case-folded: for comparing names and titles loosely."""
    return "".join(_WORD.findall(text.casefold()))


# --- site, language, URL, standfirst -------------------------------------------------------


def _site_name(page: _Page, rules: MetadataRules) -> str | None:
    named = page.first_meta(rules.site_names)
    if named:
        return named
    for item in page.jsonld:
        if "WebSite" in jsonld_types(item) and isinstance(item.get("name"), str):
            return _clean(item["name"]) or None
    for item in _articles(page, rules):
        publisher = _resolve(page, item.get("publisher"))
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return _clean(publisher["name"]) or None
    return None


def _page_names(page: _Page, rules: MetadataRules) -> tuple[PageName, ...]:
    """Every name the page gives itself: the article's JSON-LD publisher, the site-name metas,
    then a JSON-LD web site's name."""
    found: list[PageName] = []
    for item in _articles(page, rules):
        publisher = _resolve(page, item.get("publisher"))
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            found.append(PageName(_clean(publisher["name"]), "jsonld:publisher.name"))
    for name in rules.site_names:
        found.extend(PageName(value, name) for value in page.meta.get(name, ()))
    for item in page.jsonld:
        if "WebSite" in jsonld_types(item) and isinstance(item.get("name"), str):
            found.append(PageName(_clean(item["name"]), "jsonld:WebSite.name"))
    seen: set[str] = set()
    unique = []
    for page_name in found:
        if page_name.name and page_name.name.casefold() not in seen:
            seen.add(page_name.name.casefold())
            unique.append(page_name)
    return tuple(unique)


def _credited(page: _Page, rules: MetadataRules) -> tuple[str, ...]:
    """The names of the page's author fields, organisations included, as written."""
    names: list[str] = []
    for item in _articles(page, rules):
        authors = _resolve(page, item.get("author") or item.get("creator"))
        for author in authors if isinstance(authors, list) else [authors]:
            author = _resolve(page, author)
            if isinstance(author, dict):
                author = author.get("name")
            if isinstance(author, str) and _clean(author):
                names.append(_clean(author))
    names.extend(value for value, _ in _meta_authors(page, rules))
    return tuple(dict.fromkeys(names))


def _language(page: _Page, rules: MetadataRules) -> str | None:
    tags = [page.tree.get("lang") or "", page.tree.get("xml:lang") or ""]
    tags.extend(value for name in rules.language_names for value in page.meta.get(name, ()))
    for tag in tags:
        match = _LANGUAGE.match(tag.strip())
        if match:
            return match[1].lower()
    return None


def _canonical_url(page: _Page) -> str | None:
    for link in page.tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href:
            return urljoin(page.url, href) if page.url else href
    og_url = page.first_meta(("og:url",))
    if og_url and urlsplit(og_url).scheme in {"http", "https"}:
        return og_url
    return None


def _standfirst(page: _Page, rules: MetadataRules) -> str | None:
    described = page.first_meta(rules.description_names)
    if described:
        return described
    for item in _articles(page, rules):
        if isinstance(item.get("description"), str) and _clean(item["description"]):
            return _clean(item["description"])
    return None


# --- headline -------------------------------------------------------------------------------


def _headline(page: _Page, site_name: str | None, rules: MetadataRules) -> str | None:
    titles = _titles(page, rules)
    wanted = {word for title in titles for word in _WORD.findall(title.casefold())}
    sites = _site_labels(page, site_name)
    h1s: list[str] = []
    for tag in ("h1", "h2", "h3"):
        headings = [
            text
            for heading in page.tree.iter(tag)
            if (text := _text(heading)) and _folded(text) not in sites
        ]
        if tag == "h1":
            h1s = headings
        best = max(headings, key=lambda text: _share(text, wanted), default=None)
        if best is not None and _share(best, wanted) >= rules.title_share:
            return best
    if len(h1s) == 1 and len(_WORD.findall(h1s[0])) >= rules.lone_h1_min_words:
        return h1s[0]
    for title in titles:
        stripped = _strip_site(title, sites, rules)
        if stripped:
            return stripped
    return None


def _titles(page: _Page, rules: MetadataRules) -> list[str]:
    """The titles the page gives itself, most specific first."""
    titles = [value for name in rules.title_names for value in page.meta.get(name, ())]
    for item in _articles(page, rules):
        if isinstance(item.get("headline"), str):
            titles.append(_clean(item["headline"]))
    titles.extend(_clean(title.text_content()) for title in page.tree.iter("title"))
    return [title for title in titles if title]


def _share(text: str, wanted: set[str]) -> float:
    words = _WORD.findall(text.casefold())
    return sum(word in wanted for word in words) / len(words) if words else 0.0


def _site_labels(page: _Page, site_name: str | None) -> set[str]:
    """Folded forms the site's name takes: its stated name, its host and host's main label."""
    labels = {_folded(site_name)} if site_name else set()
    host = (urlsplit(page.url or _canonical_url(page) or "").hostname or "").lower()
    host = host.removeprefix("www.")
    if host:
        labels.add(_folded(host))
        labels.add(_folded(host.split(".")[-2] if host.count(".") else host))
    return {label for label in labels if label}


def _strip_site(title: str, sites: set[str], rules: MetadataRules) -> str | None:
    """The title without the site's name at either end ("Headline | Site" -> "Headline")."""
    for separator in rules.separators:
        if separator not in title:
            continue
        parts = [part.strip() for part in title.split(separator)]
        for index in (-1, 0):
            segment = parts[index]
            folded = _folded(segment)
            if (
                folded
                and len(segment.split()) <= rules.site_segment_max_words
                and any(folded == site or folded in site or site in folded for site in sites)
            ):
                rest = parts[:-1] if index == -1 else parts[1:]
                return separator.join(rest).strip() or None
    return title


# --- authors --------------------------------------------------------------------------------


def _authors(page: _Page, site_name: str | None, rules: MetadataRules) -> tuple[str, ...]:
    """Authors from the most trusted source of explicit author markup that names people.

    Sources in order of trust: JSON-LD, author meta fields, microdata, ``rel="author"`` links,
    byline elements, labelled byline text ("By …", "Von …"). The first source that gives full
    names (two or more capitalised words) wins; failing that, the first that gives any name
    (a user name such as "jancak" in the page's own author field).
    """
    publishers = {_folded(name) for name in _publisher_names(page, rules) if name}
    excluded = _site_labels(page, site_name) | publishers
    sources: tuple[tuple[Iterable[tuple[str, bool]], bool], ...] = (
        (_jsonld_authors(page, rules), False),
        (_meta_authors(page, rules), False),
        (_microdata_authors(page, rules), False),
        (_rel_authors(page), True),
        (_author_links(page, rules), False),
        (_byline_authors(page, rules), True),
        (_labelled_bylines(page, rules), True),
    )
    fallback: tuple[str, ...] = ()
    for fields, first_only in sources:
        names: list[str] = []
        for raw, explicit in fields:
            found = _field_names(
                raw, explicit=explicit, excluded=excluded, publishers=publishers, rules=rules
            )
            names.extend(found)
            if names and first_only:
                break
        unique = tuple(dict.fromkeys(names))
        if len(unique) > rules.max_authors:
            continue  # a reference list (citation_author) or every contributor, not a byline
        if unique and all(_is_full_name(name) for name in unique):
            return unique
        fallback = fallback or unique
    return fallback


def _field_names(
    raw: str,
    *,
    explicit: bool,
    excluded: set[str],
    publishers: set[str],
    rules: MetadataRules,
) -> list[str]:
    """The person names in one author field.

    An organisation last in a group of names is the outlet ("Jane Doe, John Roe, NDR") and is
    dropped; one followed by more pieces drops the whole group: "Bundesministerium für
    Wirtschaft und Klimaschutz" is one organisation, not a ministry and a person called
    Klimaschutz. Groups split by ";" stand apart.
    """
    names: list[str] = []
    for group in _GROUPS.split(_tidy_name(raw, rules)):
        if _folded(group) in excluded:
            continue  # the site's own name, whatever joins its words ("Jobs & Hire")
        found: list[str] = []
        pieces = [
            _without_site(_tidy_name(piece, rules), publishers) for piece in _split_names(group)
        ]
        for index, name in enumerate(pieces):
            verdict = _judge(name, explicit=explicit, excluded=excluded, rules=rules)
            if verdict is _Verdict.ORGANISATION and index < len(pieces) - 1:
                found = []
                break
            if verdict is _Verdict.PERSON:
                found.append(name)
        names.extend(found)
    return names


def _without_site(name: str, publishers: set[str]) -> str:
    """A name without the publisher's name after it ("Adam Aaronson PhillyVoice"); the host
    is not used, as a personal blog's host is its author's surname (lemire.me)."""
    words = name.split()
    while len(words) > 1 and _folded(words[-1]) in publishers:
        words.pop()
    return " ".join(words)


def _is_full_name(name: str) -> bool:
    """Two or more capitalised words: a name as a byline prints it, not a user name."""
    words = name.split()
    capitalised = sum(word[:1].isupper() for word in words)
    return len(words) >= _FULL_NAME_WORDS and capitalised >= _FULL_NAME_WORDS


def _jsonld_authors(page: _Page, rules: MetadataRules) -> Iterator[tuple[str, bool]]:
    for item in _articles(page, rules):
        authors = _resolve(page, item.get("author") or item.get("creator"))
        for author in authors if isinstance(authors, list) else [authors]:
            author = _resolve(page, author)
            if isinstance(author, str):
                yield author, True
            elif isinstance(author, dict):
                types = jsonld_types(author)
                name = author.get("name")
                if isinstance(name, str) and (not types or types & rules.person_types):
                    yield name, True


def _publisher_names(page: _Page, rules: MetadataRules) -> Iterator[str]:
    for item in page.jsonld:
        if jsonld_types(item) & rules.publisher_types and isinstance(item.get("name"), str):
            yield item["name"]
        publisher = _resolve(page, item.get("publisher"))
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            yield publisher["name"]
    for name in rules.publisher_names:
        yield from page.meta.get(name, ())


def _resolve(page: _Page, value: Any) -> Any:
    """A JSON-LD value with an ``{"@id": ...}`` reference replaced by the object it names."""
    if isinstance(value, list):
        return [_resolve(page, item) for item in value]
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and "@id" in value:
        return page.by_id.get(value["@id"], value)
    return value


def _meta_authors(page: _Page, rules: MetadataRules) -> Iterator[tuple[str, bool]]:
    for name, values in page.meta.items():
        if name in rules.author_meta_names:
            for value in values:
                yield value, True


def _microdata_authors(page: _Page, rules: MetadataRules) -> Iterator[tuple[str, bool]]:
    """``itemprop="author"`` of the article's own item (not of reviews or comments on it)."""
    for element in page.tree.xpath("//*[@itemprop]"):
        if (element.get("itemprop") or "").lower() != "author":
            continue
        scope = next((a for a in element.iterancestors() if a.get("itemscope") is not None), None)
        kind = (
            (scope.get("itemtype") or "").rstrip("/").rsplit("/", 1)[-1]
            if scope is not None
            else ""
        )
        if scope is not None and kind not in rules.article_types:
            continue
        if element.tag == "meta":
            if element.get("content"):
                yield element.get("content") or "", True
            continue
        named = [
            child
            for child in element.iter()
            if isinstance(child.tag, str) and (child.get("itemprop") or "").lower() == "name"
        ]
        if named:
            yield (named[0].get("content") or _text(named[0])), True
        elif element.get("content"):
            yield element.get("content") or "", True
        elif len(_text(element).split()) <= rules.byline_max_words:
            yield _text(element), False


def _rel_authors(page: _Page) -> Iterator[tuple[str, bool]]:
    for link in page.tree.iter("a", "link"):
        if "author" in (link.get("rel") or "").lower().split():
            text = _text(link) if link.tag == "a" else ""
            if text.strip():
                yield text, True


def _author_links(page: _Page, rules: MetadataRules) -> Iterator[tuple[str, bool]]:
    """Links to an author's page ("/author/jancak/"), as blog and CMS bylines write them.

    The first such link outside comments and navigation, with the author links beside it in
    the same element ("By <a>A</a> and <a>B</a>").
    """
    first: HtmlElement | None = None
    for link in page.tree.iter("a"):
        href = link.get("href") or ""
        if not rules.author_link.search(href) or _in_comments(link, rules):
            continue
        parent = link.getparent()
        if first is not None and parent is not first:
            return
        first = parent
        text = _text(link)
        if text and len(text.split()) <= rules.name_max_words:
            yield text, True


def _byline_authors(page: _Page, rules: MetadataRules) -> Iterator[tuple[str, bool]]:
    """The text of elements marked as bylines (class or id "byline", "author", ...)."""
    # Only elements with a class, id or test id can be marked (_marks); XPath finds them.
    for element in page.tree.xpath("//*[@class or @id or @data-testid]"):
        if element.tag in _NO_BYLINE_TAGS:
            continue
        marks = _marks(element)
        if not marks or not rules.byline_marker.search(marks):
            continue
        if rules.byline_excluded.search(marks) or _in_comments(element, rules):
            continue
        text = _short_text(element, rules.byline_max_words)
        if text:
            # An hCard ("author vcard", "fn") is explicit markup: a user name counts.
            yield _byline_names(text, rules), bool(_HCARD.search(marks))


def _labelled_bylines(page: _Page, rules: MetadataRules) -> Iterator[tuple[str, bool]]:
    """Short texts that open with a byline label: "By Jane Doe", "Von Max Muster", "Autor: …"."""
    for element in page.tree.iter(*_TEXT_TAGS):
        # The label is the element's own first text; checked before reading its whole text.
        # A name follows it capitalised ("Von Max Muster", not "Von der Befreiung zum …").
        own = (element.text or "").lstrip()
        label = rules.byline_prefix.match(own)
        after = own[label.end() :].lstrip() if label else ""
        if label is None or (after and not after[0].isupper()):
            continue
        parent = element.getparent()
        if not after and len(element) == 0 and parent is not None:
            # "<strong>von</strong> <span>Jane Doe</span>": the label stands alone.
            element = parent
        text = _short_text(element, rules.byline_max_words)
        if text is not None and not _in_comments(element, rules):
            yield _byline_names(text, rules), False


def _byline_names(text: str, rules: MetadataRules) -> str:
    """The names part of a byline: after its label ("Posted on 5 May by Jane Doe" -> "Jane
    Doe"), before what follows the names ("Jane Doe | 12.03.2020" -> "Jane Doe")."""
    label = rules.byline_label.search(text)
    if label:
        text = text[label.end() :]
    return _BYLINE_TAIL.split(text, maxsplit=1)[0]


def _marks(element: HtmlElement) -> str:
    return " ".join(
        (element.get(name) or "").lower() for name in ("class", "id", "data-testid")
    ).strip()


def _in_comments(element: HtmlElement, rules: MetadataRules) -> bool:
    """Whether the element sits in a comment section, aside or navigation.

    The walk stops at the article (or main, body) element: their classes describe the whole
    page ("comments-open") and say nothing about where the element is.
    """
    for ancestor in element.iterancestors():
        if ancestor.tag in _PAGE_TAGS:
            return False
        if ancestor.tag in {"aside", "nav"} or rules.comment_marker.search(_marks(ancestor)):
            return True
    return False


def _split_names(raw: str) -> list[str]:
    """The names in one author field: "A; B", "A and B", "A, B & C"; "Doe, Jane" stays one."""
    pieces: list[str] = []
    for part in _NAME_LIST.split(_clean(raw)):
        commas = [piece.strip() for piece in part.split(",") if piece.strip()]
        surname_first = len(commas) == 2 and all(len(c.split()) == 1 for c in commas)
        pieces.extend([part] if surname_first or not commas else commas)
    return [piece for piece in pieces if piece]


def _tidy_name(name: str, rules: MetadataRules) -> str:
    name = _clean(name).strip(_NAME_STRIP)
    prefix = rules.byline_prefix.match(name)
    if prefix:
        name = name[prefix.end() :]
    words = name.split()
    for index, word in enumerate(words):
        if index and word.strip(".,:").casefold() in rules.name_stop_words:
            # "Jane Doe Thursday", "Jane Doe Chefredakteur", "Jane Doe Updated": the name ends.
            words = words[:index]
            break
    while len(words) > 1 and words[-1].strip(".,").casefold() in rules.degrees:
        words.pop()
    half = len(words) // 2
    if half and words[:half] == words[half:]:
        words = words[:half]  # a name printed twice in one element ("Jane Doe Jane Doe")
    return " ".join(words).strip(_NAME_STRIP)


class _Verdict(enum.Enum):
    PERSON = "person"
    ORGANISATION = "organisation"
    NOBODY = "nobody"


def _judge(name: str, *, explicit: bool, excluded: set[str], rules: MetadataRules) -> _Verdict:
    """Whether an author field names a person, an organisation (or the site), or nobody.

    Nobody: empty, a handle, an address, a placeholder ("admin"), or, from visible text
    (``explicit`` false), anything but two or more capitalised words. Explicit markup may name
    a user ("jancak").
    """
    words = name.split()
    if not words or len(words) > rules.name_max_words or len(name) > rules.name_max_chars:
        return _Verdict.NOBODY
    if _DOMAIN.search(name):
        return _Verdict.ORGANISATION  # "hessenschau.de, Frankfurt, Germany" names a site
    if _NOT_A_NAME.search(name) or any(ch.isdigit() for ch in name):
        return _Verdict.NOBODY
    folded = _folded(name)
    if not folded or name.casefold() in rules.placeholders:
        return _Verdict.NOBODY
    if any(fragment in folded for fragment in rules.placeholder_fragments):
        return _Verdict.NOBODY  # "wordpressadmin", "siteadmin"
    if folded in excluded:
        return _Verdict.ORGANISATION
    for word in words:
        for part in re.split(r"[-/]", word.casefold()):
            part = part.strip(".,")
            if (
                part in rules.organisation_words
                or part + "." in rules.organisation_words
                or any(
                    len(org) >= rules.min_compound and part.endswith(org)
                    for org in rules.organisation_words
                )
            ):
                return _Verdict.ORGANISATION
    if len(words) == 1 and name.isupper() and len(name) <= rules.max_acronym:
        return _Verdict.ORGANISATION  # "NDR", "AFP", "JIJI"
    if not name.isupper() and any(
        1 < len(word) <= rules.max_inner_acronym and word.isalpha() and word.isupper()
        for word in words
    ):
        return _Verdict.ORGANISATION  # an acronym among other words: "EFC Bayrische Bembel"
    if len(words) > 1 and any(
        word[:1].islower() and word.casefold() not in rules.particles for word in words
    ):
        return _Verdict.NOBODY  # words of a sentence, not a name ("Posted on September")
    if explicit or _is_full_name(name):
        return _Verdict.PERSON
    return _Verdict.NOBODY


# --- loading --------------------------------------------------------------------------------


def _compile_rules(file: DataFile) -> MetadataRules:
    prefixes = sorted(_strings(file, "authors", "byline_prefixes"), key=len, reverse=True)
    alternation = "|".join(re.escape(prefix) for prefix in prefixes)
    labels = "|".join(
        re.escape(label)
        for label in sorted(_strings(file, "authors", "byline_labels"), key=len, reverse=True)
    )
    return MetadataRules(
        title_share=_share_rule(file, "headline", "title_share"),
        lone_h1_min_words=_int(file, "headline", "lone_h1_min_words"),
        separators=_strings(file, "headline", "separators"),
        site_segment_max_words=_int(file, "headline", "site_segment_max_words"),
        author_meta_names=_lower(file, "authors", "meta_names"),
        person_types=frozenset(_strings(file, "authors", "person_types")),
        byline_marker=_regex(file, "authors", "byline_marker"),
        author_link=_regex(file, "authors", "author_link"),
        byline_excluded=_regex(file, "authors", "byline_excluded"),
        byline_prefix=re.compile(rf"^(?:{alternation})(?![^\W\d_])\s*:?\s*", re.IGNORECASE),
        name_max_words=_int(file, "authors", "name_max_words"),
        name_max_chars=_int(file, "authors", "name_max_chars"),
        byline_max_words=_int(file, "authors", "byline_max_words"),
        max_authors=_int(file, "authors", "max_authors"),
        degrees=_lower(file, "authors", "degrees"),
        name_stop_words=_lower(file, "authors", "name_stop_words"),
        particles=_lower(file, "authors", "name_particles"),
        comment_marker=_regex(file, "authors", "comment_marker"),
        max_acronym=_int(file, "authors", "max_acronym"),
        max_inner_acronym=_int(file, "authors", "max_inner_acronym"),
        min_compound=_int(file, "authors", "min_compound"),
        title_names=_lowered_tuple(file, "page", "title_names"),
        description_names=_lowered_tuple(file, "page", "description_names"),
        site_names=_lowered_tuple(file, "page", "site_names"),
        language_names=_lowered_tuple(file, "page", "language_names"),
        article_types=frozenset(_strings(file, "page", "article_types")),
        publisher_types=frozenset(_strings(file, "page", "publisher_types")),
        publisher_names=_lowered_tuple(file, "page", "publisher_names"),
        placeholder_fragments=_lowered_tuple(file, "authors", "placeholder_fragments"),
        byline_label=re.compile(
            rf"(?<![^\W\d_])(?:{labels})(?![^\W\d_])\s*:?\s*", re.IGNORECASE
        ),
        placeholders=_lower(file, "authors", "placeholders"),
        organisation_words=_lower(file, "authors", "organisation_words"),
    )


def _int(file: DataFile, name: str, key: str) -> int:
    return integer(file, table(file, name), key, name=f"[{name}] {key}", minimum=1, within=name)


def _share_rule(file: DataFile, name: str, key: str) -> float:
    return number(
        file, table(file, name), key, name=f"[{name}] {key}", minimum=0, maximum=1, within=name
    )


def _strings(file: DataFile, name: str, key: str) -> tuple[str, ...]:
    return words(file, table(file, name), key, name=f"[{name}] {key}", within=name)


def _lowered_tuple(file: DataFile, name: str, key: str) -> tuple[str, ...]:
    return tuple(value.casefold() for value in _strings(file, name, key))


def _lower(file: DataFile, name: str, key: str) -> frozenset[str]:
    return frozenset(value.casefold() for value in _strings(file, name, key))


def _regex(file: DataFile, name: str, key: str) -> re.Pattern[str]:
    return regex(
        file, table(file, name), key, name=f"[{name}] {key}", flags=re.IGNORECASE, within=name
    )

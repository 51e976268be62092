"""Article bodies from HTML: trafilatura for the text, with captions and page furniture kept apart.

Captions (``<figcaption>`` and caption-classed elements) are read before the body is extracted,
split from their credits, and kept out of the body. Navigation, header, footer, aside and comment
sections are recorded in ``removed`` with their class, so nothing leaves the page unaccounted for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement

from newsprism.config import ExtractSettings
from newsprism.errors import NoArticleError, UnreadableInputError
from newsprism.extract.credits import split_credit
from newsprism.extract.text import LineClass, TextRules, default_text_rules, line_evidence
from newsprism.model import BoilerplateKind, Caption, Removed

_SPACE = re.compile(r"\s+")
_CAPTIONS = "//figcaption | //*[contains(concat(' ', normalize-space(@class), ' '), ' caption ')]"
# Page furniture by element, and by id/class words, with the class it is recorded under.
_FURNITURE_TAGS = {
    "nav": BoilerplateKind.NAVIGATION,
    "header": BoilerplateKind.NAVIGATION,
    "footer": BoilerplateKind.COPYRIGHT,
    "aside": BoilerplateKind.OTHER,
}
# Furniture that frames every page of a site: a "body" made only of its text is no article.
_CHROME_RULES = frozenset({"html:nav", "html:header", "html:footer"})
# Only these elements can be furniture (_furniture_kind); XPath finds them without visiting
# every element of the page from Python.
_FURNITURE_CANDIDATES = " | ".join(
    [f"//{tag}" for tag in ("nav", "header", "footer", "aside")]
    + [f"//{tag}[@id or @class]" for tag in ("div", "section", "ul")]
)
_COMMENTS = re.compile(r"\bcomments?\b|\bdisqus\b", re.IGNORECASE)
_SHARE = re.compile(r"\bshare\b|\bsocial\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HtmlBody:
    """What body extraction found on a page."""

    paragraphs: tuple[str, ...]
    captions: tuple[Caption, ...]
    removed: tuple[Removed, ...]
    contributors: tuple[str, ...] = ()


def parse_html(text: str) -> HtmlElement:
    """Parse markup once for metadata and body extraction.

    Raises:
        UnreadableInputError: The text is not HTML that can be parsed.
    """
    tree = trafilatura.load_html(text)
    if tree is None or not isinstance(tree, HtmlElement):
        raise UnreadableInputError("the HTML cannot be parsed; check that the file is a web page")
    return tree


def extract_body(tree: HtmlElement, *, url: str | None, settings: ExtractSettings) -> HtmlBody:
    """Extract the article text as paragraphs, with captions and furniture set apart.

    Raises:
        NoArticleError: The page holds no article text (an index page, an empty shell).
    """
    rules = default_text_rules()
    captions = list(_captions(tree))
    removed = list(_furniture(tree))
    document = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, include_tables=True, with_metadata=False
    )
    text = getattr(document, "text", None) or ""
    caption_texts = {_normal(c.text) for c in captions} | {
        _normal(f"{c.text} {c.credit}") for c in captions if c.credit
    }
    paragraphs: list[str] = []
    contributors: list[str] = []
    for raw in text.split("\n"):
        line = _SPACE.sub(" ", raw).strip()
        if not line or _normal(line) in caption_texts:
            continue
        # Lines whose own words mark them as furniture (bylines, "Read more", credits, wire
        # and copyright lines) leave the body with their class, as in plain-text scrapes.
        label = line_evidence(line, rules=rules)
        if label is None or label.cls is LineClass.BODY or label.kind is None:
            paragraphs.append(line)
            continue
        if label.caption is not None and _caption_too_long(label.caption.caption, rules):
            # A paragraph of prose ending in an agency tag ("… angekündigt. (dpa)") is body
            # text in the page's article, not a photo caption.
            paragraphs.append(line)
            continue
        if label.caption is not None:
            captions.append(Caption(label.caption.caption or line, credit=label.caption.credit))
        else:
            removed.append(Removed(label.kind, line, rule=label.rule))
        if label.contributors is not None:
            contributors.extend(label.contributors.names)
    if not paragraphs or _only_chrome(paragraphs, removed, settings=settings):
        raise NoArticleError(
            "no article text found on the page (an index, a login wall or an empty shell?)"
        )
    return HtmlBody(tuple(paragraphs), tuple(captions), tuple(removed), tuple(contributors))


def _caption_too_long(caption: str, rules: TextRules) -> bool:
    return len(caption.split()) > rules.credits.caption_max_words


def _only_chrome(
    paragraphs: list[str], removed: list[Removed], *, settings: ExtractSettings
) -> bool:
    """Whether the "body" is only the page's frame: navigation, header or footer text holding
    no more prose than a standfirst.

    trafilatura falls back to whatever text a page has; on a page without an article that is
    its menu ("Home World Politics"), a tagline or a teaser, which is not an article. Prose is
    counted in paragraphs of at least ``text_long_line_words`` words (as for plain text), and
    a standfirst has at most ``text_standfirst_max_words``. Markup left unclosed can put a
    whole article inside a ``<header>``: its prose keeps it.
    """
    prose = sum(
        words
        for words in (len(p.split()) for p in paragraphs)
        if words >= settings.text_long_line_words
    )
    if prose > settings.text_standfirst_max_words:
        return False
    chrome = [_SPACE.sub("", r.text).casefold() for r in removed if r.rule in _CHROME_RULES]
    return bool(chrome) and all(
        any(_SPACE.sub("", p).casefold() in text for text in chrome) for p in paragraphs
    )


def _captions(tree: HtmlElement) -> tuple[Caption, ...]:
    found: list[Caption] = []
    seen: set[str] = set()
    for element in tree.xpath(_CAPTIONS):
        text = _SPACE.sub(" ", element.text_content()).strip()
        if not text or text in seen:
            continue
        seen.add(text)
        split = split_credit(text)
        if split is None:
            found.append(Caption(text))
        else:
            found.append(Caption(split.caption, credit=split.credit))
    return tuple(found)


def _furniture(tree: HtmlElement) -> tuple[Removed, ...]:
    removed: list[Removed] = []
    for element in tree.xpath(_FURNITURE_CANDIDATES):
        kind = _furniture_kind(element)
        if kind is None or any(_furniture_kind(a) for a in element.iterancestors()):
            continue
        text = _SPACE.sub(" ", element.text_content()).strip()
        if text:
            removed.append(Removed(kind, text, rule=f"html:{element.tag}"))
    return tuple(removed)


def _furniture_kind(element: HtmlElement) -> BoilerplateKind | None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _FURNITURE_TAGS:
        return _FURNITURE_TAGS[tag]
    names = f"{element.get('id', '')} {element.get('class', '')}"
    if tag in ("div", "section") and _COMMENTS.search(names):
        return BoilerplateKind.COMMENTS
    if tag in ("div", "section", "ul") and _SHARE.search(names):
        return BoilerplateKind.SHARE
    return None


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()

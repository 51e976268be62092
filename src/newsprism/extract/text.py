"""Plain-text extraction: a line classifier for scraped article text.

A plain-text scrape is a sequence of lines: navigation, a headline, perhaps a standfirst, a byline
and a photo caption, the body, then signatures, topic lines and comment-section furniture. Each
line gets one class, in three passes:

1. Evidence on the line itself: a marker from ``data/boilerplate.toml`` ("Read more",
   "Jump to comments", a copyright line), a contributor line, a byline, a photo credit, a date
   line, or a short line that ``outlets.toml`` names (a wire signature).
2. The shape of the remaining lines: "good" lines are sentences of some length, "near" lines are
   short sentences, "short" lines are fragments such as menu items and subheadings.
3. Position: lines of text close together form blocks; the block with the most text is the
   article, and blocks of comparable weight join it unless furniture that closes an article (a
   copyright line, a comment section) stands between. The headline is the title-like line just
   above the first good line that shares the most words with the body's opening; a summary
   line directly under it, set apart from the body by a byline, date or caption, is the
   standfirst.

Nothing is dropped silently: every non-blank line that is not body becomes a caption or a
``Removed`` record with its kind, the rule that classified it and its span in the input.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsprism.config import ExtractSettings
from newsprism.datafile import DataFile, entries, integer, read_data_file, table, words
from newsprism.errors import ConfigError, NoArticleError
from newsprism.extract.credits import (
    Byline,
    ContributorLine,
    CreditRules,
    CreditSplit,
    load_credit_rules,
    parse_byline,
    parse_contributors,
    split_credit,
)
from newsprism.extract.dates import DateFinding, date_line
from newsprism.extract.syndication import Signature, resolve_outlets
from newsprism.ingest.outlets import OutletDirectory
from newsprism.model import (
    Article,
    BoilerplateKind,
    Caption,
    RawDocument,
    Removed,
    Span,
)

__all__ = [
    "DatelineRules",
    "Line",
    "LineClass",
    "LineLabel",
    "Marker",
    "TextRules",
    "classify_lines",
    "default_text_rules",
    "extract_text",
    "load_text_rules",
    "split_lines",
]

RULES = "boilerplate.toml"

# A sentence ends with . ! ? … or : (introducing a quote or list), then optional closers.
_SENTENCE_END = re.compile(r"[.!?…:。！？][\"”’»)\]*」』]*$")
# Chinese and Japanese write no spaces: a line's words are estimated from its characters.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_UNSPACED_CHARS_PER_WORD = 2
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_DATE_TOKEN = re.compile(r"[^\s,|/•·–—()\[\]-]+")
_DATE_NUMBER = re.compile(r"[\d:.,/'’-]*\d[\d:.,/'’-]*(?:st|nd|rd|th|am|pm|h)?")
_GLUED_DIGITS = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_]{3,})")
_SEGMENT = re.compile(r"\s*[·|•»]\s*")
# The marker of a "related link" line ("Related: ...", "OPINION: ..."), and how many content
# words such a line above the body must share with the body's start to be its headline.
_RELATED_LINK = "boilerplate.toml:related-link"
_KICKED_SHARED_WORDS = 2
# Words this short ("of", "in", "the") say little about a topic; headline matching skips them.
_FUNCTION_WORD_LENGTH = 3


class LineClass(enum.StrEnum):
    """What a line of a plain-text scrape is."""

    HEADLINE = "headline"
    STANDFIRST = "standfirst"
    BYLINE = "byline"
    DATELINE = "dateline"
    CAPTION = "caption"
    CONTRIBUTORS = "contributors"
    BODY = "body"
    BOILERPLATE = "boilerplate"


@dataclass(frozen=True, slots=True)
class Marker:
    """One ``[[marker]]`` of ``boilerplate.toml``, compiled."""

    rule: str
    kind: BoilerplateKind
    regex: re.Pattern[str]
    max_words: int | None
    ends_article: bool


@dataclass(frozen=True, slots=True)
class DatelineRules:
    """The ``[dateline]`` vocabulary: words a line of date and time may consist of."""

    cues: frozenset[str]
    words: frozenset[str]
    openers: frozenset[str]
    max_words: int


@dataclass(frozen=True, slots=True)
class TextRules:
    """Everything the plain-text classifier reads from ``boilerplate.toml``."""

    markers: tuple[Marker, ...]
    dateline: DatelineRules
    wire_max_words: int
    credits: CreditRules


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line: ``text == content[start:end]``, stripped of surrounding blanks."""

    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        """Number of words (estimated from the characters for Chinese and Japanese)."""
        return _word_count(self.text)

    def span(self) -> Span:
        """The line as a span into the content."""
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True, slots=True)
class LineLabel:
    """The class of one line and the evidence for it.

    Attributes:
        line: The line.
        cls: Its class.
        kind: For lines left out of the body, why (``None`` for body lines).
        rule: The marker or rule that decided ("boilerplate.toml:read-more", "text:good-line").
        caption: The caption and credit, for caption lines.
        byline: The parsed byline, for byline lines.
        contributors: The parsed contributor line, for contributor lines.
        ends_article: Whether the line is furniture that closes an article.
    """

    line: Line
    cls: LineClass
    kind: BoilerplateKind | None
    rule: str
    caption: CreditSplit | None = None
    byline: Byline | None = None
    contributors: ContributorLine | None = None
    ends_article: bool = False


class _Shape(enum.Enum):
    GOOD = "good"
    NEAR = "near"
    SHORT = "short"


def load_text_rules(path: Path | None = None) -> TextRules:
    """Compile the markers, date vocabulary and credit rules of a rules file.

    Args:
        path: A file laid out as ``data/boilerplate.toml``; ``None`` reads the packaged one.

    Raises:
        ConfigError: A marker lacks a field, names an unknown kind or does not compile; the
            message names ``file:line``.
    """
    rules = read_data_file("boilerplate.toml", path)
    return TextRules(
        markers=_markers(rules),
        dateline=_dateline_rules(rules),
        wire_max_words=integer(
            rules, table(rules, "wire"), "max_words", name="[wire] max_words", minimum=1,
            within="wire",
        ),
        credits=load_credit_rules(path),
    )


@functools.cache
def default_text_rules() -> TextRules:
    """The packaged rules, compiled once per process."""
    return load_text_rules()


def split_lines(content: str) -> tuple[Line, ...]:
    """The non-blank lines of ``content`` with their offsets, surrounding blanks stripped."""
    lines = []
    position = 0
    for raw in content.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            start = position + (len(body) - len(body.lstrip()))
            lines.append(Line(start, start + len(stripped), stripped))
        position += len(raw)
    return tuple(lines)


def classify_lines(
    content: str,
    *,
    settings: ExtractSettings,
    rules: TextRules | None = None,
    outlets: OutletDirectory | None = None,
    title: str | None = None,
) -> tuple[LineLabel, ...]:
    """Classify every non-blank line of a plain-text scrape.

    Args:
        content: The scraped text.
        settings: Extraction settings (line-length thresholds).
        rules: Compiled rules; the packaged ones by default.
        outlets: The outlet directory, to recognise wire signature lines.
        title: A title carried by the container; the line that matches it is the headline.

    Returns:
        One label per non-blank line, in order.
    """
    rules = rules or default_text_rules()
    lines = split_lines(content)
    labels: list[LineLabel | None] = [_evidence(line, rules, outlets) for line in lines]
    shapes = [_shape(line.text, settings) for line in lines]
    body = _body_blocks(_blocks(labels, shapes, lines, settings), labels, settings)
    first_good = next(
        (
            i
            for b in body
            for i in range(b.start, b.end + 1)
            if labels[i] is None and shapes[i] is _Shape.GOOD
        ),
        len(lines),
    )
    headline = _find_headline(lines, labels, first_good, settings, title)
    body_start = 0
    if headline is not None:
        labels[headline] = LineLabel(
            lines[headline],
            LineClass.HEADLINE,
            BoilerplateKind.HEADLINE,
            "text:title-match" if title else "text:headline",
        )
        body_start = headline + 1
        standfirst = _find_standfirst(lines, labels, shapes, headline, settings)
        if standfirst is not None:
            labels[standfirst] = LineLabel(
                lines[standfirst],
                LineClass.STANDFIRST,
                BoilerplateKind.HEADLINE,
                "text:standfirst",
            )
            body_start = standfirst + 1
    _mark_head_bylines(lines, labels, body_start, first_good, rules)
    for block in body:
        for index in range(max(block.start, body_start), block.end + 1):
            if labels[index] is None:
                labels[index] = _body(lines[index], f"text:{shapes[index].value}-line")
    if not body:
        # No long sentence anywhere: a short clean text is its sentences.
        for index in range(body_start, len(lines)):
            if labels[index] is None and shapes[index] is _Shape.NEAR:
                labels[index] = _body(lines[index], "text:near-line")
    return tuple(_leftover(lines, labels, shapes))


def extract_text(
    doc: RawDocument,
    *,
    settings: ExtractSettings,
    outlets: OutletDirectory,
    rules: TextRules | None = None,
) -> Article:
    """Extract an article from a plain-text scrape.

    Args:
        doc: A plain-text document.
        settings: Extraction settings.
        outlets: The outlet directory: signature lines name the original outlet of syndicated
            copies, publisher furniture ("KION 46 is committed to …") the publisher.
        rules: Compiled rules; the packaged ``data/boilerplate.toml`` by default.

    Returns:
        The article. ``published`` is the day a date line by the headline states (found_by
        "text", :func:`head_date`); a date anywhere else (a photo caption's, one in the body)
        is not the article's.

    Raises:
        NoArticleError: No line of the text is body text.
    """
    labels = classify_lines(
        doc.content, settings=settings, rules=rules, outlets=outlets, title=doc.title
    )
    body_lines = [label.line for label in labels if label.cls is LineClass.BODY]
    if not body_lines:
        found = (
            f"every one of its {len(labels)} non-blank lines is a heading, caption or page "
            "furniture"
            if labels
            else "the text is empty"
        )
        raise NoArticleError(
            f"no body text: {found}; check that the input is an article, not an index page",
            where=doc.source.where(),
        )
    paragraphs: list[Span] = []
    pieces: list[str] = []
    offset = 0
    for line in body_lines:
        if pieces:
            offset += len(_PARAGRAPH_BREAK)
        paragraphs.append(Span(offset, offset + len(line.text), line.text))
        pieces.append(line.text)
        offset += len(line.text)
    headline = next((lb.line.text for lb in labels if lb.cls is LineClass.HEADLINE), doc.title)
    dated = head_date(labels, body_start=body_lines[0].start)
    standfirst = next((lb.line.text for lb in labels if lb.cls is LineClass.STANDFIRST), None)
    bylines = [lb.byline for lb in labels if lb.byline is not None]
    outlet, original = resolve_outlets(
        doc,
        [
            Signature(
                lb.kind,
                lb.line.text,
                lb.byline.outlet if lb.byline else None,
                opening=lb.line.start < body_lines[0].start,
            )
            for lb in labels
            if lb.kind is not None
        ],
        outlets=outlets,
        paragraphs=pieces,
    )
    return Article(
        id=doc.id,
        source=doc.source,
        body=_PARAGRAPH_BREAK.join(pieces),
        paragraphs=tuple(paragraphs),
        url=doc.url,
        outlet=outlet,
        original_outlet=original,
        headline=headline,
        standfirst=standfirst,
        published=dated.value if dated else None,
        published_from=dated.found_by if dated else None,
        published_confidence=dated.confidence if dated else None,
        published_evidence=dated.evidence if dated else None,
        authors=doc.authors or _unique(a for byline in bylines for a in byline.authors),
        contributors=_unique(
            name for lb in labels if lb.contributors is not None for name in lb.contributors.names
        ),
        captions=tuple(
            Caption(lb.caption.caption, lb.caption.credit, lb.line.span())
            for lb in labels
            if lb.caption is not None
        ),
        removed=tuple(
            Removed(lb.kind, lb.line.text, lb.rule, lb.line.span())
            for lb in labels
            if lb.kind is not None and lb.cls is not LineClass.CAPTION
        ),
        copy_of=doc.copy_of,
    )


_PARAGRAPH_BREAK = "\n\n"


def head_date(labels: Sequence[LineLabel], *, body_start: int) -> DateFinding | None:
    """The publication day of a plain-text scrape: what the first date line under the headline
    (and above the body) states, else the nearest one above the headline (a site's "today"
    stands further up). Only lines classified as date lines count, never a caption's date."""
    head = [lb for lb in labels if lb.line.start < body_start]
    at = next((i for i, lb in enumerate(head) if lb.cls is LineClass.HEADLINE), None)
    under = head[at + 1 :] if at is not None else head
    above = head[:at][::-1] if at is not None else []
    for label in (*under, *above):
        if label.cls is LineClass.DATELINE:
            found = date_line(label.line.text)
            if found is not None:
                return found
    return None


# --- pass 1: evidence on the line itself --------------------------------------------------------

# A menu as a scrape flattens it: three or more capitalised items of one to three words set
# apart by runs of spaces or tabs ("Home  News  Opinion  Sport"); a sentence's words stand one
# space apart, so only the raw line shows it (the markers read it with spaces collapsed).
_MENU_BAR = re.compile(
    r"^[A-Z][\w&’'.-]*(?: [A-Z&][\w&’'.-]*){0,2}"
    r"(?:(?: {2,}|\t+)[A-Z][\w&’'.-]*(?: [A-Z&][\w&’'.-]*){0,2}){2,}\s*$"
)


def line_evidence(
    text: str, *, rules: TextRules | None = None, outlets: OutletDirectory | None = None
) -> LineLabel | None:
    """What one line's own words say it is (byline, marker, caption, dateline, wire), if anything.

    Used on its own for paragraphs of HTML bodies, where the page's structure already chose the
    text block and only a line's own evidence should take it out.
    """
    return _evidence(Line(0, len(text), text), rules or default_text_rules(), outlets)


def _evidence(line: Line, rules: TextRules, outlets: OutletDirectory | None) -> LineLabel | None:
    if _MENU_BAR.match(line.text):
        return LineLabel(line, LineClass.BOILERPLATE, BoilerplateKind.NAVIGATION, "text:menu-bar")
    text = " ".join(line.text.split())
    words = len(text.split())
    contributors = parse_contributors(text, rules=rules.credits)
    if contributors is not None:
        return LineLabel(
            line,
            LineClass.CONTRIBUTORS,
            BoilerplateKind.CONTRIBUTORS,
            f"{RULES}:contributors/{contributors.rule}",
            contributors=contributors,
        )
    byline = parse_byline(text, rules=rules.credits)
    if byline is not None:
        return LineLabel(
            line, LineClass.BYLINE, BoilerplateKind.BYLINE, f"{RULES}:byline", byline=byline
        )
    for marker in rules.markers:
        if marker.max_words is not None and words > marker.max_words:
            continue
        if marker.regex.search(text):
            return LineLabel(
                line,
                LineClass.BOILERPLATE,
                marker.kind,
                f"{RULES}:{marker.rule}",
                ends_article=marker.ends_article,
            )
    caption = split_credit(text, rules=rules.credits)
    if caption is not None:
        return LineLabel(
            line,
            LineClass.CAPTION,
            BoilerplateKind.CAPTION,
            f"credits:{caption.rule}",
            caption=caption,
        )
    if _is_dateline(text, rules.dateline):
        return LineLabel(line, LineClass.DATELINE, BoilerplateKind.DATELINE, f"{RULES}:dateline")
    if outlets is not None and words <= rules.wire_max_words and outlets.by_text(text):
        return LineLabel(line, LineClass.BOILERPLATE, BoilerplateKind.WIRE, "outlets.toml:pattern")
    return None


def _is_dateline(text: str, rules: DatelineRules) -> bool:
    # "Updated21:22" and "20195:45 AM" come from words glued by the scrape: split them.
    text = _GLUED_DIGITS.sub(" ", text)
    tokens = [t.lower().strip(".:") for t in _DATE_TOKEN.findall(text)]
    tokens = [t for t in tokens if t]
    if not tokens or len(tokens) > rules.max_words:
        return False
    if _all_date_words(tokens, rules):
        return True
    # A post's meta line: "Posted on 21. Juli 2019 by Jane", "8. Dezember 2010 · Rezepte".
    first_segment = _SEGMENT.split(text, maxsplit=1)[0]
    if first_segment != text and _all_date_words(
        [t.lower().strip(".:") for t in _DATE_TOKEN.findall(first_segment)], rules
    ):
        return True
    return (
        tokens[0] in rules.openers
        and not text.rstrip().endswith(".")
        and any(_is_date_cue(t, rules) for t in tokens)
    )


def _all_date_words(tokens: Sequence[str], rules: DatelineRules) -> bool:
    cue = False
    for token in tokens:
        if not token:
            continue
        if _is_date_cue(token, rules):
            cue = True
        elif any(ch.isdigit() for ch in token) or token not in rules.words:
            return False
    return cue


def _is_date_cue(token: str, rules: DatelineRules) -> bool:
    return token in rules.cues or bool(_DATE_NUMBER.fullmatch(token))


# --- pass 2: shape ------------------------------------------------------------------------------


def _shape(text: str, settings: ExtractSettings) -> _Shape:
    words = _word_count(text)
    tokens = _TOKEN.findall(text)
    # Words not capitalised: lower case, or a script without case.
    lower = sum(1 for t in tokens if not t[0].isupper())
    sentence = bool(_SENTENCE_END.search(text)) and lower > 0
    if sentence and words >= settings.short_line_words:
        return _Shape.GOOD
    if words >= settings.text_long_line_words and lower >= settings.text_prose_lower_share * len(
        tokens
    ):
        return _Shape.GOOD
    return _Shape.NEAR if sentence else _Shape.SHORT


def _word_count(text: str) -> int:
    unspaced = len(_UNSPACED.findall(text))
    return len(text.split()) + unspaced // _UNSPACED_CHARS_PER_WORD


def _title_like(line: Line, settings: ExtractSettings) -> bool:
    text = line.text
    if not settings.text_headline_min_words <= line.words <= settings.text_headline_max_words:
        return False
    if text.endswith((".", ":")):
        return False
    first = next((ch for ch in text if ch.isalnum()), "")
    return bool(first) and not first.islower()


# --- pass 3: position ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Block:
    """Text lines close together: ``start``..``end`` inclusive; ``score`` counts good words."""

    start: int
    end: int
    score: int


def _blocks(
    labels: Sequence[LineLabel | None],
    shapes: Sequence[_Shape],
    lines: Sequence[Line],
    settings: ExtractSettings,
) -> list[_Block]:
    # Text lines (good or near) form one block while fewer than text_max_short_run unexplained
    # fragments separate them; furniture that ends an article always separates.
    blocks: list[_Block] = []
    start = last = -1
    score = gap = 0
    for index, label in enumerate(labels):
        if label is not None:
            if label.ends_article and start >= 0:
                blocks.append(_Block(start, last, score))
                start = -1
            continue
        if shapes[index] is _Shape.SHORT:
            gap += 1
            continue
        if start >= 0 and gap >= settings.text_max_short_run:
            blocks.append(_Block(start, last, score))
            start = -1
        if start < 0:
            start, score = index, 0
        last, gap = index, 0
        if shapes[index] is _Shape.GOOD:
            score += lines[index].words
    if start >= 0:
        blocks.append(_Block(start, last, score))
    return blocks


def _body_blocks(
    blocks: Sequence[_Block], labels: Sequence[LineLabel | None], settings: ExtractSettings
) -> list[_Block]:
    # The block with the most good text is the article; others of comparable weight join it,
    # except beyond furniture that ends an article (a copyright line, a comment section).
    if not blocks or max(b.score for b in blocks) == 0:
        return []
    main = max(range(len(blocks)), key=lambda i: blocks[i].score)
    floor = settings.text_block_share * blocks[main].score
    chosen = [b for b in blocks[:main] if b.score >= floor] + [blocks[main]]
    for block in blocks[main + 1 :]:
        previous = chosen[-1]
        if any(
            (label := labels[i]) is not None and label.ends_article
            for i in range(previous.end + 1, block.start)
        ):
            break
        if block.score >= floor:
            chosen.append(block)
    return chosen


def _find_headline(
    lines: Sequence[Line],
    labels: Sequence[LineLabel | None],
    first_good: int,
    settings: ExtractSettings,
    title: str | None,
) -> int | None:
    if title:
        wanted = _comparable(title)
        for index, line in enumerate(lines[: first_good + 1]):
            seen = _comparable(line.text)
            if (
                seen
                and labels[index] is None
                and (
                    seen == wanted
                    or (len(seen) >= len(wanted) // 2 and (seen in wanted or wanted in seen))
                )
            ):
                return index
    # Title-like lines a little above the first good line: bylines, dates, captions and share
    # buttons may stand between the headline and the body (they do not count), site navigation
    # further up. The first good line itself may be the headline (a question, an exclamation).
    candidates = []
    kicked = []
    unexplained = 0
    index = min(first_good, len(lines) - 1)
    while index >= 0 and unexplained <= settings.text_headline_window:
        label = labels[index]
        if label is None:
            unexplained += 1
            if _title_like(lines[index], settings):
                candidates.append(index)
        elif (
            index < first_good
            and label.rule == _RELATED_LINK
            and _title_like(lines[index], settings)
        ):
            kicked.append(index)
        index -= 1
    # A headline names what the article is about: prefer the candidate sharing the most words
    # with the start of the body; then the one above the body, the longer, the nearer.
    body = _leading_words(lines, first_good, settings.text_headline_body_words)
    rest = _leading_words(lines, first_good + 1, settings.text_headline_body_words)
    # A "related link" above the body that names what the body is about is the article's own
    # headline under a section kicker ("OPINION: Harlan County deserved better"), not a link to
    # another article: a candidate when no plain line is, and only sharing two words or more.
    if not candidates:
        candidates = [i for i in kicked
                      if len(_content_words(lines[i].text) & body) >= _KICKED_SHARED_WORDS]
    if not candidates:
        return None
    scores = {}
    for index in candidates:
        own = _content_words(lines[index].text)
        shared = own & (body if index < first_good else rest)
        scores[index] = (len(shared), index < first_good, len(own), index)
    return max(candidates, key=lambda i: scores[i])


def _content_words(text: str) -> set[str]:
    # Words longer than function words, case-folded; enough to compare topics in any language.
    words = (t.casefold().strip(".'’-") for t in _TOKEN.findall(text))
    return {w for w in words if len(w) > _FUNCTION_WORD_LENGTH}


def _leading_words(lines: Sequence[Line], start: int, limit: int) -> set[str]:
    # The content words among the first ``limit`` words from line ``start`` on.
    tokens: list[str] = []
    for line in lines[start:]:
        tokens.extend(_TOKEN.findall(line.text))
        if len(tokens) >= limit:
            break
    return _content_words(" ".join(tokens[:limit]))


def _find_standfirst(
    lines: Sequence[Line],
    labels: Sequence[LineLabel | None],
    shapes: Sequence[_Shape],
    headline: int,
    settings: ExtractSettings,
) -> int | None:
    candidate = headline + 1
    if candidate >= len(lines) or labels[candidate] is not None:
        return None
    line = lines[candidate]
    if line.words > settings.text_standfirst_max_words:
        return None
    after = labels[candidate + 1] if candidate + 1 < len(lines) else None
    # Under the headline and set apart from the body by a byline, date or caption...
    if after is not None and after.cls in {
        LineClass.BYLINE,
        LineClass.DATELINE,
        LineClass.CAPTION,
    }:
        return candidate
    # ...or a title-like line that is not a sentence (a dek), directly under the headline.
    if shapes[candidate] is not _Shape.GOOD and line.words >= settings.text_headline_min_words:
        return candidate if not _SENTENCE_END.search(line.text) else None
    return None


def _mark_head_bylines(
    lines: Sequence[Line],
    labels: list[LineLabel | None],
    start: int,
    end: int,
    rules: TextRules,
) -> None:
    # Above the body, "Jane Doe, CNN" is a byline even without "By"; once a "By" line has
    # named the authors, "Patrick Semansky, ASSOCIATED PRESS" is a photographer's credit.
    has_byline = any(label is not None and label.cls is LineClass.BYLINE for label in labels[:end])
    for index in range(start, end):
        if labels[index] is not None:
            continue
        line = lines[index]
        byline = parse_byline(line.text, rules=rules.credits, require_prefix=False)
        if byline is None:
            continue
        if has_byline:
            credit = CreditSplit("", line.text, 0, "credit-after-byline")
            labels[index] = LineLabel(
                line,
                LineClass.CAPTION,
                BoilerplateKind.CAPTION,
                "credits:credit-after-byline",
                caption=credit,
            )
        else:
            labels[index] = LineLabel(
                line,
                LineClass.BYLINE,
                BoilerplateKind.BYLINE,
                "credits:byline-without-by",
                byline=byline,
            )


def _leftover(
    lines: Sequence[Line],
    labels: Sequence[LineLabel | None],
    shapes: Sequence[_Shape],
) -> list[LineLabel]:
    body = [
        i for i, label in enumerate(labels) if label is not None and label.cls is LineClass.BODY
    ]
    first = body[0] if body else len(lines)
    last = body[-1] if body else -1
    closing: LineLabel | None = None
    result = []
    for index, label in enumerate(labels):
        if label is not None:
            if label.ends_article and first < index:
                closing = closing or label
            result.append(label)
            continue
        line = lines[index]
        if index < first:
            kind = (
                BoilerplateKind.NAVIGATION
                if shapes[index] is _Shape.SHORT
                else (BoilerplateKind.OTHER)
            )
            result.append(LineLabel(line, LineClass.BOILERPLATE, kind, "text:before-body"))
        elif closing is not None:
            result.append(
                LineLabel(
                    line,
                    LineClass.BOILERPLATE,
                    closing.kind,
                    f"text:after-{closing.rule.rsplit(':', 1)[-1]}",
                )
            )
        elif index > last:
            result.append(
                LineLabel(line, LineClass.BOILERPLATE, BoilerplateKind.OTHER, "text:after-body")
            )
        else:
            kind = (
                BoilerplateKind.NAVIGATION
                if shapes[index] is _Shape.SHORT
                else (BoilerplateKind.OTHER)
            )
            result.append(LineLabel(line, LineClass.BOILERPLATE, kind, "text:between-blocks"))
    return result


def _body(line: Line, rule: str) -> LineLabel:
    return LineLabel(line, LineClass.BODY, None, rule)


def _comparable(text: str) -> str:
    return " ".join("".join(ch for ch in text.casefold() if ch.isalnum() or ch.isspace()).split())


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


# --- loading ------------------------------------------------------------------------------------


def _markers(rules: DataFile) -> tuple[Marker, ...]:
    kinds = {kind.value: kind for kind in BoilerplateKind}
    markers = []
    for where, entry in entries(rules, "marker"):
        rule, kind, pattern = entry.get("rule"), entry.get("kind"), entry.get("pattern")
        if not (isinstance(rule, str) and isinstance(pattern, str) and isinstance(kind, str)):
            raise ConfigError("a marker needs string 'rule', 'kind' and 'pattern'", where=where)
        if kind not in kinds:
            raise ConfigError(
                f"marker {rule!r}: unknown kind {kind!r}; use one of {', '.join(sorted(kinds))}",
                where=where,
            )
        try:
            regex = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise ConfigError(
                f"marker {rule!r}: pattern does not compile ({exc})", where=where
            ) from exc
        max_words = entry.get("max_words")
        if max_words is not None and (
            isinstance(max_words, bool) or not isinstance(max_words, int) or max_words <= 0
        ):
            raise ConfigError(
                f"marker {rule!r}: max_words must be a positive integer, got {max_words!r}",
                where=where,
            )
        markers.append(
            Marker(rule, kinds[kind], regex, max_words, bool(entry.get("ends_article", False)))
        )
    return tuple(markers)


def _dateline_rules(rules: DataFile) -> DatelineRules:
    dateline = table(rules, "dateline")

    def strings(key: str) -> tuple[str, ...]:
        return words(
            rules, dateline, key, name=f"[dateline] {key}", allow_empty=True, within="dateline"
        )

    months_and_days = {v.lower() for key in ("months", "weekdays") for v in strings(key)}
    return DatelineRules(
        cues=frozenset(months_and_days | {c.lower() for c in strings("cues")}),
        words=frozenset(v.lower() for key in ("months", "weekdays", "words") for v in strings(key)),
        openers=frozenset(v.lower() for v in strings("openers")),
        max_words=integer(
            rules, dateline, "max_words", name="[dateline] max_words", minimum=1, within="dateline"
        ),
    )

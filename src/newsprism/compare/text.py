"""Plain-text helpers of the compare stage: sentences with offsets, words, numbers.

Sentences are the analysis's (the parser's split, stored with every analysis), cut at paragraph
ends; the rules here split only an analysis made before sentences were kept.

Words, their stems and the stop-word list are the analysis's (:mod:`newsprism.analyze.tokens`):
a stored analysis carries the body's words already stemmed and flagged, and the helpers here
read short strings (a headline, a unit, a descriptor) the same way. The aligner needs
comparable word forms from both outlets, not linguistically exact lemmas, so a few suffix rules
suffice ("proposals" -> "proposal", "negotiating" -> "negotiat"): both sides are cut the same
way. Numbers are read as digits and number words.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from newsprism.analyze.tokens import NUMBER_WORDS, WORD, is_content, stem
from newsprism.model import Span, Token

__all__ = [
    "SentenceSpan",
    "article_sentences",
    "content_words",
    "numbers",
    "numbers_in",
    "sentences",
    "stem",
    "token_content",
    "word_count",
    "words",
]

# A sentence ends at . ! ? (and a closing quote or bracket after it) followed by space.
_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+)")
# Initials ("J.B.", "U.S.") end no sentence.
_INITIALS = re.compile(r"^(?:[A-Za-z]\.){2,}$")


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """A sentence of an article body: offsets into the body and its text."""

    start: int
    end: int
    text: str


def sentences(
    text: str, *, abbreviations: frozenset[str], paragraphs: tuple[tuple[int, int], ...] = ()
) -> list[SentenceSpan]:
    """Split ``text`` into sentences, never across a paragraph.

    Args:
        text: An article body.
        abbreviations: Lower-case words whose full stop does not end a sentence ("mr", "u.s").
        paragraphs: Paragraph offsets; the whole text is one paragraph when empty.

    Returns:
        Sentences with offsets into ``text``, whitespace trimmed.
    """
    blocks = list(paragraphs) or [(0, len(text))]
    found: list[SentenceSpan] = []
    for block_start, block_end in blocks:
        start = block_start
        for match in _END.finditer(text, block_start, block_end):
            before = text[start : match.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if match.group().startswith(".") and (
                last in abbreviations or (len(last) == 1 and last.isalpha())
                or _INITIALS.match((before[-1] if before else "") + ".")
            ):
                continue
            nxt = text[match.end() : match.end() + 3].lstrip()
            if nxt and nxt[0].islower():
                continue
            found.extend(_trimmed(text, start, match.end()))
            start = match.end()
        found.extend(_trimmed(text, start, block_end))
    return found


def article_sentences(
    text: str,
    stored: Sequence[Span],
    *,
    abbreviations: frozenset[str],
    paragraphs: tuple[tuple[int, int], ...] = (),
) -> list[SentenceSpan]:
    """The sentences of an article body: the analysis's, when it kept them, else split here.

    A stored sentence that runs over a paragraph end is cut there (a headline or a caption line
    the parser joined to the next line is not one statement with it).

    Args:
        text: The article body.
        stored: The analysis's sentences (:attr:`newsprism.model.AnalyzedArticle.sentences`);
            empty for an analysis made before they were kept.
        abbreviations: As :func:`sentences`, for that fallback.
        paragraphs: Paragraph offsets; the whole text is one paragraph when empty.
    """
    if not stored:
        return sentences(text, abbreviations=abbreviations, paragraphs=paragraphs)
    ends = sorted({end for _, end in paragraphs if 0 < end < len(text)})
    found: list[SentenceSpan] = []
    for span in stored:
        start = span.start
        for end in ends[bisect.bisect_right(ends, span.start) :]:
            if end >= span.end:
                break
            found.extend(_trimmed(text, start, end))
            start = end
        found.extend(_trimmed(text, start, span.end))
    return found


def _trimmed(text: str, start: int, end: int) -> Iterator[SentenceSpan]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield SentenceSpan(start, end, text[start:end])


def words(text: str) -> list[tuple[int, int, str]]:
    """Word tokens with offsets (letters with inner apostrophes and hyphens, or numbers)."""
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def word_count(text: str) -> int:
    """Number of word tokens in ``text``."""
    return sum(1 for _ in WORD.finditer(text))


def content_words(text: str) -> list[str]:
    """The stemmed content words of ``text`` (stop words and numbers left out)."""
    return [stem(word) for _, _, word in words(text) if is_content(word)]


def token_content(tokens: Sequence[Token], text: str) -> list[str]:
    """The stems of the content words among analysed ``tokens`` (as :func:`content_words` of
    their text); ``text`` is the body their offsets index into."""
    return [
        token.stem
        for token in tokens
        if not token.stop and not _is_number(text[token.start : token.end])
    ]


def _is_number(word: str) -> bool:
    return word[:1].isdigit() or word.lower() in NUMBER_WORDS


def numbers(text: str) -> set[str]:
    """Numbers in ``text`` as digit strings ("nine" -> "9", "1,200" -> "1200")."""
    return numbers_in(word for _, _, word in words(text))


def numbers_in(found_words: Iterable[str]) -> set[str]:
    """The numbers among words, as digit strings (see :func:`numbers`)."""
    found = set()
    for word in found_words:
        low = word.lower()
        if word[0].isdigit():
            found.add(low.replace(",", "").rstrip("."))
        elif low in NUMBER_WORDS:
            found.add(NUMBER_WORDS[low])
    return found

"""Plain-text helpers of the compare stage: sentences with offsets, words, a light stemmer.

The aligner needs comparable word forms from both outlets, not linguistically exact lemmas, so a
few suffix rules suffice ("proposals" -> "proposal", "negotiating" -> "negotiat"): both sides are
cut the same way. Numbers are read as digits and number words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from newsprism.datafile import stop_words

__all__ = ["SentenceSpan", "content_words", "numbers", "sentences", "stem", "word_count", "words"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d[\d,.]*\d|\d")
# A sentence ends at . ! ? (and a closing quote or bracket after it) followed by space.
_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+)")
# Initials ("J.B.", "U.S.") end no sentence.
_INITIALS = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000",
    "million": "1000000", "billion": "1000000000", "dozen": "12",
}
_IRREGULAR = {
    "said": "say", "says": "say", "told": "tell", "spoke": "speak", "spoken": "speak",
    "met": "meet", "won": "win", "lost": "lose", "held": "hold", "made": "make", "took": "take",
    "taken": "take", "gave": "give", "given": "give", "went": "go", "gone": "go", "began": "begin",
    "begun": "begin", "left": "leave", "brought": "bring", "thought": "think", "sought": "seek",
    "fought": "fight", "caught": "catch", "struck": "strike", "shot": "shoot", "fell": "fall",
    "rose": "rise", "risen": "rise", "children": "child", "men": "man", "women": "woman",
    "people": "person", "freed": "free", "agreed": "agree", "was": "be", "were": "be",
    "is": "be", "are": "be", "been": "be", "has": "have", "had": "have", "did": "do",
    "news": "news", "us": "us", "arms": "arm", "sentenced": "sentence", "sentences": "sentence",
}
_STOP = stop_words() | {"’s", "'s", "mr", "mrs", "ms", "also", "would", "could"}


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


def _trimmed(text: str, start: int, end: int) -> Iterator[SentenceSpan]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield SentenceSpan(start, end, text[start:end])


def words(text: str) -> list[tuple[int, int, str]]:
    """Word tokens with offsets (letters with inner apostrophes and hyphens, or numbers)."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def word_count(text: str) -> int:
    """Number of word tokens in ``text``."""
    return sum(1 for _ in _WORD.finditer(text))


def stem(word: str) -> str:
    """A comparable form of ``word``: lower case, possessive and regular suffixes cut."""
    w = word.lower().replace("’", "'")
    w = w.removesuffix("'s").removesuffix("'")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ied") and len(w) > 4:
        return w[:-3] + "y"
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            base = w[: -len(suffix)]
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            return base.removesuffix("e")
    if w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    return w.removesuffix("e") if len(w) > 4 else w


def content_words(text: str) -> list[str]:
    """The stemmed content words of ``text`` (stop words and numbers left out)."""
    out = []
    for _, _, word in words(text):
        low = word.lower().replace("’", "'")
        if low in _STOP or low.removesuffix("'s") in _STOP or word[0].isdigit():
            continue
        if low in _NUMBER_WORDS:
            continue
        out.append(stem(low))
    return out


def numbers(text: str) -> set[str]:
    """Numbers in ``text`` as digit strings ("nine" -> "9", "1,200" -> "1200")."""
    found = set()
    for _, _, word in words(text):
        low = word.lower()
        if word[0].isdigit():
            found.add(low.replace(",", "").rstrip("."))
        elif low in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[low])
    return found

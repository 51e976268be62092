"""The words of an article body as the analysis hands them on: offsets, lemma, stem, stop word.

The analysis stores one :class:`~newsprism.model.Token` per word of the body, so that later
stages read what a word is instead of splitting and normalising the text again:

- ``lemma``: spaCy's lemma, lower case ("say" for "said"); the lower-cased word where spaCy cut
  the word differently ("Jean-Pierre" is three spaCy tokens, one word here);
- ``stem``: the comparable form compare aligns statements by: a few suffix rules
  ("proposals" -> "proposal", "negotiating" -> "negotiat"), the same cut on every side;
- ``stop``: whether the word is on newsprism's one stop-word list (``data/stop_words.txt``).

A word is a run of letters (of any script: "Sánchez", "Москва") with inner apostrophes and
hyphens, or a number ("1,200", "3.5"). Stories read the same words (their terms are these stems),
so a page in another language still has words to be clustered by.
The module loads no model: a word list without lemmas is made from the text alone
(:func:`text_tokens`), which is how an analysis stored before tokens were kept is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from newsprism.datafile import stop_words
from newsprism.model import Token

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "NUMBER_WORDS",
    "TOKENS_VERSION",
    "doc_tokens",
    "is_content",
    "is_number",
    "is_stop",
    "iter_tokens",
    "stem",
    "text_tokens",
    "word_spans",
]

# What the stored tokens are, recorded in every analysis's ``made_by``: analyses made before
# tokens were kept (or with other tokens) are found as made by another version.
# 2: letters of any script (1 read ASCII letters only).
TOKENS_VERSION = 2

WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-])*|\d[\d,.]*\d|\d")
NUMBER_WORDS = {
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


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """The words of ``text`` with their offsets."""
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


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


def is_stop(word: str) -> bool:
    """Whether ``word`` (any case, possessive or not) is on the stop-word list."""
    stop = stop_words()
    low = word.lower().replace("’", "'")
    return low in stop or low.removesuffix("'s") in stop


def is_number(word: str) -> bool:
    """Whether ``word`` is a number, in digits or a number word ("nine")."""
    return word[:1].isdigit() or word.lower() in NUMBER_WORDS


def is_content(word: str) -> bool:
    """Whether ``word`` says what a text is about: neither a stop word nor a number."""
    return not is_stop(word) and not is_number(word)


def text_tokens(
    text: str, *, lemmas: Mapping[tuple[int, int], str] | None = None
) -> tuple[Token, ...]:
    """The words of ``text`` as tokens.

    Args:
        text: An article body.
        lemmas: Lemmas by ``(start, end)`` of the word; a word without one takes its lower-cased
            form as its lemma.
    """
    return tuple(iter_tokens(text, lemmas=lemmas))


def iter_tokens(
    text: str, *, lemmas: Mapping[tuple[int, int], str] | None = None
) -> Iterator[Token]:
    """:func:`text_tokens` one word at a time (a reader of the first words of a long text
    tokenises no further)."""
    for match in WORD.finditer(text):
        start, end, word = match.start(), match.end(), match.group()
        lemma = lemmas.get((start, end)) if lemmas else None
        yield Token(start, end, lemma or word.lower(), stem(word), is_stop(word))


def doc_tokens(doc: Doc) -> tuple[Token, ...]:
    """The words of a parsed body, with spaCy's lemmas where spaCy read the same word."""
    lemmas = {
        (token.idx, token.idx + len(token.text)): token.lemma_.lower()
        for token in doc
        if token.lemma_
    }
    return text_tokens(doc.text, lemmas=lemmas)

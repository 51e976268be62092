"""Full-text search over a store: query parsing shared by the backends, and the search call.

A query is words, all of which must match (AND); a passage in double quotes is a phrase.
Punctuation is not syntax: ``U.S.-Russia "prisoner swap"`` is the words U, S, Russia and the
phrase "prisoner swap". Each backend turns the parsed query into its own full-text syntax
(:func:`fts5_match` for SQLite FTS5; PostgreSQL builds a ``tsquery`` from the same terms) and
ranks with its own BM25-like score. :func:`search` checks a query and runs it on a store.

>>> from newsprism.store import open_store
>>> with open_store("news.db") as store:                            # doctest: +SKIP
...     hits = search(store, SearchQuery("prisoner swap", scope="quotes", speaker="Blinken"))
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsprism.errors import QueryError
from newsprism.store.base import SearchHit, SearchQuery, Store

__all__ = [
    "QueryTerm",
    "SearchHit",
    "SearchQuery",
    "TermScorer",
    "fts5_match",
    "parse_query",
    "search",
]

SCOPES = ("articles", "quotes", "entities")
_PART = re.compile(r'"([^"]*)"|([^"\s]+)')
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One term of a query: a word, or a phrase (several words in order)."""

    words: tuple[str, ...]

    @property
    def phrase(self) -> bool:
        """Whether the term is a phrase of more than one word."""
        return len(self.words) > 1


def parse_query(text: str) -> tuple[QueryTerm, ...]:
    """Split a query into terms: quoted passages are phrases, other words stand alone.

    Raises:
        QueryError: The query holds no word.
    """
    terms: list[QueryTerm] = []
    for match in _PART.finditer(text):
        quoted, bare = match.group(1), match.group(2)
        if quoted is not None:
            words = tuple(_WORD.findall(quoted))
            if words:
                terms.append(QueryTerm(words))
        else:
            terms.extend(QueryTerm((word,)) for word in _WORD.findall(bare))
    if not terms:
        raise QueryError(
            "the query holds no word to search for; give words, or a phrase in double quotes",
            where=repr(text),
        )
    return tuple(terms)


def fts5_match(terms: Sequence[QueryTerm]) -> str:
    """An SQLite FTS5 ``MATCH`` expression requiring every term (each quoted, so no word is
    read as an operator)."""
    return " ".join('"' + " ".join(term.words) + '"' for term in terms)


class TermScorer:
    """A plain BM25 score over texts in memory, for stores without a full-text index.

    Words match case-insensitively on a common prefix (all but a final ``s``/``es``/``ed``/
    ``ing``), a rough stand-in for a stemmer; phrases must appear in order.
    """

    def __init__(self, terms: Sequence[QueryTerm], texts: Iterable[str]) -> None:
        self._terms = terms
        documents = [_tokens(text) for text in texts]
        self._count = max(len(documents), 1)
        self._average = sum(len(doc) for doc in documents) / self._count or 1.0
        self._frequency = [
            sum(1 for doc in documents if _occurrences(term, doc)) for term in terms
        ]

    def score(self, text: str) -> float | None:
        """The text's BM25 score, or ``None`` when a term does not occur in it."""
        tokens = _tokens(text)
        total = 0.0
        for term, frequency in zip(self._terms, self._frequency, strict=True):
            found = len(_occurrences(term, tokens))
            if not found:
                return None
            idf = math.log(1 + (self._count - frequency + 0.5) / (frequency + 0.5))
            norm = found + 1.2 * (0.25 + 0.75 * len(tokens) / self._average)
            total += idf * found * 2.2 / norm
        return total

    def first_match(self, text: str) -> tuple[int, int] | None:
        """Offsets of the first word of ``text`` that a term matches."""
        folded = text.casefold()
        if len(folded) != len(text):
            # A character folds to several ('ß' -> 'ss'): positions in the folded text would
            # not be positions in the text, so every word is stemmed.
            return _first_match_word_by_word(self._terms, text)
        # A matching word folds to its stem plus at most a suffix: only the places where the
        # folded text holds a stem at a word start are looked at (str.find runs in C).
        spans = []
        for stem in {_stem(term.words[0]) for term in self._terms}:
            at = folded.find(stem)
            while at >= 0:
                if at == 0 or not text[at - 1].isalnum():
                    word = _WORD.match(text, at)
                    if word is not None and _stem(word.group()) == stem:
                        spans.append((at, word.end()))
                        break
                at = folded.find(stem, at + 1)
        return min(spans) if spans else None


def _first_match_word_by_word(terms: Sequence[QueryTerm], text: str) -> tuple[int, int] | None:
    spans = [
        (match.start(), match.end())
        for term in terms
        for match in _WORD.finditer(text)
        if _same(term.words[0], match.group())
    ]
    return min(spans) if spans else None


def _stem(word: str) -> str:
    word = word.casefold()
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _same(query_word: str, word: str) -> bool:
    return _stem(query_word) == _stem(word)


def _tokens(text: str) -> list[str]:
    return [_stem(word) for word in _WORD.findall(text)]


def _occurrences(term: QueryTerm, tokens: list[str]) -> list[int]:
    stems = [_stem(word) for word in term.words]
    size = len(stems)
    return [i for i in range(len(tokens) - size + 1) if tokens[i : i + size] == stems]


def search(store: Store, query: SearchQuery) -> list[SearchHit]:
    """Run a search on a store, checking the query first.

    Args:
        store: Any store (SQLite, PostgreSQL, memory).
        query: What to find and the filters (see :class:`~newsprism.store.base.SearchQuery`).

    Returns:
        Hits, best first, at most ``query.limit``.

    Raises:
        QueryError: No word to search for, an unknown scope, ``speaker`` outside the
            ``quotes`` scope, ``since`` after ``until``, or a limit below 1.
    """
    parse_query(query.text)
    if query.scope not in SCOPES:
        raise QueryError(
            f"unknown scope {query.scope!r}; use one of {', '.join(SCOPES)}", where="--in"
        )
    if query.speaker is not None and query.scope != "quotes":
        raise QueryError("--speaker filters quotes; add --in quotes", where="--speaker")
    if query.since is not None and query.until is not None and query.since > query.until:
        raise QueryError(
            f"--since {query.since} is after --until {query.until}", where="--since"
        )
    if query.limit < 1:
        raise QueryError(f"--limit must be at least 1, got {query.limit}", where="--limit")
    return store.search(query)

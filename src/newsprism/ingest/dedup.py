"""Exact and near-duplicate detection: syndicated and repeated copies are linked, not dropped.

Texts are compared after normalisation (case, punctuation and spacing ignored). Exact copies share
a hash. Near copies are found with MinHash signatures of word shingles in an LSH index, so each new
text is compared with a few candidates rather than every earlier text, and the candidate's
estimated Jaccard similarity must reach ``dedup.near_threshold``.

It is run on extracted article bodies, so copies framed by different sites' navigation, comment
sections and copyright lines still match.

Words and shingles are streamed, never listed: a 45 MB text is hashed in chunks of
``_CHUNK_SHINGLES`` shingles, so memory stays that of the text itself (a MinHash over a set is the
same as over the stream with repeats, so signatures are unchanged).
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterator
from itertools import islice

from datasketch import MinHash, MinHashLSH

from newsprism.config import DedupSettings
from newsprism.model import CopyOf

_WORD = re.compile(r"\w+")
# Shingles hashed into a signature per call (bounds the memory of one update).
_CHUNK_SHINGLES = 4096


class CopyDetector:
    """Remembers every text it is shown and says which earlier one a new text copies.

    Args:
        settings: Shingle length, signature size, similarity threshold, minimum length.
    """

    def __init__(self, *, settings: DedupSettings) -> None:
        self._settings = settings
        self._exact: dict[str, str] = {}
        self._signatures: dict[str, MinHash] = {}
        self._index = MinHashLSH(threshold=settings.near_threshold, num_perm=settings.num_perm)

    def check(self, doc_id: str, text: str) -> CopyOf | None:
        """The earlier document ``text`` copies, if any; then remember ``text`` as ``doc_id``.

        A document shown twice under the same id is not a copy of itself.
        """
        folded = text.casefold()
        digest, count = _digest(folded)
        original = self._exact.get(digest)
        if original is not None and original != doc_id:
            return CopyOf(original, "exact", 1.0)
        self._exact.setdefault(digest, doc_id)
        if count < self._settings.min_words or doc_id in self._signatures:
            return None
        signature = self._signature(folded, count)
        best: tuple[float, str] | None = None
        for candidate in self._index.query(signature):
            similarity = signature.jaccard(self._signatures[candidate])
            if similarity >= self._settings.near_threshold and (
                best is None or similarity > best[0]
            ):
                best = (similarity, candidate)
        self._signatures[doc_id] = signature
        self._index.insert(doc_id, signature)
        if best is None:
            return None
        return CopyOf(best[1], "near", round(best[0], 3))

    def _signature(self, folded: str, count: int) -> MinHash:
        signature = MinHash(num_perm=self._settings.num_perm)
        shingles = _shingles(folded, size=min(self._settings.shingle_words, count))
        while chunk := list(islice(shingles, _CHUNK_SHINGLES)):
            signature.update_batch(chunk)
        return signature


def _words(folded: str) -> Iterator[str]:
    return (match.group() for match in _WORD.finditer(folded))


def _digest(folded: str) -> tuple[str, int]:
    """SHA-256 of the words joined by single spaces, and how many words there are."""
    digest = hashlib.sha256()
    count = 0
    for word in _words(folded):
        digest.update(f" {word}".encode() if count else word.encode())
        count += 1
    return digest.hexdigest(), count


def _shingles(folded: str, *, size: int) -> Iterator[bytes]:
    """Every run of ``size`` consecutive words, as UTF-8 bytes joined by single spaces."""
    window: deque[str] = deque(maxlen=size)
    for word in _words(folded):
        window.append(word)
        if len(window) == size:
            yield " ".join(window).encode("utf-8")

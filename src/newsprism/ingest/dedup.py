"""Exact and near-duplicate detection: syndicated and repeated copies are linked, not dropped.

Texts are compared after normalisation (case, punctuation and spacing ignored). Exact copies share
a hash. Near copies are found with MinHash signatures of word shingles in an LSH index, so each new
text is compared with a few candidates rather than every earlier text, and the candidate's
estimated Jaccard similarity must reach ``dedup.near_threshold``.

It is run on extracted article bodies, so copies framed by different sites' navigation, comment
sections and copyright lines still match.
"""

from __future__ import annotations

import hashlib
import re

from datasketch import MinHash, MinHashLSH

from newsprism.config import DedupSettings
from newsprism.model import CopyOf

_WORD = re.compile(r"\w+")


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
        words = _WORD.findall(text.casefold())
        digest = hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
        original = self._exact.get(digest)
        if original is not None and original != doc_id:
            return CopyOf(original, "exact", 1.0)
        self._exact.setdefault(digest, doc_id)
        if len(words) < self._settings.min_words or doc_id in self._signatures:
            return None
        signature = self._signature(words)
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

    def _signature(self, words: list[str]) -> MinHash:
        size = self._settings.shingle_words
        signature = MinHash(num_perm=self._settings.num_perm)
        shingles = {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}
        signature.update_batch([shingle.encode("utf-8") for shingle in shingles])
        return signature

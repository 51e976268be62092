"""Exact and near-duplicate detection: syndicated and repeated copies are linked, not dropped.

Texts are compared after normalisation (case, punctuation and spacing ignored). Exact copies share
a hash. Near copies are found with MinHash signatures of word shingles in an LSH index, so each new
text is compared with a few candidates rather than every earlier text, and the candidate's
estimated Jaccard similarity must reach ``dedup.near_threshold``.

It is run on extracted article bodies, so copies framed by different sites' navigation, comment
sections and copyright lines still match.

What it remembers of each text is a :class:`~newsprism.model.CopyKey` (digest and signature),
which the store keeps, so a later run seeds the detector from the keys instead of re-reading and
re-hashing every stored text.

Words and shingles are streamed, never listed: a 45 MB text is hashed in chunks of
``_CHUNK_SHINGLES`` shingles, so memory stays that of the text itself (a MinHash over a set is the
same as over the stream with repeats, so signatures are unchanged).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from newsprism.config import DedupSettings
from newsprism.model import CopyKey, CopyOf

_WORD = re.compile(r"\w+")
# Shingles hashed into a signature per call (bounds the memory of one update).
_CHUNK_SHINGLES = 4096
# MinHash permutations are drawn from this seed (datasketch's default).
_SEED = 1
# Signature values as stored: unsigned 64-bit little-endian.
_VALUES = np.dtype("<u8")


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
        self.scheme = key_scheme(settings)

    def check(self, doc_id: str, text: str) -> CopyOf | None:
        """The earlier document ``text`` copies, if any; then remember ``text`` as ``doc_id``.

        A document shown twice under the same id is not a copy of itself.
        """
        return self.check_key(doc_id, text)[0]

    def check_key(self, doc_id: str, text: str) -> tuple[CopyOf | None, CopyKey]:
        """As :meth:`check`, also returning the key that the store keeps for ``text``."""
        digest, count = _digest(text)
        original = self._exact.get(digest)
        if original is not None and original != doc_id:
            return CopyOf(original, "exact", 1.0), CopyKey(doc_id, digest, scheme=self.scheme)
        self._exact.setdefault(digest, doc_id)
        if count < self._settings.min_words or doc_id in self._signatures:
            return None, CopyKey(doc_id, digest, scheme=self.scheme)
        signature = _signature(text, count, settings=self._settings)
        key = CopyKey(doc_id, digest, _stored(signature), self.scheme)
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
            return None, key
        return CopyOf(best[1], "near", round(best[0], 3)), key

    def remember(self, key: CopyKey) -> bool:
        """Remember a stored text by its key, as :meth:`check` would have.

        Returns:
            ``False`` when the key was made with other settings: check the text instead.
        """
        if key.scheme != self.scheme:
            return False
        self._exact.setdefault(key.digest, key.article)
        if key.signature and key.article not in self._signatures:
            values = np.frombuffer(key.signature, dtype=_VALUES)
            signature = LeanMinHash(
                seed=_SEED, hashvalues=values, scheme=MinHash(num_perm=1).scheme
            )
            self._signatures[key.article] = signature
            self._index.insert(key.article, signature)
        return True

def key_scheme(settings: DedupSettings) -> str:
    """What a copy key's signature was made with; keys of another scheme do not compare."""
    return (
        f"datasketch-{MinHash(num_perm=1).scheme};shingle_words={settings.shingle_words};"
        f"num_perm={settings.num_perm};seed={_SEED}"
    )


def copy_key(doc_id: str, text: str, *, settings: DedupSettings) -> CopyKey:
    """The copy key of one text, without comparing it with any other.

    The same key :meth:`CopyDetector.check_key` makes for a text that is not an exact copy: a
    text of fewer than ``min_words`` words has a digest and no signature. Keys made apart (on
    the partitions of a Spark job) are compared afterwards with :func:`band_keys` and
    :func:`best_copy`, which follow the detector's rules.
    """
    digest, count = _digest(text)
    if count < settings.min_words:
        return CopyKey(doc_id, digest, scheme=key_scheme(settings))
    signature = _signature(text, count, settings=settings)
    return CopyKey(doc_id, digest, _stored(signature), key_scheme(settings))


def band_keys(signature: bytes, *, settings: DedupSettings) -> list[bytes]:
    """The LSH bucket keys of a stored signature, one per band, as the detector's index uses.

    Two texts are near-copy candidates when they share a key (the band number is part of it).
    The bands are datasketch's for ``near_threshold`` and ``num_perm``.
    """
    bands, rows = _bands(settings.near_threshold, settings.num_perm)
    width = rows * _VALUES.itemsize
    return [
        band.to_bytes(2, "big") + signature[band * width : (band + 1) * width]
        for band in range(bands)
    ]


def band_count(*, settings: DedupSettings) -> int:
    """How many band keys :func:`band_keys` makes of each signature."""
    return _bands(settings.near_threshold, settings.num_perm)[0]


def key_similarity(left: bytes, right: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures (the share of equal values)."""
    a = np.frombuffer(left, dtype=_VALUES)
    b = np.frombuffer(right, dtype=_VALUES)
    return float(np.count_nonzero(a == b)) / float(len(a))


def best_copy(
    candidates: Iterable[tuple[str, float]], *, settings: DedupSettings
) -> CopyOf | None:
    """The near copy a text is of, from its earlier candidates and their similarities.

    The most similar candidate at or above ``near_threshold`` (the first of equals), as
    :meth:`CopyDetector.check_key` picks among its index's candidates; ``None`` when none is.
    """
    best: tuple[float, str] | None = None
    for candidate, similarity in candidates:
        if similarity >= settings.near_threshold and (best is None or similarity > best[0]):
            best = (similarity, candidate)
    return None if best is None else CopyOf(best[1], "near", round(best[0], 3))


@functools.cache
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return index.b, index.r


def _signature(text: str, count: int, *, settings: DedupSettings) -> MinHash:
    signature = MinHash(num_perm=settings.num_perm, seed=_SEED)
    shingles = _shingles(text, size=min(settings.shingle_words, count))
    while chunk := list(islice(shingles, _CHUNK_SHINGLES)):
        signature.update_batch(chunk)
    return signature


def _stored(signature: MinHash) -> bytes:
    return np.asarray(signature.hashvalues, dtype=_VALUES).tobytes()


def _words(text: str) -> Iterator[str]:
    """The words, case-folded one at a time (no case-folded copy of a large text)."""
    return (match.group().casefold() for match in _WORD.finditer(text))


def _digest(text: str) -> tuple[str, int]:
    """SHA-256 of the case-folded words joined by single spaces, and how many there are."""
    digest = hashlib.sha256()
    count = 0
    for word in _words(text):
        digest.update(f" {word}".encode() if count else word.encode())
        count += 1
    return digest.hexdigest(), count


def _shingles(text: str, *, size: int) -> Iterator[bytes]:
    """Every run of ``size`` consecutive words, as UTF-8 bytes joined by single spaces."""
    window: deque[str] = deque(maxlen=size)
    for word in _words(text):
        window.append(word)
        if len(window) == size:
            yield " ".join(window).encode("utf-8")

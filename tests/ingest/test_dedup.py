"""Copy detection on the sample stories: syndicated copies link, different stories do not."""

from __future__ import annotations

import dataclasses

import pytest

from newsprism.config import load_settings
from newsprism.ingest.dedup import CopyDetector


def _body(text: str) -> str:
    # The article paragraphs only: lines of sentence length.
    return "\n\n".join(line for line in text.splitlines() if len(line.split()) > 12)


@pytest.fixture
def detector() -> CopyDetector:
    return CopyDetector(settings=load_settings().dedup)


def test_resyndicated_copy_with_other_chrome_and_a_cut_is_a_near_copy(
    detector: CopyDetector, corpus_texts: dict[str, str]
) -> None:
    original = _body(corpus_texts["cnn"])
    paragraphs = original.split("\n\n")
    # Another site's copy: its own furniture, one paragraph cut, a typo fixed.
    furniture = ["Skip to main content", "Politics | World"]
    footer = ["Copyright 2022 Another Station. All rights reserved."]
    copy = "\n\n".join([*furniture, *paragraphs[:5], *paragraphs[6:], *footer]).replace(
        "spokesperon", "spokesperson"
    )
    assert detector.check("cnn", original) is None
    found = detector.check("copy", copy)
    assert found is not None and found.id == "cnn" and found.kind == "near"
    assert 0.8 <= found.similarity < 1.0


def test_other_outlets_story_of_the_same_event_is_not_a_copy(
    detector: CopyDetector, corpus_texts: dict[str, str]
) -> None:
    assert detector.check("cnn", _body(corpus_texts["cnn"])) is None
    assert detector.check("rt", _body(corpus_texts["rt"])) is None


def test_exact_copy_differing_in_case_and_spacing(
    detector: CopyDetector, corpus_texts: dict[str, str]
) -> None:
    body = _body(corpus_texts["rt"])
    detector.check("rt", body)
    found = detector.check("rt-copy", "  " + body.upper().replace("\n\n", "\n"))
    assert found is not None and (found.id, found.kind, found.similarity) == ("rt", "exact", 1.0)


def test_same_document_twice_is_not_its_own_copy(
    detector: CopyDetector, corpus_texts: dict[str, str]
) -> None:
    body = _body(corpus_texts["rt"])
    assert detector.check("rt", body) is None
    assert detector.check("rt", body) is None


def test_issue13_keys_made_apart_find_the_copies_the_detector_finds(
    detector: CopyDetector, corpus_texts: dict[str, str]
) -> None:
    # The Spark job keys texts on separate partitions and compares them afterwards through
    # shared LSH band keys: the same copies as the detector seeing them one after another.
    from newsprism.ingest.dedup import band_keys, best_copy, copy_key, key_similarity

    settings = load_settings().dedup
    cnn, rt = _body(corpus_texts["cnn"]), _body(corpus_texts["rt"])
    paragraphs = cnn.split("\n\n")
    texts = [
        ("cnn", cnn),
        ("rt", rt),
        ("cut", "\n\n".join(paragraphs[:5] + paragraphs[6:])),
        ("shout", cnn.upper()),
        ("short", "Moscow and Washington completed a prisoner swap."),
    ]
    expected = [detector.check_key(doc_id, text) for doc_id, text in texts]
    keys = [copy_key(doc_id, text, settings=settings) for doc_id, text in texts]
    # The detector keeps no signature for an exact copy (it never indexes one).
    assert [k if copy is None or copy.kind == "near" else dataclasses.replace(k, signature=b"")
            for k, (copy, _) in zip(keys, expected, strict=True)] == [k for _, k in expected]
    assert keys[4].signature == b""
    found = []
    for index, key in enumerate(keys):
        earlier = keys[:index]
        exact = next((k.article for k in earlier if k.digest == key.digest), None)
        if exact is not None:
            found.append((exact, "exact"))
            continue
        bands = set(band_keys(key.signature, settings=settings)) if key.signature else set()
        candidates = [
            (k.article, key_similarity(key.signature, k.signature))
            for k in earlier
            if k.signature and bands & set(band_keys(k.signature, settings=settings))
        ]
        copy = best_copy(candidates, settings=settings)
        found.append((copy.id, copy.kind) if copy else None)
    assert found == [
        (copy.id, copy.kind) if copy else None for copy, _ in expected
    ]
    assert found[2] == ("cnn", "near") and found[3] == ("cnn", "exact")

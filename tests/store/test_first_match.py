"""TermScorer.first_match finds the word the word-by-word reading finds, at its offsets."""

from __future__ import annotations

import random
import re

from newsprism.store.search import TermScorer, _first_match_word_by_word, parse_query


def test_first_match_agrees_with_stemming_every_word(corpus_texts: dict[str, str]) -> None:
    texts = [*corpus_texts.values(), "Die Straße in Köln: STRASSE, strassen und Straßen."]
    words = sorted({w for text in texts for w in re.findall(r"[^\W_]+", text)})
    rng = random.Random(7)
    found = 0
    for _ in range(600):
        query = " ".join(rng.sample(words, rng.choice([1, 2])))
        terms = parse_query(query)
        for text in texts:
            span = TermScorer(terms, []).first_match(text)
            assert span == _first_match_word_by_word(terms, text), (query, text[:40])
            found += span is not None
    assert found > 600  # each query's words come from the texts: most are found
    # Inflection and case: 'Swaps' finds the first 'swap' of RT's text.
    rt = corpus_texts["rt"]
    start, end = TermScorer(parse_query("Swaps"), []).first_match(rt) or (0, 0)
    assert rt[start:end] == "swap"
    assert re.search(r"\bswap\b", rt[:start], re.IGNORECASE) is None

"""Statement alignment on the sample texts: paraphrase through the synonym groups, names as
one concept, no alignment on a shared name alone."""

from __future__ import annotations

from newsprism.compare import CompareRules
from newsprism.compare.facts import align_statements, make_statement
from newsprism.compare.text import sentences
from newsprism.config import load_settings
from newsprism.model import AnalyzedArticle, Evidence


def _evidence(story: list[AnalyzedArticle], outlet: str, words: str) -> Evidence:
    article = story[0].article if outlet == "RT" else story[1].article
    start = article.body.index(words)
    return Evidence(outlet, article.id, "body", start, start + len(words), words)


def test_substantial_offer_aligns_with_substantial_proposal(
    sample_story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    rt = _evidence(sample_story, "RT", "Washington had made a “substantial offer”")
    cnn = _evidence(sample_story, "CNN", "accept the substantial proposal that we put forth")
    other = _evidence(sample_story, "CNN", "the call took place shortly after noon Washington time")
    statements = [make_statement(e, frozenset(), compare_rules) for e in (rt, cnn, other)]
    pairs = align_statements(statements, settings=load_settings().compare)
    assert [(p.left.text, p.right.text) for p in pairs] == [(rt.text, cnn.text)]
    assert "offer ~ proposal" in pairs[0].shared
    assert "substantial" in pairs[0].shared


def test_a_shared_name_alone_is_no_shared_statement(
    sample_story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    rt = _evidence(sample_story, "RT", "Bout maintains he is innocent.")
    cnn = _evidence(
        sample_story, "CNN", "an offer to swap convicted Russian arms dealer Viktor Bout"
    )
    statements = [
        make_statement(rt, frozenset({"Viktor Bout"}), compare_rules,
                       name_spans=[(0, 4, "Viktor Bout")]),
        make_statement(cnn, frozenset({"Viktor Bout"}), compare_rules,
                       name_spans=[(len(cnn.text) - 11, len(cnn.text), "Viktor Bout")]),
    ]
    assert align_statements(statements, settings=load_settings().compare) == []


def test_two_people_sharing_a_first_name_do_not_match(compare_rules: CompareRules) -> None:
    # "Sergey Ryabkov" and "Sergey Lavrov" are one concept each, not "sergey" + surname.
    left = Evidence("A", "a", "body", 0, 26, "Sergey Ryabkov spoke today")
    right = Evidence("B", "b", "body", 0, 25, "Sergey Lavrov spoke today")
    with_names = [
        make_statement(left, frozenset({"Sergey Ryabkov"}), compare_rules,
                       name_spans=[(0, 14, "Sergey Ryabkov")]),
        make_statement(right, frozenset({"Sergey Lavrov"}), compare_rules,
                       name_spans=[(0, 13, "Sergey Lavrov")]),
    ]
    assert "sergey" not in with_names[0].concepts & with_names[1].concepts
    assert "@Sergey Ryabkov" in with_names[0].concepts


def test_sentences_of_the_rt_sample(
    sample_story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    body = sample_story[0].article.body
    paragraphs = tuple((p.start, p.end) for p in sample_story[0].article.paragraphs)
    found = sentences(body, abbreviations=compare_rules.abbreviations, paragraphs=paragraphs)
    assert len(found) == 13
    assert all(body[s.start : s.end] == s.text for s in found)
    assert "Bout maintains he is innocent." in [s.text for s in found]


def test_initials_and_abbreviations_end_no_sentence(compare_rules: CompareRules) -> None:
    # NeuS/AllSides val 289: "... after Gov. J.B. Pritzker signed ..." is one sentence.
    text = (
        "Illinois became the 11th state after Gov. J.B. Pritzker signed it. The U.S. Senate voted."
    )
    found = [s.text for s in sentences(text, abbreviations=compare_rules.abbreviations)]
    assert found == [
        "Illinois became the 11th state after Gov. J.B. Pritzker signed it.",
        "The U.S. Senate voted.",
    ]

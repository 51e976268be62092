"""Statement alignment on the sample texts: paraphrase through the synonym groups, names as
one concept, no alignment on a shared name alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from newsprism.analyze import analyze
from newsprism.analyze.nlp import load_model
from newsprism.compare import CompareRules, compare
from newsprism.compare.facts import align_statements, make_statement
from newsprism.compare.story import build_view
from newsprism.compare.text import article_sentences, sentences
from newsprism.config import load_settings
from newsprism.model import (
    AnalyzedArticle,
    Article,
    Evidence,
    Outlet,
    Source,
    SourceKind,
    Span,
    StoryComparison,
)
from tests.conftest import BENCHDATA


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


def test_issue11_compare_reads_the_analysis_sentences_cut_at_paragraphs(
    sample_story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    # One sentence split in the system: compare takes the parser's sentences the analysis
    # kept, never across a paragraph end; only an analysis without them is split by the rules.
    analysed = sample_story[1]
    body = analysed.article.body
    paragraphs = tuple((p.start, p.end) for p in analysed.article.paragraphs)
    assert analysed.sentences
    found = article_sentences(body, analysed.sentences,
                              abbreviations=compare_rules.abbreviations, paragraphs=paragraphs)
    assert all(body[s.start : s.end] == s.text for s in found)
    starts = {s.start for s in analysed.sentences}
    assert {s.start for s in found} >= {
        start + (len(body[start:]) - len(body[start:].lstrip())) for start in starts
    } - {len(body)}
    assert build_view(sample_story, compare_rules).articles[1].sentences == tuple(found)
    for sentence in found:
        assert any(start <= sentence.start and sentence.end <= end for start, end in paragraphs)
    # A parser sentence joining two paragraphs (a headline and its first line) is cut in two.
    first, second = paragraphs[0], paragraphs[1]
    joined = Span(first[0], second[1], body[first[0] : second[1]])
    cut = article_sentences(body, [joined], abbreviations=compare_rules.abbreviations,
                            paragraphs=paragraphs)
    assert [s.text for s in cut] == [body[a:b].strip() for a, b in (first, second)]
    fallback = article_sentences(body, [], abbreviations=compare_rules.abbreviations,
                                 paragraphs=paragraphs)
    assert fallback == sentences(body, abbreviations=compare_rules.abbreviations,
                                 paragraphs=paragraphs)


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


def test_issue9_substantial_offer_and_proposal_are_one_fact(
    sample_comparison: StoryComparison,
) -> None:
    # RT: 'she said Washington had made a "substantial offer"'; CNN: Blinken "pressed the
    # Kremlin to accept the substantial proposal that we put forth" (one claim of a long
    # sentence). Neither is then listed as only its outlet's.
    fact = next(f for f in sample_comparison.facts
                if any("“substantial offer”" in s.text for s in f.statements))
    assert fact.outlets == ("RT", "CNN")
    assert any("the substantial proposal that we put forth" in s.text for s in fact.statements)
    assert any("offer ~ proposal" in p.shared or "proposal ~ offer" in p.shared
               for p in fact.pairs)


def _basil_story(name: str) -> list[AnalyzedArticle]:
    articles = []
    for path in sorted((BENCHDATA / "basil" / "articles").glob(f"*/{name}_*.json")):
        record = json.loads(path.read_text("utf-8"))
        paragraphs = [" ".join(sentences) for sentences in record["body-paragraphs"]]
        spans, position = [], 0
        for paragraph in paragraphs:
            spans.append(Span(position, position + len(paragraph), paragraph))
            position += len(paragraph) + 2
        articles.append(Article(
            id=path.stem, source=Source(kind=SourceKind.FILE, location=str(path)),
            body="\n\n".join(paragraphs), paragraphs=tuple(spans),
            outlet=Outlet(record["source"]), headline=record["title"], url=record["url"],
            published=dt.date.fromisoformat(record["date"]),
        ))
    assert len(articles) == 3, f"BASIL story {name} not found under {BENCHDATA}"
    return list(analyze(articles, model=load_model(), settings=load_settings().analyze))


def test_issue9_different_claims_about_one_person_stay_apart(
    compare_rules: CompareRules,
) -> None:
    # BASIL 2018, Mattis resigns: NYT's "Mr. Mattis, a retired four-star Marine general, was
    # rebuffed." and Fox's "Trump had said Mattis ... was leaving in February." are different
    # facts; NYT's "Mr. Mattis ... will leave at the end of February" is Fox's.
    comparison = compare(_basil_story("01c59743-7082-44fc-8414-3c04126f470f"),
                         settings=load_settings().compare, rules=compare_rules)
    rebuffed = next(f for f in comparison.facts
                    if any(s.text.endswith("was rebuffed.") for s in f.statements))
    assert not any("was leaving in February" in s.text for s in rebuffed.statements)


def test_copies_of_one_original_count_once(
    tmp_path: Path, sample_story: list[AnalyzedArticle], compare_rules: CompareRules
) -> None:
    # The CNN story as KION 46 carried it, and the same text carried by a second outlet: one
    # voice (CNN) with two carriers, its sentences compared once.
    cnn = sample_story[1]
    copy = dataclasses.replace(cnn, article=dataclasses.replace(
        cnn.article, id="carried-copy", outlet=Outlet("WTOP")))
    once = compare(sample_story, settings=load_settings().compare, rules=compare_rules)
    twice = compare([*sample_story, copy], settings=load_settings().compare,
                    rules=compare_rules)
    assert [o.outlet for o in twice.outlets] == ["RT", "CNN"]
    (cnn_coverage,) = [o for o in twice.outlets if o.outlet == "CNN"]
    assert cnn_coverage.published_by == ("KION 46", "WTOP")
    assert [a.id for a in twice.articles] == [a.id for a in once.articles]
    assert twice.articles[1].carriers == ("WTOP",)
    assert [f.statements for f in twice.facts] == [f.statements for f in once.facts]


def test_a_dateline_or_a_sentence_of_names_alone_is_no_statement(
    compare_rules: CompareRules,
) -> None:
    # Written for this test: the parser makes a sentence of the wire dateline, and of a line that
    # only names someone; neither reports anything, so neither may be "only Reuters reports".
    texts = [
        ("Reuters", "ATHENS (Reuters) - A ferry carrying 212 passengers capsized off Lesbos on "
                    "Monday, killing 14 people, the coast guard said.\n\nKyriakos Mitsotakis."),
        ("BBC News", "At least 16 people died when a ferry sank off Lesbos on Monday, officials "
                     "said."),
    ]
    articles = [
        Article(id=f"d{number}", source=Source(SourceKind.FILE, f"d{number}.txt"), body=body,
                paragraphs=_paragraphs(body), outlet=Outlet(name=outlet),
                published=dt.date(2023, 3, 14))
        for number, (outlet, body) in enumerate(texts)
    ]
    story = list(analyze(articles, model=load_model(), settings=load_settings().analyze))
    comparison = compare(story, settings=load_settings().compare, rules=compare_rules)
    listed = [s.text for fact in comparison.facts for s in fact.statements]
    assert any(text.startswith("A ferry carrying 212") for text in listed)
    assert not [text for text in listed if "(Reuters)" in text and len(text) < 25]
    # A sentence of a tagged name alone says nothing; the name and a verb do.
    alone = make_statement(Evidence("Reuters", "d0", "body", 0, 20, "Kyriakos Mitsotakis."),
                           frozenset({"Kyriakos Mitsotakis"}), compare_rules,
                           name_spans=[(0, 19, "Kyriakos Mitsotakis")])
    acting = make_statement(Evidence("Reuters", "d0", "body", 0, 29,
                                     "Kyriakos Mitsotakis resigned."),
                            frozenset({"Kyriakos Mitsotakis"}), compare_rules,
                            name_spans=[(0, 19, "Kyriakos Mitsotakis")])
    assert not alone.says and acting.says


def _paragraphs(body: str) -> tuple[Span, ...]:
    spans, cursor = [], 0
    for paragraph in body.split("\n\n"):
        spans.append(Span(cursor, cursor + len(paragraph), paragraph))
        cursor += len(paragraph) + 2
    return tuple(spans)

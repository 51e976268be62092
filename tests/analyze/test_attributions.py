"""Attributions on the two sample stories: every quotation and paraphrase, its cue, speaker
(pronouns and role nouns resolved), kind and content; quotation-mark pairing on PolNeAR text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newsprism.analyze import AnalyzeRules, analyze_article, load_analyze_rules
from newsprism.analyze.attribution_encoder import EncoderTagger, load_encoder_tagger
from newsprism.analyze.attribution_model import (
    AttributionModel,
    doc_context,
    may_hold_attribution,
)
from newsprism.analyze.cues import load_reporting_verbs
from newsprism.analyze.nlp import LoadedModel
from newsprism.analyze.quotes import find_quotations
from newsprism.config import AnalyzeSettings
from newsprism.model import AnalyzedArticle, Attribution, Span
from tests.analyze.conftest import make_article

CASES = json.loads((Path(__file__).parent / "cases" / "sample_attributions.json").read_text())[
    "cases"
]


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['sample']}:{case['cue']}{case['after'][:24]}".replace("\n", " ")


def _find(result: AnalyzedArticle, case: dict[str, Any]) -> Attribution:
    body = result.article.body
    at = body.find(case["cue"] + case["after"])
    assert at >= 0, f"the sample text changed: {case['cue'] + case['after']!r} not in the body"
    found = [
        a
        for a in result.attributions
        if a.cue.start <= at < a.cue.end or (at <= a.cue.start < at + len(case["cue"]))
    ]
    assert found, f"no attribution with the cue {case['cue']!r} at {at}"
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_sample_attribution(analyzed: dict[str, AnalyzedArticle], case: dict[str, Any]) -> None:
    result = analyzed[case["sample"]]
    attribution = _find(result, case)
    names = {entity.id: entity.name for entity in result.entities}
    speaker = names.get(attribution.entity) if attribution.entity else None
    assert speaker == case["speaker"], attribution.source
    if case["kind"] is not None:
        assert attribution.kind.value == case["kind"]
    assert case["content"] in attribution.content.text
    if "not_content" in case:
        assert case["not_content"] not in attribution.content.text
    assert attribution.cue.class_ == case["class"]
    body = result.article.body
    for span in (attribution.source, attribution.cue, attribution.content):
        if span is not None:
            assert body[span.start : span.end] == span.text


def test_every_quotation_of_the_samples_is_attributed(
    analyzed: dict[str, AnalyzedArticle], model: LoadedModel
) -> None:
    """A quotation of three words or more lies in the content of some attribution."""
    for result in analyzed.values():
        doc = model.nlp(result.article.body)
        for quotation in find_quotations(doc):
            if quotation.last - quotation.first < 4:
                continue
            assert any(
                a.content.start <= quotation.start + 1 and quotation.end - 1 <= a.content.end
                for a in result.attributions
            ), doc.text[quotation.start : quotation.end]


def test_marked_cues_carry_how_they_colour_the_report(
    analyzed: dict[str, AnalyzedArticle],
) -> None:
    """'claimed' (RT, of Jean-Pierre) casts doubt; 'acknowledged' (CNN, of Price) concedes."""
    rt = {a.cue.text: a.cue for a in analyzed["rt"].attributions}
    cnn = {a.cue.text: a.cue for a in analyzed["cnn"].attributions}
    assert (rt["claimed"].lemma, rt["claimed"].subclass) == ("claim", "doubt")
    assert (cnn["acknowledged"].lemma, cnn["acknowledged"].subclass) == (
        "acknowledge",
        "concessive",
    )
    assert rt["claimed"].tense == "past" and rt["claimed"].voice == "active"


# --- the taggers (issue 14) ---------------------------------------------------------------------

LONG_TAIL = json.loads((Path(__file__).parent / "cases" / "polnear_long_tail.json").read_text())


def _gold(annotations: Path, cue_id: str) -> dict[str, list[tuple[int, int]]]:
    """The character fragments of the attribution whose cue is ``cue_id`` (brat standoff)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    roles: dict[str, str] = {}
    for line in annotations.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("T"):
            offsets = fields[1].split(" ", 1)[1]
            spans[fields[0]] = [
                (int(a), int(b)) for a, b in (part.split() for part in offsets.split(";"))
            ]
        elif line.startswith("E") and f"Cue:{cue_id}" in fields[1].split():
            roles = dict(part.split(":", 1) for part in fields[1].split())
    assert roles, f"{annotations.name} has no attribution with cue {cue_id}"
    return {role: spans[roles[role]] for role in ("Source", "Cue", "Content") if role in roles}


def _covered(span: tuple[int, int] | None, fragments: list[tuple[int, int]], text: str) -> float:
    """Share of the fragments' non-space characters inside ``span``."""
    inside = total = 0
    for start, end in fragments:
        for position in range(start, end):
            if not text[position].isspace():
                total += 1
                inside += span is not None and span[0] <= position < span[1]
    return inside / max(total, 1)


@pytest.fixture(scope="session")
def encoder_rules() -> AnalyzeRules:
    """The rule files with the encoder tagger, read once."""
    return load_analyze_rules(tagger="encoder")


@pytest.fixture(scope="session")
def perceptron_rules() -> AnalyzeRules:
    """The rule files with the perceptron tagger (``--fast``), read once."""
    return load_analyze_rules(tagger="perceptron")


# Which tagger finds which long-tail case today; the misses are strict expected failures, so a
# tagger that learns one turns its test red until it is listed here (issue 14 left them open).
FOUND_BY = {("perceptron", "backing")}


def _long_tail_params() -> list[Any]:
    return [
        pytest.param(
            tagger,
            case,
            id=f"{tagger}-{case['text']}",
            marks=()
            if (tagger, case["text"]) in FOUND_BY
            else pytest.mark.xfail(strict=True, reason="issue 14: a long-tail cue still missed"),
        )
        for tagger in ("perceptron", "encoder")
        for case in LONG_TAIL["cases"]
    ]


@pytest.mark.parametrize(("tagger", "case"), _long_tail_params())
def test_long_tail_cues_from_polnear_train(
    case: dict[str, str],
    tagger: str,
    benchdata: Path,
    model: LoadedModel,
    settings: AnalyzeSettings,
    perceptron_rules: AnalyzeRules,
    encoder_rules: AnalyzeRules,
) -> None:
    """The tagger finds the cue, its source (or none) and at least half its content,
    in the paragraph of the PolNeAR train article that holds it."""
    train = benchdata / "polnear" / "train"
    annotations = train / "attributions" / case["annotations"]
    text = (train / "text" / f"{case['annotations'].rsplit('_', 1)[0]}.txt").read_text("utf-8")
    gold = _gold(annotations, case["cue"])
    cue_start = gold["Cue"][0][0]
    assert text[cue_start : gold["Cue"][-1][1]] == case["text"], "the PolNeAR files changed"
    begin = text.rfind("\n", 0, cue_start) + 1
    end = text.find("\n", cue_start)
    paragraph = text[begin : end if end >= 0 else len(text)]
    article = make_article([paragraph], published=None, location=str(annotations))
    chosen = encoder_rules if tagger == "encoder" else perceptron_rules
    result = analyze_article(article, model=model, settings=settings, rules=chosen)

    def shifted(fragments: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(a - begin, b - begin) for a, b in fragments]

    def pair(span: Span | None) -> tuple[int, int] | None:
        return (span.start, span.end) if span is not None else None

    found = [
        a for a in result.attributions if _covered(pair(a.cue), shifted(gold["Cue"]), paragraph) > 0
    ]
    assert found, [a.cue.text for a in result.attributions]
    attribution = found[0]
    assert _covered(pair(attribution.content), shifted(gold["Content"]), paragraph) >= 0.5, (
        attribution.content.text
    )
    if "Source" in gold:
        assert _covered(pair(attribution.source), shifted(gold["Source"]), paragraph) > 0, (
            attribution.source
        )
    else:
        assert attribution.source is None, attribution.source


def test_the_analysis_names_its_attribution_model(
    analyzed: dict[str, AnalyzedArticle], rules: AnalyzeRules
) -> None:
    assert rules.attribution_model is not None
    for result in analyzed.values():
        assert result.attribution_model == rules.attribution_model.label
        assert "PolNeAR" in result.attribution_model


def test_the_tagger_setting_picks_the_model(
    rules: AnalyzeRules,
    settings: AnalyzeSettings,
    encoder_rules: AnalyzeRules,
    perceptron_rules: AnalyzeRules,
) -> None:
    """``analyze.attribution_tagger`` (defaults.toml) names the default tagger; "perceptron"
    is the model of ``--fast``; each analysis records a digest of its tagger's files."""
    assert isinstance(perceptron_rules.attribution_model, AttributionModel)
    assert perceptron_rules.attribution_model.label.startswith("perceptron")
    assert isinstance(encoder_rules.attribution_model, EncoderTagger)
    assert "MiniLM" in encoder_rules.attribution_model.label
    chosen = encoder_rules if settings.attribution_tagger == "encoder" else perceptron_rules
    assert rules.made_by == chosen.made_by
    assert encoder_rules.made_by != perceptron_rules.made_by


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The sky over the lake was blue all week.", False),
        ("“We will win,” she said.", True),
        ("According to the report, turnout fell.", True),
        ("The mayor: no comment on the budget.", True),
        ("Voters fear a recession.", True),
    ],
)
def test_the_screen_passes_sentences_that_can_hold_an_attribution(
    sentence: str, expected: bool, model: LoadedModel
) -> None:
    doc = model.nlp(sentence)
    context = doc_context(doc, [(q.first, q.last) for q in find_quotations(doc)])
    held = may_hold_attribution(doc, 0, len(doc), context, load_reporting_verbs())
    assert held is expected


def test_wordpieces_as_bert_uncased() -> None:
    tagger = load_encoder_tagger()
    pieces = tagger.pieces
    vocab = {index: piece for piece, index in pieces.ids.items()}
    assert [vocab[i] for i in pieces.pieces("Unaffable")] == ["una", "##ffa", "##ble"]
    assert [vocab[i] for i in pieces.pieces("Café!")] == ["cafe", "!"]
    assert [vocab[i] for i in pieces.pieces("U.S.")] == ["u", ".", "s", "."]


def test_the_encoder_runs_without_torch(tmp_path: Path) -> None:
    """Inference needs onnxruntime and numpy only: with torch unimportable, the packaged encoder
    still loads and tags an attribution."""
    script = tmp_path / "no_torch.py"
    script.write_text(
        "import sys\n"
        "sys.modules['torch'] = None\n"
        "from newsprism.analyze.attribution_encoder import load_encoder_tagger\n"
        "from newsprism.analyze.cues import load_reporting_verbs\n"
        "from newsprism.analyze.nlp import load_model\n"
        "from newsprism.analyze.quotes import find_attributions\n"
        "doc = load_model().nlp('The senator said on Tuesday that the bill would pass.')\n"
        "found = find_attributions(doc, lexicon=load_reporting_verbs(),"
        " model=load_encoder_tagger())\n"
        "print([(a.found_by, a.cue.text, a.content.text) for a in found])\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "('model', 'said', 'the bill would pass')" in done.stdout, done.stdout


def test_a_bad_lexicon_entry_names_its_line(tmp_path: Path) -> None:
    from newsprism.errors import ConfigError

    lexicon = tmp_path / "verbs.toml"
    lexicon.write_text(
        '[verbs]\nsay = { class = "neutral", from = "ggt" }\n'
        'claim = { class = "marked", from = "ggt" }\n'
        '[phrases]\n"according to" = { class = "neutral", from = "ggt" }\n'
        '"call for" = { class = "sure", from = "ggt" }\n',
        "utf-8",
    )
    with pytest.raises(ConfigError, match=r"verbs\.toml:3.*subclass"):
        load_reporting_verbs(lexicon)
    lexicon.write_text(lexicon.read_text("utf-8").replace('"marked"', '"neutral"'), "utf-8")
    with pytest.raises(ConfigError, match=r"verbs\.toml:6.*class 'sure'"):
        load_reporting_verbs(lexicon)


def test_the_taggers_token_facts_are_spacys(
    model: LoadedModel, corpus_texts: dict[str, str]
) -> None:
    """doc_context reads every token attribute in one array call; on both raw samples each fact
    equals what spaCy's Token says (the features the packaged models were trained on)."""
    for text in corpus_texts.values():
        doc = model.nlp(text)
        context = doc_context(doc, [(q.first, q.last) for q in find_quotations(doc)])
        for token in doc:
            i = token.i
            assert context.text[i] == token.text
            assert context.lower[i] == token.lower_
            assert context.lemma[i] == token.lemma_.lower()
            assert (context.pos[i], context.tag[i], context.dep[i]) == (
                token.pos_, token.tag_, token.dep_
            )
            assert context.ent_type[i] == token.ent_type_
            assert (context.title[i], context.punct[i], context.quote_mark[i]) == (
                token.is_title, token.is_punct, token.is_quote
            )
            assert context.verb_form[i] == str(token.morph.get("VerbForm", []))
            assert context.head[i] == token.head.i
            assert context.children[i] == tuple(child.i for child in token.children)
        breaks = [t.i for t in doc if "\n" in t.text_with_ws]
        assert breaks, "the samples are paragraphed"
        for i in breaks:
            if i + 1 < len(doc):
                assert context.paragraph[i + 1] == context.paragraph[i] + 1


@pytest.mark.parametrize("tagger", ["perceptron", "encoder"])
def test_a_verb_of_the_contents_own_relative_clause_is_no_cue(
    model: LoadedModel,
    settings: AnalyzeSettings,
    perceptron_rules: AnalyzeRules,
    encoder_rules: AnalyzeRules,
    tagger: str,
) -> None:
    # Written for this test: "that rattled" describes the earthquake; the health ministry is
    # the one source of the sentence.
    text = ("A powerful earthquake that rattled eastern Turkey on Tuesday left 12 people dead, "
            "according to the health ministry.")
    chosen = perceptron_rules if tagger == "perceptron" else encoder_rules
    result = analyze_article(
        make_article([text], published=None, location="quake.txt"),
        model=model, settings=settings, rules=chosen,
    )
    assert "rattled" not in [a.cue.text for a in result.attributions]
    (ministry,) = [a for a in result.attributions if a.cue.text == "according to"]
    assert ministry.source is not None and ministry.source.text == "the health ministry"
    assert ministry.content.text.startswith("A powerful earthquake")

"""Issue 9: one entity per person or organisation across a story's outlets, voices that are
speakers, and sides that are actors.

Real text where the case is in BASIL (../shared/benchdata/basil: the NYT's "Hillary Rodham
Clinton" beside HuffPost's and Fox's "Hillary Clinton", Fox's "James Mattis" beside "Jim
Mattis", HuffPost's George W. and George H.W. Bush); texts written for these tests otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from newsprism.analyze import analyze
from newsprism.analyze.nlp import LoadedModel, load_model
from newsprism.compare import CompareRules, compare
from newsprism.compare.entities import StoryEntities, resolve_story
from newsprism.compare.story import build_view
from newsprism.compare.voices import speaker_of
from newsprism.config import load_settings
from newsprism.model import (
    AnalyzedArticle,
    Article,
    Attribution,
    AttributionKind,
    Cue,
    Outlet,
    Source,
    SourceKind,
    Span,
)

# BASIL events (triplet ids) named by the issue.
CLINTON_EVENT = "2015/6e502405-bc90-4416-a787-3122918aa648"
MATTIS_EVENT = "2018/01c59743-7082-44fc-8414-3c04126f470f"
OBAMA_ERA_EVENT = "2017/542cd22c-ea80-4669-995b-6ac6a33823f7"


@pytest.fixture(scope="module")
def model() -> LoadedModel:
    return load_model()


def _basil(benchdata: Path, event: str) -> list[Article]:
    """The three articles of a BASIL event, body paragraphs joined as BASIL gives them."""
    folder, triplet = event.split("/")
    articles = []
    for path in sorted((benchdata / "basil" / "articles" / folder).glob(f"{triplet}_*.json")):
        record = json.loads(path.read_text("utf-8"))
        paragraphs = [" ".join(sentences) for sentences in record["body-paragraphs"]]
        body = "\n\n".join(paragraphs)
        spans, cursor = [], 0
        for paragraph in paragraphs:
            spans.append(Span(cursor, cursor + len(paragraph), paragraph))
            cursor += len(paragraph) + 2
        articles.append(Article(
            id=path.stem, source=Source(SourceKind.FILE, str(path)), body=body,
            paragraphs=tuple(spans), outlet=Outlet(name=record["source"]),
            headline=record["title"], published=dt.date.fromisoformat(record["date"]),
        ))
    assert len(articles) == 3, event
    return articles


def _written(texts: Sequence[tuple[str, str, str]]) -> list[Article]:
    """Articles from (outlet, headline, body) written for these tests."""
    return [
        Article(
            id=f"t{number}", source=Source(SourceKind.FILE, f"t{number}.txt"), body=body,
            paragraphs=(Span(0, len(body), body),), outlet=Outlet(name=outlet),
            headline=headline, published=dt.date(2018, 12, 20),
        )
        for number, (outlet, headline, body) in enumerate(texts)
    ]


def _analysed(model: LoadedModel, articles: Sequence[Article]) -> list[AnalyzedArticle]:
    return list(analyze(articles, model=model, settings=load_settings().analyze))


def _resolve(story: Sequence[AnalyzedArticle], rules: CompareRules) -> StoryEntities:
    return resolve_story(story, nicknames=rules.nicknames, affiliations=rules.affiliations)


def _names_of(resolved: StoryEntities, story: Sequence[AnalyzedArticle], wanted: str
              ) -> set[str]:
    """Story names of the article entities whose own name contains ``wanted`` (not of two people
    named together, "Trump and Mattis", which stand for the first)."""
    offset = len(resolved.local) - len(story)  # a tail of the story's articles
    return {
        resolved.local[offset + index][entity.id]
        for index, analyzed in enumerate(story)
        for entity in analyzed.entities
        if wanted in entity.name and " and " not in entity.name
    }


def test_issue9_hillary_rodham_clinton_is_hillary_clinton_not_bill(
    benchdata: Path, model: LoadedModel, compare_rules: CompareRules
) -> None:
    story = _analysed(model, _basil(benchdata, CLINTON_EVENT))
    resolved = _resolve(story, compare_rules)
    hillary = _names_of(resolved, story, "Hillary")
    bill = _names_of(resolved, story, "Bill Clinton")
    assert len(hillary) == 1 and len(bill) == 1 and hillary != bill
    (name,) = hillary
    entity = next(e for e in resolved.entities if e.name == name)
    assert {"Hillary Rodham Clinton", "Hillary Clinton"} <= set(entity.names)
    # Every outlet mentions her: NYT as "Hillary Rodham Clinton", HuffPost in its headline
    # and body, Fox as "Hillary Clinton".
    assert all(name in mentioned for mentioned in resolved.mentioned)
    # Inside the NYT article, "Mrs. Clinton" is Hillary and "Mr. Clinton" is Bill.
    nyt = next(a for a in story if a.article.outlet and a.article.outlet.name == "nyt")
    for entity in nyt.entities:
        honorifics = {
            nyt.article.body[max(0, m.start - 5):m.start].strip()
            for m in entity.mentions if m.text == "Clinton"
        }
        if "Bill" in entity.name:
            assert "Mrs." not in honorifics and "Mr." in honorifics
        if "Hillary" in entity.name:
            assert "Mr." not in honorifics and "Mrs." in honorifics
    comparison = compare(story, rules=compare_rules)
    rows = [p for p in comparison.portraits if "Clinton" in p.name and p.label == "PERSON"]
    assert len({p.name for p in rows}) == len(rows)
    row = next((p for p in rows if p.name == name), None)
    if row is not None:
        assert set(row.outlets) == {"nyt", "hpo", "fox"}


def test_issue9_jim_mattis_is_james_mattis_in_the_headline(
    benchdata: Path, model: LoadedModel, compare_rules: CompareRules
) -> None:
    articles = _basil(benchdata, MATTIS_EVENT)
    story = _analysed(model, articles)
    resolved = _resolve(story, compare_rules)
    mattis = _names_of(resolved, story, "Mattis")
    assert len(mattis) == 1
    (name,) = mattis
    assert all(name in mentioned for mentioned in resolved.mentioned)
    fox = next(i for i, a in enumerate(articles) if a.outlet and a.outlet.name == "fox")
    headline = articles[fox].headline or ""
    spans = [(s, e) for s, e, n in resolved.headline[fox] if n == name]
    assert [headline[s:e] for s, e in spans] == ["James Mattis"]


def test_issue9_a_name_only_in_the_headline_is_a_mention(
    model: LoadedModel, compare_rules: CompareRules
) -> None:
    story = _analysed(model, _written([
        ("A", "Jim Mattis resigns", "Defense Secretary Jim Mattis resigned on Thursday."),
        ("B", "James Mattis quits over Syria", "The defense secretary quit on Thursday, "
              "officials said, after the president announced a withdrawal from Syria."),
    ]))
    resolved = _resolve(story, compare_rules)
    (name,) = _names_of(resolved, story, "Mattis")
    # B's body never names him; its headline does, as "James".
    assert not _names_of(resolved, story[1:], "Mattis")
    assert name in resolved.mentioned[1]
    assert [(s, e) for s, e, n in resolved.headline[1] if n == name] == [(0, 12)]


def test_issue9_a_name_opening_a_hyphenated_word_is_a_mention(
    benchdata: Path, model: LoadedModel, compare_rules: CompareRules
) -> None:
    # HuffPost names Obama only in "an Obama-era ban", which the analysis tags as no entity.
    articles = _basil(benchdata, OBAMA_ERA_EVENT)
    story = _analysed(model, articles)
    resolved = _resolve(story, compare_rules)
    hpo = next(i for i, a in enumerate(articles) if a.outlet and a.outlet.name == "hpo")
    assert "Obama-era" in articles[hpo].body
    assert not [e for e in story[hpo].entities if "Obama" in e.name]
    (name,) = _names_of(resolved, story, "Obama")
    assert name in resolved.mentioned[hpo]


def test_issue9_george_w_and_george_hw_bush_stay_apart(
    benchdata: Path, model: LoadedModel, compare_rules: CompareRules
) -> None:
    story = _analysed(model, _basil(benchdata, MATTIS_EVENT))
    resolved = _resolve(story, compare_rules)
    w = _names_of(resolved, story, "George W. Bush")
    hw = _names_of(resolved, story, "George H.W. Bush")
    assert len(w) == 1 and len(hw) == 1 and w != hw


def test_issue9_pueblo_sin_fronteras_and_defined_acronyms_are_one_organisation(
    model: LoadedModel, compare_rules: CompareRules
) -> None:
    story = _analysed(model, _written([
        ("A", "Caravan reaches the border",
         "Members of Pueblo Sin Fronteras, the group that organised the caravan, said they "
         "would ask for asylum. Immigration and Customs Enforcement (ICE) said it was ready."),
        ("B", "Migrants wait in Tijuana",
         "Pueblos Sin Fronteras said the migrants would cross on Sunday. ICE declined to say "
         "how many agents were at the crossing."),
    ]))
    resolved = _resolve(story, compare_rules)
    pueblo = _names_of(resolved, story, "Fronteras")
    assert len(pueblo) == 1
    ice = _names_of(resolved, story, "ICE") | _names_of(resolved, story, "Customs Enforcement")
    assert len(ice) == 1
    # B names the agency only by the acronym A defines: B mentions it too.
    assert ice <= resolved.mentioned[0] and ice <= resolved.mentioned[1]


def test_issue9_voices_are_speakers(model: LoadedModel, compare_rules: CompareRules) -> None:
    body = ("Defense Secretary Jim Mattis resigned. Thursday afternoon, the letter was read "
            "aloud. It said the troops would stay. Mr. Mattis's letter said allies mattered. "
            "The Washington Post in early September reported the rift. The president's aides "
            "said little. The country's disaster agency said two died.")
    (analyzed,) = _analysed(model, _written([("A", "Mattis resigns", body)]))
    view = build_view([analyzed], compare_rules)

    def source(phrase: str) -> Attribution:
        start = body.index(phrase)
        return Attribution(
            source=Span(start, start + len(phrase), phrase), entity=None,
            cue=Cue(0, 4, "said", "say", "neutral"), content=Span(0, 4, body[:4]),
            kind=AttributionKind.INDIRECT, found_by="test",
        )

    def speaker(phrase: str) -> str | None:
        found = speaker_of(source(phrase), view.articles[0], compare_rules.sides)
        return found[0] if found else None

    assert speaker("Thursday afternoon") is None
    assert speaker("It") is None
    mattis = view.articles[0].entity_names[
        next(e.id for e in analyzed.entities if "Mattis" in e.name)
    ]
    assert speaker("Mr. Mattis's letter") == mattis
    assert speaker("The Washington Post in early September") == "Washington Post"
    # A possession speaks for its owner only when it is a statement or document: aides and
    # agencies speak themselves.
    assert speaker("The president's aides") == "president's aides"
    assert speaker("The country's disaster agency") == "country's disaster agency"


def test_issue9_sides_are_actors(model: LoadedModel, compare_rules: CompareRules) -> None:
    story = _analysed(model, _written([
        ("A", "Trump defends border plan",
         "President Donald Trump said on Monday that the wall would be built. The White House "
         "said the plan was final. Sen. Ted Cruz (R-Texas) said he backed the plan. "
         "Former Marine John Kowalski, who lives in El Paso, said the wall was a waste. "
         "Pueblo Sin Fronteras said the caravan would keep moving."),
    ]))
    comparison = compare(story, rules=compare_rules)
    sides = {v.speaker: v.side for v in comparison.voices}
    trump = next(s for s in sides if "Trump" in s)
    assert sides[trump] == "US government"
    cruz = next(s for s in sides if "Cruz" in s)
    assert sides[cruz] == "Republican Party"
    assert "Marine" not in set(sides.values())
    pueblo = next((s for s in sides if "Fronteras" in s), None)
    if pueblo is not None:
        assert sides[pueblo] == pueblo
    for voice in comparison.voices:
        if voice.side is not None:
            assert voice.side_evidence is not None


def test_a_country_inside_an_organisations_name_is_not_its_side(
    model: LoadedModel, compare_rules: CompareRules
) -> None:
    # Written for this test: the model tags "UK" of "UK Finance" as a place; the trade body
    # does not speak for the UK government, the Treasury and its officials do.
    story = _analysed(model, _written([
        ("A", "Mortgage payments to rise",
         "Payments will rise by about 25 pounds a month, according to the trade body UK "
         "Finance. UK Treasury officials said the government was taking action."),
    ]))
    comparison = compare(story, rules=compare_rules)
    sides = {v.speaker: v.side for v in comparison.voices}
    finance = next(s for s in sides if "Finance" in s)
    assert sides[finance] != "UK government"
    treasury = next(s for s in sides if "Treasury" in s)
    assert sides[treasury] == "UK government"


def test_issue9_an_outlet_that_names_an_actor_in_lower_case_does_not_omit_it(
    model: LoadedModel, compare_rules: CompareRules
) -> None:
    # Written for this test: two outlets tag "the Hellenic Coast Guard"; the third writes "the
    # coast guard", which the model does not tag. No finding may say the third never mentions it.
    story = _analysed(model, _written([
        ("A", "Ferry sinks off Lesbos", "A ferry sank off Lesbos on Monday, the Coast Guard "
              "said. The Coast Guard said 198 people were rescued. The Coast Guard sent boats."),
        ("B", "Lesbos ferry sinks", "The Coast Guard said a ferry sank on Monday. The Coast "
              "Guard rescued 198 people, a Coast Guard officer said."),
        ("C", "Survivors describe ferry sinking", "A spokesman for the coast guard said 198 "
              "passengers were saved after the ferry sank on Monday."),
    ]))
    comparison = compare(story, settings=load_settings().compare, rules=compare_rules)
    omissions = [f.summary for f in comparison.findings if f.kind == "omission"]
    assert not [text for text in omissions if "Coast Guard" in text and text.startswith("C ")]
    # The scan finds the lower-case name (two words or more; a one-word name only as written).
    resolved = _resolve(story, compare_rules)
    guard = {n for n in resolved.mentioned[0] if "Coast Guard" in n}
    assert guard and guard <= resolved.mentioned[2]


def test_issue9_an_honorific_alone_is_no_descriptor(
    model: LoadedModel, compare_rules: CompareRules
) -> None:
    story = _analysed(model, _written([
        ("A", "Inquiry ordered", "Prime Minister Kyriakos Mitsotakis ordered an inquiry on "
              "Monday. Mr Mitsotakis said the government would act."),
        ("B", "Inquiry promised", "Mr Mitsotakis promised an investigation on Monday."),
    ]))
    texts = [d.text for a in story for e in a.entities for d in e.descriptors]
    assert not [t for t in texts if t.rstrip(".").lower() in ("mr", "mrs", "ms")]


def test_issue9_no_omission_is_claimed_of_an_outlet_that_names_a_namesake(
    model: LoadedModel, compare_rules: CompareRules
) -> None:
    # Written for this test: C's "Nick Alexiou" may be A's and B's "Nikos Alexiou" (the rules
    # keep different first names apart, so he is another row), so C is not said to omit him;
    # D names no Alexiou at all and is.
    texts = [
        ("A", "Ferry sinks off Lesbos", "Nikos Alexiou, a coast guard spokesman, said the ferry "
              "sank in 40 minutes. Nikos Alexiou said 198 people were rescued."),
        ("B", "Lesbos ferry sinks", "The ferry sank quickly, Nikos Alexiou told reporters. "
              "Nikos Alexiou said rescuers saved 198 people."),
        ("C", "Survivors describe sinking", "Nick Alexiou, a spokesman, said 198 passengers were "
              "saved after the ferry sank."),
        ("D", "Ferry disaster", "A ferry sank off Lesbos and 198 passengers were saved, the coast "
              "guard said."),
    ]
    story = _analysed(model, _written(texts))
    comparison = compare(story, settings=load_settings().compare, rules=compare_rules)
    omissions = [f.summary for f in comparison.findings if f.kind == "omission"]
    about = [text for text in omissions if "Nikos Alexiou" in text]
    assert about, omissions
    assert all(text.startswith("D never") for text in about)

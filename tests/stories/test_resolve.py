"""Cross-article entity resolution on analysed real sentences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from newsprism.analyze import analyze
from newsprism.analyze.nlp import LoadedModel, load_model
from newsprism.config import load_settings
from newsprism.model import AnalyzedArticle, Article, Source, SourceKind
from newsprism.stories.resolve import EntityResolver, name_words, role_key


@pytest.fixture(scope="module")
def model() -> LoadedModel:
    return load_model()


def _analysed(model: LoadedModel, bodies: list[str]) -> Iterator[AnalyzedArticle]:
    articles = [
        Article(
            id=f"a{number}",
            source=Source(SourceKind.FILE, f"a{number}.txt"),
            body=body,
            paragraphs=(),
            published=dt.date(2022, 7, 29),
        )
        for number, body in enumerate(bodies)
    ]
    return analyze(articles, model=model, settings=load_settings().analyze)


def _person(resolver: EntityResolver, surname: str) -> list[tuple[str, ...]]:
    return sorted(
        e.aliases for e in resolver.entities() if any(a.endswith(surname) for a in e.aliases)
    )


def test_lavrov_in_every_form_is_one_entity(model: LoadedModel) -> None:
    bodies = [
        "Russian Foreign Minister Sergey Lavrov said on Friday that talks with Washington"
        " would continue. Lavrov spoke in Moscow.",
        "Lavrov told reporters in Tashkent that Moscow was ready for a deal.",
        "Sergey Lavrov met his Turkish counterpart in Ankara on Thursday.",
    ]
    resolver = EntityResolver()
    for number, item in enumerate(_analysed(model, bodies)):
        resolver.add(item, story="s1", outlet=f"outlet{number}")
    (lavrov,) = [e for e in resolver.entities() if e.name == "Sergey Lavrov"]
    assert set(lavrov.articles) == {"a0", "a1", "a2"}
    assert set(lavrov.aliases) >= {"Sergey Lavrov", "Lavrov"}
    assert "Russian Foreign Minister" in lavrov.roles
    assert lavrov.outlets == ("outlet0", "outlet1", "outlet2")


def test_people_sharing_a_surname_do_not_merge(model: LoadedModel) -> None:
    bodies = [
        "President Joe Biden signed the bill at the White House on Friday.",
        "Hunter Biden appeared in a Delaware court on Wednesday, his lawyers said.",
        "Biden told reporters the bill would lower drug prices.",
    ]
    analysed = list(_analysed(model, bodies))
    resolver = EntityResolver()
    resolver.add(analysed[0], story="s-bill")
    resolver.add(analysed[1], story="s-court")
    resolver.add(analysed[2], story="s-bill")
    people = _person(resolver, "Biden")
    assert len(people) == 2
    joe = next(e for e in resolver.entities() if e.name == "Joe Biden")
    hunter = next(e for e in resolver.entities() if e.name == "Hunter Biden")
    # The bare surname goes to the Biden of its own story.
    assert set(joe.articles) == {"a0", "a2"}
    assert hunter.articles == ("a1",)


def test_bare_surname_without_context_stays_apart(model: LoadedModel) -> None:
    bodies = [
        "Joe Biden signed the bill on Friday.",
        "Hunter Biden appeared in court on Wednesday.",
        "Biden spoke on Tuesday.",
    ]
    analysed = list(_analysed(model, bodies))
    resolver = EntityResolver()
    for number, item in enumerate(analysed):
        resolver.add(item, story=f"s{number}")
    assert len(_person(resolver, "Biden")) == 3


def test_restore_continues_resolution(model: LoadedModel) -> None:
    first, second = _analysed(
        model,
        [
            "Karine Jean-Pierre, the White House press secretary, spoke on Friday.",
            "Jean-Pierre said Moscow had failed to negotiate seriously.",
        ],
    )
    resolver = EntityResolver()
    resolver.add(first, story="s1")
    again = EntityResolver()
    again.restore(resolver.entities())
    assert again.resolved("a0")
    again.add(second, story="s1")
    (karine,) = [e for e in again.entities() if e.name == "Karine Jean-Pierre"]
    assert karine.articles == ("a0", "a1")


def test_name_words_and_role_keys() -> None:
    assert name_words("Mr. Sergey Lavrov Jr.") == ["sergey", "lavrov"]
    assert name_words("Putin's") == ["putin"]
    assert role_key("the Russian Foreign Minister") == "russian foreign minister"


def test_issue9_bush_father_and_son_stay_apart_mattis_nickname_joins(model: LoadedModel) -> None:
    bodies = [
        "George W. Bush sent troops to Iraq in 2003, the former president wrote.",
        "George H.W. Bush led the coalition in the Gulf War of 1991.",
        "Defense Secretary Jim Mattis resigned on Thursday.",
        "James Mattis said in his letter that allies mattered.",
    ]
    resolver = EntityResolver()
    for number, item in enumerate(_analysed(model, bodies)):
        resolver.add(item, story="s1", outlet=f"outlet{number}")
    bushes = [e for e in resolver.entities() if any("Bush" in a for a in e.aliases)]
    assert sorted(e.articles for e in bushes) == [("a0",), ("a1",)]
    (mattis,) = [e for e in resolver.entities() if any("Mattis" in a for a in e.aliases)]
    assert set(mattis.articles) == {"a2", "a3"}
    assert {"Jim Mattis", "James Mattis"} <= set(mattis.aliases)

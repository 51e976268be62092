"""Store queries of the corpus views (issue 12): one entity across the corpus, an article's
global entity ids, on every backend; and the views of ``newsprism.corpus`` over them."""

from __future__ import annotations

import datetime as dt

import pytest

from newsprism.config import load_settings
from newsprism.corpus import StoryQuery, entity_view, find_stories, outlet_profiles, rate, share
from newsprism.errors import InputError
from newsprism.ingest.outlets import load_outlets
from newsprism.pipeline import Analyzer, InputSpec, ingest_into, resolve_entities_into
from newsprism.store import Store


@pytest.fixture
def resolved(store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer) -> Store:
    settings = load_settings()
    ingest_into(sample_inputs, store=store, settings=settings, outlets=load_outlets(),
                analyzer=analyzer)
    resolve_entities_into(store=store, settings=settings, analyzer=analyzer)
    return store


def _entity(store: Store, name: str) -> str:
    return next(e.id for e in store.list_entities(limit=500) if e.name == name)


def test_issue12_entity_descriptors_across_articles(resolved: Store) -> None:
    bout = _entity(resolved, "Viktor Bout")
    assert resolved.get_entity(bout) is not None and resolved.get_entity("nobody") is None
    rows = resolved.entity_descriptors(bout)
    assert {("RT", "jailed Russian businessman"), ("CNN", "convicted Russian arms dealer")} <= {
        (r.outlet, r.text) for r in rows
    }
    for row in rows:
        article = resolved.get_article(row.article_id)
        assert article is not None and article.body[row.start_char : row.end_char] == row.text
        assert row.published == dt.date(2022, 7, 29)
    assert len(resolved.entity_descriptors(bout, limit=1)) == 1


def test_issue12_entity_quotes_with_their_verbs(resolved: Store) -> None:
    quotes = resolved.entity_quotes(_entity(resolved, "Karine Jean-Pierre"))
    assert quotes and {q.outlet for q in quotes} == {"RT"}
    stressed = next(q for q in quotes if q.cue_text == "stressed")
    article = resolved.get_article(stressed.article_id)
    assert article is not None
    assert article.body[stressed.cue_start : stressed.cue_end] == "stressed"
    assert article.body[stressed.content_start : stressed.content_end] == stressed.content_text
    assert "good faith" in stressed.content_text


def test_issue12_global_ids_of_an_article(resolved: Store) -> None:
    bout = _entity(resolved, "Viktor Bout")
    entity = resolved.get_entity(bout)
    assert entity is not None
    for occurrence in entity.occurrences:
        assert resolved.global_ids(occurrence.article)[occurrence.entity] == bout
    assert resolved.global_ids("no-such-article") == {}


def test_issue12_entity_view_groups_by_outlet(resolved: Store) -> None:
    view = entity_view(resolved, _entity(resolved, "Viktor Bout"))
    assert view is not None and len(view.stories) == 1
    by_outlet = view.descriptors_by_outlet()
    assert "jailed Russian businessman" in dict(by_outlet["RT"])
    assert [month for month, _ in view.descriptors_by_month()] == ["2022-07"]
    assert entity_view(resolved, "nobody") is None


def test_issue12_find_stories_filters(resolved: Store) -> None:
    (story,) = resolved.list_stories()
    assert find_stories(resolved, StoryQuery()).total == 1
    assert find_stories(resolved, StoryQuery(outlet="CNN", min_outlets=2)).stories == (story,)
    assert find_stories(resolved, StoryQuery(min_outlets=3)).total == 0
    assert find_stories(resolved, StoryQuery(text="Lavrov")).total == 1
    assert find_stories(resolved, StoryQuery(text="zebra giraffe")).total == 0
    day = dt.date(2022, 7, 29)
    assert find_stories(resolved, StoryQuery(since=day, until=day)).total == 1
    assert find_stories(resolved, StoryQuery(since=day + dt.timedelta(days=1))).total == 0
    with pytest.raises(InputError):
        find_stories(resolved, StoryQuery(since=day, until=day - dt.timedelta(days=1)))


def test_issue12_outlet_profiles_count_every_statement(resolved: Store) -> None:
    profiles = outlet_profiles(resolved)
    analyses = list(resolved.iter_analyses())
    assert profiles.articles == len(analyses) == 2
    for analysis in analyses:
        credited = analysis.article.original_outlet or analysis.article.outlet
        assert credited is not None
        profile = profiles.get(credited.name)
        assert profile is not None and profile.stories == 1
        assert profile.statements.count == len(analysis.attributions)
        assert profile.words == len(analysis.article.body.split())
        marked = [a for a in analysis.attributions if a.cue.class_ == "marked"]
        assert profile.verbs.get("marked", rate(0, 1)).count == len(marked)


def test_issue12_rates_and_shares_have_intervals() -> None:
    none = rate(0, 2000)
    assert (none.per_1000, none.low) == (0.0, 0.0) and none.high == pytest.approx(1.8445)
    ten = rate(10, 1000)  # exact Poisson 95% limits for 10 events: 4.795, 18.39
    assert ten.per_1000 == 10.0
    assert ten.low == pytest.approx(4.795, abs=0.02) and ten.high == pytest.approx(18.39, abs=0.05)
    half = share(5, 10)  # Wilson score interval: 0.2366 .. 0.7634
    assert half.low == pytest.approx(0.2366, abs=1e-4)
    assert half.high == pytest.approx(0.7634, abs=1e-4)
    assert share(0, 0).share == 0.0

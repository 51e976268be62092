"""The library pipeline over a store (issue 11): analyses stored with their articles, completed
later, read back exactly, and compared without loading spaCy; on every backend."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newsprism.analyze.tokens import TOKENS_VERSION
from newsprism.config import Settings, load_settings, replace_section
from newsprism.ingest.outlets import load_outlets
from newsprism.model import AnalyzedArticle
from newsprism.pipeline import (
    Analyzer,
    InputSpec,
    ProgressEvent,
    analyze_store,
    compare_story,
    comparison_key,
    ingest_into,
    run,
)
from newsprism.store import SQLiteStore, Store, open_store
from newsprism.store.base import SearchQuery
from newsprism.store.search import search
from tests.conftest import REPO_ROOT

SETTINGS = load_settings()
OUTLETS = load_outlets()


def _ingest(
    store: Store, inputs: list[InputSpec], analyzer: Analyzer | None, settings: Settings = SETTINGS
) -> list[ProgressEvent]:
    events: list[ProgressEvent] = []
    ingest_into(
        inputs,
        store=store,
        settings=settings,
        outlets=OUTLETS,
        analyzer=analyzer,
        on_progress=events.append,
    )
    return events


def test_issue11_ingest_stores_each_analysis_with_its_article(
    store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    events = _ingest(store, sample_inputs, analyzer)
    # Then the one story both articles are in is compared, and the comparison kept.
    assert [e.stage for e in events] == ["ingest", "ingest", "analyze", "analyze", "compare"]
    assert store.pending_analysis() == []
    stored = list(store.iter_analyses())
    assert [a.article.outlet.name for a in stored if a.article.outlet] == ["RT", "KION 46"]
    fresh = analyzer.analyze([a.article for a in stored])
    # Read back whole: entities, mentions, attributions, times, sentences with their text.
    assert stored == fresh
    rt = stored[0]
    assert rt.nlp_model == analyzer.nlp_model and rt.made_by == analyzer.made_by
    assert rt.made_by.startswith("newsprism ") and "rules " in rt.made_by
    body = rt.article.body
    assert all(body[s.start : s.end] == s.text for s in rt.sentences)
    assert len(rt.sentences) > 5
    claimed = [a for a in rt.attributions if a.cue.text == "claimed"]
    assert claimed and claimed[0].source is not None
    assert body[claimed[0].source.start : claimed[0].source.end] == claimed[0].source.text


def test_issue11_articles_stored_without_analysis_are_completed_resumably(
    store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    _ingest(store, sample_inputs, None)
    ids = [a.id for a in store.list_articles()]
    assert store.pending_analysis() == ids
    events: list[ProgressEvent] = []
    first = analyze_store(
        store, analyzer=analyzer, settings=SETTINGS, limit=1, on_progress=events.append
    )
    assert (first.analysed, first.pending) == (1, 2)
    assert events == [ProgressEvent("analyze", 1, 1, events[0].where)]
    assert store.pending_analysis() == ids[1:]
    second = analyze_store(store, analyzer=analyzer, settings=SETTINGS)
    assert (second.analysed, second.pending) == (1, 1)
    assert store.pending_analysis() == []
    assert analyze_store(store, analyzer=analyzer, settings=SETTINGS).analysed == 0


def test_issue11_analyses_made_by_another_version_can_be_redone(
    store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    _ingest(store, sample_inputs, analyzer)
    old = store.get_analysis(store.list_articles()[0].id)
    assert old is not None
    store.save_analyses([dataclasses.replace(old, made_by="newsprism 0.0.1; rules old")])
    assert store.pending_analysis() == []
    stale = store.pending_analysis(nlp_model=analyzer.nlp_model, made_by=analyzer.made_by)
    assert stale == [old.article.id]
    report = analyze_store(
        store, analyzer=analyzer, settings=SETTINGS, redo_other_versions=True
    )
    assert report.analysed == 1
    assert store.get_analysis(old.article.id) == old
    # Re-saving replaced the analysis's rows and search entries: nothing is found twice.
    hits = search(store, SearchQuery("negotiate", scope="quotes"))
    assert len(hits) == len({(h.article_id, h.start_char) for h in hits})


def test_issue11_compare_from_stored_analyses_matches_from_scratch(
    store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    _ingest(store, sample_inputs, analyzer)
    story = max(store.list_stories(), key=lambda s: len(s.articles))
    assert len(story.articles) == 2

    def no_analyzer() -> Analyzer:
        raise AssertionError("every article has a stored analysis")

    stored = compare_story(store, story.id, settings=SETTINGS, analyzer=no_analyzer)
    from newsprism.compare import compare

    scratch = compare(
        analyzer.analyze([a.article for a in store.iter_analyses()]), settings=SETTINGS.compare
    )
    assert stored == scratch
    assert [o.outlet for o in stored.outlets] == ["RT", "CNN"]


def test_issue11_compare_analyses_what_was_stored_without_analysis(
    store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    _ingest(store, sample_inputs, None)
    story = max(store.list_stories(), key=lambda s: len(s.articles))
    comparison = compare_story(store, story.id, settings=SETTINGS, analyzer=analyzer)
    assert {a.id for a in comparison.articles} == {m.id for m in story.articles}
    assert store.pending_analysis() == []


def test_issue11_run_is_the_whole_flow(
    store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    events: list[ProgressEvent] = []
    report = run(
        sample_inputs,
        store=store,
        settings=SETTINGS,
        outlets=OUTLETS,
        analyzer=analyzer,
        on_progress=events.append,
    )
    assert (report.ingest.added, report.ingest.analysed) == (2, 2)
    assert report.entities.analysed == 2
    assert {e.stage for e in events} == {"ingest", "analyze", "entities", "compare"}
    (story_id, comparison), = report.comparisons
    assert store.get_story(story_id) is not None
    assert {f.kind for f in comparison.findings} >= {"headline"}
    bout = [e for e in store.list_entities(label="PERSON") if e.name == "Viktor Bout"]
    assert bout and set(bout[0].outlets) == {"RT", "CNN"}


def _largest_story_db(
    tmp_path: Path, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> tuple[Path, str]:
    """The samples ingested into a new database, and the id of its largest story."""
    db = tmp_path / "news.db"
    with open_store(db) as store:
        _ingest(store, sample_inputs, analyzer)
        story = max(store.list_stories(), key=lambda s: len(s.articles)).id
    return db, story


def _run_probe(code: str) -> subprocess.CompletedProcess[str]:
    """Python code run in a fresh interpreter, so the modules it imports can be inspected."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=True
    )


def test_issue11_comparing_a_stored_story_loads_no_spacy(
    tmp_path: Path, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    db, story = _largest_story_db(tmp_path, sample_inputs, analyzer)
    probe = textwrap.dedent(
        f"""
        import sys
        from newsprism.config import load_settings
        from newsprism.pipeline import compare_story
        from newsprism.store import open_store
        with open_store({str(db)!r}) as store:
            comparison = compare_story(store, {story!r}, settings=load_settings())
        print(len(comparison.outlets), "spacy" in sys.modules)
        """
    )
    result = _run_probe(probe)
    assert result.stdout.split() == ["2", "False"]


def test_issue11_an_older_database_is_migrated_and_indexed(
    tmp_path: Path, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    # A database as schema 4 left it: articles, no analyses, no search index.
    db = tmp_path / "old.db"
    with SQLiteStore(db) as store:
        _ingest(store, sample_inputs, None)
    with sqlite3.connect(db) as raw:
        for table in ("articles_fts", "quotes_fts", "entities_fts", "analyses", "entities",
                      "mentions", "descriptors", "attributions", "times"):
            raw.execute(f"DROP TABLE {table}")
        raw.execute("DELETE FROM schema_migrations WHERE version >= 5")
    with SQLiteStore(db) as store:
        assert store.schema_version >= 5
        hits = search(store, SearchQuery("Lavrov"))
        assert [h.outlet for h in hits] == ["KION 46"]
        assert len(store.pending_analysis()) == 2
        analyze_store(store, analyzer=analyzer, settings=SETTINGS)
        quotes = search(store, SearchQuery("good faith", scope="quotes"))
        assert quotes and all(q.outlet == "RT" for q in quotes)


def test_issue11_a_batch_is_one_transaction_with_its_analyses(
    tmp_path: Path, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    # An analysis that cannot be written takes its batch's articles with it.
    settings = replace_section(SETTINGS, "ingest", batch_size=10)
    db = tmp_path / "news.db"
    with SQLiteStore(db) as store:
        broken = dataclasses.replace(analyzer, settings=analyzer.settings)

        class Failing:
            nlp_model = broken.nlp_model
            made_by = broken.made_by

            def analyze(self, articles: list[object]) -> list[AnalyzedArticle]:
                done = broken.analyze(articles)  # type: ignore[arg-type]
                # The second analysis names an article that is not stored: a foreign key fails.
                ghost = dataclasses.replace(done[0].article, id="0" * 16)
                return [done[0], dataclasses.replace(done[1], article=ghost)]

        with pytest.raises(Exception, match="FOREIGN KEY"):
            _ingest(store, sample_inputs, Failing(), settings)  # type: ignore[arg-type]
        assert store.count().articles == 0
        assert list(store.iter_analyses()) == []


def test_issue13_records_one_at_a_time_add_the_publications_ingest_adds(
    tmp_path: Path, corpus_texts: dict[str, str]
) -> None:
    # The same text from three places: a second URL (a publication), the first URL again
    # (none), and the first URL under a stated outlet (a publication). Read apart, as the Spark
    # job reads records, the publications are those ingest_into stores.
    import json

    from newsprism.ingest import read_inputs
    from newsprism.pipeline import (
        Extracted,
        added_publications,
        extract_records,
        own_publication,
        publication_of,
    )
    from newsprism.store import MemoryStore

    text = corpus_texts["rt"]
    rows = [
        {"text": text, "url": "https://www.rt.com/news/a"},
        {"text": text, "url": "https://mirror.example.org/a"},
        {"text": text, "url": "https://www.rt.com/news/a"},
        {"text": text, "url": "https://www.rt.com/news/a", "outlet": "Sputnik"},
    ]
    path = tmp_path / "same.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", "utf-8")
    store = MemoryStore()
    _ingest(store, [InputSpec(str(path))], None)
    [stored] = list(store.iter_articles())

    found = list(extract_records(read_inputs([str(path)], settings=SETTINGS, outlets=OUTLETS),
                                 settings=SETTINGS, outlets=OUTLETS))
    assert all(isinstance(item, Extracted) for item in found)
    first, *again = [item for item in found if isinstance(item, Extracted)]
    assert {item.article.id for item in found if isinstance(item, Extracted)} == {stored.id}
    added = added_publications(
        own_publication(first.article), [publication_of(item.document) for item in again]
    )
    assert [own_publication(first.article), *added] == store.publications(stored.id)
    assert [p.url for p in added] == ["https://mirror.example.org/a", "https://www.rt.com/news/a"]


def test_issue11_analyses_stored_before_tokens_are_read_and_marked_for_redoing(
    tmp_path: Path, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    # A database written before analyses kept their tokens: no "tokens" in the stored record,
    # a made_by without a tokens version.
    import json

    db, story = _largest_story_db(tmp_path, sample_inputs, analyzer)
    with open_store(db) as store:
        with_tokens = compare_story(store, story, settings=SETTINGS)
    with sqlite3.connect(db) as raw:
        for article_id, record in raw.execute("SELECT article_id, record FROM analyses").fetchall():
            data = json.loads(record)
            del data["tokens"]
            data["made_by"] = data["made_by"].removesuffix(f"; tokens {TOKENS_VERSION}")
            raw.execute("UPDATE analyses SET record = ?, made_by = ? WHERE article_id = ?",
                        (json.dumps(data), data["made_by"], article_id))
    with open_store(db) as store:
        old = list(store.iter_analyses())
        assert len(old) == 2 and all(a.tokens == () and a.entities for a in old)
        # compare reads the words from the text instead, to the same comparison.
        assert compare_story(store, story, settings=SETTINGS) == with_tokens
        assert len(store.pending_analysis(nlp_model=analyzer.nlp_model,
                                          made_by=analyzer.made_by)) == 2
        analyze_store(store, analyzer=analyzer, settings=SETTINGS, redo_other_versions=True)
        assert all(a.tokens for a in store.iter_analyses())


# -- stored comparisons (issue 12): kept per story, read by pages and compare --db, never stale --


def _boom(*args: object, **kwargs: object) -> None:
    raise AssertionError("the kept comparison was up to date: nothing should be compared")


def test_issue12_ingest_keeps_the_comparison_of_each_story_it_touched(
    store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _ingest(store, sample_inputs, analyzer)
    story = max(store.list_stories(), key=lambda s: len(s.articles))
    key = comparison_key(store, story, settings=SETTINGS)
    assert key is not None
    kept = store.get_comparison(story.id, key)
    fresh = compare_story(store, story.id, settings=SETTINGS, stored=False)
    # Read back exactly (through JSON on SQLite and PostgreSQL).
    assert kept == fresh
    assert [o.outlet for o in fresh.outlets] == ["RT", "CNN"]
    assert store.get_comparison(story.id, "0" * 64) is None
    # A reader gets the kept comparison without comparing.
    monkeypatch.setattr("newsprism.compare.compare", _boom)
    assert compare_story(store, story.id, settings=SETTINGS) == fresh


def test_issue12_adding_an_article_to_a_story_changes_its_comparison(
    store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    rt, cnn = sample_inputs
    _ingest(store, [rt], analyzer)
    [story] = store.list_stories()
    before = compare_story(store, story.id, settings=SETTINGS)
    assert [o.outlet for o in before.outlets] == ["RT"]
    # The CNN article joins the story; this ingest compares nothing, so the first reader finds
    # the kept comparison computed from the story's one article, and must compare again.
    ingest_into([cnn], store=store, settings=SETTINGS, outlets=OUTLETS, analyzer=analyzer,
                compare_stories=False)
    grown = store.get_story(story.id)
    assert grown is not None and len(grown.articles) == 2
    after = compare_story(store, story.id, settings=SETTINGS)
    assert [o.outlet for o in after.outlets] == ["RT", "CNN"]
    assert after != before
    assert after == compare_story(store, story.id, settings=SETTINGS, stored=False)
    # And it is kept for the next reader.
    key = comparison_key(store, grown, settings=SETTINGS)
    assert key is not None and store.get_comparison(story.id, key) == after


def test_issue12_a_new_analysis_or_publication_makes_the_kept_comparison_stale(
    store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    from newsprism.model import Outlet, Publication

    _ingest(store, sample_inputs, analyzer)
    story = max(store.list_stories(), key=lambda s: len(s.articles))
    first = comparison_key(store, story, settings=SETTINGS)
    rt = store.get_analysis(story.articles[0].id)
    assert rt is not None and rt.attributions
    # The same model saves an analysis without RT's quotes (within the same second).
    store.save_analyses([dataclasses.replace(rt, attributions=())])
    second = comparison_key(store, story, settings=SETTINGS)
    assert second not in (None, first)
    assert store.get_comparison(story.id, second) is None
    quieter = compare_story(store, story.id, settings=SETTINGS)
    assert quieter == compare_story(store, story.id, settings=SETTINGS, stored=False)
    assert not [v for v in quieter.voices if v.outlet == "RT"]
    # The RT text also ran on another site: a publication, another fingerprint.
    source = rt.article.source
    store.add_batch([], [], [], publications=[
        Publication(rt.article.id, source, "https://mirror.example.org/rt", Outlet("Mirror"))])
    third = comparison_key(store, story, settings=SETTINGS)
    assert third not in (None, first, second)
    assert store.get_comparison(story.id, third) is None


def test_issue12_a_story_with_an_unanalysed_article_is_left_to_its_reader(
    store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    events = _ingest(store, sample_inputs, None)
    assert "compare" not in {e.stage for e in events}
    story = max(store.list_stories(), key=lambda s: len(s.articles))
    assert comparison_key(store, story, settings=SETTINGS) is None
    # analyze --db completes the articles, then compares their story and keeps it.
    analyze_store(store, analyzer=analyzer, settings=SETTINGS)
    key = comparison_key(store, story, settings=SETTINGS)
    assert key is not None
    assert store.get_comparison(story.id, key) == compare_story(
        store, story.id, settings=SETTINGS, stored=False)


def test_issue11_compare_db_prints_the_kept_comparison_without_loading_compare(
    tmp_path: Path, sample_inputs: list[InputSpec], analyzer: Analyzer
) -> None:
    # After an ingest, `newsprism compare STORY --db` reads the comparison the ingest kept: the
    # compare stage, numpy and spaCy never load (start-up is then most of what it costs).
    import json

    from newsprism.model import StoryComparison, from_dict

    db, story = _largest_story_db(tmp_path, sample_inputs, analyzer)
    with open_store(db) as store:
        fresh = compare_story(store, story, settings=SETTINGS, stored=False)
    probe = textwrap.dedent(
        f"""
        import sys
        from newsprism.cli import main
        sys.argv = ["newsprism", "compare", {story!r}, "--db", {str(db)!r}, "--format", "json"]
        try:
            main()
        except SystemExit:
            pass
        heavy = ("newsprism.compare", "newsprism.analyze", "numpy", "spacy")
        print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)
        """
    )
    result = _run_probe(probe)
    assert from_dict(StoryComparison, json.loads(result.stdout)) == fresh
    assert result.stderr.strip().splitlines()[-1] == "[]"

"""The public surface is pinned: a change to it is a deliberate change to this list."""

from __future__ import annotations

import importlib

import newsprism


def test_public_members_are_exactly_these() -> None:
    assert sorted(newsprism.__all__) == sorted(
        [
            "Article",
            "NewsprismError",
            "RawDocument",
            "Skipped",
            "__version__",
            "analyze_articles",
            "compare_story",
            "export_tables",
            "extract_articles",
            "extract_report",
            "ingest_articles",
            "read",
            "search",
        ]
    )
    for name in newsprism.__all__:
        assert getattr(newsprism, name) is not None


def test_api_functions_and_stage_packages_do_not_share_names() -> None:
    importlib.import_module("newsprism.ingest.outlets")
    importlib.import_module("newsprism.extract")
    importlib.import_module("newsprism.analyze.timex")
    assert newsprism.analyze_articles.__module__ == "newsprism.api"
    assert newsprism.ingest_articles.__module__ == "newsprism.api"
    assert newsprism.extract_articles.__module__ == "newsprism.api"
    packages = {"ingest", "extract", "analyze", "stories", "compare", "present", "store", "cli"}
    assert not packages & set(newsprism.__all__)

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
            "analyze",
            "extract",
            "extract_report",
            "ingest",
            "read",
        ]
    )
    for name in newsprism.__all__:
        assert getattr(newsprism, name) is not None


def test_api_functions_survive_importing_stage_packages() -> None:
    # The stage packages share names with API functions; importing them must not rebind those.
    importlib.import_module("newsprism.ingest.outlets")
    importlib.import_module("newsprism.extract")
    importlib.import_module("newsprism.analyze.timex")
    assert callable(newsprism.ingest)
    assert callable(newsprism.analyze)
    assert newsprism.analyze.__module__ == "newsprism.api"
    assert callable(newsprism.extract)
    assert newsprism.ingest.__module__ == "newsprism.api"

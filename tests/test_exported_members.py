"""The public surface is pinned: a change to it is a deliberate change to this list."""

from __future__ import annotations

import importlib
import subprocess
import sys

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
            "extract_articles",
            "extract_report",
            "ingest_articles",
            "read",
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


def _modules_loaded_by(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return {line.split(".")[0] for line in result.stdout.splitlines()}


def test_import_newsprism_loads_no_heavy_library() -> None:
    loaded = _modules_loaded_by("import newsprism")
    assert not {"spacy", "trafilatura", "scipy", "numpy", "typer", "lxml"} & loaded
    assert "newsprism" in loaded


def test_help_loads_no_heavy_library() -> None:
    code = (
        "import sys\nfrom newsprism.cli import app\nsys.argv = ['newsprism', '--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    loaded = _modules_loaded_by(code)
    assert not {"spacy", "trafilatura", "scipy", "numpy", "lxml", "thinc"} & loaded

"""What importing newsprism costs: no model library loads before a command needs it (issue 11)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = frozenset({"spacy", "thinc", "trafilatura", "scipy", "numpy", "lxml"})


def _modules_loaded_by(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return {line.split(".")[0] for line in result.stdout.splitlines()}


def test_issue11_import_newsprism_loads_no_heavy_library() -> None:
    loaded = _modules_loaded_by("import newsprism")
    assert not (HEAVY | {"typer", "rich"}) & loaded
    assert "newsprism" in loaded


def test_help_loads_no_heavy_library() -> None:
    code = (
        "import sys\nfrom newsprism.cli import app\nsys.argv = ['newsprism', '--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    loaded = _modules_loaded_by(code)
    assert not HEAVY & loaded
    assert "typer" in loaded


@pytest.mark.parametrize(
    "module", ["newsprism.compare", "newsprism.store.sqlite", "newsprism.analyze.cues"]
)
def test_comparing_stored_analyses_needs_no_spacy(module: str) -> None:
    # compare --db reads analyses from the store: the comparison code must not load spaCy, nor
    # scipy and the story clusterer (issue 11: what `compare --db` loads is what it costs).
    loaded = _modules_loaded_by(f"import {module}")
    assert not {"spacy", "scipy", "trafilatura"} & loaded

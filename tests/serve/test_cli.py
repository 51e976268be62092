"""``newsprism serve`` on the command line: what it refuses before it listens."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from tests.serve.conftest import Served

runner = CliRunner()


def test_issue12_serve_needs_a_database(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 2
    assert "no database" in result.stderr


def test_issue12_ingest_needs_a_token(
    sqlite_served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSPRISM_TOKEN", raising=False)
    result = runner.invoke(app, ["serve", "--db", sqlite_served.db, "--allow-ingest"])
    assert result.exit_code == 2
    assert "--allow-ingest needs a token" in result.stderr


def test_issue12_serve_help_shows_the_safety_options() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--allow-ingest", "--token", "--allow-private-urls", "--host", "--port"):
        assert option in result.stdout

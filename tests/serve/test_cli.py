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


def test_issue12_each_worker_builds_its_app_from_the_environment(
    sqlite_served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from fastapi.testclient import TestClient

    from newsprism.errors import ConfigError
    from newsprism.serve.app import app_from_environment
    from newsprism.serve.environment import CONFIG_ENV, TOKEN_ENV

    monkeypatch.setenv(CONFIG_ENV, json.dumps({"db": sqlite_served.db, "allow_ingest": True}))
    monkeypatch.setenv(TOKEN_ENV, "t0ken")
    app = app_from_environment()
    assert app.state.corpus.config.token == "t0ken"
    assert app.state.corpus.config.allow_private_urls is False
    with TestClient(app) as client:
        assert client.get("/api/stories").json()["total"] >= 2
        refused = client.post("/api/ingest", json={"urls": ["http://127.0.0.1/"]},
                              headers={"Authorization": "Bearer wrong"})
        assert refused.status_code == 401
    monkeypatch.setenv(CONFIG_ENV, "{not json")
    with pytest.raises(ConfigError):
        app_from_environment()

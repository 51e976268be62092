"""Settings: packaged defaults, a user file over them, flags over both; typos are errors."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from newsprism.config import load_settings
from newsprism.errors import ConfigError


def test_defaults_load_with_every_section() -> None:
    settings = load_settings()
    assert settings.ingest.max_bytes == 50 * 1024 * 1024
    assert 0 < settings.dedup.near_threshold <= 1
    assert settings.sources == ("defaults.toml",)


def test_user_file_overrides_defaults_and_flags_override_file(tmp_path: Path) -> None:
    user = tmp_path / "newsprism.toml"
    user.write_text("[fetch]\nretries = 5\ntimeout_seconds = 3\n", encoding="utf-8")
    settings = load_settings(user, overrides={"fetch": {"retries": 1}})
    assert settings.fetch.timeout_seconds == 3
    assert settings.fetch.retries == 1
    assert settings.sources == ("defaults.toml", str(user))


def test_environment_names_the_user_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "env.toml"
    user.write_text("[dedup]\nnear_threshold = 0.9\n", encoding="utf-8")
    monkeypatch.setenv("NEWSPRISM_CONFIG", str(user))
    assert load_settings().dedup.near_threshold == 0.9


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[fetch]\nretrys = 3\n", "unknown key fetch.retrys"),
        ("[fech]\nretries = 3\n", r"unknown settings section \[fech\]"),
        ("[fetch]\nretries = 'three'\n", "fetch.retries must be int"),
        ("[fetch\n", "not valid TOML"),
    ],
)
def test_bad_user_file_names_file_and_problem(tmp_path: Path, content: str, message: str) -> None:
    user = tmp_path / "bad.toml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(user)
    assert str(user) in str(caught.value)
    assert str(caught.value).startswith("[E200]")


def test_missing_user_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="settings file not found"):
        load_settings(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[stories]\nlink = "centriod"\n', "stories.link must be 'average' or 'centroid'"),
        ('[compare]\noverlap = "dice"\n',
         "compare.overlap must be 'words' or 'jaccard' or 'cosine'"),
        ("[dedup]\nnear_threshold = -0.5\n", "dedup.near_threshold must not be negative"),
    ],
)
def test_values_outside_a_settings_choices_are_errors(
    tmp_path: Path, content: str, message: str
) -> None:
    user = tmp_path / "typo.toml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(user)
    assert str(user) in str(caught.value)


def test_defaults_are_written_once_in_defaults_toml() -> None:
    # The records carry no default values: every value comes from defaults.toml.
    import dataclasses

    from newsprism import config

    packaged = tomllib.loads(
        resources.files("newsprism.data").joinpath("defaults.toml").read_text("utf-8")
    )
    settings = load_settings()
    for name, values in packaged.items():
        section = getattr(settings, name)
        for item in dataclasses.fields(section):
            assert item.default is dataclasses.MISSING, f"{name}.{item.name} has a code default"
            assert item.default_factory is dataclasses.MISSING
        assert {item.name for item in dataclasses.fields(section)} == set(values)
        assert dataclasses.asdict(section) == values
    assert set(packaged) == set(config._SECTIONS)


def test_a_whole_number_for_a_float_setting_stays_a_float(tmp_path: Path) -> None:
    user = tmp_path / "whole.toml"
    user.write_text("[fetch]\ntimeout_seconds = 3\n", encoding="utf-8")
    value = load_settings(user).fetch.timeout_seconds
    assert value == 3.0
    assert isinstance(value, float)

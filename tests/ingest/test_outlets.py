"""The outlet directory knows what it lists and guesses nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.errors import ConfigError
from newsprism.ingest.outlets import domain_outlet, load_outlets


def test_domains_and_subdomains_map_to_outlets() -> None:
    directory = load_outlets()
    assert directory.by_url("https://www.kion546.com/politics/2022/07/29/x/").name == "KION 46"
    outlet = directory.by_url("https://edition.cnn.com/2022/07/29/politics/blinken")
    assert outlet is not None and outlet.name == "CNN" and outlet.found_by == "outlets.toml:domain"
    assert directory.by_url("https://example.org/a") is None
    assert directory.by_url("not a url") is None


def test_signature_lines_from_the_syndicated_sample(corpus_texts: dict[str, str]) -> None:
    directory = load_outlets()
    lines = corpus_texts["cnn"].splitlines()
    found = {line: outlet.name for line in lines if (outlet := directory.by_text(line)) is not None}
    assert found["By Jennifer Hansler, CNN"] == "CNN"
    assert found["The-CNN-Wire"] == "CNN"
    assert (
        found["KION 46 is committed to providing a forum for civil and constructive conversation."]
        == "KION 46"
    )
    # A body sentence naming a news agency as a source is not a signature line.
    assert not any("RIA Novosti" in line for line in found)


def test_unknown_domain_is_named_after_its_host_not_guessed() -> None:
    outlet = domain_outlet("https://news.example.org/story")
    assert outlet is not None and outlet.name == "news.example.org"
    assert outlet.found_by == "url-domain"


def test_user_file_adds_and_overrides(tmp_path: Path) -> None:
    extra = tmp_path / "outlets.toml"
    extra.write_text(
        '[[outlet]]\nname = "CNN"\ndomains = ["cnn.example"]\n'
        '[[outlet]]\nname = "Local Courier"\ndomains = ["courier.example"]\npatterns = []\n',
        encoding="utf-8",
    )
    directory = load_outlets(extra)
    assert directory.by_url("https://cnn.example/a").name == "CNN"
    assert directory.by_url("https://cnn.com/a") is None
    assert directory.by_url("https://courier.example/a").name == "Local Courier"


def test_bad_pattern_is_reported_with_file_and_outlet(tmp_path: Path) -> None:
    extra = tmp_path / "outlets.toml"
    extra.write_text('[[outlet]]\nname = "Bad"\npatterns = ["(unclosed"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="outlet 'Bad': bad pattern") as caught:
        load_outlets(extra)
    assert str(extra) in str(caught.value)


def test_a_bad_entry_is_reported_at_its_line(tmp_path: Path) -> None:
    # The second [[outlet]] (line 4) has no name: the message points at it, not at the file.
    extra = tmp_path / "outlets.toml"
    extra.write_text(
        '[[outlet]]\nname = "Good"\n\n[[outlet]]\ndomains = ["nameless.example"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="needs a non-empty string 'name'") as caught:
        load_outlets(extra)
    assert f"{extra}:4" in str(caught.value)

"""The outlet directory knows what it lists and guesses nothing else; one outlet, one name."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from newsprism.errors import ConfigError
from newsprism.ingest import outlets as outlets_module
from newsprism.ingest.outlets import (
    PageName,
    domain_outlet,
    identify_outlet,
    load_outlets,
    registered_domain,
)
from newsprism.model import Outlet


def test_domains_and_subdomains_map_to_outlets() -> None:
    directory = load_outlets()
    assert directory.by_url("https://www.kion546.com/politics/2022/07/29/x/").name == "KION 46"
    outlet = directory.by_url("https://edition.cnn.com/2022/07/29/politics/blinken")
    assert outlet is not None and outlet.name == "CNN" and outlet.found_by == "outlets.toml:domain"
    assert directory.by_url("https://uk.reuters.com/article/x").name == "Reuters"
    assert directory.by_url("https://example.org/a") is None
    assert directory.by_url("not a url") is None


def test_issue8_country_editions_are_one_outlet() -> None:
    directory = load_outlets()
    names = {
        directory.by_url(url).name
        for url in (
            "https://www.huffingtonpost.co.uk/entry/a-story_uk_5ad5",
            "https://www.huffpost.com/entry/a-story_n_5ad5",
            "https://www.huffingtonpost.ca/2018/04/17/a-story.html",
        )
    }
    assert names == {"HuffPost"}
    assert directory.by_name("HuffPost UK").name == "HuffPost"
    assert directory.by_name("The Huffington Post").name == "HuffPost"


def test_the_longest_listed_domain_wins() -> None:
    directory = load_outlets()
    assert directory.by_url("https://finance.yahoo.com/news/x").name == "Yahoo Finance"
    assert directory.by_url("https://uk.news.yahoo.com/x").name == "Yahoo News"
    assert directory.by_url("https://www.yahoo.com/x").name == "Yahoo"


def test_aliases_name_one_outlet_whatever_the_spelling() -> None:
    directory = load_outlets()
    for name in ("WSJ", "The Wall Street Journal", "wall street journal", "WSJ.com", "wsj.com"):
        found = directory.by_name(name)
        assert found is not None and found.name == "The Wall Street Journal", name
    assert directory.by_name("L.A. Times").name == "Los Angeles Times"
    # Names run together, as sites and handles write them.
    assert directory.by_name("TheHill").name == "The Hill"
    assert directory.by_name("NYTimes").name == "The New York Times"
    assert directory.by_name("The Associated Press").name == "Associated Press"
    assert directory.by_name("AP").name == "Associated Press"
    assert directory.by_name("The Riverside Ledger") is None


def test_feed_titles_with_a_section_name_their_outlet() -> None:
    directory = load_outlets()
    for title, name in (
        ("Reuters: World News", "Reuters"),
        ("NYT > Top Stories", "The New York Times"),
        ("Politics | The Hill", "The Hill"),
        ("Local News: Riverside", "Local News: Riverside"),
    ):
        assert directory.canonical(Outlet(title, found_by="feed")).name == name


def test_issue8_named_outlets_the_issue_found_unnamed() -> None:
    directory = load_outlets()
    for url, name in (
        ("https://www.usatoday.com/story/news/politics/2018/04/17/x/", "USA Today"),
        ("https://www.breitbart.com/politics/2018/04/17/x/", "Breitbart"),
        ("https://venturebeat.com/2018/04/17/x/", "VentureBeat"),
        ("https://thehill.com/homenews/x", "The Hill"),
        ("https://www.latimes.com/politics/la-na-x-20180417-story.html", "Los Angeles Times"),
    ):
        found = directory.by_url(url)
        assert found is not None and found.name == name


def test_directory_covers_a_researchers_outlets() -> None:
    entries = load_outlets().entries
    assert len(entries) >= 300
    assert all(entry.domains and entry.source for entry in entries)
    kinds = {entry.kind for entry in entries}
    assert {"wire", "newspaper", "broadcaster", "magazine", "digital"} <= kinds
    # Every domain lies under a public suffix, and each entry's source is on its own site.
    for entry in entries:
        assert all(registered_domain(domain) for domain in entry.domains), entry.name
        assert registered_domain(entry.source or "") in {
            registered_domain(domain) for domain in entry.domains
        }, entry.name


def test_registered_domains_follow_public_suffix_rules() -> None:
    assert registered_domain("https://www.huffingtonpost.co.uk/entry/x") == "huffingtonpost.co.uk"
    assert registered_domain("https://news.example.org/story") == "example.org"
    assert registered_domain("https://www.smh.com.au/world/x") == "smh.com.au"
    # Two blogs on one hosting service are two outlets.
    assert registered_domain("https://alice.blogspot.com/x") == "alice.blogspot.com"
    for local in (
        "http://127.0.0.1:8000/x",
        "http://localhost/x",
        "http://[::1]/x",
        "http://intranet.local/x",
    ):
        assert registered_domain(local) is None


def test_public_suffixes_are_read_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the public suffix list tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    outlets_module._suffixes.cache_clear()
    assert registered_domain("https://www.bbc.co.uk/news/x") == "bbc.co.uk"


def test_unknown_domain_is_named_after_its_registered_domain_not_guessed() -> None:
    outlet = domain_outlet("https://news.example.org/story")
    assert outlet is not None and outlet.name == "example.org"
    assert outlet.found_by == "url-domain"
    assert domain_outlet("http://127.0.0.1:8000/story.html") is None


def test_identity_order_url_then_page_name_then_domain() -> None:
    directory = load_outlets()
    names = (PageName("Yahoo News", "og:site_name"),)
    # An aggregator's page naming another outlet is still the aggregator's copy.
    found = identify_outlet(directory, url="https://www.msn.com/en-us/news/x", names=names)
    assert found is not None and found.name == "MSN"
    # Fetched from a local server: the page's canonical URL, then the name it gives itself.
    found = identify_outlet(
        directory, url="http://127.0.0.1:8000/x", canonical_url="https://www.wsj.com/articles/x"
    )
    assert found is not None and found.name == "The Wall Street Journal"
    found = identify_outlet(
        directory, url="http://127.0.0.1:8000/x", names=(PageName("WSJ", "og:site_name"),)
    )
    assert found is not None and found.name == "The Wall Street Journal"
    assert found.evidence == "og:site_name: WSJ"
    found = identify_outlet(
        directory,
        url="http://127.0.0.1:8000/x",
        names=(PageName("The Riverside Ledger", "og:site_name"),),
    )
    assert found is not None and found.name == "The Riverside Ledger"
    found = identify_outlet(directory, url="https://www.riverside-ledger.co.uk/2018/x")
    assert found is not None and found.name == "riverside-ledger.co.uk"
    assert identify_outlet(directory, url="http://127.0.0.1:8000/x") is None


def test_user_file_adds_and_overrides(tmp_path: Path) -> None:
    extra = tmp_path / "outlets.toml"
    extra.write_text(
        '[[outlet]]\nname = "CNN"\ndomains = ["cnn.example"]\n'
        '[[outlet]]\nname = "Local Courier"\ndomains = ["courier.example"]\npatterns = []\n'
        'aliases = ["The Courier"]\n',
        encoding="utf-8",
    )
    directory = load_outlets(extra)
    assert directory.by_url("https://cnn.example/a").name == "CNN"
    assert directory.by_url("https://cnn.com/a") is None
    assert directory.by_url("https://courier.example/a").name == "Local Courier"
    assert directory.by_name("Courier").name == "Local Courier"


def test_a_domain_claimed_twice_is_reported_with_file_and_line(tmp_path: Path) -> None:
    extra = tmp_path / "outlets.toml"
    extra.write_text(
        '[[outlet]]\nname = "One"\ndomains = ["one.example"]\n\n'
        '[[outlet]]\nname = "Two"\ndomains = ["one.example"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"one\.example is already 'One'") as caught:
        load_outlets(extra)
    assert f"{extra}:5" in str(caught.value)


def test_bad_pattern_is_reported_with_file_and_outlet(tmp_path: Path) -> None:
    extra = tmp_path / "outlets.toml"
    extra.write_text('[[outlet]]\nname = "Bad"\npatterns = ["(unclosed"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="outlet 'Bad': bad pattern") as caught:
        load_outlets(extra)
    assert str(extra) in str(caught.value)


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

"""The outlet directory, and one canonical outlet name whichever way an article arrived.

Entries come from ``data/outlets.toml`` and, optionally, a user file with the same layout: a
name, the domains the outlet publishes on, the other names it goes by ("WSJ", "The Wall Street
Journal"), signature patterns and a source. The directory only answers what it knows: an
unknown domain or name gives ``None``, never a guess.

:func:`identify_outlet` chooses the publishing outlet of one page, in this order:

1. the URL's host in the directory (a subdomain or country edition belongs to its outlet:
   ``edition.cnn.com`` is CNN, ``huffingtonpost.co.uk`` HuffPost); an aggregator's page
   that names another outlet as its publisher is still the aggregator's copy;
2. the page's canonical URL in the directory, for a page fetched from elsewhere (a local
   server, an archive);
3. a name the page gives itself (JSON-LD ``publisher.name``, ``og:site_name``,
   ``application-name``) that the directory knows, as the directory names it;
4. that name as the page gives it;
5. the registered domain of the URL (public-suffix rules: ``bbc.co.uk``, not ``co.uk``), then of
   the canonical URL. A local or private host (``127.0.0.1``, ``localhost``, a name without a
   public suffix) names no outlet.

Public suffixes come from the ``publicsuffixlist`` package's bundled copy of the Public Suffix
List; nothing is fetched.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from newsprism.datafile import DataFile, entries, read_data_file
from newsprism.errors import ConfigError
from newsprism.model import Outlet

OUTLETS_FILE = "outlets.toml"

__all__ = [
    "OutletDirectory",
    "OutletEntry",
    "PageName",
    "domain_outlet",
    "host_of",
    "identify_outlet",
    "load_outlets",
    "name_key",
    "registered_domain",
]

# Characters dropped when names are compared ("U.S. News & World Report" ~ "US News & World
# Report"); "&" and "+" are kept as words.
_NAME_PUNCTUATION = re.compile(r"[^\w\s&+]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
# Between an outlet's name and a section in a feed's or site's title.
_SECTION_SEPARATORS = re.compile(r"\s+[-–—|>:»·]\s+|:\s+")
_LOOKS_LIKE_DOMAIN = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}/?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class OutletEntry:
    """One outlet of the directory.

    Attributes:
        name: The canonical display name.
        domains: Domains whose pages belong to the outlet (their subdomains too).
        aliases: Other names the outlet goes by.
        patterns: Signature patterns matched against byline, wire and copyright lines.
        kind: What the outlet is ("wire", "newspaper", "broadcaster", "magazine", "digital").
        source: Where the entry's name and domains can be checked.
    """

    name: str
    domains: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    source: str | None = None

    def outlet(self, *, found_by: str, evidence: str | None = None) -> Outlet:
        """This outlet as an :class:`~newsprism.model.Outlet` record."""
        domain = self.domains[0] if self.domains else None
        return Outlet(self.name, domain=domain, found_by=found_by, evidence=evidence)


@dataclass(frozen=True, slots=True)
class PageName:
    """A name a page gives itself, and where it stands ("jsonld:publisher", "og:site_name")."""

    name: str
    where: str


@dataclass(frozen=True, slots=True)
class OutletDirectory:
    """Looks outlets up by URL, by name or alias, and by a signature line's text."""

    entries: tuple[OutletEntry, ...]
    _domains: Mapping[str, OutletEntry] = field(default_factory=dict, repr=False, compare=False)
    _names: Mapping[str, OutletEntry] = field(default_factory=dict, repr=False, compare=False)
    _patterned: tuple[OutletEntry, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._domains and not self._names:
            # Later entries win, so a user file's entries override the packaged ones.
            domains = {d: e for e in self.entries for d in e.domains}
            names = {
                key: e for e in self.entries for n in (e.name, *e.aliases) if (key := name_key(n))
            }
            # Names run together ("TheHill", "LATimes", "NYTimes"), where no name says otherwise.
            for entry in self.entries:
                for name in (entry.name, *entry.aliases):
                    for key in _run_together(name):
                        names.setdefault(key, entry)
            object.__setattr__(self, "_domains", domains)
            object.__setattr__(self, "_names", names)
            object.__setattr__(self, "_patterned", tuple(e for e in self.entries if e.patterns))

    def by_url(self, url: str) -> Outlet | None:
        """The outlet whose domain hosts ``url`` (the longest listed domain wins), or ``None``."""
        host = host_of(url)
        entry, domain = self._entry_for_host(host) if host else (None, None)
        if entry is None:
            return None
        return Outlet(entry.name, domain=domain, found_by="outlets.toml:domain")

    def by_name(self, name: str, *, found_by: str = "outlets.toml:name") -> Outlet | None:
        """The outlet a name or alias stands for ("WSJ", "the Wall Street Journal",
        "nytimes.com"), or ``None`` when the directory does not know it."""
        entry = self.entry(name)
        return entry.outlet(found_by=found_by, evidence=name) if entry is not None else None

    def by_title(self, title: str, *, found_by: str = "outlets.toml:name") -> Outlet | None:
        """The outlet a title names whole or in one of its parts ("Reuters: World News",
        "NYT > Top Stories", "Politics | The Hill"), or ``None``."""
        found = self.by_name(title, found_by=found_by)
        if found is not None:
            return found
        for part in _SECTION_SEPARATORS.split(title):
            found = self.by_name(part.strip(), found_by=found_by) if part.strip() else None
            if found is not None:
                return dataclasses.replace(found, evidence=title)
        return None

    def entry(self, name: str) -> OutletEntry | None:
        """The directory entry a name, alias or domain stands for, or ``None``."""
        key = name_key(name)
        entry = (self._names.get(key) or self._names.get(key.replace(" ", ""))) if key else None
        if entry is None and _LOOKS_LIKE_DOMAIN.match(name.strip()):
            entry, _ = self._entry_for_host(host_of(name.strip()) or "")
        return entry

    def by_text(self, line: str) -> Outlet | None:
        """The outlet named by a byline, wire, copyright or publisher line, or ``None``."""
        for entry in self._patterned:
            for pattern in entry.patterns:
                match = pattern.search(line)
                if match:
                    return entry.outlet(found_by="outlets.toml:pattern", evidence=match.group(0))
        return None

    def canonical(self, outlet: Outlet) -> Outlet:
        """``outlet`` under the directory's name when the directory knows it, else unchanged.

        A name with a section after a separator, as feeds title themselves ("Reuters: World
        News", "NYT > Top Stories", "BBC News - Home"), is known by one of its parts.
        """
        known = self.by_title(outlet.name)
        if known is None or known.name == outlet.name:
            return outlet
        return dataclasses.replace(
            outlet, name=known.name, domain=outlet.domain or known.domain, evidence=outlet.name
        )

    def _entry_for_host(self, host: str) -> tuple[OutletEntry | None, str | None]:
        labels = host.split(".")
        for start in range(len(labels)):
            candidate = ".".join(labels[start:])
            entry = self._domains.get(candidate)
            if entry is not None:
                return entry, candidate
        return None, None


def name_key(name: str) -> str:
    """A name as compared: case, punctuation, spacing and a leading "The" do not count."""
    text = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES).casefold()
    text = _NAME_PUNCTUATION.sub("", text.replace("'", ""))
    text = " ".join(text.split())
    return text.removeprefix("the ").strip()


def _run_together(name: str) -> tuple[str, ...]:
    """Keys of a name written without spaces, with and without its leading "The"."""
    key = name_key(name)
    joined = key.replace(" ", "")
    keys = {joined}
    if name.strip().casefold().startswith("the "):
        keys.add("the" + joined)
    keys.discard(key)
    return tuple(sorted(keys))


def host_of(url: str) -> str | None:
    """The lower-cased host of a URL (``www.`` dropped); a bare domain counts as a URL."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def registered_domain(url: str) -> str | None:
    """The registered domain of a URL or host under public-suffix rules, or ``None``.

    ``https://www.huffingtonpost.co.uk/x`` gives ``huffingtonpost.co.uk``; a private suffix
    counts as public, so two blogs on one hosting service stay apart
    (``a.blogspot.com``). An IP address, ``localhost`` or a host without a known public suffix
    gives ``None``.
    """
    host = host_of(url)
    if not host:
        return None
    if _is_address(host):
        return None
    found = _suffixes().privatesuffix(host)
    return found.lower() if isinstance(found, str) else None


def domain_outlet(url: str) -> Outlet | None:
    """An outlet named after a URL's registered domain, for domains the directory does not list;
    ``None`` for a local or private host."""
    domain = registered_domain(url)
    return Outlet(domain, domain=domain, found_by="url-domain") if domain else None


def identify_outlet(
    directory: OutletDirectory,
    *,
    url: str | None = None,
    canonical_url: str | None = None,
    names: Sequence[PageName] = (),
) -> Outlet | None:
    """The publishing outlet of one page, in the order of the module docstring.

    Args:
        directory: The outlet directory.
        url: The URL the page was read from (a record's URL, a WARC target, a fetched URL).
        canonical_url: The URL the page gives itself (``rel="canonical"``, ``og:url``).
        names: Names the page gives itself, most trusted first.

    Returns:
        The outlet, or ``None`` when neither the URLs nor the page name one.
    """
    for address in (url, canonical_url):
        if address:
            known = directory.by_url(address)
            if known is not None:
                return known
    for page_name in names:
        known = directory.by_title(page_name.name, found_by="html-meta")
        if known is not None:
            evidence = f"{page_name.where}: {page_name.name}"
            return dataclasses.replace(known, evidence=evidence)
    domain = next((d for a in (url, canonical_url) if a and (d := registered_domain(a))), None)
    for page_name in names:
        cleaned = " ".join(page_name.name.split())
        if cleaned:
            evidence = f"{page_name.where}: {cleaned}"
            return Outlet(cleaned, domain=domain, found_by="html-meta", evidence=evidence)
    for address in (url, canonical_url):
        if address:
            found = domain_outlet(address)
            if found is not None:
                return found
    return None


@functools.cache
def _suffixes() -> PublicSuffixList:
    # The package's bundled list; ``accept_unknown=False``: a host under no listed suffix
    # ("intranet.local") has no registered domain.
    return PublicSuffixList(only_icann=False, accept_unknown=False)


def load_outlets(user_file: Path | None = None) -> OutletDirectory:
    """Load the packaged directory, with a user file's entries added or replacing by name.

    Raises:
        ConfigError: A file cannot be read or is not valid TOML, an entry lacks ``name``, a
            field has the wrong type, a pattern is not a valid regular expression, or two
            entries of one file claim the same domain or name; the message names ``file:line``
            of the entry.
    """
    entries = {e.name: e for e in _packaged()}
    if user_file is not None:
        user = _parse(read_data_file(OUTLETS_FILE, user_file))
        for entry in user:
            entries.pop(entry.name, None)
        entries.update({e.name: e for e in user})
    return OutletDirectory(tuple(entries.values()))


@functools.cache
def _packaged() -> tuple[OutletEntry, ...]:
    return tuple(_parse(read_data_file(OUTLETS_FILE)))


def _parse(file: DataFile) -> list[OutletEntry]:
    parsed = []
    claimed: dict[str, str] = {}
    for where, raw in entries(file, "outlet", required=False):
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError("an [[outlet]] needs a non-empty string 'name'", where=where)
        domains = tuple(d.lower().strip() for d in _strings(raw, "domains", name, where))
        aliases = _strings(raw, "aliases", name, where)
        try:
            patterns = tuple(
                re.compile(p, re.MULTILINE) for p in _strings(raw, "patterns", name, where)
            )
        except re.error as exc:
            raise ConfigError(f"outlet {name!r}: bad pattern ({exc})", where=where) from exc
        for claim in (*domains, *(f"name {name_key(n)!r}" for n in (name, *aliases))):
            if claim in claimed and claimed[claim] != name:
                raise ConfigError(
                    f"outlet {name!r}: {claim} is already {claimed[claim]!r}'s; an outlet's"
                    " domains and names must be its own",
                    where=where,
                )
            claimed[claim] = name
        kind, source = raw.get("kind"), raw.get("source")
        parsed.append(
            OutletEntry(
                name,
                domains,
                patterns,
                aliases=aliases,
                kind=kind if isinstance(kind, str) else None,
                source=source if isinstance(source, str) else None,
            )
        )
    return parsed


def _strings(raw: Mapping[str, Any], key: str, name: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(
            f"outlet {name!r}: {key} must be a list of non-empty strings", where=where
        )
    return tuple(value)


def _is_address(host: str) -> bool:
    """Whether a URL host is an IP address (it has no registered domain)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True

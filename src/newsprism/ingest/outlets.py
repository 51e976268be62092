"""The outlet directory: domains and name patterns mapped to outlet names.

Entries come from ``data/outlets.toml`` and, optionally, a user file with the same layout. The
directory only answers what it knows: an unknown domain or text gives ``None``, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newsprism.datafile import DataFile, entries, read_data_file
from newsprism.errors import ConfigError
from newsprism.model import Outlet

OUTLETS_FILE = "outlets.toml"


@dataclass(frozen=True, slots=True)
class OutletEntry:
    """One outlet of the directory."""

    name: str
    domains: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class OutletDirectory:
    """Looks outlets up by domain or by a signature line's text."""

    entries: tuple[OutletEntry, ...]

    def by_url(self, url: str) -> Outlet | None:
        """The outlet whose domain hosts ``url``, or ``None`` when the domain is not listed."""
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        if not host:
            return None
        for entry in self.entries:
            for domain in entry.domains:
                if host == domain or host.endswith("." + domain):
                    return Outlet(entry.name, domain=domain, found_by="outlets.toml:domain")
        return None

    def by_text(self, line: str) -> Outlet | None:
        """The outlet named by a byline, wire, copyright or publisher line, or ``None``."""
        for entry in self.entries:
            for pattern in entry.patterns:
                match = pattern.search(line)
                if match:
                    domain = entry.domains[0] if entry.domains else None
                    return Outlet(
                        entry.name,
                        domain=domain,
                        found_by="outlets.toml:pattern",
                        evidence=match.group(0),
                    )
        return None


def domain_outlet(url: str) -> Outlet | None:
    """An outlet named after a URL's host, for domains the directory does not list."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return Outlet(host, domain=host, found_by="url-domain") if host else None


def load_outlets(user_file: Path | None = None) -> OutletDirectory:
    """Load the packaged directory, with a user file's entries added or overriding by name.

    Raises:
        ConfigError: A file cannot be read or is not valid TOML, an entry lacks ``name``, or a
            pattern is not a valid regular expression; the message names ``file:line`` of the
            entry.
    """
    entries = {e.name: e for e in _parse(read_data_file(OUTLETS_FILE))}
    if user_file is not None:
        entries.update({e.name: e for e in _parse(read_data_file(OUTLETS_FILE, user_file))})
    return OutletDirectory(tuple(entries.values()))


def _parse(file: DataFile) -> list[OutletEntry]:
    parsed = []
    for where, raw in entries(file, "outlet", required=False):
        name = raw.get("name")
        if not isinstance(name, str) or not name:
            raise ConfigError("an [[outlet]] needs a non-empty string 'name'", where=where)
        domains = raw.get("domains", [])
        patterns = raw.get("patterns", [])
        for key, value in (("domains", domains), ("patterns", patterns)):
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ConfigError(
                    f"outlet {name!r}: {key} must be a list of non-empty strings", where=where
                )
        try:
            compiled = tuple(re.compile(p, re.MULTILINE) for p in patterns)
        except re.error as exc:
            raise ConfigError(f"outlet {name!r}: bad pattern ({exc})", where=where) from exc
        parsed.append(OutletEntry(name, tuple(d.lower() for d in domains), compiled))
    return parsed

"""When two name forms can be the same person, and when two organisation names are the same.

A person's name is read as given names (initials as single letters: "H.W." is "h", "w"), a
surname (with its particles: "Van Hollen", "de la Cruz") and a generational marker ("Jr.",
"III"). Two forms can be one person when

* the surnames are the same, and so are the generational markers when both forms have one
  ("Jr." is not "Sr."); a form without a marker fits a marked one ("Joe Biden", "Joseph R.
  Biden Jr.") unless the caller knows the two are different people ("Donald Trump" beside
  "Donald Trump Jr." in one article),
* the first given names agree, or either form has none ("Trump"): the same name, an initial of
  it ("J." and "James"), or a nickname of it (``data/nicknames.toml``: "Jim" and "James"); a
  form that starts with an initial is also known by its middle name ("J. Christopher Stevens"
  and "Chris Stevens"),
* the middle names agree as initials when both forms give some ("George W." and "George H.W."
  differ; "Donald J." and "Donald John" agree); a form without middle names fits either;
* or, for a surname of two words written without a hyphen, one form is the other's last words
  ("Ms. Wasserman Schultz" and "Debbie Wasserman Schultz"), starting with a full word (not an
  initial: "W. Bush" is no part of "George H.W. Bush").

Given names agree despite one letter added or dropped inside a name of five letters or more
("Vicente" and "Vincente": a misspelling in one outlet); a change at either end is a different
name ("Michael", "Michaela"), as is any changed letter ("Marc", "Mark" apart).

Whether a form that fits several people is one of them is for the caller to decide (a story
joins a bare surname only to its one candidate). Organisation names are compared by a key:
lower case, without "the", possessives and punctuation ("U.S." is "us"), each word without a
plural "s" ("Pueblos Sin Fronteras" is "Pueblo Sin Fronteras").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from newsprism.datafile import read_data_file, table
from newsprism.errors import ConfigError

__all__ = [
    "Nicknames",
    "PersonName",
    "acronym_of",
    "load_nicknames",
    "org_key",
    "parse_person_name",
    "same_person",
]

NICKNAMES_FILE = "nicknames.toml"
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*\.?", re.UNICODE)
# Words before a name that are not part of it.
_HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "prof", "rev", "the",
})
# Generational markers, written without their full stop.
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})
# Lower-case words that belong to the surname after them ("Van Hollen", "de la Cruz").
_PARTICLES = frozenset({
    "van", "von", "de", "da", "das", "del", "della", "der", "den", "di", "du", "la", "le",
    "bin", "ibn", "al", "el", "dos", "ter",
})
# Particles that may also open a name written without given names ("Van Hollen"); the others
# are given names there ("Al Gore").
_LEADING_PARTICLES = frozenset({
    "van", "von", "de", "da", "del", "della", "der", "di", "du", "la", "le",
})
# Words an acronym skips ("Immigration and Customs Enforcement" is ICE).
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "&", "on", "in", "to", "a", "an"})
_MIN_PLURAL = 4


@dataclass(frozen=True, slots=True)
class Nicknames:
    """Given names and their nicknames, both lower case: "james" -> {"jim", "jimmy", ...}."""

    names: Mapping[str, frozenset[str]]

    def same(self, first: str, second: str) -> bool:
        """Whether one given name is a nickname of the other (not chained)."""
        return second in self.names.get(first, ()) or first in self.names.get(second, ())


def load_nicknames(path: Path | None = None) -> Nicknames:
    """Read the nickname table (the packaged ``data/nicknames.toml`` unless a path is given).

    Raises:
        ConfigError: The table is missing, or an entry is not a list of lower-case names; the
            message names ``file:line``.
    """
    file = read_data_file(NICKNAMES_FILE, path)
    entries = table(file, "nicknames")
    names: dict[str, frozenset[str]] = {}
    for name, nicknames in entries.items():
        if not isinstance(nicknames, list) or not all(
            isinstance(n, str) and n and n == n.lower() for n in nicknames
        ) or name != name.lower():
            raise ConfigError(
                f"{name!r} must map to a list of lower-case nicknames", where=file.at(name)
            )
        names[name] = frozenset(nicknames)
    return Nicknames(names=names)


@dataclass(frozen=True, slots=True)
class PersonName:
    """A person's name as parts, lower case, without accents.

    Attributes:
        given: Given names and initials in order ("george", "h", "w"); empty for a bare surname.
        surname: The surname with its particles ("van hollen").
        suffix: The generational marker ("jr", "iii"), or "".
    """

    given: tuple[str, ...]
    surname: str
    suffix: str = ""

    @property
    def first(self) -> str | None:
        """The first given name or initial, if any."""
        return self.given[0] if self.given else None

    @property
    def middle(self) -> tuple[str, ...]:
        """Given names after the first."""
        return self.given[1:]


def fold(text: str) -> str:
    """Lower case without accents ("Peña" -> "pena")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def parse_person_name(name: str) -> PersonName | None:
    """Read a person's name into parts, or ``None`` when no word is left.

    Honorifics before the name are dropped; initials written together ("H.W.") become one
    letter each; a trailing possessive is dropped.
    """
    # A nickname in quotation marks is no given name ("James “Mad Dog” Mattis"); an opening
    # mark without its closing one quotes up to the surname.
    name = re.sub(r"(?:^|(?<=\s))[“\"‘][^”\"’]*[”\"’](?=\s|$)", " ", name)
    opened = re.search(r"(?:^|(?<=\s))[“\"‘]", name)
    if opened is not None and len(name[opened.end():].split()) > 1:
        name = name[: opened.start()] + " " + name[opened.end():].split()[-1]
    words: list[str] = []
    raw = [fold(w).replace("’", "'") for w in _WORD.findall(name)]
    for word in raw:
        word = word.removesuffix("'s")
        bare = word.rstrip(".")
        if "." in bare and all(len(p) <= 1 for p in bare.split(".")):
            words.extend(p for p in bare.split(".") if p)
        elif bare:
            words.append(bare)
    while words and words[0] in _HONORIFICS:
        words = words[1:]
    suffix = ""
    if len(words) > 1 and words[-1] in _SUFFIXES:
        suffix = words.pop()
    if not words:
        return None
    surname = [words.pop()]
    while words and words[-1] in _PARTICLES and (len(words) > 1 or words[0] in _LEADING_PARTICLES):
        surname.insert(0, words.pop())
    return PersonName(given=tuple(words), surname=" ".join(surname), suffix=suffix)


_MIN_MISSPELT = 5


def _given_agree(first: str, second: str, nicknames: Nicknames) -> bool:
    if first == second:
        return True
    if len(first) == 1 or len(second) == 1:
        return first[0] == second[0]
    return nicknames.same(first, second) or _one_inner_letter(first, second)


def _one_inner_letter(first: str, second: str) -> bool:
    """Whether the longer name is the shorter with one letter inserted, neither the first nor
    the last ("vincente" / "vicente")."""
    short, long = sorted((first, second), key=len)
    if len(long) != len(short) + 1 or len(short) < _MIN_MISSPELT:
        return False
    return any(
        long[:i] + long[i + 1 :] == short for i in range(1, len(long) - 1)
    ) and long[0] == short[0] and long[-1] == short[-1]


def _trailing_words(short: PersonName, long: PersonName) -> bool:
    """Whether ``short`` (two words or more, the first no initial) is ``long``'s last words."""
    short_words = [*short.given, *short.surname.split()]
    long_words = [*long.given, *long.surname.split()]
    return (
        len(short_words) >= 2 and len(short_words[0]) > 1
        and len(long_words) > len(short_words)
        and long_words[-len(short_words):] == short_words
    )


def same_person(
    first: PersonName, second: PersonName, nicknames: Nicknames, *, strict_suffix: bool = False
) -> bool:
    """Whether two name forms can name one person (see the module docstring).

    Args:
        first: One name form.
        second: The other.
        nicknames: The nickname table.
        strict_suffix: Whether a form without a generational marker is kept apart from one with
            a marker ("Donald Trump" and "Donald Trump Jr."); the caller says so when the same
            text names both as two people. Two different markers are always kept apart.
    """
    if first.suffix != second.suffix and (strict_suffix or (first.suffix and second.suffix)):
        return False
    if _trailing_words(first, second) or _trailing_words(second, first):
        return True
    if first.surname != second.surname:
        return False
    if not first.given or not second.given:
        return True
    if not _given_agree(first.given[0], second.given[0], nicknames):
        # "J. Christopher Stevens" is also known by his middle name.
        return any(
            len(a.given) > 1 and len(a.given[0]) == 1 and len(a.given[1]) > 1
            and _given_agree(a.given[1], b.given[0], nicknames) and len(b.given) == 1
            for a, b in ((first, second), (second, first))
        )
    if first.middle and second.middle:
        return [m[0] for m in first.middle] == [m[0] for m in second.middle]
    return True


def org_key(name: str) -> str:
    """The matching key of an organisation or place name (see the module docstring)."""
    text = fold(name).replace("’", "'").replace("&", " and ")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"(?<=\b\w)\.(?=\w\.)|(?<=\b\w)\.", "", text)
    words = re.findall(r"[^\W_]+", text)
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(
        w[:-1] if len(w) >= _MIN_PLURAL and w.endswith("s") and not w.endswith("ss") else w
        for w in words
    )


def acronym_of(name: str) -> str | None:
    """The acronym a name's capitalised words spell ("Immigration and Customs Enforcement" ->
    "ICE"), or ``None`` for a name of fewer than two such words."""
    words = [w for w in re.findall(r"[^\W_]+", name) if w.lower() not in _ACRONYM_SKIP]
    if len(words) < 2 or not all(w[0].isupper() for w in words):
        return None
    return "".join(w[0] for w in words).upper()

"""Roles, descriptors and affiliations: what the words around a name say about its bearer.

A phrase that characterises a name is read in one way wherever it stands: before the name
("jailed Russian businessman Viktor Bout"), as an appositive ("Sergey Lavrov, Russia's foreign
minister"), or after a copula ("Bout is an arms dealer"). Read from its head leftwards, it is::

    [other words] [affiliations] [qualifiers and office words] TITLE [of Capitalised Words]
     "embattled"   "White House"  "Deputy Foreign"             Minister "of State"

A phrase that ends in a title listed in ``data/titles.toml`` gives a :class:`Role` (from the
affiliations to the end of the title) and an office ("deputy foreign minister") that role nouns
are later matched against; words left over before the role make the whole phrase a descriptor
too. A phrase without a title is a :class:`Descriptor`. Countries, demonyms and institutions from
``data/affiliations.toml`` and organisations the model found give :class:`Affiliation` records;
with a public office they name the government ("US Secretary of State" -> US government).
Relative clauses after a name ("Viktor Bout, who was sentenced to 25 years") are descriptors of
their own kind.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.datafile import DataFile, read_data_file, string, table, words
from newsprism.errors import ConfigError
from newsprism.model import Affiliation, Descriptor, DescriptorKind, Role

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "AffiliationLexicon",
    "Country",
    "PhraseReading",
    "Title",
    "TitleLexicon",
    "load_affiliations",
    "load_titles",
    "read_phrase",
    "relative_clause",
]

TITLES_FILE = "titles.toml"
AFFILIATIONS_FILE = "affiliations.toml"
# Labels of the model's entities that can be affiliations inside a phrase.
AFFILIATION_LABELS = frozenset({"GPE", "NORP", "ORG"})
_GENDERS = frozenset({"female", "male"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
# Relative pronouns that open a clause about a person, and about anything else.
_PERSON_RELATIVES = frozenset({"who", "whom", "whose"})
_OTHER_RELATIVES = frozenset({"which", "whose"})
_CONNECTORS = frozenset({"of", "the", "and", "for", "&"})


@dataclass(frozen=True, slots=True)
class Title:
    """A title's properties: whether it is a public office, and the gender it states."""

    government: bool
    gender: str | None


@dataclass(frozen=True, slots=True)
class TitleLexicon:
    """Titles, office words, qualifiers and honorifics from ``titles.toml``.

    Attributes:
        titles: Lower-case title ("press secretary") -> properties.
        office_words: Words between affiliation and title that belong to the office.
        rank_qualifiers: Qualifiers that stay in the office ("deputy").
        time_qualifiers: Qualifiers left out of the office ("former").
        honorifics: Honorific ("mr.") -> the gender it states, or ``None``.
        longest: Most words in a title.
        where: The file it was read from.
    """

    titles: Mapping[str, Title]
    office_words: frozenset[str]
    rank_qualifiers: frozenset[str]
    time_qualifiers: frozenset[str]
    honorifics: Mapping[str, str | None]
    longest: int
    where: str


@dataclass(frozen=True, slots=True)
class Country:
    """A country as ``affiliations.toml`` names it."""

    name: str
    government: str


@dataclass(frozen=True, slots=True)
class AffiliationLexicon:
    """Names of countries, demonyms and institutions -> the country and the kind of name.

    Attributes:
        names: Exact text ("White House", "Russian") -> (country, "country" | "demonym" |
            "institution").
        longest: Most words in a name.
        where: The file it was read from.
    """

    names: Mapping[str, tuple[Country, str]]
    longest: int
    where: str


@dataclass(frozen=True, slots=True)
class PhraseReading:
    """What a phrase characterising a name says.

    Attributes:
        role: The title with its affiliation, when the phrase ends in a title.
        office: The office, lower-cased without time qualifiers ("deputy foreign minister").
        government: Whether the title is a public office.
        descriptor: The phrase as a descriptor, when it is more than a role.
        affiliations: Countries, governments and organisations it names.
        countries: Canonical names of the countries among them (for agreement checks).
        head: The phrase's head word, lower case ("businessman", "minister").
        gender: The gender the title states, if any.
        core: The phrase without determiners, affiliations and possessive markers, lower case
            ("top diplomat" for "the top US diplomat").
    """

    role: Role | None
    office: str | None
    government: bool
    descriptor: Descriptor | None
    affiliations: tuple[Affiliation, ...]
    countries: frozenset[str]
    head: str | None
    gender: str | None
    core: str


def load_titles(path: Path | None = None) -> TitleLexicon:
    """Read the titles, office words, qualifiers and honorifics.

    Args:
        path: A file laid out as ``data/titles.toml``; ``None`` reads the packaged one.

    Raises:
        ConfigError: A table is missing, or an entry has an unknown field or value; the message
            names ``file:line``.
    """
    file = read_data_file(TITLES_FILE, path)
    titles: dict[str, Title] = {}
    for key, entry in table(file, "titles").items():
        if not isinstance(entry, dict) or set(entry) - {"government", "gender"}:
            raise ConfigError(
                f"title {key!r} must be an inline table with government and optionally gender",
                where=file.at(key),
            )
        government = entry.get("government", False)
        gender = entry.get("gender")
        if not isinstance(government, bool) or (gender is not None and gender not in _GENDERS):
            raise ConfigError(
                f'title {key!r}: government must be true or false, gender "female" or "male"',
                where=file.at(key),
            )
        titles[_normal(key)] = Title(government=government, gender=gender)
    qualifiers = table(file, "qualifiers")
    honorifics: dict[str, str | None] = {}
    honorific_table = table(file, "honorifics")
    for key in honorific_table:
        gender = string(file, honorific_table, key, name=f"honorifics.{key}")
        if gender and gender not in _GENDERS:
            raise ConfigError(
                f'honorific {key!r} must map to "female", "male" or ""', where=file.at(key)
            )
        honorifics[key.lower()] = gender or None
    return TitleLexicon(
        titles=titles,
        office_words=_lower_set(file, table(file, "office_words"), "words", "office_words"),
        rank_qualifiers=_lower_set(file, qualifiers, "rank", "qualifiers.rank"),
        time_qualifiers=_lower_set(file, qualifiers, "time", "qualifiers.time"),
        honorifics=honorifics,
        longest=max((len(title.split()) for title in titles), default=1),
        where=file.where,
    )


def load_affiliations(path: Path | None = None) -> AffiliationLexicon:
    """Read the countries with their aliases, demonyms and institutions.

    Args:
        path: A file laid out as ``data/affiliations.toml``; ``None`` reads the packaged one.

    Raises:
        ConfigError: An entry lacks a field, or a name is given to two countries; the message
            names ``file:line``.
    """
    file = read_data_file(AFFILIATIONS_FILE, path)
    entries = file.data.get("country")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(
            "no [[country]] entries; restore them from the packaged file", where=file.where
        )
    names: dict[str, tuple[Country, str]] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise ConfigError("each [[country]] must be a table", where=file.where)
        name = string(file, entry, "name", name="country.name")
        at_name = f'"{name}"'
        country = Country(
            name=name, government=string(file, entry, "government", name=f"{name}.government")
        )
        fields: list[tuple[str, Sequence[str]]] = [("country", (name,))]
        for field, kind in (
            ("aliases", "country"),
            ("demonyms", "demonym"),
            ("institutions", "institution"),
        ):
            value = entry.get(field, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ConfigError(
                    f"{field} of {name} must be a list of names", where=file.at(at_name)
                )
            fields.append((kind, tuple(value)))
        for kind, values in fields:
            for value in values:
                if value in names and names[value][0].name != name:
                    raise ConfigError(
                        f"{value!r} is given to both {names[value][0].name} and {name}",
                        where=_line_of_text(file, value),
                    )
                names[value] = (country, kind)
    return AffiliationLexicon(
        names=names,
        longest=max(len(re.findall(r"\w+|[^\w\s]", n)) for n in names),
        where=file.where,
    )


def read_phrase(
    doc: Doc,
    start: int,
    end: int,
    head: int,
    *,
    kind: DescriptorKind,
    found_by: str,
    titles: TitleLexicon,
    affiliations: AffiliationLexicon,
) -> PhraseReading | None:
    """Read the tokens ``doc[start:end]`` as a phrase characterising a name.

    Args:
        doc: The parsed text.
        start: First token of the phrase (determiners are skipped).
        end: One past its last token (trailing punctuation is dropped).
        head: The phrase's head token: a title must end there, or just before an "of" phrase
            in capitals ("Secretary of State").
        kind: The descriptor kind, should the phrase be a descriptor.
        found_by: Provenance, given to the role ("title:<found_by>"), the descriptor and the
            affiliations.
        titles: The title lexicon.
        affiliations: The affiliation lexicon.

    Returns:
        The reading, or ``None`` when nothing is left of the phrase but function words.
    """
    while start < end and (doc[start].dep_ in ("det", "punct") or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    # An honorific at the end belongs to the name ("an emotional Mr. Obama"), not the phrase;
    # a phrase of an honorific alone ("Mr Mitsotakis") characterises no one.
    while end > start and doc[end - 1].lower_ in titles.honorifics:
        end -= 1
        head = min(head, end - 1)
    if start >= end or not any(t.is_alpha for t in doc[start:end]) or not start <= head < end:
        return None
    marks = _affiliation_marks(doc, start, end, affiliations, titles)
    title_at = _find_title(doc, start, end, head, titles)
    role: Role | None = None
    office: str | None = None
    title: Title | None = None
    role_start = end
    if title_at is not None:
        title_start, title_end, title = title_at
        office_start = _office_start(doc, start, title_start, titles, marks)
        role_start = _affiliation_start(doc, start, office_start, marks)
        office = _office(doc, office_start, title_end, titles)
        role = Role(
            start=doc[role_start].idx,
            end=_end_char(doc, title_end),
            text=doc[role_start:title_end].text,
            found_by=f"title:{found_by}",
        )
    descriptor: Descriptor | None = None
    if title_at is None or role_start > start or end > title_at[1]:
        descriptor = Descriptor(
            start=doc[start].idx,
            end=_end_char(doc, end),
            text=doc[start:end].text,
            kind=kind,
            found_by=found_by,
        )
    government = title is not None and title.government
    found = tuple(
        _affiliation(mark, government or _is_institution(mark), found_by) for mark in marks
    )
    return PhraseReading(
        role=role,
        office=office,
        government=government,
        descriptor=descriptor,
        affiliations=found,
        countries=frozenset(mark.country.name for mark in marks if mark.country is not None),
        head=doc[head].lower_,
        gender=title.gender if title else None,
        core=_core(doc, start, end, marks),
    )


def relative_clause(
    doc: Doc, name: Span, *, person: bool, stops: Collection[int] = ()
) -> Descriptor | None:
    """The relative clause that follows a name ("Viktor Bout, who was sentenced to 25 years"),
    or a past participle's clause set off by a comma after it ("Viktor Bout, convicted in 2011
    of ...": a reduced relative clause).

    The clause is the one the parser attaches to the name's head, or, where the parser attached
    it elsewhere, the one whose relative pronoun directly follows the name and a comma. Its
    pronoun must suit the name: "who" for a person, "which" for anything else. It ends before
    the first token in ``stops`` (where another name's phrase begins) that a conjunction or
    comma joins on, without that conjunction or comma.

    Returns:
        A relative-clause descriptor from the relative pronoun to the clause's end, or ``None``.
    """
    relatives = _PERSON_RELATIVES if person else _OTHER_RELATIVES
    clause: Token | None = None
    for child in name.root.rights:
        if child.dep_ == "relcl" and child.left_edge.lower_ in relatives:
            clause = child
            break
    if clause is None:
        after = doc[name.end : name.end + 2]
        if len(after) == 2 and after[0].text == "," and after[1].lower_ in relatives:
            pronoun = after[1]
            clause = pronoun.head if pronoun.head.i > pronoun.i else None
    participle = False
    if clause is None:
        # A reduced relative clause: "Warren Pike, appointed by President Trump, wrote".
        for child in name.root.rights:
            if (child.dep_ == "acl" and child.tag_ == "VBN" and child.left_edge.i == child.i
                    and child.i == name.end + 1 and doc[name.end].text == ","):
                clause, participle = child, True
                break
    if clause is None:
        return None
    first = clause.left_edge.i
    if (doc[first].lower_ not in relatives and not participle) or first < name.end:
        return None
    last = clause.right_edge.i + 1
    # Only a name joined on by a conjunction or comma ends the clause ("..., and former US
    # Marine Trevor Reed"); one inside it is part of what it says ("who led the Clinton email
    # investigation").
    joined = (
        stop
        for stop in stops
        if first < stop < last and (doc[stop - 1].dep_ == "cc" or doc[stop - 1].text == ",")
    )
    last = min([last, *joined])
    while last > first and (
        doc[last - 1].is_punct or doc[last - 1].is_space or doc[last - 1].dep_ == "cc"
    ):
        last -= 1
    return Descriptor(
        start=doc[first].idx,
        end=_end_char(doc, last),
        text=doc[first:last].text,
        kind=DescriptorKind.RELATIVE_CLAUSE,
        found_by="participle" if participle else "relative-clause",
    )


# --- inside a phrase --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Mark:
    """An affiliation name inside a phrase: tokens ``start:end``."""

    start: int
    end: int
    text: str
    char_start: int
    char_end: int
    country: Country | None
    kind: str


def _affiliation_marks(
    doc: Doc, start: int, end: int, lexicon: AffiliationLexicon, titles: TitleLexicon
) -> tuple[_Mark, ...]:
    """Affiliation names in ``doc[start:end]``: lexicon names first, then the model's entities
    that are not pieces of a title ("Press" in "Press Secretary", tagged ORG by the model)."""
    title_words = titles.office_words | titles.rank_qualifiers | titles.time_qualifiers
    marks: list[_Mark] = []
    i = start
    while i < end:
        best: _Mark | None = None
        for j in range(min(end, i + lexicon.longest), i, -1):
            text = doc[i:j].text
            if text in lexicon.names:
                country, kind = lexicon.names[text]
                best = _Mark(i, j, text, doc[i].idx, _end_char(doc, j), country, kind)
                break
        if best is not None:
            marks.append(best)
            i = best.end
        else:
            i += 1
    taken = {t for mark in marks for t in range(mark.start, mark.end)}
    for entity in doc.ents:
        if entity.label_ not in AFFILIATION_LABELS or entity.end <= start or entity.start >= end:
            continue
        first = max(entity.start, start)
        while first < entity.end and doc[first].dep_ == "det":
            first += 1
        last = min(entity.end, end)
        if first >= last or any(t in taken for t in range(first, last)):
            continue
        if all(
            t.lower_ in title_words or _normal(t.text) in titles.titles or not t.is_alpha
            for t in doc[first:last]
        ):
            continue
        text = doc[first:last].text
        marks.append(
            _Mark(first, last, text, doc[first].idx, _end_char(doc, last), None, entity.label_)
        )
    return tuple(sorted(marks, key=lambda m: m.start))


def _find_title(
    doc: Doc, start: int, end: int, head: int, titles: TitleLexicon
) -> tuple[int, int, Title] | None:
    """The title the phrase ends in: at ``head``, or before an "of" phrase in capitals
    ("Secretary of State"), or a listed title with "of" in it ("secretary of state").

    Returns:
        (first token, one past the last token including any "of" phrase, title), or ``None``.
    """
    options: list[tuple[int, int]] = []
    of_follows = head + 1 < end and doc[head + 1].lower_ == "of"
    if of_follows:
        options.append((head, _tail_end(doc, head + 1, end)))
        options.extend((head + k, head + k + 1) for k in (2, 3) if head + k < end)
    options.append((head, head + 1))
    options.extend(
        (i - 1, head + 1)
        for i in range(start + 1, head + 1)
        if doc[i].lower_ == "of" and _capitalised_tail(doc, i + 1, head + 1)
    )
    for title_end, stop in options:
        found = _title_ending(doc, start, title_end, titles)
        if found is not None and found[0] <= head:
            return found[0], max(stop, title_end + 1), found[1]
    return None


def _title_ending(
    doc: Doc, start: int, title_end: int, titles: TitleLexicon
) -> tuple[int, Title] | None:
    """The longest listed title whose last token is ``title_end``: (first token, title)."""
    # Tokens, not words: "secretary-general" and "lt. gov." take more tokens than words.
    for length in range(min(titles.longest * 3, title_end - start + 1), 0, -1):
        first = title_end - length + 1
        words = _normal(doc[first : title_end + 1].text)
        if words in titles.titles:
            return first, titles.titles[words]
        # "Presidents Putin and Biden": a plural title before coordinated names.
        if words.endswith("s") and words[:-1] in titles.titles:
            return first, titles.titles[words[:-1]]
    return None


def _capitalised_tail(doc: Doc, start: int, end: int) -> bool:
    """Whether ``doc[start:end]`` reads as the rest of a title: capitalised words and connectors."""
    words = [t for t in doc[start:end] if not t.is_punct]
    return (
        bool(words)
        and all(t.is_title or t.is_upper or t.lower_ in _CONNECTORS for t in words)
        and words[-1].lower_ not in _CONNECTORS
    )


def _tail_end(doc: Doc, start: int, end: int) -> int:
    """One past the "of Capitalised Words" part that follows a title at ``start``."""
    if start >= end or doc[start].lower_ != "of":
        return start
    stop = start + 1
    while stop < end and (
        doc[stop].is_title or doc[stop].is_upper or doc[stop].lower_ in _CONNECTORS
    ):
        stop += 1
    while stop > start + 1 and doc[stop - 1].lower_ in _CONNECTORS:
        stop -= 1
    return stop if stop > start + 1 else start


def _office_start(
    doc: Doc, start: int, title_start: int, titles: TitleLexicon, marks: Sequence[_Mark]
) -> int:
    """Extend a title leftwards over office words and qualifiers ("Deputy Foreign Minister")."""
    in_mark = {t for mark in marks for t in range(mark.start, mark.end)}
    qualifiers = titles.office_words | titles.rank_qualifiers | titles.time_qualifiers
    i = title_start
    while i > start:
        previous = doc[i - 1]
        word = previous.lower_
        if (
            previous.text in ("-", "–")
            and i - 2 >= start
            and doc[i - 2].lower_ in titles.time_qualifiers
        ):
            i -= 2
            continue
        if word in qualifiers and (i - 1) not in in_mark:
            i -= 1
            continue
        break
    return i


def _affiliation_start(doc: Doc, start: int, office_start: int, marks: Sequence[_Mark]) -> int:
    """Extend a role leftwards over affiliations and possessive markers ("Russia's")."""
    i = office_start
    by_end = {mark.end: mark for mark in marks}
    while i > start:
        if i in by_end and by_end[i].start >= start:
            i = by_end[i].start
            continue
        if doc[i - 1].text in _POSSESSIVE and (i - 1) in by_end:
            i = by_end[i - 1].start
            continue
        break
    return i


def _office(doc: Doc, start: int, end: int, titles: TitleLexicon) -> str:
    words = [
        t.lower_
        for t in doc[start:end]
        if t.lower_ not in titles.time_qualifiers and t.text not in ("-", "–")
    ]
    return _normal(" ".join(words))


def _core(doc: Doc, start: int, end: int, marks: Sequence[_Mark]) -> str:
    marked = {t for mark in marks for t in range(mark.start, mark.end)}
    kept = [
        t.lower_
        for t in doc[start:end]
        if t.i not in marked and t.text not in _POSSESSIVE and t.dep_ != "det"
    ]
    return _normal(" ".join(kept))


def _affiliation(mark: _Mark, government: bool, found_by: str) -> Affiliation:
    if mark.country is None:
        name = mark.text[4:] if mark.text.lower().startswith("the ") else mark.text
        source = f"ner:{mark.kind}"
    else:
        name = mark.country.government if government else mark.country.name
        source = f"affiliations.toml:{mark.kind}"
    return Affiliation(
        name=name,
        start=mark.char_start,
        end=mark.char_end,
        text=mark.text,
        found_by=f"{source}:{found_by}",
    )


def _is_institution(mark: _Mark) -> bool:
    return mark.kind == "institution"


# --- small helpers ----------------------------------------------------------------------------


def _end_char(doc: Doc, end: int) -> int:
    """The character offset just after token ``end - 1``."""
    last = doc[end - 1]
    return last.idx + len(last.text)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _lower_set(file: DataFile, container: dict[str, Any], key: str, name: str) -> frozenset[str]:
    return frozenset(word.lower() for word in words(file, container, key, name=name))


def _line_of_text(file: DataFile, value: str) -> str:
    for number, line in enumerate(file.text.splitlines(), start=1):
        if f'"{value}"' in line:
            return f"{file.where}:{number}"
    return file.where

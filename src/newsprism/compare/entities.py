"""One entity per person or organisation for all the articles of a story.

The analysis groups the mentions of an entity inside one article; here the entities of all the
story's articles are joined, so that every comparison step shows one row per person:

* **People** (:func:`newsprism.stories.names.same_person`): fuller names first, each name joins
  the one group of people whose every name it can be ("Hillary Clinton" joins "Hillary Rodham
  Clinton"; "Jim Mattis" joins "James Mattis" through the nickname table; "George W. Bush"
  does not join "George H.W. Bush"). A name that fits two groups ("George Bush" beside both) and
  a bare surname that fits two ("Clinton" beside Bill and Hillary) join one only when they share
  a role with it ("Secretary Clinton"); otherwise they stay apart, never guessed.
* **A name the model tagged as something else** ("Mattis" as an organisation) is a person when
  it fits exactly one group of people and is no country or institution.
* **Organisations and places** join by :func:`newsprism.stories.names.org_key` ("Pueblos Sin
  Fronteras" and "Pueblo Sin Fronteras"), a country's names by the country ("US", "United
  States"), and an acronym by the name the story defines it with: in one article beside it
  ("Immigration and Customs Enforcement (ICE)") or grouped with it by the analysis, or, for an
  acronym of three letters or more, the one organisation name of the story whose initials it
  spells ("ACLU" in one outlet, "American Civil Liberties Union" in another).

An outlet mentions an entity when one of its article's entities resolves to it, or when its
headline or body names it in a form that resolves to it and to no other (the analysis reads
the body only, and may miss a name): "Fox's headline says James Mattis" counts, and so does a
name that opens a hyphenated modifier ("an Obama-era ban").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsprism.analyze.descriptors import AffiliationLexicon
from newsprism.model import AnalyzedArticle, Entity, MentionKind
from newsprism.stories.names import (
    Nicknames,
    PersonName,
    acronym_of,
    fold,
    org_key,
    parse_person_name,
    same_person,
)

__all__ = ["StoryEntities", "StoryEntity", "resolve_story"]

PERSON = "PERSON"
# Capitalised name words and initials, with the particles and markers a name may hold.
_NAME_WORD = r"(?:[A-Z][\w'’-]*\.?|(?:van|von|de|da|del|der|di|du|la|le|bin|al)(?=\s+[A-Z]))"
_NAME_BEFORE = re.compile(rf"(?:{_NAME_WORD}\s+){{0,3}}$")
_NAME_AFTER = re.compile(r"^,?\s+(?:Jr|Sr|II|III|IV)\b\.?")
_DEFINITION = re.compile(
    r"(?P<full>[A-Z][\w'’-]*(?:\s+(?:(?:of|the|and|for|on|&)\s+)*[A-Z][\w'’-]*)+)"
    r"\s+\((?P<acronym>[A-Z]{2,8})\)"
)
_ACRONYM = re.compile(r"^[A-Z]{2,8}$")
# Characters read around a surname for the rest of the name; shortest name form scanned for.
_LOOK_CHARS = 80
_MIN_FORM_CHARS = 2
# Words an organisation's shorter name needs to join a longer one that it ends.
_MIN_SHORT_ORG_WORDS = 2


@dataclass(frozen=True, slots=True)
class StoryEntity:
    """One person or organisation of the story.

    Attributes:
        name: The name the comparison shows: the form used most often, a fuller one first.
        label: PERSON, or the label most of its article entities have.
        names: Every name form the articles use for it.
    """

    name: str
    label: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoryEntities:
    """The story's entities and where each article refers to them.

    Attributes:
        entities: The story's entities, first mentioned first.
        local: Per article (input order), article entity id -> story entity name.
        mentioned: Per article, the names of the story entities it mentions (body or headline).
        headline: Per article, ``(start, end, story entity name)`` of the names in its headline.
    """

    entities: tuple[StoryEntity, ...]
    local: tuple[dict[str, str], ...]
    mentioned: tuple[frozenset[str], ...]
    headline: tuple[tuple[tuple[int, int, str], ...], ...]


@dataclass(slots=True)
class _Group:
    label: str
    names: list[PersonName] = field(default_factory=list)
    forms: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    roles: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    strict: frozenset[str] = frozenset()
    acronyms: set[str] = field(default_factory=set)
    first: tuple[int, int] = (1 << 30, 0)
    members: list[tuple[int, str]] = field(default_factory=list)

    def add(self, index: int, entity: Entity, person: PersonName | None) -> None:
        if person is not None:
            self.names.append(person)
        names = [m for m in entity.mentions if m.kind is MentionKind.NAME]
        self.forms[entity.name] += max(len(names), 1)
        self.labels[entity.label] += 1
        self.roles.update(_role_key(r.text) for r in entity.roles)
        start = min((m.start for m in entity.mentions), default=0)
        self.first = min(self.first, (index, start))
        self.members.append((index, entity.id))

    def merge(self, other: _Group) -> None:
        self.names.extend(other.names)
        self.forms.update(other.forms)
        self.labels.update(other.labels)
        self.roles |= other.roles
        self.keys |= other.keys
        self.first = min(self.first, other.first)
        self.members.extend(other.members)

    def display(self) -> str:
        # A country is shown by its name, whichever of its forms the outlets used most
        # ("China", not "Chinese"; "United States", not "US").
        countries = sorted(k.removeprefix("country:") for k in self.keys
                           if k.startswith("country:"))
        if len(countries) == 1:
            return countries[0]

        def rank(form: str) -> tuple[int, int, int]:
            person = parse_person_name(form) if self.label == PERSON else None
            fuller = 1 if person is None or person.given else 0
            return (fuller, self.forms[form], len(form))

        return max(self.forms, key=rank)


def resolve_story(
    articles: Sequence[AnalyzedArticle],
    *,
    nicknames: Nicknames,
    affiliations: AffiliationLexicon,
) -> StoryEntities:
    """Join the entities of a story's articles into one entity per person or organisation.

    Args:
        articles: The story's analysed articles.
        nicknames: The nickname table (:func:`newsprism.stories.names.load_nicknames`).
        affiliations: Countries and institutions: a country's names join, and no country or
            institution is taken for a person.

    Returns:
        The story's entities and, per article, what each of its entities resolves to and which
        story entities it mentions.
    """
    people: list[_Group] = []
    pending: list[tuple[int, Entity, PersonName]] = []
    others: list[tuple[int, Entity]] = []
    for index, analyzed in enumerate(articles):
        for entity in analyzed.entities:
            person = _person_of(entity.name) if entity.label == PERSON else None
            if person is not None:
                pending.append((index, entity, person))
            else:
                others.append((index, entity))
    # Fuller names first, so a shorter one meets every person it could be.
    pending.sort(key=lambda item: (-len(item[2].given), item[0], item[1].id))
    strict = _marked_apart(articles, nicknames)
    for index, entity, person in pending:
        _place(people, index, entity, person, nicknames, strict)
    people = _given_name_only(people, nicknames)
    groups: dict[str, _Group] = {}
    definitions, defined_at = _acronyms(articles)
    for index, entity in others:
        person = _person_of(entity.name)
        if person is not None and entity.name not in affiliations.names:
            fitting = [g for g in people if _fits(g, person, nicknames)]
            if len(fitting) == 1:
                fitting[0].add(index, entity, None)
                continue
        key = _key(entity.name, affiliations, definitions)
        # A name the model cut short before its defined acronym ("Customs Enforcement (ICE)").
        for mention in entity.mentions:
            full = defined_at.get((index, mention.end))
            if full is not None and full.endswith(mention.text):
                key = org_key(full)
        group = groups.setdefault(key, _Group(label=entity.label))
        group.keys.add(key)
        group.add(index, entity, None)
    for group in groups.values():
        group.label = group.labels.most_common(1)[0][0]
    organisations = _shorter_names(list(groups.values()))
    for acronym, full in definitions.items():
        for group in organisations:
            if org_key(full) in group.keys:
                group.acronyms.add(acronym)
    everyone = sorted([*people, *organisations], key=lambda g: g.first)
    local: list[dict[str, str]] = [{} for _ in articles]
    mentioned: list[set[str]] = [set() for _ in articles]
    entities = []
    for group in everyone:
        name = group.display()
        entities.append(StoryEntity(name=name, label=group.label, names=tuple(group.forms)))
        for index, entity_id in group.members:
            local[index][entity_id] = name
            mentioned[index].add(name)
    headlines: list[tuple[tuple[int, int, str], ...]] = []
    scanner = _Scanner.of(people, everyone)
    for index, analyzed in enumerate(articles):
        article = analyzed.article
        found = _named_in(article.headline or "", people, scanner, nicknames)
        headlines.append(tuple(sorted(found)))
        mentioned[index].update(name for _, _, name in found)
        mentioned[index].update(
            name for _, _, name in _named_in(article.body, people, scanner, nicknames)
        )
    return StoryEntities(
        entities=tuple(entities),
        local=tuple(local),
        mentioned=tuple(frozenset(m) for m in mentioned),
        headline=tuple(headlines),
    )


def _person_of(name: str) -> PersonName | None:
    """A person's name parts; of two people named together ("Trump and Mattis", a tagging
    slip) the first, which the parse makes the head of the phrase."""
    both = re.match(r"^(.+?)\s+(?:and|&)\s+[A-Z]", name)
    return parse_person_name(both.group(1) if both else name)


def _given_name_only(people: list[_Group], nicknames: Nicknames) -> list[_Group]:
    """Join a one-word name that is no one's surname but the first name of exactly one person
    ("Hillary" in "Hillary and Bill Clinton") to that person."""
    surnames = {p.surname for g in people for p in g.names if p.given}
    kept = []
    for group in people:
        words = {p.surname for p in group.names}
        if len(words) == 1 and all(not p.given for p in group.names):
            (word,) = words
            if word not in surnames and " " not in word:
                fitting = [
                    g for g in people
                    if g is not group and any(
                        p.given and len(p.given[0]) > 1
                        and (p.given[0] == word or nicknames.same(p.given[0], word))
                        for p in g.names
                    )
                ]
                if len(fitting) == 1:
                    fitting[0].members.extend(group.members)
                    fitting[0].forms.update(group.forms)
                    fitting[0].first = min(fitting[0].first, group.first)
                    continue
        kept.append(group)
    return kept


def _shorter_names(groups: list[_Group]) -> list[_Group]:
    """Join an organisation's name of two or more words that ends exactly one longer name of the
    story ("Sin Fronteras" of "Pueblo Sin Fronteras") to it."""
    kept = []
    for group in groups:
        keys = [k for k in group.keys if len(k.split()) >= _MIN_SHORT_ORG_WORDS]
        longer = [
            g for g in groups
            if g is not group and any(
                o.endswith(" " + k) for o in g.keys for k in keys
            )
        ]
        if len(longer) == 1 and group.label != PERSON:
            longer[0].merge(group)
            continue
        kept.append(group)
    return kept


def _fits(group: _Group, person: PersonName, nicknames: Nicknames) -> bool:
    strict = person.surname in group.strict
    return all(
        same_person(person, other, nicknames, strict_suffix=strict) for other in group.names
    )


def _marked_apart(articles: Sequence[AnalyzedArticle], nicknames: Nicknames) -> frozenset[str]:
    """Surnames of people one article names as two, with and without a generational marker
    ("Donald Trump" and "Donald Trump Jr."): for them a marker must match."""
    found = set()
    for analyzed in articles:
        people = [
            p for e in analyzed.entities if e.label == PERSON
            if (p := parse_person_name(e.name)) is not None and p.given
        ]
        for first in people:
            for second in people:
                if (first.suffix and not second.suffix and same_person(first, second, nicknames)):
                    found.add(first.surname)
    return frozenset(found)


def _place(
    people: list[_Group],
    index: int,
    entity: Entity,
    person: PersonName,
    nicknames: Nicknames,
    strict: frozenset[str],
) -> None:
    fitting = [g for g in people if _fits(g, person, nicknames)]
    if len(fitting) > 1:
        # A name several people fit ("Clinton", "George Bush"): the one that shares a role.
        roles = {_role_key(r.text) for r in entity.roles}
        fitting = [g for g in fitting if roles & g.roles] if roles else []
    if len(fitting) == 1:
        fitting[0].add(index, entity, person)
        return
    group = _Group(label=PERSON, strict=strict)
    group.add(index, entity, person)
    people.append(group)


def _role_key(text: str) -> str:
    return " ".join(w for w in fold(text).split() if w not in {"a", "an", "the", "former"})


def _key(name: str, affiliations: AffiliationLexicon, definitions: dict[str, str]) -> str:
    entry = affiliations.names.get(name) or affiliations.names.get(
        re.sub(r"^(?i:the)\s+", "", name)
    )
    if entry is not None and entry[1] in {"country", "demonym"}:
        return f"country:{entry[0].name}"
    bare = re.sub(r"^(?i:the)\s+", "", name)
    if bare in definitions:
        return org_key(definitions[bare])
    return org_key(name)


def _acronyms(
    articles: Sequence[AnalyzedArticle],
) -> tuple[dict[str, str], dict[tuple[int, int], str]]:
    """Acronym -> the full name the story defines it with, and (article index, end offset of
    the full name in its body) -> the full name."""
    found: dict[str, str] = {}
    at: dict[tuple[int, int], str] = {}
    for index, analyzed in enumerate(articles):
        for match in _DEFINITION.finditer(analyzed.article.body):
            full = re.sub(r"^(?:The|the)\s+", "", match.group("full"))
            words = full.split()
            # The definition is the words whose initials spell the acronym, counted from the end.
            for first in range(len(words)):
                candidate = " ".join(words[first:])
                if acronym_of(candidate) == match.group("acronym"):
                    found.setdefault(match.group("acronym"), candidate)
                    at[(index, match.end("full"))] = candidate
                    break
        for entity in analyzed.entities:
            texts = {m.text for m in entity.mentions if m.kind is MentionKind.NAME}
            texts.add(entity.name)
            short = [t for t in texts if _ACRONYM.match(t)]
            full_names = [t for t in texts if acronym_of(t) is not None]
            for acronym in short:
                for candidate in full_names:
                    if acronym_of(candidate) == acronym:
                        found.setdefault(acronym, candidate)
    # An acronym of three letters or more that one outlet writes and another spells out ("ACLU",
    # "American Civil Liberties Union"): the one organisation of the story it spells.
    names = {m.text for a in articles for e in a.entities if e.label == "ORG"
             for m in e.mentions if m.kind is MentionKind.NAME}
    spelled: dict[str, set[str]] = {}
    for name in names:
        bare = re.sub(r"^(?:The|the)\s+", "", name)
        initials = acronym_of(bare)
        if initials is not None:
            spelled.setdefault(initials, set()).add(bare)
    for name in names:
        if _ACRONYM.match(name) and len(name) >= 3 and name not in found:
            fulls = spelled.get(name, set())
            if len(fulls) == 1:
                found[name] = next(iter(fulls))
    return found, at


def _fold_keep_length(text: str) -> str:
    """``text`` without accents, one character for each ("Peña" -> "Pena")."""
    table = {ord(c): fold(c)[:1] or c for c in set(text) if not c.isascii()}
    return text.translate(table) if table else text


@dataclass(frozen=True, slots=True)
class _Scanner:
    """What a text is scanned for: the people's surnames, and the other entities' names."""

    surnames: re.Pattern[str] | None
    forms: tuple[tuple[re.Pattern[str], str], ...]

    @classmethod
    def of(cls, people: Sequence[_Group], everyone: Sequence[_Group]) -> _Scanner:
        surnames = sorted(
            {p.surname for g in people for p in g.names}, key=lambda s: (-len(s), s)
        )
        names: dict[str, str] = {}
        for group in everyone:
            if group.label != PERSON:
                for form in [*group.forms, *group.acronyms]:
                    if len(form) >= _MIN_FORM_CHARS:
                        names.setdefault(form, group.display())
        return cls(
            surnames=re.compile(
                r"(?<![\w-])(?:"
                + "|".join(r"\s+".join(re.escape(w) for w in s.split()) for s in surnames)
                # A name may open a hyphenated modifier ("an Obama-era ban").
                + r")(?!\w)(?!-(?-i:[^a-z]))",
                re.IGNORECASE,
            ) if surnames else None,
            # Each name on its own: "Central Command" is named inside "U.S. Central Command". A
            # name of two or more words is found in any case ("the coast guard" is the "Coast
            # Guard"); a one-word name only as written ("Apple", not "apple").
            forms=tuple(
                (
                    re.compile(
                        rf"(?<![\w-]){re.escape(form)}(?![\w-])",
                        re.IGNORECASE if " " in form.strip() else 0,
                    ),
                    name,
                )
                for form, name in names.items()
            ),
        )


def _named_in(
    text: str, people: Sequence[_Group], scanner: _Scanner, nicknames: Nicknames
) -> list[tuple[int, int, str]]:
    """Names of story entities in ``text`` that resolve to exactly one of them."""
    found: list[tuple[int, int, str]] = []
    if not text:
        return found
    folded = _fold_keep_length(text)
    for match in scanner.surnames.finditer(folded) if scanner.surnames else ():
        if not text[match.start()].isupper() and " " not in match.group():
            continue
        after = _NAME_AFTER.match(text[match.end():match.end() + _LOOK_CHARS])
        end = match.end() + (after.end() if after else 0)
        window = max(0, match.start() - _LOOK_CHARS)
        before = _NAME_BEFORE.search(text[window:match.start()])
        starts = [window + before.start() + m.start()
                  for m in re.finditer(r"\S+", before.group())] if before else []
        # The longest run of words before the surname that some person fits decides
        # ("President Donald Trump" is read as "Donald Trump").
        for start in [*starts, match.start()]:
            person = parse_person_name(text[start:end])
            fitting = [g for g in people if person is not None and _fits(g, person, nicknames)]
            if fitting:
                if len(fitting) == 1:
                    found.append((start, end, fitting[0].display()))
                break
    for pattern, name in scanner.forms:
        found.extend((m.start(), m.end(), name) for m in pattern.finditer(text))
    return found

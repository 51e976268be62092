"""Sides: the actor a speaker speaks for, read from the text and the rule files.

A side is always an actor: a government ("US government"), a party ("Republican Party"), an
organisation ("Pueblo Sin Fronteras"), or a country; never a bare noun ("Marine"). For a person
of the story, in order (each read from any of the story's articles, the speaker's own outlet
first):

1. a government the analysis tied the person to ("Russian Foreign Minister" -> Russian
   government), or an institution before the name in the headline ("White House Press
   Secretary Karine Jean-Pierre");
2. a public office held now (data/titles.toml, government = true; a title before the name or
   in apposition, not "former" and not "she was secretary") that is not a
   party office (data/voices.toml [offices] party_first): the government of the country the
   text ties the person to, else the government whose institutions the story names most
   ("President Donald Trump" in a story that names the White House -> US government; country
   names and demonyms do not count); or a role in a body of government (compare.toml
   [sides] government_words) of the country the text ties the person to ("China's foreign
   ministry spokesman" -> Chinese government);
3. a party: a party code after the name ("Sen. Ted Cruz (R-Texas)"), a party word in a role,
   a descriptor or just before the name ("Republican Sen. ..."), data/voices.toml [[party]];
4. an organisation the analysis tied the person to ("a spokesman for Pueblo Sin Fronteras"),
   when it is an actor: a name of two or more words or an acronym;
5. a party office without a party: as 2;
6. a country the person is tied to ("jailed Russian businessman" -> Russia).

An organisation or place that speaks is its own side, or its government when it is a country,
a capital or an institution ("The White House", "Moscow", "the Russian Foreign Ministry"); a
group named by a party word ("Republicans") is the party. A source the analysis did not resolve
("White House officials", "GOP operative") takes the side of an organisation or party it names.
Otherwise the side is unknown (``None``), never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.analyze.descriptors import AffiliationLexicon, TitleLexicon
from newsprism.datafile import read_data_file, string, table, words
from newsprism.errors import ConfigError
from newsprism.model import Entity, Evidence, MentionKind

if TYPE_CHECKING:  # the rule loader below is read by compare.rules, which compare.story needs
    from newsprism.compare.story import StoryArticleView, StoryView

__all__ = ["SideRules", "StorySides", "load_side_rules", "side_of_source", "story_sides"]

VOICES_FILE = "voices.toml"
PERSON = "PERSON"
# Words before a name read for a party word ("Republican Sen. Ted Cruz").
_PARTY_WINDOW_CHARS = 40
# Characters before a role read for a time qualifier ("former Pennsylvania Sen.").
_QUALIFIER_CHARS = 20
_GROUP_LABELS = frozenset({"ORG", "GPE", "NORP", "LOC", "FAC"})


@dataclass(frozen=True, slots=True)
class SideRules:
    """What ``data/voices.toml`` says about speakers and sides.

    Attributes:
        pronouns: Lower-case words that alone name no speaker.
        time_words: Lower-case words of time phrases.
        time_prepositions: Lower-case words that lead a time phrase after a name.
        statements: Lower-case nouns of statements and documents: a possessive source holding
            one speaks for its owner.
        government_people: Lower-case words of those who speak for a government besides its
            bodies ("US officials", "Russian forces").
        party_first: Lower-case offices whose holder speaks first for their party.
        party_words: Word or phrase naming a party or its members -> the party.
        party_codes: Letter of the "(R-Texas)" notation -> the party.
        party_pattern: Matches any party word as a whole word.
        code_pattern: Matches a party code right after a name ("(R-Texas)", ", D-N.Y.,").
    """

    pronouns: frozenset[str]
    time_words: frozenset[str]
    time_prepositions: frozenset[str]
    statements: frozenset[str]
    government_people: tuple[str, ...]
    party_first: frozenset[str]
    party_words: Mapping[str, str]
    party_codes: Mapping[str, str]
    party_pattern: re.Pattern[str]
    code_pattern: re.Pattern[str]


def load_side_rules(path: Path | None = None) -> SideRules:
    """Read ``data/voices.toml`` (or a file laid out as it).

    Raises:
        ConfigError: A table or field is missing or has the wrong type, or a party word or code
            is given to two parties; the message names ``file:line``.
    """
    file = read_data_file(VOICES_FILE, path)
    speakers = table(file, "speakers")
    offices = table(file, "offices")
    parties: Any = file.data.get("party")
    if not isinstance(parties, list) or not parties:
        raise ConfigError("no [[party]] entries; restore them from the packaged file",
                          where=file.where)
    party_words: dict[str, str] = {}
    party_codes: dict[str, str] = {}
    for entry in parties:
        if not isinstance(entry, dict):
            raise ConfigError("each [[party]] must be a table", where=file.where)
        name = string(file, entry, "name", name="party.name")
        for key, target in (("words", party_words), ("codes", party_codes)):
            if key not in entry and key == "codes":
                continue
            for value in words(file, entry, key, name=f"{name}.{key}"):
                if target.get(value, name) != name:
                    raise ConfigError(f"{value!r} is given to both {target[value]} and {name}",
                                      where=file.at(key))
                target[value] = name
    alternatives = "|".join(re.escape(w) for w in sorted(party_words, key=lambda w: (-len(w), w)))
    codes = "".join(re.escape(c) for c in party_codes)
    return SideRules(
        pronouns=frozenset(words(file, speakers, "pronouns", name="speakers.pronouns")),
        time_words=frozenset(words(file, speakers, "time_words", name="speakers.time_words")),
        time_prepositions=frozenset(
            words(file, speakers, "time_prepositions", name="speakers.time_prepositions")
        ),
        statements=frozenset(words(file, speakers, "statements", name="speakers.statements")),
        government_people=tuple(
            words(file, speakers, "government_people", name="speakers.government_people")
        ),
        party_first=frozenset(words(file, offices, "party_first", name="offices.party_first")),
        party_words=party_words,
        party_codes=party_codes,
        # A party word, not the start of a country's name ("Democratic Republic of Congo").
        party_pattern=re.compile(
            rf"(?<![\w-])(?:{alternatives})(?![\w-])(?!\s+(?:Republic|People))"
        ),
        code_pattern=re.compile(rf"^\s*[(,]\s*([{codes}])\s*[-–]\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?\s*[),]"),
    )


@dataclass(frozen=True, slots=True)
class StorySides:
    """The side of every story entity that has one, and the government the story names most.

    Attributes:
        by_entity: Story entity name -> per outlet, ``(side, evidence)``; the outlet ``""``
            holds the first side found in any outlet.
        government: The government the story names most, or ``None``.
    """

    by_entity: Mapping[str, Mapping[str, tuple[str, Evidence]]]
    government: str | None

    def of(self, name: str, outlet: str) -> tuple[str | None, Evidence | None]:
        """The side of a story entity as ``outlet`` gives it, else as any outlet does."""
        found = self.by_entity.get(name, {})
        side = found.get(outlet) or found.get("")
        return side if side is not None else (None, None)


def story_sides(
    view: StoryView,
    *,
    rules: SideRules,
    affiliations: AffiliationLexicon,
    titles: TitleLexicon,
    capitals: Mapping[str, str],
    government_words: Sequence[str],
    headline_window: int,
) -> StorySides:
    """The sides of the story's entities (see the module docstring)."""
    governments = {country.government for country, _ in affiliations.names.values()}
    government = _story_government(view, affiliations)
    by_entity: dict[str, dict[str, tuple[str, Evidence]]] = {}
    # Sides read from a better rule win over those of a later one, across articles.
    ranks: dict[str, int] = {}
    for article in view.articles:
        for entity in article.analyzed.entities:
            name = article.entity_names.get(entity.id, entity.name)
            found = _entity_side(
                entity, article, rules=rules, affiliations=affiliations, titles=titles,
                capitals=capitals, government_words=government_words, governments=governments,
                government=government, headline_window=headline_window,
            )
            if found is None:
                continue
            rank, side, evidence = found
            sides = by_entity.setdefault(name, {})
            if rank < ranks.get(name, 99):
                ranks[name] = rank
                sides.clear()
            if rank == ranks[name]:
                sides.setdefault(article.outlet, (side, evidence))
                sides.setdefault("", (side, evidence))
    return StorySides(by_entity=by_entity, government=government)


def side_of_source(
    text: str,
    start: int,
    article: StoryArticleView,
    *,
    rules: SideRules,
    affiliations: AffiliationLexicon,
    capitals: Mapping[str, str],
    government_words: Sequence[str],
    sides: StorySides,
) -> tuple[str | None, Evidence | None]:
    """The side of a source the analysis did not resolve ("White House officials"), from an
    organisation, place or party it names; ``start`` is its offset in the body."""
    end = start + len(text)
    for entity in article.analyzed.entities:
        if entity.label not in _GROUP_LABELS:
            continue
        for mention in entity.mentions:
            if mention.kind is MentionKind.NAME and start <= mention.start and mention.end <= end:
                if entity.label in ("GPE", "NORP") and not _speaks_for_the_place(
                    article.body[mention.end:end], (*government_words, *rules.government_people),
                    affiliations,
                ):
                    continue
                name = article.entity_names.get(entity.id, entity.name)
                side, _ = sides.of(name, article.outlet)
                if side is not None:
                    return side, article.evidence(mention.start, mention.end)
    party = _party_in(text, rules)
    if party is not None:
        return party[0], article.evidence(start + party[1], start + party[2])
    bare = re.sub(r"^(?i:the)\s+", "", text)
    government = _government_of(bare, affiliations, capitals, government_words)
    if government is None:
        # A country, demonym or institution before a word of government ("US officials").
        for size in range(min(3, len(bare.split())), 0, -1):
            head = " ".join(bare.split()[:size])
            rest = " ".join(bare.split()[size:]).lower()
            entry = affiliations.names.get(head)
            if entry is not None and (entry[1] == "institution" or any(
                w in rest for w in (*government_words, *rules.government_people)
            )):
                government = entry[0].government
                break
    if government is not None:
        return government, article.evidence(start, end)
    return None, None


def _speaks_for_the_place(
    rest: str, government_words: Sequence[str], affiliations: AffiliationLexicon
) -> bool:
    """Whether a source that names a country or a people ("Russia", "Russian officials") speaks
    for its government, from what follows the name in it (``rest``): nothing but punctuation or
    a possessive, a body of government or its officials ("'s Foreign Ministry", " officials"),
    or a known institution ("US Treasury"). Not "Danish scientists", nor "UK Finance", a trade
    body whose name opens with a country's."""
    words = re.sub(r"^['’]s\b", "", rest.strip(" ,.;:—–-()")).strip()
    if not words:
        return True
    following = re.match(r"[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*", words)
    if following is not None and following.group() in affiliations.names:
        return True
    low = words.lower()
    return any(re.search(rf"\b{re.escape(w)}\b", low) for w in government_words)


def _entity_side(
    entity: Entity,
    article: StoryArticleView,
    *,
    rules: SideRules,
    affiliations: AffiliationLexicon,
    titles: TitleLexicon,
    capitals: Mapping[str, str],
    government_words: Sequence[str],
    governments: set[str],
    government: str | None,
    headline_window: int,
) -> tuple[int, str, Evidence] | None:
    """(rank of the rule that found it, side, evidence) for one article entity."""
    if entity.label != PERSON:
        return _group_side(entity, article, rules=rules, affiliations=affiliations,
                           capitals=capitals, government_words=government_words)
    country_government = None
    country: tuple[str, Evidence] | None = None
    organisation: tuple[str, Evidence] | None = None
    for affiliation in entity.affiliations:
        evidence = article.evidence(affiliation.start, affiliation.end)
        if affiliation.name in governments:
            return 1, affiliation.name, evidence
        entry = affiliations.names.get(affiliation.name)
        if entry is not None:
            country_government = country_government or entry[0].government
            country = country or (affiliation.name, evidence)
            continue
        party = _party_in(affiliation.text, rules)
        if party is not None:
            return 3, party[0], evidence
        if organisation is None and _is_actor(affiliation.name):
            organisation = (affiliation.name, evidence)
    headline = _headline_side(entity, article, affiliations, headline_window)
    if headline is not None and headline[0] in governments:
        return 1, headline[0], headline[1]
    office = _office(entity, article, titles, rules)
    if office is not None and not office[1]:
        side = country_government or government
        if side is not None:
            return 2, side, office[0]
    # A role in a body of the government of the country the text ties the person to ("China's
    # foreign ministry spokesman", "Russian embassy official"): that government.
    if country_government is not None:
        phrases = [(r.text, r.start, r.end) for r in entity.roles]
        phrases += [(d.text, d.start, d.end) for d in entity.descriptors]
        for text, start, end in phrases:
            if _names_government_body(text, government_words):
                return 2, country_government, article.evidence(start, end)
    party_found = _person_party(entity, article, rules)
    if party_found is not None:
        return 3, party_found[0], party_found[1]
    if organisation is not None:
        return 4, organisation[0], organisation[1]
    if office is not None:
        side = country_government or government
        if side is not None:
            return 5, side, office[0]
    if country is not None:
        return 6, country[0], country[1]
    if headline is not None:
        return 6, headline[0], headline[1]
    return None


def _names_government_body(text: str, government_words: Sequence[str]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", lowered)
               for word in government_words)


def _group_side(
    entity: Entity,
    article: StoryArticleView,
    *,
    rules: SideRules,
    affiliations: AffiliationLexicon,
    capitals: Mapping[str, str],
    government_words: Sequence[str],
) -> tuple[int, str, Evidence] | None:
    names = [m for m in entity.mentions if m.kind is MentionKind.NAME]
    if not names:
        return None
    evidence = article.evidence(names[0].start, names[0].end)
    name = article.entity_names.get(entity.id, entity.name)
    for candidate in (entity.name, name):
        government = _government_of(candidate, affiliations, capitals, government_words)
        if government is not None:
            return 1, government, evidence
        party = _party_in(candidate, rules)
        if party is not None and party[1] == 0 and party[2] == len(candidate):
            return 1, party[0], evidence
    if entity.label == "ORG":
        for affiliation in entity.affiliations:
            if affiliation.name in {c.government for c, _ in affiliations.names.values()}:
                return 1, affiliation.name, article.evidence(affiliation.start, affiliation.end)
        return 1, name, evidence
    return None


def _headline_side(
    entity: Entity, article: StoryArticleView, affiliations: AffiliationLexicon, window: int
) -> tuple[str, Evidence] | None:
    # An institution in the headline's words before the name gives its government ("White
    # House Press Secretary Karine Jean-Pierre"); a country name or demonym gives the country
    # only ("jailed Russian businessman" is not the Russian government).
    headline = article.analyzed.article.headline or ""
    at = headline.find(entity.name)
    if at < 0:
        return None
    clause = headline.rfind(",", 0, at) + 1
    tokens = list(re.finditer(r"\S+", headline[clause:at]))[-window:]
    for size in range(min(len(tokens), 4), 0, -1):
        for first in range(len(tokens) - size + 1):
            start = clause + tokens[first].start()
            end = clause + tokens[first + size - 1].end()
            entry = affiliations.names.get(headline[start:end])
            if entry is not None:
                country, kind = entry
                side = country.government if kind == "institution" else country.name
                return side, article.evidence(start, at + len(entity.name), field="headline")
    return None


def _is_actor(name: str) -> bool:
    # An organisation named by two or more words or an acronym: "Marine" or "Army" alone
    # describes the person rather than naming what they speak for.
    parts = name.split()
    return len(parts) >= 2 or (name.isupper() and len(name) >= 2)


def _party_in(text: str, rules: SideRules) -> tuple[str, int, int] | None:
    match = rules.party_pattern.search(text)
    if match is None:
        return None
    return rules.party_words[match.group()], match.start(), match.end()


def _person_party(
    entity: Entity, article: StoryArticleView, rules: SideRules
) -> tuple[str, Evidence] | None:
    body = article.body
    for role in entity.roles:
        party = _party_in(role.text, rules)
        if party is not None:
            return party[0], article.evidence(role.start + party[1], role.start + party[2])
    for mention in entity.mentions:
        if mention.kind is not MentionKind.NAME:
            continue
        code = rules.code_pattern.match(body[mention.end:mention.end + 30])
        if code is not None:
            return rules.party_codes[code.group(1)], article.evidence(
                mention.start, mention.end + code.end()
            )
        # A party word just before the name, with only capitalised words between
        # ("Republican Sen. Ted Cruz").
        window = body[max(0, mention.start - _PARTY_WINDOW_CHARS):mention.start]
        clause = re.split(r"[,;:.!?\"“”()]\s", window)[-1]
        for match in rules.party_pattern.finditer(clause):
            between = clause[match.end():]
            if all(w[0].isupper() for w in between.split()):
                offset = mention.start - len(clause) + match.start()
                return rules.party_words[match.group()], article.evidence(
                    offset, mention.end
                )
    for descriptor in entity.descriptors:
        party = _party_in(descriptor.text, rules)
        if party is not None and descriptor.kind.value in {"premodifier", "appositive"}:
            return party[0], article.evidence(descriptor.start, descriptor.end)
    return None


def _office(
    entity: Entity, article: StoryArticleView, titles: TitleLexicon, rules: SideRules
) -> tuple[Evidence, bool] | None:
    """The evidence of the entity's public office, and whether it is a party office."""
    found: tuple[Evidence, bool] | None = None
    for role in entity.roles:
        low = role.text.lower()
        before = article.body[max(0, role.start - _QUALIFIER_CHARS):role.start].lower()
        qualifiers = set(re.findall(r"[\w-]+", low)) | set(re.findall(r"[\w-]+", before)[-2:])
        if qualifiers & titles.time_qualifiers or role.found_by.endswith(":copula"):
            # "former Secretary of State", "while she was secretary of state": an office held
            # before; a title before the name or in apposition is the one held now.
            continue
        for title, properties in titles.titles.items():
            if not re.search(rf"(?<![\w-]){re.escape(title)}(?![\w-])", low):
                continue
            party_first = title in rules.party_first or any(
                re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", low) for p in rules.party_first
            )
            if properties.government and (found is None or (found[1] and not party_first)):
                found = (article.evidence(role.start, role.end), party_first)
    return found


def _story_government(view: StoryView, affiliations: AffiliationLexicon) -> str | None:
    """The government whose institutions the story's articles name most ("White House",
    "Pentagon", "Kremlin"), counted by mention; ``None`` when they name none. Country names and
    demonyms do not count: a story about Libya names Libya often, yet its "President" is the
    one of the White House it also names."""
    counts: Counter[str] = Counter()
    for article in view.articles:
        for entity in article.analyzed.entities:
            for mention in entity.mentions:
                if mention.kind is not MentionKind.NAME:
                    continue
                entry = affiliations.names.get(re.sub(r"^(?i:the)\s+", "", mention.text))
                if entry is not None and entry[1] == "institution":
                    counts[entry[0].government] += 1
            for affiliation in entity.affiliations:
                entry = affiliations.names.get(affiliation.text)
                if entry is not None and entry[1] == "institution":
                    counts[entry[0].government] += 1
    return counts.most_common(1)[0][0] if counts else None


def _government_of(
    name: str,
    affiliations: AffiliationLexicon,
    capitals: Mapping[str, str],
    government_words: Sequence[str],
) -> str | None:
    names = affiliations.names
    name = re.sub(r"^(?i:the)\s+", "", name)
    if name in capitals:
        capital = names.get(capitals[name])
        if capital is not None:
            return capital[0].government
    if name in names:
        country, kind = names[name]
        if kind in {"institution", "country"}:
            return country.government
    parts = name.split()
    if parts and parts[0] in names:
        country, kind = names[parts[0]]
        rest = " ".join(parts[1:]).lower()
        if kind in {"demonym", "country"} and any(word in rest for word in government_words):
            return country.government
    return None

"""Entities of one article: names found by the model, repaired, grouped, and characterised.

Steps, each a small rule that can be told in a sentence:

1. **Names.** The model's entities with a label listed in ``entity_rules.toml`` [labels], without
   a leading "the", a trailing possessive, or (for people) a leading title or honorific; a name
   with no capitalised word ("n’t") is dropped.
2. **Roles and descriptors** are read from the words before each name, its appositive, its
   relative clause and, later, copular predicates (:mod:`newsprism.analyze.descriptors`).
   Model entities that are pieces of a title ("Press" in "Press Secretary") are dropped.
3. **Labels** are repaired by votes over every occurrence of a name form (weights in
   ``entity_rules.toml`` [evidence]): the model's label, a title or honorific before the name, the
   form being the surname of a full PERSON name in the article, and the form being the subject
   of a reporting verb. "Lavrov", tagged ORG five times, is a PERSON beside "Sergey Lavrov".
4. **Surnames** of people that the model missed are added where they stand alone in the text.
5. **Grouping.** A person's shorter name joins the full name it ends ("Jean-Pierre" -> "Karine
   Jean-Pierre"; the nearest one before it when several fit, except that a name after a
   gendered honorific, "Mrs. Clinton" beside Hillary and Bill Clinton, joins the one whose
   gender the text gives as the honorific's, once the pronouns are read); other names group by
   their text, a country's aliases ("US", "United States") by the country, and an acronym with
   the organisation whose initials it spells. The canonical name is the fullest form.
6. **References.** Pronouns and role nouns are attached (:mod:`newsprism.analyze.coref`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from newsprism.analyze.coref import (
    Antecedents,
    PronounRule,
    Referent,
    RoleNouns,
    load_pronouns,
    load_role_nouns,
    resolve_references,
)
from newsprism.analyze.descriptors import (
    AffiliationLexicon,
    PhraseReading,
    TitleLexicon,
    load_affiliations,
    load_titles,
    read_phrase,
    relative_clause,
)
from newsprism.config import AnalyzeSettings
from newsprism.datafile import integer, read_data_file, table, words
from newsprism.model import (
    Affiliation,
    Descriptor,
    DescriptorKind,
    Entity,
    Mention,
    MentionKind,
    Role,
)

__all__ = ["EntityLexicons", "Evidence", "find_entities", "load_entity_lexicons"]

RULES_FILE = "entity_rules.toml"
PERSON = "PERSON"
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_COPULA_COMPLEMENTS = frozenset({"attr", "acomp"})
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "&"})
_NOMINAL_POS = frozenset({"PROPN", "NOUN"})
# Dependencies inside a noun phrase before its head: anything else is not a premodifier.
_PREMODIFIER_DEPS = frozenset(
    {
        "compound",
        "amod",
        "nmod",
        "poss",
        "case",
        "nummod",
        "advmod",
        "npadvmod",
        "quantmod",
        "punct",
        "det",
        "prep",
        "pobj",
        "cc",
        "conj",
        "hmod",
        "hyph",
        "dep",
        "predet",
    }
)
# Parts of speech a noun phrase begins with ("the", "a", "Russia's", "former", "top").
_PHRASE_START_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "NUM", "PRON"})
_APPOSITIVE_MARKS = frozenset({",", "(", "—", "–", "--"})
# A family-first name has two or three words ("Xi Jinping", "Kim Jong Un").
_FAMILY_FIRST_WORDS = 3
_NOT_DESCRIPTIVE = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT"})
_CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "NUM"})


@dataclass(frozen=True, slots=True)
class Evidence:
    """Vote weights for repairing a name's label (``entity_rules.toml`` [evidence])."""

    ner: int
    person_title: int
    surname: int
    reporting_subject: int
    organisation_kind: int


@dataclass(frozen=True, slots=True)
class EntityLexicons:
    """Everything entity analysis reads from data files.

    Attributes:
        labels: Model labels kept as entities.
        evidence: Label-repair vote weights.
        pronouns: Pronoun rules.
        antecedents: Dependencies of antecedent subjects.
        titles: Titles, office words, qualifiers, honorifics.
        affiliations: Countries, demonyms and institutions.
        role_nouns: Role nouns, organisation head nouns, gendered words.
        series_words: Words that place a name in a series ("the next Okafor") or name a part
            of a place ("eastern Turkey"): a premodifier of these alone describes no one.
        family_first: Lower-case family names written first ("Xi Jinping", "Kim Jong Un"):
            the name alone ("Xi said") is the person.
        particles: Lower-case particles inside names ("del" of "Borja del Pozo Cruz").
    """

    labels: frozenset[str]
    evidence: Evidence
    pronouns: Mapping[str, PronounRule]
    antecedents: Antecedents
    titles: TitleLexicon
    affiliations: AffiliationLexicon
    role_nouns: RoleNouns
    series_words: frozenset[str] = frozenset()
    family_first: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()


def load_entity_lexicons(
    *,
    rules: Path | None = None,
    titles: Path | None = None,
    role_nouns: Path | None = None,
    affiliations: Path | None = None,
) -> EntityLexicons:
    """Read the entity rule files; each ``None`` reads the packaged file.

    Args:
        rules: In place of ``data/entity_rules.toml``.
        titles: In place of ``data/titles.toml``.
        role_nouns: In place of ``data/role_nouns.toml``.
        affiliations: In place of ``data/affiliations.toml``.

    Raises:
        ConfigError: A file is unreadable or an entry is wrong; the message names ``file:line``.
    """
    file = read_data_file(RULES_FILE, rules)
    evidence = table(file, "evidence")
    pronouns, antecedents = load_pronouns(rules)
    return EntityLexicons(
        labels=frozenset(words(file, table(file, "labels"), "entities", name="labels.entities")),
        evidence=Evidence(
            **{
                key: integer(file, evidence, key, name=f"evidence.{key}", minimum=0)
                for key in ("ner", "person_title", "surname", "reporting_subject",
                            "organisation_kind")
            }
        ),
        pronouns=pronouns,
        antecedents=antecedents,
        titles=load_titles(titles),
        affiliations=load_affiliations(affiliations),
        role_nouns=load_role_nouns(role_nouns),
        series_words=frozenset(
            words(file, table(file, "descriptors"), "series_words",
                  name="descriptors.series_words")
        ) | frozenset(
            words(file, table(file, "descriptors"), "part_words", name="descriptors.part_words")
        ),
        family_first=frozenset(
            w.lower() for w in words(file, table(file, "names"), "family_name_first",
                                     name="names.family_name_first")
        ),
        particles=frozenset(
            words(file, table(file, "names"), "particles", name="names.particles")
        ),
    )


def find_entities(
    doc: Doc,
    *,
    lexicons: EntityLexicons,
    settings: AnalyzeSettings,
    quotes: Sequence[tuple[int, int]] = (),
    reporting_lemmas: Collection[str] = (),
) -> tuple[Entity, ...]:
    """Find the entities of a parsed article, with mentions, roles, descriptors, affiliations.

    Args:
        doc: The parsed article body; every offset in the result indexes into ``doc.text``.
        lexicons: The rule files (:func:`load_entity_lexicons`).
        settings: The analysis settings (look-back windows).
        quotes: Character ranges of the quotations (``quotes.find_quotations``): pronouns
            inside them are the quoted speaker's, and are not resolved.
        reporting_lemmas: Lemmas of reporting verbs ("say", "claim"), for the label vote of a
            name that is their subject; empty to leave that vote out.

    Returns:
        Entities in order of first mention, ids "e1", "e2", ...
    """
    names = _names(doc, lexicons)
    readings = {id(name): _premodifier(doc, name, lexicons) for name in names}
    names = _drop_title_pieces(names, readings)
    names = [_without_possessor(doc, name, names) for name in names]
    _vote_labels(doc, names, readings, lexicons, reporting_lemmas)
    names = sorted(names + _lone_surnames(doc, names, lexicons.family_first),
                   key=lambda name: (name.start, -name.end))
    groups, waiting = _group(names, lexicons.affiliations, lexicons.family_first, doc.text)
    drafts = [
        _Draft(referent=_referent(key, group), names=group) for key, group in enumerate(groups)
    ]
    owner: dict[int, Referent] = {}
    # A relative clause ends before the next person it runs into ("..., who had spent 12 years
    # in a US jail, and former US Marine Trevor Reed"): the parser sometimes lets it run on.
    stops = frozenset(
        _phrase_start(readings.get(id(name)), name, doc) for name in names if name.label == PERSON
    )
    for draft in drafts:
        for name in draft.names:
            owned = list(range(name.start, name.end))
            _characterise(doc, draft, name, readings.get(id(name)), lexicons, stops, owned)
            for i in owned:
                owner.setdefault(i, draft.referent)
    resolve_references(
        doc,
        [draft.referent for draft in drafts],
        owner,
        quotes=quotes,
        pronouns=lexicons.pronouns,
        antecedents=lexicons.antecedents,
        role_nouns=lexicons.role_nouns,
        titles=lexicons.titles,
        affiliations=lexicons.affiliations,
        pronoun_window=settings.pronoun_window_sentences,
        nominal_window=settings.nominal_window_sentences,
    )
    for draft in drafts:
        _predicates(doc, draft, owner, quotes, lexicons)
    return _entities(_settle(drafts, waiting))


# --- names ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Name:
    """A name in the text: tokens ``start:end`` with the model's label and the repaired one."""

    start: int
    end: int
    char_start: int
    char_end: int
    text: str
    ner_label: str
    label: str
    found_by: str
    honorific_gender: str | None = None
    titled: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.lower().split())

    @property
    def key(self) -> str:
        return " ".join(self.words)


def _entity_spans(doc: Doc, particles: frozenset[str]) -> list[tuple[int, int, str]]:
    """The model's entities as (start, end, label), with two of its cuts mended: a name whose
    lower-case particle it left out ("Borja" and "Pozo Cruz" of "Borja del Pozo Cruz", "Vincent
    van Gogh"), and an organisation whose possessive first word it left out ("Alzheimer's" of
    "the Alzheimer's Society"; never a possessor that is a name itself, "Trump's White House")."""
    spans = [(e.start, e.end, e.label_) for e in doc.ents]
    tagged = {i for start, end, _ in spans for i in range(start, end)}
    mended: list[tuple[int, int, str]] = []
    skip_until = -1
    for start, end, label in spans:
        if start < skip_until:
            continue
        if label == PERSON:
            while end - 1 > start and doc[end - 1].text in particles:
                end -= 1  # "Ursula von der" + "Leyen": the particles lead into the rest
            while True:
                after = end
                while after < len(doc) and doc[after].text in particles:
                    after += 1
                if after == end or after >= len(doc) or not (
                    doc[after].pos_ == "PROPN" and doc[after].text[:1].isupper()
                ):
                    break
                end = after
                while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
                    end += 1
                skip_until = end
        elif (label == "ORG" and start >= 2 and doc[start - 1].text in _POSSESSIVE
              and doc[start - 2].text[:1].isupper() and doc[start - 2].i not in tagged
              and doc[start - 2].is_alpha and doc[start].text[:1].isupper()):
            start -= 2
        mended.append((start, end, label))
    return mended


def _names(doc: Doc, lexicons: EntityLexicons) -> list[_Name]:
    titles = lexicons.titles
    found = []
    for start, end, label in _entity_spans(doc, lexicons.particles):
        if label not in lexicons.labels:
            continue
        while start < end and (doc[start].dep_ == "det" or doc[start].lower_ == "the"):
            start += 1
        while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct):
            end -= 1
        titled = False
        if label == PERSON:
            # "Mitt Romney’s Medicare" tagged PERSON: the person is the possessor.
            end = next((i for i in range(start + 1, end) if doc[i].text in _POSSESSIVE), end)
            # The model sometimes takes a title into the name ("President Joe Biden").
            while end - start > 1 and (
                doc[start].lower_ in titles.honorifics or doc[start].lower_ in titles.titles
            ):
                start += 1
                titled = True
        if start >= end or not any(t.is_alpha and t.text[0].isupper() for t in doc[start:end]):
            continue
        first = doc[start]
        text = doc[start:end].text
        name = _Name(
            start,
            end,
            first.idx,
            first.idx + len(text),
            text,
            label,
            label,
            "ner",
            titled=titled,
        )
        before = doc[start - 1].lower_ if start > 0 else ""
        if before in titles.honorifics:
            name.titled = True
            name.honorific_gender = titles.honorifics[before]
        found.append(name)
    return found


def _without_possessor(doc: Doc, name: _Name, names: Sequence[_Name]) -> _Name:
    """ "Mitt Romney’s Medicare" is "Medicare" when the article names "Medicare" on its own: the
    model took the possessor into the name."""
    if name.label == PERSON:
        return name
    for i in range(name.start + 1, name.end - 1):
        if doc[i].text not in _POSSESSIVE:
            continue
        rest = doc[i + 1 : name.end]
        key = " ".join(rest.text.lower().split())
        if any(other.key == key and other.label == name.label for other in names):
            return _Name(
                rest.start,
                rest.end,
                rest.start_char,
                rest.end_char,
                rest.text,
                name.ner_label,
                name.label,
                name.found_by,
            )
    return name


def _premodifier(doc: Doc, name: _Name, lexicons: EntityLexicons) -> PhraseReading | None:
    """Read the words before a name that depend on it ("jailed Russian businessman")."""
    root = doc[name.start : name.end].root
    first = root.left_edge.i
    before = doc[name.start - 1] if name.start > 0 else None
    # The parser often hangs a name on the title right before it ("regional police chief
    # Carlos Medina told": "chief" the subject, the name its appositive): with nothing
    # between them, the title's words are the name's premodifier all the same.
    title_head = (
        before is not None
        and first >= name.start
        and root.dep_ == "appos"
        and root.head.i == before.i
        and before.pos_ == "NOUN"
    )
    if title_head and before is not None:
        first = before.left_edge.i
    # A name that itself modifies a noun ("State Department emails") shares its premodifiers
    # with that noun: they are not about the name.
    elif first >= name.start or root.pos_ not in _NOMINAL_POS or root.dep_ == "compound":
        return None
    for i in range(name.start - 1, first - 1, -1):
        # A comma, quotation mark or conjunction ends a premodifier; a date is not one.
        token = doc[i]
        if (
            (token.is_punct and not _is_hyphen(doc, token) and token.text not in _POSSESSIVE)
            or token.dep_ == "cc"
            or token.ent_type_ in _NOT_DESCRIPTIVE
        ):
            first = i + 1
            break
    phrase = doc[first : name.start]
    words = phrase[:-1] if title_head else phrase
    if first >= name.start or any(t.dep_ not in _PREMODIFIER_DEPS for t in words):
        return None
    if not any(t.pos_ in _CONTENT_POS for t in phrase):
        return None
    if all(t.lower_ in lexicons.series_words for t in phrase if t.pos_ in _CONTENT_POS):
        return None
    return read_phrase(
        doc,
        first,
        name.start,
        name.start - 1,
        kind=DescriptorKind.PREMODIFIER,
        found_by="premodifier",
        titles=lexicons.titles,
        affiliations=lexicons.affiliations,
    )


def _is_hyphen(doc: Doc, token: Token) -> bool:
    """A hyphen inside a word ("then-Secretary"), not a dash between words ("WASHINGTON - Rep.")."""
    before = doc[token.i - 1] if token.i > 0 else None
    return (
        token.text in ("-", "–")
        and not token.whitespace_
        and before is not None
        and not before.whitespace_
    )


def _drop_title_pieces(
    names: list[_Name], readings: Mapping[int, PhraseReading | None]
) -> list[_Name]:
    """Drop names that are pieces of a role ("State" in "US Secretary of State") and not one of
    its affiliations ("US")."""
    pieces: list[tuple[int, int, frozenset[tuple[int, int]]]] = []
    for name in names:
        reading = readings.get(id(name))
        if reading is not None and reading.role is not None:
            kept = frozenset((a.start, a.end) for a in reading.affiliations)
            pieces.append((reading.role.start, reading.role.end, kept))
    kept_names = []
    for name in names:
        span = _chars(name)
        inside = [p for p in pieces if p[0] <= span[0] and span[1] <= p[1]]
        if inside and all(span not in p[2] for p in inside):
            continue
        kept_names.append(name)
    return kept_names


def _vote_labels(
    doc: Doc,
    names: Sequence[_Name],
    readings: Mapping[int, PhraseReading | None],
    lexicons: EntityLexicons,
    reporting_lemmas: Collection[str],
) -> None:
    evidence = lexicons.evidence
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    first_label: dict[str, str] = {}
    for name in names:
        votes[name.key][name.ner_label] += evidence.ner
        first_label.setdefault(name.key, name.ner_label)
        reading = readings.get(id(name))
        if name.titled or (reading is not None and reading.role is not None):
            votes[name.key][PERSON] += evidence.person_title
        elif reading is not None and reading.descriptor is not None and _only_a_kind(
            reading.descriptor.text, lexicons
        ):
            votes[name.key]["ORG"] += evidence.organisation_kind
    full_names = [
        name.words
        for name in names
        if len(name.words) > 1 and _winner(votes[name.key], first_label[name.key]) == PERSON
    ]
    subject_deps = lexicons.antecedents.subject_deps
    for name in names:
        words_ = name.words
        if any(_shorter_form(words_, full, lexicons.family_first) for full in full_names):
            votes[name.key][PERSON] += evidence.surname
        root = doc[name.start : name.end].root
        if (
            root.dep_ in subject_deps
            and root.head.lemma_.lower() in reporting_lemmas
            and votes[name.key][PERSON] > 0
        ):
            votes[name.key][PERSON] += evidence.reporting_subject
    for name in names:
        name.label = _winner(votes[name.key], first_label[name.key])
        if name.label != name.ner_label:
            name.found_by = f"ner:{name.ner_label}->{name.label}"


def _winner(votes: Counter[str], fallback: str) -> str:
    best = max(votes.values())
    leaders = [label for label, count in votes.items() if count == best]
    return fallback if fallback in leaders else leaders[0]


def _lone_surnames(
    doc: Doc, names: Sequence[_Name], family_first: frozenset[str]
) -> list[_Name]:
    """Surnames of people standing alone where the model found no entity."""
    surnames = {
        _family_name(name.text.split(), family_first)
        for name in names if name.label == PERSON and len(name.words) > 1
    }
    taken = [_chars(name) for name in names]
    found: list[_Name] = []
    text = doc.text
    for surname in surnames:
        for match in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            span = doc.char_span(match.start(), match.end())
            if span is None:
                continue
            found.append(
                _Name(
                    span.start,
                    span.end,
                    match.start(),
                    match.end(),
                    span.text,
                    "",
                    PERSON,
                    "surname",
                )
            )
            taken.append((match.start(), match.end()))
    return found


# --- grouping ---------------------------------------------------------------------------------


def _group(
    names: Sequence[_Name], affiliations: AffiliationLexicon, family_first: frozenset[str],
    text: str,
) -> tuple[list[list[_Name]], list[tuple[list[_Name], list[list[_Name]]]]]:
    """Group names into entities: people by name words, others by text, country or acronym.

    Returns:
        The groups, and the groups of an honorific and a surname that several people fit
        ("Mrs. Clinton"), each with the groups of those people.
    """
    people = [name for name in names if name.label == PERSON]
    groups: list[list[_Name]] = []
    waiting: list[tuple[list[_Name], list[list[_Name]]]] = []
    by_words: dict[tuple[str, ...], list[_Name]] = {}
    for name in sorted(people, key=lambda n: (-len(n.words), n.start)):
        if name.words in by_words:
            by_words[name.words].append(name)
            continue
        fitting = [
            group for words_, group in by_words.items()
            if _shorter_form(name.words, words_, family_first)
        ]
        if len(fitting) > 1 and name.honorific_gender is not None:
            # "Mrs. Clinton" beside Hillary and Bill Clinton: not the one of the other gender;
            # when the honorific alone does not decide, the name waits as its own group until
            # the pronouns have told the people's genders (:func:`_settle`).
            fitting = [
                g for g in fitting
                if {n.honorific_gender for n in g} - {None} <= {name.honorific_gender}
            ]
            if len(fitting) > 1:
                waiting_key = (*name.words, f"<{name.honorific_gender}>")
                if waiting_key not in by_words:
                    by_words[waiting_key] = []
                    groups.append(by_words[waiting_key])
                    waiting.append((by_words[waiting_key], fitting))
                by_words[waiting_key].append(name)
                continue
        if fitting:
            nearest = max(
                fitting,
                key=lambda g: max((n.start for n in g if n.start < name.start), default=-1),
            )
            nearest.append(name)
            continue
        group = [name]
        groups.append(group)
        by_words[name.words] = group
    by_key: dict[str, list[_Name]] = {}
    others = [name for name in names if name.label != PERSON]
    for name in sorted(others, key=lambda n: (-len(n.words), n.start)):
        key = _other_key(name, affiliations)
        if key not in by_key:
            acronym = _acronym_group(name, by_key, text)
            if acronym is not None:
                by_key[key] = acronym
            else:
                by_key[key] = []
                groups.append(by_key[key])
        by_key[key].append(name)
    for group in groups:
        group.sort(key=lambda n: n.start)
    groups.sort(key=lambda g: g[0].start)
    return groups, waiting


def _settle(
    drafts: list[_Draft], waiting: Sequence[tuple[list[_Name], list[list[_Name]]]]
) -> list[_Draft]:
    """Join each waiting honorific group to the one person it fits whose gender, learned from
    the text (honorifics, pronouns, gendered titles), is the honorific's; or else to the one not
    known to be of the other gender; or else, as any shorter name, to the one named last
    before it. A group named before all of them stays apart."""
    by_group = {id(draft.names): draft for draft in drafts}
    dropped: set[int] = set()
    for group, candidates in waiting:
        draft = by_group[id(group)]
        gender = draft.referent.gender
        people = [by_group[id(c)] for c in candidates if id(c) in by_group]
        same = [p for p in people if p.referent.gender == gender]
        if len(same) != 1:
            same = [p for p in people if p.referent.gender in (None, gender)]
        if len(same) == 1:
            target = same[0]
        else:
            # Genders do not decide: the person named last before the group's first name, as
            # for any shorter name; none named before it, the group stays apart.
            first = min(name.start for name in draft.names)
            before = [
                (max(n.start for n in p.names if n.start < first), index)
                for index, p in enumerate(people)
                if any(n.start < first for n in p.names)
            ]
            if not before:
                continue
            target = people[max(before)[1]]
        target.names.extend(draft.names)
        target.referent.mentions.extend(draft.referent.mentions)
        target.roles.update(draft.roles)
        target.descriptors.update(draft.descriptors)
        target.affiliations.update(draft.affiliations)
        dropped.add(id(draft))
    return [draft for draft in drafts if id(draft) not in dropped]


def _shorter_form(
    short: tuple[str, ...], full: tuple[str, ...], family_first: frozenset[str] = frozenset()
) -> bool:
    """Whether a name ends a fuller one ("Jean-Pierre" of "Karine Jean-Pierre"), is the full
    name without a middle part ("Barack Obama" of "Barack H. Obama"), or is the family name
    that begins it ("Xi" of "Xi Jinping")."""
    if len(short) >= len(full):
        return False
    if full[-len(short) :] == short:
        return True
    if len(short) == 1 and len(full) <= _FAMILY_FIRST_WORDS and short[0] == full[0]:
        return short[0] in family_first
    return len(short) > 1 and short[0] == full[0] and short[-1] == full[-1]


def _family_name(words_: Sequence[str], family_first: frozenset[str]) -> str:
    """The word a person is called by alone: the first of a family-first name ("Xi" of "Xi
    Jinping"), else the last."""
    first = words_[0]
    if len(words_) <= _FAMILY_FIRST_WORDS and first.lower() in family_first:
        return first
    return words_[-1]


def _other_key(name: _Name, affiliations: AffiliationLexicon) -> str:
    entry = affiliations.names.get(name.text)
    if entry is not None:
        country, kind = entry
        return f"{name.label}:{kind}:{country.name}"
    return f"{name.label}:{name.key}"


def _acronym_group(
    name: _Name, by_key: Mapping[str, list[_Name]], text: str
) -> list[_Name] | None:
    """The organisation whose capitalised words' initials the name spells ("EPA"), or whose
    name the acronym follows in parentheses ("the Disaster and Emergency Management Authority
    (AFAD)": the article defines it, in whatever language its initials are)."""
    if name.label != "ORG" or not name.text.isupper() or len(name.text) < 2 or " " in name.text:
        return None
    for group in by_key.values():
        full = group[0]
        if full.label != "ORG" or len(full.words) < 2:
            continue
        if any(text[n.char_end : name.char_start].strip() == "(" for n in group) and (
            text[name.char_end : name.char_end + 1] == ")"
        ):
            return group
        initials = "".join(
            word[0] for word in full.text.split() if word.lower() not in _ACRONYM_SKIP
        )
        if initials.upper() == name.text:
            return group
    return None


# --- characterising ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    referent: Referent
    names: list[_Name]
    roles: dict[tuple[int, int], Role] = field(default_factory=dict)
    descriptors: dict[tuple[int, int], Descriptor] = field(default_factory=dict)
    affiliations: dict[tuple[int, int, str], Affiliation] = field(default_factory=dict)


def _referent(key: int, group: Sequence[_Name]) -> Referent:
    labels = Counter(name.label for name in group)
    label = PERSON if PERSON in labels else labels.most_common(1)[0][0]
    genders = {name.honorific_gender for name in group if name.honorific_gender}
    return Referent(
        key=key,
        label=label,
        name_words=frozenset(word for name in group for word in name.words),
        gender=genders.pop() if len(genders) == 1 else None,
        mentions=[
            Mention(
                start=_chars(name)[0],
                end=_chars(name)[1],
                text=name.text,
                kind=MentionKind.NAME,
                found_by=name.found_by,
            )
            for name in group
        ],
    )


def _characterise(
    doc: Doc,
    draft: _Draft,
    name: _Name,
    premodifier: PhraseReading | None,
    lexicons: EntityLexicons,
    stops: Collection[int],
    owned: list[int],
) -> None:
    """Add what the words before, beside and after a name say about its entity; tokens of the
    noun phrases found to name it too are added to ``owned``."""
    span = doc[name.start : name.end]
    person = draft.referent.label == PERSON
    if premodifier is not None:
        _take(draft, premodifier, lexicons, roles=person)
    for reading, nominal in _appositives(doc, span, lexicons):
        _take(draft, reading, lexicons, roles=person)
        if nominal is not None:
            first, last = doc[nominal[0]], doc[nominal[1] - 1]
            draft.referent.mentions.append(
                Mention(
                    start=first.idx,
                    end=last.idx + len(last.text),
                    text=doc[nominal[0] : nominal[1]].text,
                    kind=MentionKind.NOMINAL,
                    found_by="appositive",
                )
            )
            owned.extend(range(nominal[0], nominal[1]))
    clause = relative_clause(doc, span, person=person, stops=stops)
    if clause is not None:
        draft.descriptors.setdefault((clause.start, clause.end), clause)


def _appositives(
    doc: Doc, span: Span, lexicons: EntityLexicons
) -> list[tuple[PhraseReading, tuple[int, int] | None]]:
    """Readings of appositives after a name ("Lavrov, Russia's foreign minister") and of the noun
    phrase a name is the appositive of ("the White House press secretary, Karine Jean-Pierre");
    the latter comes with its token range, a mention of the same entity.

    An appositive stands after a comma, dash or bracket and is a noun phrase, not another name;
    the parser's "appos" is looser than that.
    """
    root = span.root
    found: list[tuple[PhraseReading, tuple[int, int] | None]] = []
    for child in root.rights:
        between = doc[span.end : child.left_edge.i]
        if (
            child.dep_ != "appos"
            or child.ent_type_ in lexicons.labels
            or child.pos_ not in _NOMINAL_POS
            or child.left_edge.pos_ not in _PHRASE_START_POS
            or not between
            or between[0].text not in _APPOSITIVE_MARKS
        ):
            continue
        reading = read_phrase(
            doc,
            child.left_edge.i,
            child.right_edge.i + 1,
            child.i,
            kind=DescriptorKind.APPOSITIVE,
            found_by="appositive",
            titles=lexicons.titles,
            affiliations=lexicons.affiliations,
        )
        if reading is not None:
            found.append((reading, None))
    head = root.head
    if (
        root.dep_ == "appos"
        and head.i < span.start
        and head.pos_ in _NOMINAL_POS
        and not head.ent_type_
        and doc[span.start - 1].text in _APPOSITIVE_MARKS
    ):
        reading = read_phrase(
            doc,
            head.left_edge.i,
            head.i + 1,
            head.i,
            kind=DescriptorKind.APPOSITIVE,
            found_by="appositive",
            titles=lexicons.titles,
            affiliations=lexicons.affiliations,
        )
        if reading is not None:
            found.append((reading, (head.left_edge.i, head.i + 1)))
    return found


def _take(draft: _Draft, reading: PhraseReading, lexicons: EntityLexicons, *, roles: bool) -> None:
    referent = draft.referent
    if roles and reading.role is not None:
        draft.roles.setdefault((reading.role.start, reading.role.end), reading.role)
        if reading.office:
            referent.offices.add(reading.office)
    if reading.descriptor is not None and not (
        referent.label != PERSON and _only_a_kind(reading.descriptor.text, lexicons)
    ):
        # An organisation's kind alone ("the journal JAMA Neurology") describes nothing.
        descriptor = reading.descriptor
        draft.descriptors.setdefault((descriptor.start, descriptor.end), descriptor)
        if reading.head:
            referent.descriptor_heads.add(reading.head)
    for affiliation in reading.affiliations:
        draft.affiliations.setdefault(
            (affiliation.start, affiliation.end, affiliation.name), affiliation
        )
    referent.countries.update(reading.countries)
    if referent.label == PERSON and referent.gender is None:
        referent.gender = reading.gender or lexicons.role_nouns.gender_of(reading.head)


def _only_a_kind(text: str, lexicons: EntityLexicons) -> bool:
    words = [w for w in text.lower().split() if w not in ("the", "a", "an")]
    return len(words) == 1 and words[0] in lexicons.role_nouns.org_heads


def _predicates(
    doc: Doc,
    draft: _Draft,
    owner: Mapping[int, Referent],
    quotes: Sequence[tuple[int, int]],
    lexicons: EntityLexicons,
) -> None:
    """Copular predicates of the entity's subject mentions ("Bout ... he is innocent")."""
    for mention in list(draft.referent.mentions):
        if any(s <= mention.start < e for s, e in quotes):
            continue
        span = doc.char_span(mention.start, mention.end)
        if span is None:
            continue
        root = span.root
        if (
            root.dep_ != "nsubj"
            or root.head.lemma_ != "be"
            or owner.get(root.i) is not draft.referent
        ):
            continue
        for complement in root.head.rights:
            if complement.dep_ not in _COPULA_COMPLEMENTS:
                continue
            # An adjective with a clause after it judges an act, not the person ("was right
            # to say", "was quick to respond").
            if complement.dep_ == "acomp" and any(
                child.dep_ in ("xcomp", "ccomp") for child in complement.children
            ):
                continue
            reading = read_phrase(
                doc,
                complement.left_edge.i,
                complement.right_edge.i + 1,
                complement.i,
                kind=DescriptorKind.PREDICATE,
                found_by="copula",
                titles=lexicons.titles,
                affiliations=lexicons.affiliations,
            )
            if reading is not None:
                _take(draft, reading, lexicons, roles=draft.referent.label == PERSON)


# --- records ----------------------------------------------------------------------------------


def _entities(drafts: Sequence[_Draft]) -> tuple[Entity, ...]:
    ordered = sorted(drafts, key=lambda d: min(m.start for m in d.referent.mentions))
    entities = []
    for number, draft in enumerate(ordered, start=1):
        mentions = sorted(
            {(m.start, m.end): m for m in draft.referent.mentions}.values(), key=lambda m: m.start
        )
        entities.append(
            Entity(
                id=f"e{number}",
                name=_canonical(draft.names),
                label=draft.referent.label,
                mentions=tuple(mentions),
                roles=tuple(sorted(draft.roles.values(), key=lambda r: r.start)),
                descriptors=tuple(sorted(draft.descriptors.values(), key=lambda d: d.start)),
                affiliations=tuple(sorted(draft.affiliations.values(), key=lambda a: a.start)),
            )
        )
    return tuple(entities)


def _canonical(names: Sequence[_Name]) -> str:
    """The fullest name form: most words, then one not in capitals (a dateline's "MALATYA" is
    Malatya), then most characters, then the first."""
    return min(
        names,
        key=lambda n: (-len(n.words), n.text.isupper(), -len(n.text), n.start),
    ).text


def _phrase_start(reading: PhraseReading | None, name: _Name, doc: Doc) -> int:
    """Token index where a name's phrase begins: its premodifier, or the name itself."""
    if reading is None:
        return name.start
    first = reading.role.start if reading.role is not None else name.char_start
    if reading.descriptor is not None:
        first = min(first, reading.descriptor.start)
    span = doc.char_span(first, first + 1, alignment_mode="expand")
    return span.start if span is not None else name.start


def _chars(name: _Name) -> tuple[int, int]:
    return name.char_start, name.char_end

"""Pronouns and role nouns attached to the entities they refer to, by explainable rules.

Resolution runs once over the article, left to right, so that each reference can lean on those
resolved before it ("she" after "the spokeswoman" after "Karine Jean-Pierre"):

* A pronoun ("she", "his", "they") goes to the nearest preceding **subject** (or the possessor
  of one: "Moscow's actions") that is a mention of a compatible entity: a label the pronoun may
  refer to (``entity_rules.toml`` [pronouns]) and no conflicting gender. It looks back at most
  ``pronoun_window_sentences`` sentences. "they" stops at a plural or coordinated subject that
  is no single entity ("US officials", "Moscow and Washington"). An object pronoun is not bound
  to the subject of its own verb ("Lavrov told him"). A pronoun before the main subject of its
  sentence and outside it goes forward to that subject ("In **its** statement, the Russian
  Foreign Ministry said"). Pronouns inside quotation marks speak from the quoted speaker's view
  and are left alone.
* A definite noun phrase ("the spokeswoman", "the top US diplomat", "the ministry") goes to the
  entity mentioned last before it, within ``nominal_window_sentences``, among those it can name
  (see ``role_nouns.toml``): by office, by role noun, by a descriptor's head noun, or by a word
  of an organisation's name; affiliations and gender must agree.

Each attached mention carries the rule that attached it in ``found_by``.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from newsprism.analyze.descriptors import AffiliationLexicon, TitleLexicon, read_phrase
from newsprism.datafile import read_data_file, string, table, words
from newsprism.errors import ConfigError
from newsprism.model import DescriptorKind, Mention, MentionKind

__all__ = [
    "Antecedents",
    "PronounRule",
    "Referent",
    "RoleNoun",
    "RoleNouns",
    "load_pronouns",
    "load_role_nouns",
    "resolve_references",
]

ROLE_NOUNS_FILE = "role_nouns.toml"
RULES_FILE = "entity_rules.toml"
_GENDERS = frozenset({"female", "male"})
_SINGULAR_NOUN_TAGS = frozenset({"NN", "NNP"})
_PLURAL_NOUN_TAGS = frozenset({"NNS", "NNPS"})
_OBJECT_DEPS = frozenset({"dobj", "dative", "pobj"})


@dataclass(frozen=True, slots=True)
class PronounRule:
    """What a pronoun may refer to: entity labels, and a gender for he/she."""

    labels: frozenset[str]
    gender: str | None


@dataclass(frozen=True, slots=True)
class Antecedents:
    """Dependency labels of antecedent subjects and of their possessors."""

    subject_deps: frozenset[str]
    possessor_deps: frozenset[str]


@dataclass(frozen=True, slots=True)
class RoleNoun:
    """A role noun ("top diplomat"): the offices it may name, and the gender it states."""

    offices: frozenset[str]
    gender: str | None


@dataclass(frozen=True, slots=True)
class RoleNouns:
    """Role nouns, organisation head nouns and gendered words from ``role_nouns.toml``."""

    nouns: Mapping[str, RoleNoun]
    org_heads: frozenset[str]
    female: frozenset[str]
    male: frozenset[str]
    where: str

    def gender_of(self, word: str | None) -> str | None:
        """The gender a word states ("spokeswoman" -> "female"), or ``None``."""
        if word is None:
            return None
        if word in self.female:
            return "female"
        if word in self.male:
            return "male"
        return None


@dataclass(slots=True)
class Referent:
    """An entity while it is being built: what resolution needs to know, and what it adds.

    Mutable on purpose: resolution appends mentions and learns genders as it reads on.

    Attributes:
        key: The entity's number in the article.
        label: Its label (PERSON, ORG, ...).
        name_words: Lower-case words of its names ("russian", "foreign", "ministry").
        offices: Offices of its roles ("press secretary").
        descriptor_heads: Head nouns of its descriptors ("businessman").
        countries: Countries its affiliations name.
        gender: "female", "male" or ``None`` when unknown.
        mentions: Its mentions so far.
    """

    key: int
    label: str
    name_words: frozenset[str]
    offices: set[str] = field(default_factory=set)
    descriptor_heads: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    gender: str | None = None
    mentions: list[Mention] = field(default_factory=list)


def load_pronouns(path: Path | None = None) -> tuple[Mapping[str, PronounRule], Antecedents]:
    """Read the pronoun rules and antecedent dependencies of ``entity_rules.toml``.

    Raises:
        ConfigError: A pronoun entry lacks labels or has an unknown gender; the message names
            ``file:line``.
    """
    file = read_data_file(RULES_FILE, path)
    pronouns: dict[str, PronounRule] = {}
    for word, entry in table(file, "pronouns").items():
        if not isinstance(entry, dict):
            raise ConfigError(
                f'pronoun {word!r} must be {{ labels = [...], gender = "..." }}',
                where=file.at(word),
            )
        labels = words(file, entry, "labels", name=f"pronouns.{word}.labels")
        gender = string(file, entry, "gender", name=f"pronouns.{word}.gender")
        if gender and gender not in _GENDERS:
            raise ConfigError(
                f'pronoun {word!r}: gender must be "female", "male" or ""', where=file.at(word)
            )
        pronouns[word.lower()] = PronounRule(labels=frozenset(labels), gender=gender or None)
    antecedents = table(file, "antecedents")
    return pronouns, Antecedents(
        subject_deps=frozenset(
            words(file, antecedents, "subject_deps", name="antecedents.subject_deps")
        ),
        possessor_deps=frozenset(
            words(file, antecedents, "possessor_deps", name="antecedents.possessor_deps")
        ),
    )


def load_role_nouns(path: Path | None = None) -> RoleNouns:
    """Read the role nouns, organisation head nouns and gendered words.

    Args:
        path: A file laid out as ``data/role_nouns.toml``; ``None`` reads the packaged one.

    Raises:
        ConfigError: An entry lacks offices or has an unknown gender; the message names
            ``file:line``.
    """
    file = read_data_file(ROLE_NOUNS_FILE, path)
    nouns: dict[str, RoleNoun] = {}
    for key, entry in table(file, "role_nouns").items():
        if not isinstance(entry, dict) or set(entry) - {"offices", "gender"}:
            raise ConfigError(
                f"role noun {key!r} must be {{ offices = [...] }} with an optional gender",
                where=file.at(key),
            )
        offices = words(file, entry, "offices", name=f"role_nouns.{key}.offices")
        gender = entry.get("gender")
        if gender is not None and gender not in _GENDERS:
            raise ConfigError(
                f'role noun {key!r}: gender must be "female" or "male"', where=file.at(key)
            )
        nouns[" ".join(key.lower().split())] = RoleNoun(
            offices=frozenset(" ".join(o.lower().split()) for o in offices), gender=gender
        )
    genders = table(file, "gender")
    return RoleNouns(
        nouns=nouns,
        org_heads=frozenset(
            w.lower() for w in words(file, table(file, "org_heads"), "words", name="org_heads")
        ),
        female=frozenset(w.lower() for w in words(file, genders, "female", name="gender.female")),
        male=frozenset(w.lower() for w in words(file, genders, "male", name="gender.male")),
        where=file.where,
    )


def resolve_references(
    doc: Doc,
    referents: Sequence[Referent],
    owner: dict[int, Referent],
    *,
    quotes: Sequence[tuple[int, int]],
    pronouns: Mapping[str, PronounRule],
    antecedents: Antecedents,
    role_nouns: RoleNouns,
    titles: TitleLexicon,
    affiliations: AffiliationLexicon,
    pronoun_window: int,
    nominal_window: int,
) -> None:
    """Attach pronouns and definite noun phrases to referents, in text order.

    Args:
        doc: The parsed text.
        referents: The entities found by name.
        owner: Token index -> referent, for every token of every mention so far; extended with
            the tokens of the mentions added here.
        quotes: Character ranges of the quotations, in text order; pronouns, noun phrases and
            subjects inside them are left alone.
        pronouns: Pronoun rules.
        antecedents: Which dependents count as antecedent subjects.
        role_nouns: Role nouns and gendered words.
        titles: Titles, to read a noun phrase's office.
        affiliations: Affiliation names, to read a noun phrase's country.
        pronoun_window: Sentences a pronoun looks back.
        nominal_window: Sentences a definite noun phrase looks back.
    """
    resolver = _Resolver(
        doc=doc,
        referents=referents,
        owner=owner,
        quotes=_merged(quotes),
        pronouns=pronouns,
        antecedents=antecedents,
        role_nouns=role_nouns,
        titles=titles,
        affiliations=affiliations,
        pronoun_window=pronoun_window,
        nominal_window=nominal_window,
    )
    resolver.run()


@dataclass(slots=True)
class _Resolver:
    doc: Doc
    referents: Sequence[Referent]
    owner: dict[int, Referent]
    quotes: tuple[tuple[int, int], ...]
    pronouns: Mapping[str, PronounRule]
    antecedents: Antecedents
    role_nouns: RoleNouns
    titles: TitleLexicon
    affiliations: AffiliationLexicon
    pronoun_window: int
    nominal_window: int
    quote_starts: list[int] = field(default_factory=list)
    sentence_of: list[int] = field(default_factory=list)
    subjects: list[Token] = field(default_factory=list)
    subject_positions: list[int] = field(default_factory=list)

    def run(self) -> None:
        self.quote_starts = [start for start, _ in self.quotes]
        self.sentence_of = [0] * len(self.doc)
        for number, sentence in enumerate(self.doc.sents):
            for i in range(sentence.start, sentence.end):
                self.sentence_of[i] = number
        self.subjects = [
            t
            for t in self.doc
            if t.dep_ in self.antecedents.subject_deps and not self._quoted(t.idx)
        ]
        self.subject_positions = [t.i for t in self.subjects]
        events: list[tuple[int, Token | Span]] = [
            (t.i, t) for t in self.doc if t.lower_ in self.pronouns and t.pos_ == "PRON"
        ]
        events.extend((chunk.start, chunk) for chunk in self.doc.noun_chunks)
        for _, event in sorted(events, key=lambda e: e[0]):
            if isinstance(event, Token):
                self._pronoun(event)
            else:
                self._nominal(event)

    # --- pronouns -----------------------------------------------------------------------------

    def _pronoun(self, token: Token) -> None:
        if token.i in self.owner or self._quoted(token.idx):
            return
        rule = self.pronouns[token.lower_]
        forward = self._forward(token, rule)
        if forward is not None:
            self._attach(forward, token.i, token.i + 1, MentionKind.PRONOUN, "pronoun:cataphora")
            self._learn_gender(forward, rule.gender)
            return
        found = self._backward(token, rule)
        if found is not None:
            self._attach(found, token.i, token.i + 1, MentionKind.PRONOUN, "pronoun:subject")
            self._learn_gender(found, rule.gender)

    def _forward(self, token: Token, rule: PronounRule) -> Referent | None:
        """The main subject after a pronoun in a fronted phrase ("In its statement, X said")."""
        root = token.sent.root
        for subject in root.children:
            if subject.dep_ not in self.antecedents.subject_deps or subject.i <= token.i:
                continue
            if subject.left_edge.i <= token.i <= subject.right_edge.i:
                continue
            referent = self.owner.get(subject.i)
            if referent is not None and self._compatible(referent, rule, subject):
                return referent
        return None

    def _backward(self, token: Token, rule: PronounRule) -> Referent | None:
        """The nearest compatible preceding subject, or its possessor."""
        first_sentence = self.sentence_of[token.i] - self.pronoun_window
        verb = self._governing_verb(token)
        plural = rule.gender is None
        index = bisect.bisect_left(self.subject_positions, token.i)
        for subject in reversed(self.subjects[:index]):
            if self.sentence_of[subject.i] < first_sentence:
                return None
            if verb is not None and subject.head.i == verb.i:
                # "Lavrov told him": an object pronoun is not its own verb's subject.
                continue
            candidates = [subject] + [
                child for child in subject.children if child.dep_ in self.antecedents.possessor_deps
            ]
            for candidate in candidates:
                referent = self.owner.get(candidate.i)
                if referent is not None and self._compatible(referent, rule, candidate):
                    return referent
            if plural and subject.i not in self.owner and self._is_plural(subject):
                # "US officials ... they": the plural subject is the referent, and it is no entity.
                return None
        return None

    def _governing_verb(self, token: Token) -> Token | None:
        if token.dep_ not in _OBJECT_DEPS or token.lower_.endswith(("self", "selves")):
            return None
        head = token.head
        if token.dep_ == "pobj":
            head = head.head
        return head if head.pos_ in ("VERB", "AUX") else None

    def _compatible(self, referent: Referent, rule: PronounRule, token: Token) -> bool:
        if referent.label not in rule.labels:
            return False
        if rule.gender is not None and referent.gender not in (None, rule.gender):
            return False
        # "Moscow and Washington ... they": a coordinated subject is no single entity.
        return rule.gender is not None or not any(child.dep_ == "conj" for child in token.children)

    def _is_plural(self, token: Token) -> bool:
        return token.tag_ in _PLURAL_NOUN_TAGS or any(c.dep_ == "conj" for c in token.children)

    # --- definite noun phrases ----------------------------------------------------------------

    def _nominal(self, chunk: Span) -> None:
        root = chunk.root
        if (
            chunk[0].lower_ != "the"
            or root.tag_ not in _SINGULAR_NOUN_TAGS
            or any(t.i in self.owner for t in chunk if t.i >= root.i)
            or self._quoted(chunk[0].idx)
        ):
            return
        reading = read_phrase(
            self.doc,
            chunk.start,
            chunk.end,
            root.i,
            kind=DescriptorKind.APPOSITIVE,
            found_by="role-noun",
            titles=self.titles,
            affiliations=self.affiliations,
        )
        if reading is None:
            return
        role_noun = self.role_nouns.nouns.get(reading.core)
        gender = (role_noun.gender if role_noun else None) or self.role_nouns.gender_of(root.lower_)
        wanted = set(role_noun.offices) if role_noun else set()
        if reading.office:
            wanted.add(reading.office)
        best: tuple[int, Referent, str] | None = None
        first_sentence = self.sentence_of[root.i] - self.nominal_window
        for referent in self.referents:
            rule = self._names(referent, reading.core, root.lower_, wanted, reading.office)
            if rule is None:
                continue
            if (
                reading.countries
                and referent.countries
                and not reading.countries & referent.countries
            ):
                continue
            if gender is not None and referent.gender not in (None, gender):
                continue
            last = self._last_mention_before(referent, chunk[0].idx)
            if last is None or self.sentence_of[last] < first_sentence:
                continue
            if best is None or last > best[0]:
                best = (last, referent, rule)
        if best is None:
            return
        _, referent, rule = best
        self._attach(referent, chunk.start, chunk.end, MentionKind.NOMINAL, f"role-noun:{rule}")
        self._learn_gender(referent, gender)

    def _names(
        self,
        referent: Referent,
        core: str,
        head: str,
        wanted: set[str],
        office: str | None,
    ) -> str | None:
        """Which rule lets a noun phrase name a referent ("office", "lexicon", ...), if any."""
        if referent.label == "PERSON":
            if office is not None and office in referent.offices:
                return "office"
            if wanted & referent.offices:
                return "lexicon"
            if (
                office is not None
                and " " not in office
                and any(_bare_title_of(office, held, self.titles) for held in referent.offices)
            ):
                return "title"
            if head in referent.descriptor_heads and core.endswith(head):
                return "descriptor"
            return None
        if head in self.role_nouns.org_heads and head in referent.name_words and core == head:
            return "organisation"
        return None

    # --- bookkeeping --------------------------------------------------------------------------

    def _attach(
        self, referent: Referent, start: int, end: int, kind: MentionKind, found_by: str
    ) -> None:
        first, last = self.doc[start], self.doc[end - 1]
        char_start, char_end = first.idx, last.idx + len(last.text)
        referent.mentions.append(
            Mention(
                start=char_start,
                end=char_end,
                text=self.doc[start:end].text,
                kind=kind,
                found_by=found_by,
            )
        )
        for i in range(start, end):
            self.owner[i] = referent

    def _learn_gender(self, referent: Referent, gender: str | None) -> None:
        if referent.gender is None and gender is not None and referent.label == "PERSON":
            referent.gender = gender

    def _last_mention_before(self, referent: Referent, char: int) -> int | None:
        """Token index of the referent's last mention starting before ``char``."""
        starts = [m.start for m in referent.mentions if m.start < char]
        if not starts:
            return None
        span = self.doc.char_span(max(starts), max(starts) + 1, alignment_mode="expand")
        return span.start if span is not None else None

    def _quoted(self, char: int) -> bool:
        index = bisect.bisect_right(self.quote_starts, char) - 1
        return index >= 0 and self.quotes[index][0] <= char < self.quotes[index][1]


def _merged(ranges: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping or nested ranges joined, in order (a quotation may hold another)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _bare_title_of(title: str, office: str, titles: TitleLexicon) -> bool:
    """Whether a bare title ("the minister") can name the holder of ``office`` ("foreign
    minister"): the office ends in it and holds no rank qualifier ("deputy foreign minister")."""
    words_ = office.split()
    return words_[-1] == title and not any(w in titles.rank_qualifiers for w in words_)

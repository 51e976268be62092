"""Cross-article entity resolution: "Lavrov" in one article is "Sergey Lavrov" in another.

Each article-local entity (from the analyze stage, mentions already grouped inside the article)
is matched to a global entity of the same label group:

* a person by surname, when the name can be every name the person was given
  (:func:`newsprism.stories.names.same_person`): "Lavrov", "Sergey Lavrov" and "Russian Foreign
  Minister Sergey Lavrov" (the role is split off by analysis) are one entity, and so are "Jim
  Mattis" and "James N. Mattis" (nicknames, initials); "Joe Biden" and "Hunter Biden" are not,
  nor "George W. Bush" and "George H.W. Bush", nor "Donald Trump" and "Donald Trump Jr." when
  both are known. A name that fits several people goes to the one with its generational marker,
  else to the one in the same story, else to the one holding the same role; when that does not
  decide, it stays apart;
* a person named only by a role ("the Russian Foreign Minister") to the one entity holding that
  role, preferring the same story;
* anything else by a shared name form ("US" and "United States" when one article used both);
  a one-word name tagged as an organisation that is no known organisation's name, but a known
  person's surname, goes to that person by the same rules as a bare surname.

Global ids are "g" + a hash of the first occurrence, so they are stable across runs.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsprism.model import (
    AnalyzedArticle,
    Entity,
    EntityOccurrence,
    GlobalEntity,
    MentionKind,
)
from newsprism.stories.names import (
    Nicknames,
    PersonName,
    load_nicknames,
    parse_person_name,
    same_person,
)

_WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*\.?", re.UNICODE)
# Words before a name that are not part of it.
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "the", "prof", "rev"})
# Name suffixes that are not surnames.
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Labels treated as one group (a place tagged GPE in one article and LOC in another).
_LABEL_GROUP = {"LOC": "GPE", "FAC": "GPE"}


@dataclass(slots=True)
class _Global:
    id: str
    label: str
    names: list[PersonName] = field(default_factory=list)
    aliases: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    articles: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    occurrences: list[EntityOccurrence] = field(default_factory=list)


def name_words(name: str) -> list[str]:
    """The words of a name, lower-cased, honorifics and suffixes dropped."""
    words = [w.lower().rstrip(".").replace("’", "'") for w in _WORD.findall(name)]
    while words and words[0] in _HONORIFICS:
        words = words[1:]
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words = words[:-1]
    return [w.removesuffix("'s") for w in words if w]


def role_key(text: str) -> str:
    """A role's matching key: lower case, articles dropped ("the Russian Foreign Minister")."""
    return " ".join(w for w in name_words(text) if w not in {"a", "an", "the"})


class EntityResolver:
    """Keeps the global entities of a growing set of analysed articles."""

    def __init__(self, *, nicknames: Nicknames | None = None) -> None:
        """Start with no entities.

        Args:
            nicknames: The nickname table; the packaged ``data/nicknames.toml`` when ``None``.

        Raises:
            ConfigError: The packaged nickname table is invalid.
        """
        self._nicknames = nicknames if nicknames is not None else load_nicknames()
        self._entities: dict[str, _Global] = {}
        self._by_surname: dict[tuple[str, str], list[str]] = {}
        self._by_alias: dict[tuple[str, str], list[str]] = {}
        self._by_role: dict[str, list[str]] = {}
        self._dirty: set[str] = set()
        self._done: set[str] = set()

    def __len__(self) -> int:
        return len(self._entities)

    def restore(self, records: Iterable[GlobalEntity]) -> None:
        """Put back global entities read from a store."""
        for record in records:
            entity = _Global(record.id, record.label)
            for occurrence in record.occurrences:
                entity.aliases[occurrence.name] += 1
            for alias in record.aliases:
                entity.aliases.setdefault(alias, 1)
            for role in record.roles:
                entity.roles[role] += 1
            entity.articles = list(record.articles)
            entity.outlets = list(record.outlets)
            entity.stories = list(record.stories)
            entity.occurrences = list(record.occurrences)
            self._done.update(record.articles)
            self._entities[record.id] = entity
            for alias in list(entity.aliases):
                self._index_name(entity, alias)
            for role in entity.roles:
                self._by_role.setdefault(role_key(role), []).append(entity.id)

    def add(
        self, analyzed: AnalyzedArticle, *, story: str | None = None, outlet: str | None = None
    ) -> dict[str, str]:
        """Resolve one analysed article's entities.

        Args:
            analyzed: The article with its entities.
            story: The article's story id, the context that decides ambiguous names.
            outlet: The credited outlet of the article.

        Returns:
            Article-local entity id -> global entity id, for the entities that were resolved
            (dates, numbers and the like are not).
        """
        article = analyzed.article
        self._done.add(article.id)
        result: dict[str, str] = {}
        # Fuller names first, so that a bare surname in the same article meets the full name.
        ordered = sorted(analyzed.entities, key=lambda e: -len(name_words(e.name)))
        for local in ordered:
            if not any(m.kind is MentionKind.NAME for m in local.mentions):
                continue
            if _group(local.label) not in {"PERSON", "ORG", "GPE", "NORP", "EVENT", "PRODUCT"}:
                continue
            target = self._match(local, story)
            if target is None:
                target = self._create(article.id, local)
            self._attach(target, article.id, local, story=story, outlet=outlet)
            result[local.id] = target.id
        return result

    def resolved(self, article_id: str) -> bool:
        """Whether an article's entities were already resolved."""
        return article_id in self._done

    def entities(self) -> list[GlobalEntity]:
        """Every global entity, most-mentioned first."""
        return sorted(
            (self._record(e) for e in self._entities.values()),
            key=lambda g: (-len(g.articles), g.name),
        )

    def drain(self) -> list[GlobalEntity]:
        """The global entities created or changed since the last call."""
        changed = [self._record(self._entities[i]) for i in sorted(self._dirty)]
        self._dirty.clear()
        return changed

    # --- matching -----------------------------------------------------------------------------

    def _match(self, local: Entity, story: str | None) -> _Global | None:
        group = _group(local.label)
        words = name_words(local.name)
        if not words:
            return None
        if group == "PERSON":
            by_role = self._by_role.get(role_key(local.name), [])
            if by_role and len(words) > 1 and role_key(local.name) == " ".join(words):
                found = self._choose(by_role, story, local)
                if found is not None:
                    return found
            person = parse_person_name(local.name)
            if person is None:
                return None
            candidates = [
                self._entities[i]
                for i in self._by_surname.get((group, person.surname), [])
                if self._fits(self._entities[i], person)
            ]
            if not candidates:
                return None
            if len(candidates) == 1:
                return candidates[0]
            marked = [c for c in candidates if all(n.suffix == person.suffix for n in c.names)]
            if len(marked) == 1 and person.given:
                return marked[0]
            return self._choose(
                [c.id for c in candidates], story, local, strict=not person.given
            )
        names = {" ".join(name_words(m.text)) for m in local.mentions if m.kind is MentionKind.NAME}
        names.add(" ".join(words))
        found_ids: list[str] = []
        for name in names:
            for gid in self._by_alias.get((group, name), []):
                if gid not in found_ids:
                    found_ids.append(gid)
        if not found_ids:
            # A bare surname the small model tagged as an organisation ("Lavrov told reporters"):
            # the person of that surname, when the story context makes it one person.
            person = parse_person_name(local.name) if len(words) == 1 else None
            people = self._by_surname.get(("PERSON", person.surname), []) if person else []
            return self._choose(people, story, local) if people else None
        return self._choose(found_ids, story, local) or self._entities[found_ids[0]]

    def _fits(self, entity: _Global, person: PersonName) -> bool:
        return all(same_person(person, other, self._nicknames) for other in entity.names)

    def _choose(
        self, ids: list[str], story: str | None, local: Entity, *, strict: bool = True
    ) -> _Global | None:
        candidates = [self._entities[i] for i in dict.fromkeys(ids)]
        if len(candidates) == 1:
            return candidates[0]
        if story is not None:
            in_story = [c for c in candidates if story in c.stories]
            if len(in_story) == 1:
                return in_story[0]
            if in_story:
                candidates = in_story
        roles = {role_key(r.text) for r in local.roles}
        if roles:
            with_role = [c for c in candidates if roles & {role_key(r) for r in c.roles}]
            if len(with_role) == 1:
                return with_role[0]
        full = " ".join(name_words(local.name))
        exact = [c for c in candidates if full in {" ".join(name_words(a)) for a in c.aliases}]
        if len(exact) == 1 and not strict:
            return exact[0]
        if not strict:
            return max(candidates, key=lambda c: len(c.articles))
        return None

    # --- building -----------------------------------------------------------------------------

    def _create(self, article_id: str, local: Entity) -> _Global:
        digest = hashlib.sha256(f"{article_id}:{local.id}".encode()).hexdigest()[:15]
        entity = _Global("g" + digest, _group(local.label))
        self._entities[entity.id] = entity
        return entity

    def _attach(
        self,
        entity: _Global,
        article_id: str,
        local: Entity,
        *,
        story: str | None,
        outlet: str | None,
    ) -> None:
        names = [m.text for m in local.mentions if m.kind is MentionKind.NAME]
        for name in [local.name, *names]:
            entity.aliases[" ".join(name.split())] += 1
            self._index_name(entity, name)
        for role in local.roles:
            entity.roles[role.text] += 1
            ids = self._by_role.setdefault(role_key(role.text), [])
            if entity.id not in ids:
                ids.append(entity.id)
        if article_id not in entity.articles:
            entity.articles.append(article_id)
        if outlet and outlet not in entity.outlets:
            entity.outlets.append(outlet)
        if story and story not in entity.stories:
            entity.stories.append(story)
        entity.occurrences.append(
            EntityOccurrence(article_id, local.id, local.name, outlet, len(local.mentions))
        )
        self._dirty.add(entity.id)

    def _index_name(self, entity: _Global, name: str) -> None:
        words = name_words(name)
        if not words:
            return
        if entity.label == "PERSON":
            person = parse_person_name(name)
            if person is None:
                return
            if person.given and person not in entity.names:
                entity.names.append(person)
            ids = self._by_surname.setdefault((entity.label, person.surname), [])
        else:
            ids = self._by_alias.setdefault((entity.label, " ".join(words)), [])
        if entity.id not in ids:
            ids.append(entity.id)

    def _record(self, entity: _Global) -> GlobalEntity:
        aliases = [a for a, _ in entity.aliases.most_common()]
        name = max(aliases, key=lambda a: (len(name_words(a)), entity.aliases[a], -len(a)))
        return GlobalEntity(
            id=entity.id,
            name=name,
            label=entity.label,
            aliases=tuple(aliases),
            roles=tuple(r for r, _ in entity.roles.most_common()),
            articles=tuple(entity.articles),
            outlets=tuple(entity.outlets),
            stories=tuple(entity.stories),
            occurrences=tuple(entity.occurrences),
        )


def _group(label: str) -> str:
    return _LABEL_GROUP.get(label, label)

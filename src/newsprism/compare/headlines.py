"""Headlines: who or what each headline puts first, and how it attributes.

Rules, no parser: the named participants are the story's entity names, surnames and roles found
in the headline, and a sentence-case headline's first word that the bodies write as a name the
analysis missed ("Arsenal beat Chelsea"); the cue is the first word whose stripped form is a
neutral or marked verb of data/reporting_verbs.toml, inflected ("claims", "said") or after an
auxiliary ("has claimed", "will say"); the speaker is the participant nearest before the cue in
the same clause, or just after it ("..., says Blinken"). A word after a determiner or a
preposition is an adjective ("near disputed reef"), never the cue. A past participle without an
auxiliary and followed by a preposition ("charged in", "indicted on") is the headline's verb in
the passive: that headline attributes nothing. A headline that says something first and who
said it after a comma is "claim-first"; one that starts with the speaker is "speaker-first".
"""

from __future__ import annotations

import re

from newsprism.compare.rules import CompareRules
from newsprism.compare.story import StoryArticleView, StoryView
from newsprism.compare.text import content_words
from newsprism.model import HeadlineReading

__all__ = ["compare_headlines"]

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_QUOTED = re.compile(r"[‘“\"']([^‘’“”\"']{2,80})[’”\"']")
# Words a claim-first headline needs before its attribution clause.
_MIN_CLAIM_WORDS = 3


def compare_headlines(view: StoryView, *, rules: CompareRules) -> tuple[HeadlineReading, ...]:
    """One reading per article with a headline, in story order."""
    return tuple(
        read_headline(article, view, rules=rules)
        for article in view.articles
        if article.analyzed.article.headline
    )


def read_headline(
    article: StoryArticleView, view: StoryView, *, rules: CompareRules
) -> HeadlineReading:
    """Subject, speaker, cue and order of one article's headline."""
    headline = article.analyzed.article.headline or ""
    participants = _participants(headline, article, view, rules)
    cue = _cue(headline, rules, [(s, e) for s, e, _ in participants])
    speaker: str | None = None
    order = "no-attribution"
    cue_class = cue_subclass = None
    cue_evidence = None
    if cue is not None:
        start, end, cue_class, cue_subclass = cue
        cue_evidence = article.evidence(start, end, field="headline")
        clause = max(headline.rfind(",", 0, start), headline.rfind(":", 0, start)) + 1
        before = [p for p in participants if clause <= p[0] and p[1] <= start]
        after = [p for p in participants if p[0] >= end and p[0] - end <= 2]
        if before:
            speaker = before[-1][2]
            claim_words = len(_TOKEN.findall(headline[: before[-1][0]]))
            order = "claim-first" if clause > 0 and claim_words >= _MIN_CLAIM_WORDS else (
                "speaker-first"
            )
        elif after:
            speaker = after[0][2]
            order = "claim-first"
    quoted = tuple(m.group(1) for m in _QUOTED.finditer(headline))
    names: list[str] = []
    for _, _, name in participants:
        if name not in names:
            names.append(name)
    return HeadlineReading(
        outlet=article.outlet,
        headline=article.evidence(0, len(headline), field="headline"),
        subject=names[0] if names else None,
        speaker=speaker,
        cue=cue_evidence,
        cue_class=cue_class,
        cue_subclass=cue_subclass,
        order=order,
        entities=tuple(names),
        quoted=quoted,
    )


def _participants(
    headline: str, article: StoryArticleView, view: StoryView, rules: CompareRules
) -> list[tuple[int, int, str]]:
    # Names, surnames and role phrases of the story's entities, longest match wins; then names
    # the analysis missed (:func:`_unlabelled_names`).
    affiliations = rules.affiliations
    forms: dict[str, str] = {}
    countries: dict[str, list[str]] = {}
    for form, (country, kind) in affiliations.names.items():
        if kind in ("country", "demonym"):
            countries.setdefault(country.name, []).append(form)
    for other in view.articles:
        for entity in other.analyzed.entities:
            name = other.entity_names.get(entity.id, entity.name)
            forms.setdefault(entity.name, name)
            entry = affiliations.names.get(entity.name)
            if entry is not None and entry[1] in ("country", "demonym"):
                # A country of the story by any of its names ("US" for "United States").
                for form in countries.get(entry[0].name, ()):
                    forms.setdefault(form, name)
            if entity.label == "PERSON" and " " in entity.name:
                forms.setdefault(entity.name.split()[-1], name)
            for role in entity.roles:
                if other is article or len(role.text.split()) > 1:
                    forms.setdefault(role.text.lower(), name)
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        flags = re.IGNORECASE if form.islower() else 0
        for match in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", headline, flags):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            taken.append((match.start(), match.end()))
            found.append((match.start(), match.end(), forms[form]))
    for start, end, name in _unlabelled_names(headline, view, rules):
        if not any(start < e and s < end for s, e in taken):
            found.append((start, end, name))
    return sorted(found)


def _unlabelled_names(
    headline: str, view: StoryView, rules: CompareRules
) -> list[tuple[int, int, str]]:
    """The first word of a headline in sentence case ("Arsenal beat Chelsea 3-1"), when the
    story's articles write it as a name the analysis did not find: with a capital inside a
    sentence, after a lower-case word, a comma or a quotation ("," Arsenal manager Mikel Arteta
    said"), and never in lower case. A headline capitalises its first word, so only the bodies
    can tell "Arsenal beat Chelsea" from "Earthquake kills 14"; a headline in title case
    capitalises every word, and is left to the analysis's names."""
    first = re.match(r"[A-Z][a-z]{2,}(?= [a-z])", headline)
    if first is None:
        return []
    word, low = first.group(), first.group().lower()
    concepts = content_words(word)
    if (low in rules.sides.time_words or low in rules.sides.pronouns or not concepts
            or concepts[0] in rules.frame_words):
        return []
    bodies = [a.analyzed.article.body for a in view.articles]
    inside = re.compile(rf"(?<=[a-z,;\"”’] ){word}\b")
    if any(inside.search(body) for body in bodies) and not any(
        re.search(rf"\b{low}\b", body) for body in bodies
    ):
        return [(0, first.end(), word)]
    return []


def _cue(
    headline: str, rules: CompareRules, names: list[tuple[int, int]]
) -> tuple[int, int, str, str | None] | None:
    # Words inside a name or role ("Press Secretary") are never the cue.
    tokens = list(_TOKEN.finditer(headline))
    clause_end = -1
    for index, token in enumerate(tokens):
        if token.start() < clause_end or any(s <= token.start() < e for s, e in names):
            continue
        word = token.group().lower()
        inflected = word.endswith(("s", "ed", "ing"))
        previous = tokens[index - 1].group().lower() if index else ""
        following = tokens[index + 1].group().lower() if index + 1 < len(tokens) else ""
        if (word.endswith("ed") and previous not in rules.auxiliaries
                and following in rules.passive_prepositions):
            # Headline grammar drops "is": "Menendez charged in bribery scheme", "Menendez
            # Indicted on Bribery Charges". The participle is its clause's verb, and passive:
            # its subject is no speaker, and no later word of the clause ("Charges") is the
            # cue; a clause after a comma may still attribute ("..., Trump says").
            breaks = [headline.find(mark, token.end()) for mark in ",:;"]
            clause_end = min((b for b in breaks if b >= 0), default=len(headline))
            continue
        if not inflected and previous not in rules.auxiliaries:
            continue
        if previous in rules.attributive_before:
            # An adjective ("near disputed reef", "the alleged plot"), not a verb.
            continue
        for lemma in _lemmas(word):
            entry = rules.verbs.verb_class(lemma)
            if entry is not None and entry.class_ in rules.headline_classes:
                start = tokens[index - 1].start() if previous in rules.auxiliaries else (
                    token.start()
                )
                return start, token.end(), entry.class_, entry.subclass
    return None


def _lemmas(word: str) -> list[str]:
    found = [word]
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""),
                                ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            found.append(word[: -len(suffix)] + replacement)
    irregular = {"said": "say", "says": "say", "told": "tell", "spoke": "speak"}
    if word in irregular:
        found.insert(0, irregular[word])
    return found

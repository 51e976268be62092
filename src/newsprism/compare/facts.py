"""Coverage: which claims each outlet reports, aligned across outlets.

Each body sentence is a statement, reduced to its content concepts: a concept is a stemmed word,
or the synonym group it belongs to (data/synonyms.toml: "offer" ~ "proposal"); a name mention is
one concept for the story-wide name plus its last word ("Sergey Ryabkov" and "Sergey Lavrov"
share nothing), and titles, appositives and relative clauses the analysis found are left out
(they say who someone is, not what happened), as are time expressions (when, not what). Words that
only frame a report ("said", "according to": ``claims.frame_words`` in data/compare.toml) are no
part of what is claimed. A statement is also cut into its claims: clauses split at semicolons,
dashes, brackets and the conjunctions that join two reports ("she said X, but that Y"), each a
set of concepts, and each with its phrases (two content concepts next to each other: "substantial
offer"), so that a fact one outlet states in a long sentence meets the short one of another.
Two statements of different outlets are aligned when

    sentences   similarity = words + phrase_weight x [they share a phrase]
        words    overlap of the sentences' concept sets: weighted Jaccard (or cosine),
                 optionally mixed with containment, IDF over the story's sentences
                 (+ names and numbers as weighted Jaccard terms where both have some)
    claims      similarity = clause_weight x IDF-weighted Jaccard overlap of the content
                             concepts (names left out) of one claim of each
                             + phrase_weight x [the two claims share a phrase]

reaches ``align_threshold`` (sentences) or ``claim_threshold`` (claims) and each is the other's
best match in that outlet (sentence for sentence, claim for claim; or a sentence pair reaches
``align_strong``), and they share ``min_shared_words`` concepts besides names and frames, or
a phrase and ``phrase_min_shared_words`` of them. A claim is what is said to happen to whom:
two sentences that share the people and a topic word or two ("Trump", "impeachment") but not
what happened are different facts, and were most of the wrong matches judged on NeuS and
BASIL. Stop words that still say what happened ("the call lasted": ``keep_stop_words`` in
data/compare.toml) count as content. The settings (data/defaults.toml) are chosen on NeuS/
AllSides train by hand-judged precision (bench/compare_align.py --tune --grid precision).
With a sentence encoder (``embeddings``: the optional all-MiniLM-L6-v2 extra), the rules' pairs
stand when the encoder confirms them (cosine >= ``embedding_confirm``) or share a phrase (a claim
in one clause of a long sentence, which a whole-sentence vector cannot see), and the encoder's
own mutual-best pairs from ``embedding_threshold`` add paraphrase the words miss ("the airline
cancelled all flights" ~ "every departure was scrapped by the carrier"). Each statement is
encoded once per story, in one batch (:func:`compare_facts`).
Aligned statements are joined transitively into a :class:`Fact`; copies of one original (the
same outlet's same sentence in two carriers) count once.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from newsprism.analyze.tokens import is_content, is_number
from newsprism.compare.rules import CompareRules
from newsprism.compare.story import StoryView, named_mentions
from newsprism.compare.text import content_words, numbers, numbers_in, stem, words
from newsprism.config import CompareSettings
from newsprism.errors import ConfigError
from newsprism.model import AlignedPair, DescriptorKind, Evidence, Fact, Token
from newsprism.stories.embed import TextEncoder, unit_rows

# Counts up to this are written as words in news style and shared by chance ("two people").
_SMALL_COUNT = 10
# A figure written in digits, not inside a word, a code or a date ("Covid-19", "F-35", "9/11",
# "18-year"); each side of a tally is one ("371-18").
_FIGURE = re.compile(
    r"(?<![\w.,/])(?<![A-Za-z]-)\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w/])(?!-[A-Za-z])"
    r"|(?<![\w.,/])(?<![A-Za-z]-)\d+(?:\.\d+)?(?![\w/]|,\d)(?!-[A-Za-z])"
)
# A capitalised word or abbreviation right before a figure: a name, a code or a date ("H.R.
# 1154", "Route 66", "Sept. 11").
_NAMED_BEFORE = re.compile(r"(?:^|\s)[A-Z][\w.]*\s$")
_YEARS_OLD_AFTER = re.compile(r"(?:-year-old|\s+years?\s+old)\b")
_AGED_BEFORE = re.compile(r"\b(?:aged?|ages)\s+(?:\d+\s+(?:and|or)\s+)?$")

__all__ = [
    "Statement",
    "align_statements",
    "compare_facts",
    "make_statement",
    "story_statements",
]

FloatMatrix = npt.NDArray[np.float64]
_ASIDES = frozenset({DescriptorKind.APPOSITIVE, DescriptorKind.RELATIVE_CLAUSE})
# Where a sentence splits into claims: commas, semicolons, colons, dashes, brackets, the
# conjunctions that join two reports ("she said X, but that Y") and the words that open a
# reported or relative clause ("said that", "the proposal that we put forth"). Appositives and
# relative clauses the analysis found are blanked out before the split, so "Mr. Mattis, a
# retired general, was rebuffed" keeps its subject with its predicate.
CLAUSE_BREAK = re.compile(
    r"[,;:—–()]|\s--\s"
    r"|\s(?:but|while|whereas|although|because|after|before|that|which|who|whom)\s"
)


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence with the features the aligner compares.

    Attributes:
        evidence: The sentence and where it is.
        concepts: Content concepts (synonym group keys or stems), once each.
        surface: Concept -> the word the sentence uses for it (to explain a match).
        names: Story-wide entity names mentioned.
        numbers: Numbers mentioned, as digit strings.
        clauses: The statement's claims, each a concept set (empty when it has one clause).
        phrases: Pairs of neighbouring content concepts within a claim ("big|offer").
        clause_phrases: The phrases of each claim, in the order of ``clauses``.
        words: The sentence's stemmed content words as written (names and frame words
            included, no synonyms): what ``overlap = "words"`` compares.
        says: Whether it has a lower-case content word besides names, titles and times: a
            dateline ("ATHENS (Reuters) -"), a byline or a credit has none, and reports nothing.
    """

    evidence: Evidence
    concepts: frozenset[str]
    surface: dict[str, str]
    names: frozenset[str]
    numbers: frozenset[str]
    clauses: tuple[frozenset[str], ...] = ()
    phrases: frozenset[str] = frozenset()
    clause_phrases: tuple[frozenset[str], ...] = ()
    words: frozenset[str] = frozenset()
    says: bool = True

    @property
    def outlet(self) -> str:
        """The statement's outlet."""
        return self.evidence.outlet


class _Word(NamedTuple):
    # A word of a statement: offsets into the sentence, as written, its stem, and whether it
    # is a content word (neither a stop word nor a number).
    start: int
    end: int
    text: str
    stem: str
    content: bool


def make_statement(
    evidence: Evidence,
    names: frozenset[str],
    rules: CompareRules,
    *,
    name_spans: Sequence[tuple[int, int, str]] = (),
    role_spans: Sequence[tuple[int, int]] = (),
    tokens: Sequence[Token] | None = None,
    shared_last_words: frozenset[str] = frozenset(),
) -> Statement:
    """Features of one sentence for :func:`align_statements`.

    Args:
        evidence: The sentence.
        names: Story-wide names of the entities it mentions.
        rules: Synonyms.
        name_spans: (start, end, name) of name mentions, offsets into the sentence: each
            counts as one concept (its story-wide name), not as its words, so two people who
            share a first name do not match.
        role_spans: (start, end) of titles ("Russian Foreign Minister"), left out: a title
            says who someone is, not what happened.
        tokens: The sentence's words as the analysis stored them (offsets into the body, as
            ``evidence``'s); the sentence is split into words here when ``None``. Either way
            the statement is the same.
        shared_last_words: Stemmed last words that several of the story's names end in; a
            name ending in one is its name concept only.
    """
    text = evidence.text
    blanks = [(start, end) for start, end, _ in name_spans] + list(role_spans)
    for start, end in blanks:
        text = text[:start] + " " * (end - start) + text[end:]
    if tokens is None:
        sentence = _words(text, 0)
    else:
        sentence = _token_words(tokens, evidence.start, text, blanks)
    # Stop words that still say what happened ("the call lasted") count as content.
    sentence = [w._replace(content=True) if not w.content and w.text.lower() in rules.claim_words
                else w for w in sentence]
    frames = rules.frame_words
    surface: dict[str, str] = {}
    for word in sentence:
        if word.content:
            surface.setdefault(rules.synonyms.get(word.stem, word.stem), word.text)
    for _, _, name in name_spans:
        surface.setdefault(f"@{name}", name)
    # A name is one concept plus its last word as a plain word, so that a mention the
    # analysis missed in another article ("Sanders") still meets it.
    mentioned = frozenset(
        f"@{name}" for _, _, name in name_spans if len(name.split()) > 1
    ) | frozenset(
        last for _, _, name in name_spans
        if name.split() and ((last := stem(name.split()[-1])) not in shared_last_words
                             or len(name.split()) == 1)
    )
    concepts = frozenset(
        c for c in (rules.synonyms.get(w.stem, w.stem) for w in sentence if w.content)
        if c not in frames
    ) | mentioned
    clauses: list[frozenset[str]] = []
    clause_phrases: list[frozenset[str]] = []
    for piece in _pieces(text, sentence):
        sequence = [c for c in (rules.synonyms.get(w.stem, w.stem) for w in piece if w.content)
                    if c not in frames]
        if not sequence:
            continue
        clauses.append(frozenset(sequence))
        # Neighbouring content words written in lower case, in either order: "a substantial
        # offer" and "the substantial proposal" share "big|offer". Capitalised words are
        # names, which the name concepts already count.
        lowered = [rules.synonyms.get(w.stem, w.stem) if w.text.islower() else None
                   for w in piece if w.content or w.text[:1].isupper()]
        clause_phrases.append(frozenset(
            "|".join(sorted((a, b))) for a, b in pairwise(lowered)
            if a and b and a != b and a not in frames and b not in frames
        ))
    phrases = frozenset(p for group in clause_phrases for p in group)
    plain = (
        content_words(evidence.text) if tokens is None
        else [t.stem for t in tokens if not t.stop and not is_number(
            evidence.text[t.start - evidence.start : t.end - evidence.start])]
    )
    found_numbers = (
        numbers(evidence.text) if tokens is None
        else numbers_in(evidence.text[t.start - evidence.start : t.end - evidence.start]
                        for t in tokens)
    )
    return Statement(
        evidence=evidence,
        # Prose has a lower-case content word (a verb at least); a dateline ("ATHENS (Reuters)
        # -"), a credit or a line of names in capitals does not.
        says=any(w.content and w.text[:1].islower() for w in sentence),
        concepts=concepts,
        surface=surface,
        names=names,
        numbers=frozenset(found_numbers),
        clauses=tuple(clauses) if len(clauses) > 1 else (),
        phrases=phrases,
        clause_phrases=tuple(clause_phrases) if len(clauses) > 1 else (),
        words=frozenset(plain),
    )


def _words(text: str, offset: int) -> list[_Word]:
    # The words of ``text`` (a piece of the sentence starting at ``offset``), read here.
    return [
        _Word(offset + start, offset + end, word, stem(word), is_content(word))
        for start, end, word in words(text)
    ]


def _token_words(
    tokens: Sequence[Token], offset: int, text: str, blanks: Sequence[tuple[int, int]]
) -> list[_Word]:
    # The stored words of the sentence; a word that a blanked name or title cuts into is read
    # again from what is left of it, as splitting the blanked sentence would.
    found: list[_Word] = []
    for token in tokens:
        start, end = token.start - offset, token.end - offset
        if any(a < end and start < b for a, b in blanks):
            found.extend(_words(text[start:end], start))
            continue
        word = text[start:end]
        content = not token.stop and not is_number(word)
        found.append(_Word(start, end, word, token.stem, content))
    return found


def _pieces(text: str, sentence: Sequence[_Word]) -> list[list[_Word]]:
    # The sentence's words cut at CLAUSE_BREAK, as CLAUSE_BREAK.split(text) cuts the text: a
    # word inside a break is in no piece, one across a break ("1,200") is read in two parts.
    bounds = [0]
    for match in CLAUSE_BREAK.finditer(text):
        bounds += (match.start(), match.end())
    bounds.append(len(text))
    pieces: list[list[_Word]] = []
    for low, high in zip(bounds[::2], bounds[1::2], strict=True):
        piece: list[_Word] = []
        for word in sentence:
            if low <= word.start and word.end <= high:
                piece.append(word)
            elif word.start < high and low < word.end:
                part_start, part_end = max(word.start, low), min(word.end, high)
                piece.extend(_words(text[part_start:part_end], part_start))
        pieces.append(piece)
    return pieces


def align_statements(
    statements: Sequence[Statement],
    *,
    settings: CompareSettings,
    embeddings: FloatMatrix | None = None,
) -> list[AlignedPair]:
    """Pairs of statements of different outlets that report the same thing.

    Args:
        statements: Every statement of the story, any outlet order.
        settings: Thresholds and weights.
        embeddings: Optional unit sentence vectors, one row per statement
            (:mod:`newsprism.stories.embed`). With them, a pair the rules make is kept when
            the sentences' similarity (their cosine mixed with the rules score by
            ``embedding_weight``) reaches ``embedding_confirm``, and mutual best pairs of that
            similarity are added from ``embedding_threshold``.

    Returns:
        The kept pairs, ``left`` from the outlet seen first, best scores first.
    """
    if len(statements) < 2:
        return []
    scores, shared_counts = _similarities(statements, settings)
    kept = _mutual_pairs(statements, scores, shared_counts, settings.align_threshold,
                         settings.min_shared_words, settings.align_strong)
    if settings.clause_weight > 0:
        best = {(i, j): score for i, j, score in kept}
        for i, j, score in _claim_pairs(statements, settings, settings.claim_min_shared_words):
            if score > best.get((i, j), 0.0):
                best[(i, j)] = score
        kept = [(i, j, score) for (i, j), score in best.items()]
    anchored: list[tuple[int, int, float]] = []
    if settings.anchor_min_shared_words > 0:
        anchored = _anchor_pairs(statements, scores, shared_counts,
                                 settings.anchor_min_shared_words)
        best = {(i, j): score for i, j, score in kept}
        kept += [(i, j, score) for i, j, score in anchored if (i, j) not in best]
    if embeddings is not None and len(embeddings) == len(statements):
        # Two kinds of evidence: a pair the rules make stands when the encoder confirms it
        # (cosine >= embedding_confirm), and the encoder alone adds paraphrases it is sure of
        # (mutual best from embedding_threshold). Each pair is scored by the mixed similarity.
        # The encoder reads whole sentences, so it cannot confirm a claim that is one clause
        # of a long sentence; a shared phrase ("substantial offer" ~ "substantial proposal")
        # is that claim's own evidence, and such a rules pair stands as it is.
        weight = settings.embedding_weight
        mixed = (1 - weight) * scores + weight * (embeddings @ embeddings.T)
        phrase = _shared_phrases(statements)
        # A shared specific number is its own evidence too, as a phrase is.
        numbered = {(i, j) for i, j, _ in anchored}
        found = {(i, j): float(mixed[i, j]) for i, j, _ in kept
                 if mixed[i, j] >= settings.embedding_confirm or phrase[i, j]
                 or (i, j) in numbered}
        for i, j, score in _mutual_pairs(
            statements, mixed, shared_counts, settings.embedding_threshold,
            settings.embedding_min_shared_words, settings.align_strong,
        ):
            found[(i, j)] = score
        kept = [(i, j, score) for (i, j), score in found.items()]
    kept.sort(key=lambda item: -item[2])
    return [
        AlignedPair(
            left=statements[i].evidence,
            right=statements[j].evidence,
            score=round(score, 3),
            shared=_explain(statements[i], statements[j]),
        )
        for i, j, score in kept
    ]


def _anchor_numbers(text: str) -> frozenset[str]:
    """The specific numbers of a sentence: figures two outlets are unlikely to share by chance.

    Left out: years, counts up to ten ("two people"), part of a name or code ("Covid-19", "H.R.
    1154", "F-35"), a date ("Sept. 11", "9/11"), and ages ("66-year-old", "Anwar, 66,", "ages 13
    and 15"): an age names a person, whatever the sentence says of them. Each side of a vote's
    tally ("371-18") is a figure.
    """
    found = set()
    for match in _FIGURE.finditer(text):
        number = match.group().replace(",", "")
        before, after = text[: match.start()], text[match.end() :]
        if (_NAMED_BEFORE.search(before) or _YEARS_OLD_AFTER.match(after)
                or _AGED_BEFORE.search(before) or (before.endswith(", ") and after[:1] == ",")):
            continue
        value = float(number)
        if "." not in number and (value <= _SMALL_COUNT or 1800 <= value <= 2199):
            continue
        found.add(number)
    return frozenset(found)


def _anchor_pairs(
    statements: Sequence[Statement], scores: FloatMatrix, shared_counts: npt.NDArray[np.int64],
    min_shared: int,
) -> list[tuple[int, int, float]]:
    """Pairs of statements of different outlets that share a specific number and
    ``min_shared`` concepts besides names, each the other's best such statement."""
    size = len(statements)
    anchored = np.zeros((size, size))
    specific = [_anchor_numbers(s.evidence.text) for s in statements]
    for i in range(size):
        if not specific[i]:
            continue
        for j in range(i + 1, size):
            if (specific[j] and statements[i].outlet != statements[j].outlet
                    and specific[i] & specific[j] and shared_counts[i, j] >= min_shared):
                # Ranked by the sentences' own score; a tiny floor keeps a zero score a pair.
                anchored[i, j] = anchored[j, i] = max(float(scores[i, j]), 1e-6)
    if not anchored.any():
        return []
    return _mutual_pairs(statements, anchored, shared_counts, 1e-6, min_shared, math.inf)


def _mutual_pairs(
    statements: Sequence[Statement], scores: FloatMatrix, shared_counts: npt.NDArray[np.int64],
    threshold: float, min_shared: int, strong: float,
) -> list[tuple[int, int, float]]:
    """Statement pairs of different outlets scoring ``threshold`` or more and sharing
    ``min_shared`` concepts, each the other's best in that outlet (or scoring ``strong``)."""
    outlets = sorted({s.outlet for s in statements}, key=[s.outlet for s in statements].index)
    rows = {o: np.array([i for i, s in enumerate(statements) if s.outlet == o]) for o in outlets}
    kept: list[tuple[int, int, float]] = []
    for a_index, a in enumerate(outlets):
        for b in outlets[a_index + 1 :]:
            block = scores[np.ix_(rows[a], rows[b])]
            shared = shared_counts[np.ix_(rows[a], rows[b])]
            block = np.where(shared >= min_shared, block, 0.0)
            if block.size == 0:
                continue
            best_right = block.argmax(axis=1)
            best_left = block.argmax(axis=0)
            for i, j in zip(*np.nonzero(block >= threshold), strict=True):
                score = float(block[i, j])
                mutual = best_right[i] == j and best_left[j] == i
                if mutual or score >= strong:
                    kept.append((int(rows[a][i]), int(rows[b][j]), score))
    return kept


def _shared_phrases(statements: Sequence[Statement]) -> npt.NDArray[np.bool_]:
    """Rows x rows: whether two statements share a phrase that is not the story's topic (one
    said more often than once per outlet counts for nothing, as in the claim pass)."""
    outlet_count = len({s.outlet for s in statements})
    phrase_df: Counter[str] = Counter(p for s in statements for p in s.phrases)
    kept = [frozenset(p for p in s.phrases if phrase_df[p] <= outlet_count) for s in statements]
    vocabulary = {p: i for i, p in enumerate(sorted({p for row in kept for p in row}))}
    shared: npt.NDArray[np.bool_] = _gram(kept, vocabulary) > 0
    return shared


def story_statements(view: StoryView, rules: CompareRules) -> list[Statement]:
    """Every body sentence of the story that says something (:attr:`Statement.says`) as a
    :class:`Statement`, articles in story order."""
    statements: list[Statement] = []
    # Last words that two of the story's people or organisations share ("Jackson": Jesse
    # Jackson Jr. and Sandra Jackson): no plain concept for them, so different people with one
    # surname do not make two sentences share a word.
    last_words = Counter(
        stem(name.split()[-1]) for name in {n for a in view.articles
                                            for n in a.entity_names.values()} if name.split()
    )
    ambiguous = frozenset(w for w, n in last_words.items() if n > 1)
    for article in view.articles:
        mentions = named_mentions(article)
        # Titles, appositives and relative clauses say who someone is, not what happened
        # ("Mr. Mattis, a retired four-star Marine general, was rebuffed").
        roles = [(r.start, r.end) for e in article.analyzed.entities for r in e.roles]
        roles += [(d.start, d.end) for e in article.analyzed.entities for d in e.descriptors
                  if d.kind in _ASIDES]
        # Time expressions say when, not what (dates are compared for contradictions).
        roles += [(t.start, t.end) for t in article.analyzed.times]
        for sentence in article.sentences:
            inside = [
                (start - sentence.start, end - sentence.start, name)
                for start, end, name in mentions
                if start >= sentence.start and end <= sentence.end
            ]
            statement = make_statement(
                    article.evidence(sentence.start, sentence.end),
                    frozenset(name for _, _, name in inside),
                    rules,
                    name_spans=inside,
                    role_spans=[
                        (start - sentence.start, end - sentence.start)
                        for start, end in roles
                        if start >= sentence.start and end <= sentence.end
                    ],
                    tokens=article.tokens_in(sentence.start, sentence.end),
                    shared_last_words=ambiguous,
            )
            if statement.says:
                statements.append(statement)
    return statements


def compare_facts(
    view: StoryView,
    *,
    settings: CompareSettings,
    rules: CompareRules,
    embedder: TextEncoder | None = None,
) -> tuple[Fact, ...]:
    """Every statement of the story grouped into facts, with the outlets reporting each.

    Returns:
        Facts reported by more outlets first; among equals, in the order of the first outlet's
        text.
    """
    statements = story_statements(view, rules)
    embeddings = (
        unit_rows(embedder.encode([s.evidence.text for s in statements])).astype(np.float64)
        if embedder is not None
        else None
    )
    pairs = align_statements(statements, settings=settings, embeddings=embeddings)
    index = {(s.evidence.article, s.evidence.start): i for i, s in enumerate(statements)}
    parent = list(range(len(statements)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for pair in pairs:
        left = find(index[(pair.left.article, pair.left.start)])
        right = find(index[(pair.right.article, pair.right.start)])
        if left != right:
            parent[max(left, right)] = min(left, right)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(statements)):
        groups[find(i)].append(i)
    group_pairs: dict[int, list[AlignedPair]] = defaultdict(list)
    for pair in pairs:
        group_pairs[find(index[(pair.left.article, pair.left.start)])].append(pair)
    ordered = sorted(
        groups.items(),
        key=lambda item: (-len({statements[i].outlet for i in item[1]}), item[0]),
    )
    facts = []
    for number, (root, members) in enumerate(ordered, start=1):
        present = {statements[i].outlet for i in members}
        reporting = tuple(o for o in view.outlets if o in present)
        facts.append(
            Fact(
                id=f"S{number}",
                statements=tuple(statements[i].evidence for i in members),
                outlets=reporting,
                missing_from=tuple(o for o in view.outlets if o not in reporting),
                pairs=tuple(group_pairs.get(root, ())),
            )
        )
    return tuple(facts)


def _similarities(
    statements: Sequence[Statement], settings: CompareSettings
) -> tuple[FloatMatrix, npt.NDArray[np.int64]]:
    # Vectorised over all statement pairs: concept, name and number overlaps.
    df: Counter[str] = Counter()
    for s in statements:
        df.update(s.concepts)
    total = len(statements)
    # A full name weighs as many words as it has: its last word, plus the rest as "@name".
    idf = {
        c: (1.0 + settings.idf_weight * math.log((total + 1) / (n + 1)))
        * (max(1, len(c.split()) - 1) if c.startswith("@") else 1)
        for c, n in df.items()
    }
    vocabulary = {c: i for i, c in enumerate(idf)}
    rows = [s.concepts for s in statements]
    cosine = _gram(rows, vocabulary, {c: w * w for c, w in idf.items()})
    norms = np.sqrt(np.diag(cosine))
    norms[norms == 0] = 1.0
    cosine = cosine / norms[:, None] / norms[None, :]
    # Containment: the IDF mass two sentences share over the smaller sentence's mass, so a
    # short statement repeated inside a longer sentence still matches. A row's own mass is
    # its diagonal entry, summed in the same order as what it shares: two statements with
    # the same concepts share exactly their whole mass.
    shared_mass = _gram(rows, vocabulary, idf)
    mass = np.diag(shared_mass).copy()
    shared_mass = np.minimum(shared_mass, shared_mass.T)
    smaller = np.minimum(mass[:, None], mass[None, :])
    smaller[smaller == 0] = 1.0
    if settings.overlap == "words":
        # The plain overlap of the words as written: Jaccard of the stemmed content words.
        # Phrases then count in the claim pass only.
        cosine, _ = _jaccard([s.words for s in statements])
    elif settings.overlap == "jaccard":
        # Weighted Jaccard of the concept sets: shared weight over the union's weight.
        union = mass[:, None] + mass[None, :] - shared_mass
        union[union == 0] = 1.0
        cosine = shared_mass / union
    elif settings.overlap != "cosine":
        raise ConfigError(
            f'compare.overlap must be "words", "jaccard" or "cosine", got {settings.overlap!r}',
            where="settings [compare]",
        )
    words = (1 - settings.containment) * cosine + settings.containment * shared_mass / smaller
    if settings.phrase_weight > 0 and settings.overlap != "words":
        # Topic phrases (more frequent than once per outlet) left out, as for claims.
        outlet_count = len({s.outlet for s in statements})
        phrase_df: Counter[str] = Counter(p for s in statements for p in s.phrases)
        kept = [frozenset(p for p in s.phrases if phrase_df[p] <= outlet_count)
                for s in statements]
        phrase_vocabulary = {p: i for i, p in enumerate(sorted({p for r in kept for p in r}))}
        shared_phrases = _gram(kept, phrase_vocabulary)
        words = words + settings.phrase_weight * (shared_phrases > 0)
    else:
        shared_phrases = np.zeros((len(statements), len(statements)))
    # Shared concepts for min_shared_words, names left out: a shared name alone ("Bout
    # maintains he is innocent" / "... swap Viktor Bout") is no shared statement.
    shared = _gram([_without_names(s) for s in statements], vocabulary).astype(np.int64)
    names, name_any = _jaccard([s.names for s in statements])
    nums, num_any = _jaccard([s.numbers for s in statements])
    weight = (
        settings.weight_words
        + settings.weight_names * name_any
        + settings.weight_numbers * num_any
    )
    score = (
        settings.weight_words * words
        + settings.weight_names * names
        + settings.weight_numbers * nums
    ) / weight
    return score, _enough(shared, shared_phrases > 0, settings, settings.min_shared_words)


def _claim_pairs(
    statements: Sequence[Statement], settings: CompareSettings, min_shared: int
) -> list[tuple[int, int, float]]:
    """Statement pairs whose claims match: one claim of each (a clause of at least
    ``clause_min_words`` concepts, or the whole statement), scored clause_weight x their
    Jaccard overlap + phrase_weight when they share a phrase, each the other's best claim in
    that outlet, sharing ``min_shared_words`` concepts besides names."""
    owners: list[int] = []
    rows: list[frozenset[str]] = []
    phrase_rows: list[frozenset[str]] = []
    for index, statement in enumerate(statements):
        content = _without_names(statement)
        claims = list(zip(statement.clauses, statement.clause_phrases, strict=True)) or [
            (statement.concepts, statement.phrases)]
        for claim, phrases in claims:
            if len(claim & content) >= settings.clause_min_words:
                owners.append(index)
                rows.append(claim & content)
                phrase_rows.append(phrases)
    if len(rows) < 2:
        return []
    # Weighted Jaccard of the claims' content concepts (names left out: a claim is what is
    # said to happen), each concept weighted by its rarity among the story's statements, so
    # that "discuss" in a story about talks counts less than "substantial".
    df: Counter[str] = Counter()
    for statement in statements:
        df.update(statement.concepts)
    total = len(statements)
    idf = {c: 1.0 + math.log((total + 1) / (df[c] + 1)) for row in rows for c in row}
    vocabulary = {c: i for i, c in enumerate(sorted(idf))}
    inter = _gram(rows, vocabulary, idf)
    mass = np.diag(inter).copy()
    inter = np.minimum(inter, inter.T)
    union = mass[:, None] + mass[None, :] - inter
    union[union == 0] = 1.0
    scores = settings.clause_weight * inter / union
    shared = _gram(rows, vocabulary)
    # A phrase names one fact when each outlet says it about once; one that recurs more often
    # ("prisoner swap" in a story about one) is the story's topic and counts for nothing.
    outlet_count = len({s.outlet for s in statements})
    phrase_df: Counter[str] = Counter(p for s in statements for p in s.phrases)
    phrase_rows = [frozenset(p for p in row if phrase_df[p] <= outlet_count)
                   for row in phrase_rows]
    phrase_vocabulary = {p: i for i, p in enumerate(sorted({p for r in phrase_rows for p in r}))}
    phrase_shared = np.zeros_like(scores, dtype=bool)
    if phrase_vocabulary and settings.phrase_weight > 0:
        phrase_shared = _gram(phrase_rows, phrase_vocabulary) > 0
        scores = scores + settings.phrase_weight * phrase_shared
    enough = _enough(shared, phrase_shared, settings, min_shared)
    outlet_of = [statements[o].outlet for o in owners]
    outlets = list(dict.fromkeys(outlet_of))
    kept: list[tuple[int, int, float]] = []
    for a_index, a in enumerate(outlets):
        for b in outlets[a_index + 1 :]:
            left = np.array([k for k, o in enumerate(outlet_of) if o == a])
            right = np.array([k for k, o in enumerate(outlet_of) if o == b])
            if not len(left) or not len(right):
                continue
            block = np.where(enough[np.ix_(left, right)] >= min_shared,
                             scores[np.ix_(left, right)], 0.0)
            best_right = block.argmax(axis=1)
            best_left = block.argmax(axis=0)
            for i, j in zip(*np.nonzero(block >= settings.claim_threshold), strict=True):
                if best_right[i] == j and best_left[j] == i:
                    kept.append((owners[left[i]], owners[right[j]], float(block[i, j])))
    return kept


def _enough(
    shared: npt.NDArray[np.int64] | FloatMatrix, phrase: npt.NDArray[np.bool_],
    settings: CompareSettings, min_shared: int,
) -> npt.NDArray[np.int64]:
    """Shared concept counts, raised to ``min_shared`` (the pass's minimum) where two
    statements share a phrase and ``phrase_min_shared_words`` concepts: two content words side
    by side in both ("a substantial offer" / "the substantial proposal") name one claim as well
    as more words scattered over a sentence do."""
    counts = np.asarray(shared).astype(np.int64)
    strong = phrase & (counts >= settings.phrase_min_shared_words)
    return np.where(strong, np.maximum(counts, min_shared), counts)


def _without_names(statement: Statement) -> frozenset[str]:
    # Name concepts are counted through the names matrix; without mention spans (plain text
    # statements) a name's words stand in for it.
    name_words = {stem(w) for name in statement.names for _, _, w in words(name)}
    name_words |= {f"@{name}" for name in statement.names}
    return frozenset(c for c in statement.concepts if c not in name_words)


def _gram(
    rows: Sequence[frozenset[str]],
    vocabulary: dict[str, int],
    weights: dict[str, float] | None = None,
) -> FloatMatrix:
    """Rows x rows: the summed weight of the items two rows share (1 an item without
    ``weights``); items outside ``vocabulary`` count for nothing.

    The sparse product of the rows' item matrix with itself, done with an inverted index: every
    pair of rows that share an item is one entry, summed by ``np.bincount``.
    """
    n = len(rows)
    items: list[int] = []
    owners: list[int] = []
    for index, row in enumerate(rows):
        for item in row:
            if item in vocabulary:
                items.append(vocabulary[item])
                owners.append(index)
    if not items:
        return np.zeros((n, n))
    item_of = np.array(items, dtype=np.int64)
    order = np.argsort(item_of, kind="stable")
    item_of, owner_of = item_of[order], np.array(owners, dtype=np.int64)[order]
    # Entries are grouped by item; each entry pairs with every entry of its group.
    _, starts, sizes = np.unique(item_of, return_index=True, return_counts=True)
    group_size = np.repeat(sizes, sizes)
    left = np.repeat(np.arange(len(item_of)), group_size)
    block_start = np.repeat(np.cumsum(group_size) - group_size, group_size)
    right = np.repeat(np.repeat(starts, sizes), group_size) + np.arange(len(left)) - block_start
    if weights is None:
        weight = None
    else:
        by_index = np.zeros(len(vocabulary))
        for item, index in vocabulary.items():
            by_index[index] = weights.get(item, 0.0)
        weight = by_index[item_of[left]]
    flat = owner_of[left] * n + owner_of[right]
    counts = np.bincount(flat, weights=weight, minlength=n * n)
    return counts.astype(np.float64).reshape(n, n)


def _jaccard(rows: Sequence[frozenset[str]]) -> tuple[FloatMatrix, FloatMatrix]:
    # Jaccard matrix of small sets, and a 0/1 matrix of "both rows have items".
    vocabulary = {item: i for i, item in enumerate(sorted({x for row in rows for x in row}))}
    sizes = np.array([len(row) for row in rows], dtype=np.float64)
    both = ((sizes[:, None] > 0) & (sizes[None, :] > 0)).astype(np.float64)
    if not vocabulary:
        zero = np.zeros((len(rows), len(rows)))
        return zero, zero
    inter = _gram(rows, vocabulary)
    union = sizes[:, None] + sizes[None, :] - inter
    union[union == 0] = 1.0
    return inter / union, both


def _explain(left: Statement, right: Statement) -> tuple[str, ...]:
    shared = []
    for concept in sorted(left.concepts & right.concepts):
        if concept.startswith("@"):
            continue
        a, b = left.surface.get(concept, concept), right.surface.get(concept, concept)
        shared.append(a if stem(a) == stem(b) else f"{a} ~ {b}")
    shared.extend(sorted(left.names & right.names))
    shared.extend(sorted(left.numbers & right.numbers))
    return tuple(shared)

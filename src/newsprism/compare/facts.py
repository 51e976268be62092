"""Coverage: which statements each outlet reports, aligned across outlets.

Each body sentence is a statement. Two statements of different outlets are aligned when they
report the same thing in other words:

    similarity = weighted mean of
        words    IDF-weighted cosine of content concepts, mixed with their containment (shared
                 IDF mass over the smaller sentence's); a concept is a stemmed word, or the
                 synonym group it belongs to (data/synonyms.toml: "offer" ~ "proposal")
        names    Jaccard overlap of the story-wide entity names mentioned
        numbers  Jaccard overlap of the numbers ("nine" = "9")
    (a part that neither sentence has is left out of the mean)

A pair is kept when its similarity reaches ``align_threshold`` and each statement is the other's
best match in that outlet, or when it reaches ``align_strong``; the pairs must also share
``min_shared_words`` concepts. Aligned statements are joined transitively into a :class:`Fact`.
IDF is computed over the story's own sentences, so words every outlet repeats weigh little.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

from newsprism.compare.rules import CompareRules
from newsprism.compare.story import StoryView, named_mentions
from newsprism.compare.text import content_words, numbers, stem, words
from newsprism.config import CompareSettings
from newsprism.model import AlignedPair, Evidence, Fact

__all__ = ["Statement", "align_statements", "compare_facts", "make_statement"]

FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence with the features the aligner compares.

    Attributes:
        evidence: The sentence and where it is.
        concepts: Content concepts (synonym group keys or stems), once each.
        surface: Concept -> the word the sentence uses for it (to explain a match).
        names: Story-wide entity names mentioned.
        numbers: Numbers mentioned, as digit strings.
    """

    evidence: Evidence
    concepts: frozenset[str]
    surface: dict[str, str]
    names: frozenset[str]
    numbers: frozenset[str]

    @property
    def outlet(self) -> str:
        """The statement's outlet."""
        return self.evidence.outlet


def make_statement(evidence: Evidence, names: frozenset[str], rules: CompareRules) -> Statement:
    """Features of one sentence for :func:`align_statements`."""
    surface: dict[str, str] = {}
    for _, _, word in words(evidence.text):
        stemmed = stem(word)
        if stemmed in set(content_words(word)):
            surface.setdefault(rules.synonyms.get(stemmed, stemmed), word)
    concepts = frozenset(rules.synonyms.get(w, w) for w in content_words(evidence.text))
    return Statement(
        evidence=evidence,
        concepts=concepts,
        surface=surface,
        names=names,
        numbers=frozenset(numbers(evidence.text)),
    )


def align_statements(
    statements: Sequence[Statement], *, settings: CompareSettings
) -> list[AlignedPair]:
    """Pairs of statements of different outlets that report the same thing.

    Args:
        statements: Every statement of the story, any outlet order.
        settings: Thresholds and weights.

    Returns:
        The kept pairs, ``left`` from the outlet seen first, best scores first.
    """
    if len(statements) < 2:
        return []
    scores, shared_counts = _similarities(statements, settings)
    outlets = sorted({s.outlet for s in statements}, key=[s.outlet for s in statements].index)
    rows = {o: np.array([i for i, s in enumerate(statements) if s.outlet == o]) for o in outlets}
    kept: list[tuple[int, int, float]] = []
    for a_index, a in enumerate(outlets):
        for b in outlets[a_index + 1 :]:
            block = scores[np.ix_(rows[a], rows[b])]
            shared = shared_counts[np.ix_(rows[a], rows[b])]
            block = np.where(shared >= settings.min_shared_words, block, 0.0)
            if block.size == 0:
                continue
            best_right = block.argmax(axis=1)
            best_left = block.argmax(axis=0)
            for i, j in zip(*np.nonzero(block >= settings.align_threshold), strict=True):
                score = float(block[i, j])
                mutual = best_right[i] == j and best_left[j] == i
                if mutual or score >= settings.align_strong:
                    kept.append((int(rows[a][i]), int(rows[b][j]), score))
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


def compare_facts(
    view: StoryView, *, settings: CompareSettings, rules: CompareRules
) -> tuple[Fact, ...]:
    """Every statement of the story grouped into facts, with the outlets reporting each.

    Returns:
        Facts reported by more outlets first; among equals, in the order of the first outlet's
        text.
    """
    statements: list[Statement] = []
    for article in view.articles:
        mentions = named_mentions(article)
        for sentence in article.sentences:
            names = frozenset(
                name for start, end, name in mentions
                if start >= sentence.start and end <= sentence.end
            )
            statements.append(
                make_statement(article.evidence(sentence.start, sentence.end), names, rules)
            )
    pairs = align_statements(statements, settings=settings)
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
    # Vectorised over all statement pairs: sparse concept, name and number matrices.
    df: Counter[str] = Counter()
    for s in statements:
        df.update(s.concepts)
    total = len(statements)
    idf = {c: math.log((total + 1) / (n + 1)) + 1.0 for c, n in df.items()}
    vocabulary = {c: i for i, c in enumerate(idf)}
    concepts = _matrix([s.concepts for s in statements], vocabulary, idf)
    norms = np.sqrt(np.asarray(concepts.multiply(concepts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    normalised = sparse.diags(1.0 / norms) @ concepts
    cosine = (normalised @ normalised.T).toarray()
    # Containment: the IDF mass two sentences share over the smaller sentence's mass, so a
    # short statement repeated inside a longer sentence still matches.
    mass = np.asarray(concepts.sum(axis=1)).ravel()
    shared_mass = (concepts @ _matrix([s.concepts for s in statements], vocabulary, None).T)
    shared_mass = np.minimum(shared_mass.toarray(), shared_mass.toarray().T)
    smaller = np.minimum(mass[:, None], mass[None, :])
    smaller[smaller == 0] = 1.0
    words = (1 - settings.containment) * cosine + settings.containment * shared_mass / smaller
    # Shared concepts for min_shared_words: a name counts once, not once per word of it.
    binary = _matrix([_without_names(s) for s in statements], vocabulary, None)
    shared = (binary @ binary.T).toarray().astype(np.int64)
    names, name_any = _jaccard([s.names for s in statements])
    name_sets = _matrix([s.names for s in statements],
                        {n: i for i, n in enumerate({n for s in statements for n in s.names})},
                        None)
    shared += (name_sets @ name_sets.T).toarray().astype(np.int64)
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
    return score, shared


def _without_names(statement: Statement) -> frozenset[str]:
    name_words = {stem(w) for name in statement.names for _, _, w in words(name)}
    return frozenset(c for c in statement.concepts if c not in name_words)


def _matrix(
    rows: Sequence[frozenset[str]], vocabulary: dict[str, int], idf: dict[str, float] | None
) -> sparse.csr_matrix:
    data, indices, indptr = [], [], [0]
    for row in rows:
        for item in row:
            if item in vocabulary:
                indices.append(vocabulary[item])
                data.append(idf[item] if idf is not None else 1.0)
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr)),
        shape=(len(rows), max(len(vocabulary), 1)),
    )


def _jaccard(rows: Sequence[frozenset[str]]) -> tuple[FloatMatrix, FloatMatrix]:
    # Jaccard matrix of small sets, and a 0/1 matrix of "either row has any item".
    vocabulary = {item: i for i, item in enumerate(sorted({x for row in rows for x in row}))}
    sizes = np.array([len(row) for row in rows], dtype=np.float64)
    either = ((sizes[:, None] + sizes[None, :]) > 0).astype(np.float64)
    if not vocabulary:
        zero = np.zeros((len(rows), len(rows)))
        return zero, zero
    binary = _matrix(rows, vocabulary, None)
    inter = (binary @ binary.T).toarray()
    union = sizes[:, None] + sizes[None, :] - inter
    union[union == 0] = 1.0
    return inter / union, either


def _explain(left: Statement, right: Statement) -> tuple[str, ...]:
    shared = []
    for concept in sorted(left.concepts & right.concepts):
        a, b = left.surface.get(concept, concept), right.surface.get(concept, concept)
        shared.append(a if stem(a) == stem(b) else f"{a} ~ {b}")
    shared.extend(sorted(left.names & right.names))
    shared.extend(sorted(left.numbers & right.numbers))
    return tuple(shared)

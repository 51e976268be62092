"""A small statistical model of attributions: which words are cues, and for each cue, which are
its source and its content.

Two linear-chain taggers share one design (an averaged structured perceptron over hashed sparse
features, decoded with Viterbi):

* the **cue tagger** reads one sentence and tags each token ``B-CUE``, ``I-CUE`` or ``O``, from
  the word, its lemma and part of speech, its place in the parse (its dependency relation, its
  head, the relations of its children), the reporting-verb lexicon and the quotation marks
  around it;
* the **role tagger** reads a window around one cue (its sentence and nearby sentences of the
  same paragraph, plus any quotation that touches them) and tags each token ``B-SRC``/``I-SRC``
  (source), ``B-CON``/``I-CON`` (content) or ``O``, from the token's syntactic path to the cue,
  its position relative to the cue, and whether it is quoted.

The model is trained on PolNeAR's train split by ``bench/train_attribution.py`` and shipped as
``data/attribution_model.npz``. Its window sizes and hash width are stored in the file, so a
model is always read with the settings it was trained with.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from spacy.tokens import Doc, Token

from newsprism.analyze.cues import ReportingVerbs
from newsprism.errors import ConfigError

__all__ = [
    "CUE_TAGS",
    "ROLE_TAGS",
    "AttributionModel",
    "AttributionTagger",
    "DocContext",
    "LinearChain",
    "RoleWindow",
    "TaggedCue",
    "cue_features",
    "cue_head",
    "doc_context",
    "load_attribution_model",
    "load_cue_words",
    "may_hold_attribution",
    "relation_to_cue",
    "role_features",
    "role_window",
    "save_attribution_model",
    "spans_of",
]

CUE_TAGS = ("O", "B-CUE", "I-CUE")
ROLE_TAGS = ("O", "B-SRC", "I-SRC", "B-CON", "I-CON")
MODEL_FILE = "attribution_model.npz"
CUE_WORDS_FILE = "attribution_cue_words.txt"
FORMAT_VERSION = 1
# Distances (in tokens) and path lengths are bucketed so that rare values share weights.
_DISTANCE_BUCKETS = (0, 1, 2, 3, 5, 8, 13, 21, 34)
_MAX_PATH = 3

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class LinearChain:
    """A linear-chain tagger: per-feature tag weights and tag-to-tag transition weights.

    Attributes:
        tags: Tag names; ``tags[0]`` is ``"O"``. A tag ``I-X`` may only follow ``B-X`` or
            ``I-X``; decoding never breaks that rule.
        weights: ``(buckets, len(tags))``: the weight of each hashed feature for each tag.
        transitions: ``(len(tags) + 1, len(tags))``: row ``i`` scores tag ``i`` followed by each
            tag; the last row scores the first tag of a sequence.
    """

    tags: tuple[str, ...]
    weights: FloatArray
    transitions: FloatArray

    @property
    def buckets(self) -> int:
        """How many hash buckets features are spread over."""
        return int(self.weights.shape[0])

    def emissions(self, features: Sequence[Sequence[str]]) -> FloatArray:
        """Per-token tag scores for the tokens' feature lists."""
        ids, offsets = hash_features(features, self.buckets)
        if len(features) == 0:
            return np.zeros((0, len(self.tags)), dtype=np.float32)
        return np.add.reduceat(self.weights[ids], offsets, axis=0)

    def decode(self, features: Sequence[Sequence[str]]) -> list[str]:
        """The highest-scoring valid tag sequence for the tokens' feature lists."""
        return [
            self.tags[i]
            for i in viterbi(
                self.emissions(features), self.transitions, allowed_transitions(self.tags)
            )
        ]


@dataclass(frozen=True, slots=True)
class RoleWindow:
    """The tokens the role tagger reads for one cue: ``doc[start:end]``."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TaggedCue:
    """What a tagger found for one cue: the cue ``doc[start:end]`` and the role tags of the
    tokens of its window (``roles[i]`` tags token ``window.start + i``)."""

    start: int
    end: int
    window: RoleWindow
    roles: tuple[str, ...]


class AttributionTagger(Protocol):
    """A statistical attribution tagger: the perceptron (:class:`AttributionModel`) or the
    transformer encoder (:class:`newsprism.analyze.attribution_encoder.EncoderTagger`). Both
    tag cues in the sentences they are given and the roles around each cue; one decoder
    (:func:`newsprism.analyze.quotes.find_attributions`) turns the tags into attributions."""

    @property
    def label(self) -> str:
        """What the tagger is and what it was trained on, for the analysis output."""
        ...

    def tag(
        self,
        doc: Doc,
        context: DocContext,
        sentences: Sequence[tuple[int, int]],
        lexicon: ReportingVerbs,
    ) -> list[TaggedCue]:
        """Cues found in ``sentences`` (token ranges), each with its role tags."""
        ...


@dataclass(frozen=True, slots=True)
class AttributionModel:
    """The cue tagger and the role tagger, with the window settings they were trained with.

    Attributes:
        cue: Tags cue words in a sentence.
        role: Tags the source and content of one cue.
        sentences_before: Sentences before the cue's sentence in the role window.
        sentences_after: Sentences after it.
        trained_on: A line saying what the model was trained on, for reports.
    """

    cue: LinearChain
    role: LinearChain
    sentences_before: int
    sentences_after: int
    trained_on: str

    @property
    def label(self) -> str:
        """The perceptron and what it was trained on."""
        return f"perceptron: {self.trained_on}"

    def tag(
        self,
        doc: Doc,
        context: DocContext,
        sentences: Sequence[tuple[int, int]],
        lexicon: ReportingVerbs,
    ) -> list[TaggedCue]:
        """Cues tagged sentence by sentence, then source and content tagged around each cue."""
        found = []
        for sentence_start, sentence_end in sentences:
            features = cue_features(doc, sentence_start, sentence_end, context, lexicon)
            tags = self.cue.decode(features)
            for start, end in spans_of(tags, "CUE"):
                cue_start, cue_end = sentence_start + start, sentence_start + end
                window = role_window(
                    doc,
                    cue_start,
                    cue_end,
                    context,
                    before=self.sentences_before,
                    after=self.sentences_after,
                )
                roles = self.role.decode(role_features(doc, cue_start, cue_end, window, context))
                found.append(TaggedCue(cue_start, cue_end, window, tuple(roles)))
        return found


@dataclass(frozen=True, slots=True)
class DocContext:
    """What the feature functions need to know about a document, computed once.

    Attributes:
        sentence: Sentence index of each token.
        sentences: ``(start, end)`` token range of each sentence.
        paragraph: Paragraph index of each token (paragraphs are separated by line breaks).
        quote: Index of the quotation each token is inside (marks included), -1 outside.
        quotes: ``(first, last)`` token index of each quotation's marks.
        depth: Each token's distance from its sentence root.
        ancestors: Each token's index followed by those of its heads up to the root.
        text, lower, lemma, pos, tag, dep, ent_type: Each token's text, lower-cased text,
            lower-cased lemma, coarse and fine part of speech, dependency relation and entity type.
        title, punct, quote_mark: Whether each token is title-cased, punctuation, a
            quotation mark.
        verb_form: Each token's ``VerbForm`` values (``['Fin']``, ``[]``), as the features
            write them.
        head: Each token's head index (its own for a root).
        children: Each token's children's indices, in document order.
    """

    sentence: tuple[int, ...]
    sentences: tuple[tuple[int, int], ...]
    paragraph: tuple[int, ...]
    quote: tuple[int, ...]
    quotes: tuple[tuple[int, int], ...]
    depth: tuple[int, ...]
    ancestors: tuple[tuple[int, ...], ...]
    text: tuple[str, ...]
    lower: tuple[str, ...]
    lemma: tuple[str, ...]
    pos: tuple[str, ...]
    tag: tuple[str, ...]
    dep: tuple[str, ...]
    ent_type: tuple[str, ...]
    title: tuple[bool, ...]
    punct: tuple[bool, ...]
    quote_mark: tuple[bool, ...]
    verb_form: tuple[str, ...]
    head: tuple[int, ...]
    children: tuple[tuple[int, ...], ...]


# The token attributes read for every document, in one call: a spaCy Token object per token and
# attribute was most of what the taggers' features cost.
_ATTRIBUTES = ("ORTH", "LOWER", "LEMMA", "POS", "TAG", "DEP", "ENT_TYPE", "MORPH", "IS_TITLE",
               "IS_PUNCT", "IS_QUOTE", "HEAD", "IDX")


def doc_context(doc: Doc, quotes: Sequence[tuple[int, int]]) -> DocContext:
    """Per-token facts shared by every feature function.

    Args:
        doc: A parsed document.
        quotes: ``(first, last)`` token indices of each quotation's opening and closing marks.
    """
    size = len(doc)
    sentence = [0] * size
    sentences = []
    for number, sent in enumerate(doc.sents):
        sentences.append((sent.start, sent.end))
        for index in range(sent.start, sent.end):
            sentence[index] = number
    columns = doc.to_array(list(_ATTRIBUTES)).reshape(size, len(_ATTRIBUTES)).T
    text, lower, lemma, pos, tag, dep, ent_type, morph = (
        _strings(doc, column) for column in columns[:8]
    )
    title, punct, quote_mark = (tuple(bool(flag) for flag in column) for column in columns[8:11])
    # Head offsets come relative and unsigned from the Doc array: read them as signed.
    heads = (np.arange(size) + columns[11].view(np.int64)).tolist()
    starts = columns[12].tolist()
    # A line break inside or after a token (its text and trailing space run to the next
    # token's start) ends the paragraph.
    paragraph, current = [], 0
    whole = doc.text
    for index, start in enumerate(starts):
        paragraph.append(current)
        if "\n" in whole[start : starts[index + 1] if index + 1 < size else len(whole)]:
            current += 1
    quote = [-1] * size
    for number, (first, last) in enumerate(quotes):
        for index in range(first, last + 1):
            quote[index] = number
    ancestors = []
    children: list[list[int]] = [[] for _ in range(size)]
    for index in range(size):
        chain = [index]
        while heads[chain[-1]] != chain[-1]:
            chain.append(heads[chain[-1]])
        ancestors.append(tuple(chain))
        if heads[index] != index:
            children[heads[index]].append(index)
    return DocContext(
        sentence=tuple(sentence),
        sentences=tuple(sentences),
        paragraph=tuple(paragraph),
        quote=tuple(quote),
        quotes=tuple(quotes),
        depth=tuple(len(chain) - 1 for chain in ancestors),
        ancestors=tuple(ancestors),
        text=text,
        lower=lower,
        lemma=tuple(value.lower() for value in lemma),
        pos=pos,
        tag=tag,
        dep=dep,
        ent_type=ent_type,
        title=title,
        punct=punct,
        quote_mark=quote_mark,
        verb_form=tuple(_verb_form(value) for value in morph),
        head=tuple(heads),
        children=tuple(tuple(kids) for kids in children),
    )


def _strings(doc: Doc, column: npt.NDArray[np.uint64]) -> tuple[str, ...]:
    """The strings a column of spaCy string ids stands for (each distinct id looked up once)."""
    distinct, where = np.unique(column, return_inverse=True)
    names = [doc.vocab.strings[int(key)] for key in distinct]
    return tuple(names[i] for i in where.tolist())


@functools.cache
def _verb_form(morph: str) -> str:
    """``str(token.morph.get("VerbForm", []))`` from the morphology string ``Aspect=Perf|...``."""
    for field in morph.split("|"):
        name, _, values = field.partition("=")
        if name == "VerbForm":
            return str(values.split(","))
    return "[]"


def may_hold_attribution(
    doc: Doc, start: int, end: int, context: DocContext, lexicon: ReportingVerbs
) -> bool:
    """Whether the sentence ``doc[start:end]`` can hold an attribution's cue: it has a quotation
    mark, a word of the reporting-verb lexicon (a listed verb lemma, or the first word of a
    listed phrase such as "according to"), a cue word learnt from PolNeAR train
    (``data/attribution_cue_words.txt``: "appear", "support", "hope"), or a colon after a
    name."""
    learnt = load_cue_words()
    for index in range(start, end):
        if context.quote_mark[index]:
            return True
        lower, lemma = context.lower[index], context.lemma[index]
        if (
            lexicon.verb_class(lemma) is not None
            or lemma in learnt
            or lexicon.may_start_phrase(lower, lemma)
        ):
            return True
        if lower == ":" and index > start and context.pos[index - 1] in ("PROPN", "NOUN"):
            return True
    return False


@functools.cache
def load_cue_words() -> frozenset[str]:
    """The screen's cue words learnt from PolNeAR train (``data/attribution_cue_words.txt``,
    one lemma a line, ``#`` comments), read once."""
    text = resources.files("newsprism.data").joinpath(CUE_WORDS_FILE).read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def cue_features(
    doc: Doc, start: int, end: int, context: DocContext, lexicon: ReportingVerbs
) -> list[list[str]]:
    """Features of each token of ``doc[start:end]`` (a sentence) for the cue tagger."""
    rows = []
    lower, lemmas, pos, dep = context.lower, context.lemma, context.pos, context.dep
    for i in range(start, end):
        lemma = lemmas[i]
        verb_class = lexicon.verb_class(lemma)
        lex = f"{verb_class.class_}:{verb_class.subclass}" if verb_class else "-"
        phrase = (
            lexicon.phrase_at(list(doc[i : min(end, i + 4)]))
            if lexicon.may_start_phrase(lower[i], lemma)
            else None
        )
        children = context.children[i]
        child_deps = sorted({dep[child] for child in children})
        particles = sorted(
            lower[child] for child in children if dep[child] in ("prt", "prep", "agent")
        )
        head = context.head[i]
        quoted = context.quote[i] >= 0
        row = [
            "b",
            f"w={lower[i]}",
            f"l={lemma}",
            f"p={pos[i]}",
            f"t={context.tag[i]}",
            f"d={dep[i]}",
            f"s3={lower[i][-3:]}",
            f"lex={lex}",
            f"lex+d={lex}|{dep[i]}",
            f"ph={' '.join(phrase[0]) if phrase else '-'}",
            f"hl={lemmas[head]}",
            f"hp={pos[head]}",
            f"d+hl={dep[i]}|{lemmas[head]}",
            f"l+d={lemma}|{dep[i]}",
            f"l+p={lemma}|{pos[i]}",
            f"q={quoted}",
            f"l+q={lemma}|{quoted}",
            f"vf={context.verb_form[i]}",
            f"ent={context.ent_type[i]}",
            f"title={context.title[i]}",
        ]
        rows.append(row)
        row.extend(_governor_features(i, lexicon, context))
        row.extend(_subject_features(doc, i, context))
        row.extend(f"cd={name}" for name in child_deps)
        row.extend(f"l+cd={lemma}|{name}" for name in child_deps)
        row.extend(f"l+prt={lemma}|{word}" for word in particles)
        if dep[i] in ("prep", "prt", "agent"):
            row.append(f"w+hl={lower[i]}|{lemmas[head]}")
        for offset in (-2, -1, 1, 2):
            index = i + offset
            if start <= index < end:
                row.append(f"w{offset}={lower[index]}")
                row.append(f"p{offset}={pos[index]}")
                if offset in (-1, 1):
                    row.append(f"l{offset}+l={lemmas[index]}|{lemma}")
                    row.append(f"q{offset}={context.quote_mark[index]}")
            else:
                row.append(f"w{offset}=<edge>")
    return rows


def _governor_features(index: int, lexicon: ReportingVerbs, context: DocContext) -> list[str]:
    """Whether the token lies inside what a reporting verb above it reports: PolNeAR marks each
    word with one role only, so a cue inside another attribution's content is rarely marked."""
    chain = context.ancestors[index]
    for below, node in itertools.pairwise(chain):
        verb_class = lexicon.verb_class(context.lemma[node])
        if verb_class is not None and context.pos[node] == "VERB":
            return [f"gov={verb_class.class_}|{context.dep[below]}", f"gov+l={context.lemma[node]}"]
    return ["gov=-"]


def _subject_features(doc: Doc, index: int, context: DocContext) -> list[str]:
    """What the token's subject is: people and organisations say things, records show them."""
    rows = []
    dep = context.dep
    for child in context.children[index]:
        if dep[child] in ("nsubj", "nsubjpass"):
            kind = context.ent_type[child] or context.pos[child]
            rows.append(f"subj={kind}")
            rows.append(f"subj+l={context.lemma[child]}|{context.lemma[index]}")
        elif dep[child] == "agent":
            rows.append("agent")
    if any(
        context.quote_mark[child]
        or (dep[child] == "ccomp" and any(t.is_quote for t in doc[child].subtree))
        for child in context.children[index]
    ):
        rows.append("governs-quote")
    return rows


def role_window(
    doc: Doc, cue_start: int, cue_end: int, context: DocContext, *, before: int, after: int
) -> RoleWindow:
    """The tokens the role tagger reads for the cue ``doc[cue_start:cue_end]``.

    The cue's sentence, up to ``before`` sentences before and ``after`` sentences after it in
    the same paragraph, and whole any quotation that overlaps those sentences (so a quotation
    running over several paragraphs is read to its end).
    """
    here = context.sentence[cue_start]
    paragraph = context.paragraph[cue_start]
    first = here
    while first > max(0, here - before) and _paragraph_of(context, first - 1) == paragraph:
        first -= 1
    last = here
    while (
        last < min(len(context.sentences) - 1, here + after)
        and _paragraph_of(context, last + 1) == paragraph
    ):
        last += 1
    start, end = context.sentences[first][0], context.sentences[last][1]
    for quote_first, quote_last in context.quotes:
        if quote_first < end and quote_last >= start:
            start = min(start, context.sentences[context.sentence[quote_first]][0])
            end = max(end, context.sentences[context.sentence[quote_last]][1])
    return RoleWindow(start=start, end=end)


def role_features(
    doc: Doc, cue_start: int, cue_end: int, window: RoleWindow, context: DocContext
) -> list[list[str]]:
    """Features of each token in ``window`` for the role tagger, relative to the cue
    ``doc[cue_start:cue_end]``."""
    cue_tokens = range(cue_start, cue_end)
    head = cue_head(doc, cue_start, cue_end)
    cue_lemma = head.lemma_.lower()
    cue_kind = f"{head.pos_}|{head.dep_}"
    cue_sentence = context.sentence[cue_start]
    passive = any(child.dep_ == "auxpass" for child in head.children)
    # Quotations that end just before or start just after the cue (“…,” she said / said: “…”).
    near_quotes = {
        number
        for number, (first, last) in enumerate(context.quotes)
        if 0 <= cue_start - last <= 4 or 0 <= first - cue_end <= 4
    }
    cue_quote = context.quote[cue_start]
    rows = []
    lower, pos, dep = context.lower, context.pos, context.dep
    for i in range(window.start, window.end):
        if i in cue_tokens:
            where, relation = "cue", "cue"
        else:
            where = "before" if i < cue_start else "after"
            relation = relation_to_cue(i, head.i, context)
        distance = _bucket(cue_start - i if i < cue_start else i - cue_end + 1)
        sentence_offset = max(-3, min(3, context.sentence[i] - cue_sentence))
        quote = context.quote[i]
        quoted = "no" if quote < 0 else ("near" if quote in near_quotes else "yes")
        if quote >= 0 and quote == cue_quote:
            quoted = "same-as-cue"
        row = [
            "b",
            f"rel={relation}",
            f"rel+where={relation}|{where}",
            f"rel+cue={relation}|{cue_lemma}",
            f"rel+kind={relation}|{cue_kind}",
            f"rel+pass={relation}|{passive}",
            f"rel+d={relation}|{dep[i]}",
            f"where+dist={where}|{distance}",
            f"sent={sentence_offset}",
            f"q={quoted}",
            f"q+where={quoted}|{where}",
            f"q+rel={quoted}|{relation}",
            f"p={pos[i]}",
            f"d={dep[i]}",
            f"w={lower[i]}",
            f"ent={context.ent_type[i]}",
            f"w+where={lower[i]}|{where}",
            f"p+where+dist={pos[i]}|{where}|{distance}",
            f"cue={cue_lemma}",
            f"kind={cue_kind}",
            f"punct={context.punct[i]}|{where}|{quoted}",
        ]
        previous, following = i - 1, i + 1
        row.append(f"w-1={lower[previous] if previous >= window.start else '<edge>'}")
        if previous >= window.start and previous in cue_tokens:
            row.append("after-cue")
        row.append(f"w+1={lower[following] if following < window.end else '<edge>'}")
        if following < window.end and following in cue_tokens:
            row.append("before-cue")
        rows.append(row)
    return rows


def spans_of(tags: Sequence[str], label: str) -> list[tuple[int, int]]:
    """``(start, end)`` index ranges of the ``B-label I-label*`` runs in ``tags``."""
    spans: list[tuple[int, int]] = []
    for index, tag in enumerate(tags):
        if tag == f"B-{label}":
            spans.append((index, index + 1))
        elif tag == f"I-{label}" and spans and spans[-1][1] == index:
            spans[-1] = (spans[-1][0], index + 1)
    return spans


def hash_features(features: Sequence[Sequence[str]], buckets: int) -> tuple[IntArray, IntArray]:
    """Hash each token's features into ``buckets`` (CRC-32, stable across runs and machines).

    Returns:
        The flat bucket ids and the offset of each token's first id, as ``np.add.reduceat``
        wants them.
    """
    # Most feature strings ("p=NOUN", "d=nsubj") recur in every sentence: hash each once.
    known = _FEATURE_IDS.setdefault(buckets, {})
    if len(known) > _MAX_KNOWN_FEATURES:
        known.clear()
    flat = [feature for row in features for feature in row]
    ids = list(map(known.get, flat))
    if None in ids:
        for position, index in enumerate(ids):
            if index is None:
                feature = flat[position]
                ids[position] = known[feature] = zlib.crc32(feature.encode("utf-8")) % buckets
    offsets = np.cumsum([0] + [len(row) for row in features[:-1]], dtype=np.int64)
    return np.asarray(ids, dtype=np.int64), offsets


# Feature string -> bucket id, per bucket count; cleared when it grows past the bound.
_FEATURE_IDS: dict[int, dict[str, int]] = {}
_MAX_KNOWN_FEATURES = 1 << 19


def allowed_transitions(tags: Sequence[str]) -> npt.NDArray[np.bool_]:
    """``(len(tags) + 1, len(tags))``: which tag may follow which (last row: may start)."""
    allowed = np.ones((len(tags) + 1, len(tags)), dtype=bool)
    for to, tag in enumerate(tags):
        if tag.startswith("I-"):
            label = tag[2:]
            for previous, other in enumerate(tags):
                allowed[previous, to] = other in (f"B-{label}", f"I-{label}")
            allowed[len(tags), to] = False
    return allowed


def viterbi(
    emissions: FloatArray, transitions: FloatArray, allowed: npt.NDArray[np.bool_]
) -> list[int]:
    """The best tag index sequence under emission and transition scores and allowed moves."""
    length, size = emissions.shape
    if length == 0:
        return []
    # Plain Python over the few tags (3 or 5): numpy's per-call cost on arrays this small was
    # most of the decoding time. Ties go to the lower tag index, as numpy's argmax.
    blocked = np.where(allowed, 0.0, -np.inf)
    step = (transitions[:size] + blocked[:size]).tolist()
    rows = emissions.tolist()
    tags = range(size)
    score = (emissions[0] + transitions[size] + blocked[size]).tolist()
    back = []
    for row in rows[1:]:
        pointers, following = [], []
        for to in tags:
            best, value = 0, score[0] + step[0][to]
            for source in tags[1:]:
                candidate = score[source] + step[source][to]
                if candidate > value:
                    best, value = source, candidate
            pointers.append(best)
            following.append(value + row[to])
        back.append(pointers)
        score = following
    path = [max(tags, key=score.__getitem__)]
    for pointers in reversed(back):
        path.append(pointers[path[-1]])
    return path[::-1]


def load_attribution_model(path: Path | None = None) -> AttributionModel:
    """Read a model written by :func:`save_attribution_model`.

    Args:
        path: The ``.npz`` file; the packaged ``data/attribution_model.npz`` when ``None``.

    Raises:
        ConfigError: The file is missing, unreadable, or not a model of this format version.
    """
    where = str(path) if path is not None else MODEL_FILE
    try:
        if path is None:
            with resources.as_file(resources.files("newsprism.data").joinpath(MODEL_FILE)) as p:
                arrays = dict(np.load(p, allow_pickle=False))
        else:
            arrays = dict(np.load(path, allow_pickle=False))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot read the attribution model ({exc}); rebuild it with"
            " `make attribution-model` or pass model=None to use the rules alone",
            where=where,
        ) from exc
    try:
        meta: dict[str, Any] = json.loads(str(arrays["meta"]))
        if meta.get("format") != FORMAT_VERSION:
            raise ConfigError(
                f"model format {meta.get('format')} is not {FORMAT_VERSION}; retrain it with"
                " `make attribution-model`",
                where=where,
            )
        return AttributionModel(
            cue=LinearChain(
                tags=tuple(meta["cue_tags"]),
                weights=arrays["cue_weights"].astype(np.float32),
                transitions=arrays["cue_transitions"].astype(np.float32),
            ),
            role=LinearChain(
                tags=tuple(meta["role_tags"]),
                weights=arrays["role_weights"].astype(np.float32),
                transitions=arrays["role_transitions"].astype(np.float32),
            ),
            sentences_before=int(meta["sentences_before"]),
            sentences_after=int(meta["sentences_after"]),
            trained_on=str(meta["trained_on"]),
        )
    except KeyError as exc:
        raise ConfigError(
            f"the attribution model lacks {exc}; retrain it with `make attribution-model`",
            where=where,
        ) from exc


def save_attribution_model(model: AttributionModel, path: Path) -> None:
    """Write ``model`` to ``path`` atomically (weights as float16, compressed)."""
    meta = {
        "format": FORMAT_VERSION,
        "cue_tags": list(model.cue.tags),
        "role_tags": list(model.role.tags),
        "sentences_before": model.sentences_before,
        "sentences_after": model.sentences_after,
        "trained_on": model.trained_on,
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz")
    os.close(handle)
    try:
        np.savez_compressed(
            temporary,
            meta=np.array(json.dumps(meta)),
            cue_weights=model.cue.weights.astype(np.float16),
            cue_transitions=model.cue.transitions.astype(np.float16),
            role_weights=model.role.weights.astype(np.float16),
            role_transitions=model.role.transitions.astype(np.float16),
        )
        Path(temporary).replace(path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _paragraph_of(context: DocContext, sentence: int) -> int:
    return context.paragraph[context.sentences[sentence][0]]


def cue_head(doc: Doc, start: int, end: int) -> Token:
    """The cue's main word: the token whose head lies outside the cue, preferring a verb."""
    heads = [t for t in doc[start:end] if not start <= t.head.i < end or t.head.i == t.i]
    verbs = [t for t in heads if t.pos_ in ("VERB", "AUX")]
    return (verbs or heads or [doc[start]])[0]


def relation_to_cue(index: int, cue_head: int, context: DocContext) -> str:
    """How token ``index`` hangs on the cue's head ``cue_head`` in the parse: the relations from
    the cue down to it (``v:ccomp``), from it up to the cue (``^:nsubj``), or through a common
    ancestor."""
    if context.sentence[index] != context.sentence[cue_head]:
        return "other-sentence"
    dep = context.dep
    up = context.ancestors[index]
    if cue_head in up:
        below = up[: up.index(cue_head)]
        # The child of the cue on the path, and how deep below it the token lies.
        return f"v:{dep[below[-1]]}|{min(len(below), _MAX_PATH)}"
    cue_up = context.ancestors[cue_head]
    if index in cue_up:
        rise = cue_up[: cue_up.index(index)][:_MAX_PATH]
        return f"^:{'>'.join(dep[node] for node in rise)}"
    common = next((node for node in up if node in cue_up), None)
    if common is None:
        return "unrelated"
    rise = cue_up[: cue_up.index(common)]
    branch = up[: up.index(common)]
    return (
        f"x:{'>'.join(dep[node] for node in rise[:_MAX_PATH])}"
        f"/{dep[branch[-1]]}|{min(len(branch), _MAX_PATH)}"
    )


def _bucket(distance: int) -> int:
    return max(bucket for bucket in _DISTANCE_BUCKETS if bucket <= max(0, distance))

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
        lower, lemma, pos, dep, quote_mark: Each token's lower-cased text, lower-cased lemma,
            part of speech, dependency relation and whether it is a quotation mark (read once;
            features read them often).
    """

    sentence: tuple[int, ...]
    sentences: tuple[tuple[int, int], ...]
    paragraph: tuple[int, ...]
    quote: tuple[int, ...]
    quotes: tuple[tuple[int, int], ...]
    depth: tuple[int, ...]
    ancestors: tuple[tuple[int, ...], ...]
    lower: tuple[str, ...]
    lemma: tuple[str, ...]
    pos: tuple[str, ...]
    dep: tuple[str, ...]
    quote_mark: tuple[bool, ...]


def doc_context(doc: Doc, quotes: Sequence[tuple[int, int]]) -> DocContext:
    """Per-token facts shared by every feature function.

    Args:
        doc: A parsed document.
        quotes: ``(first, last)`` token indices of each quotation's opening and closing marks.
    """
    sentence = [0] * len(doc)
    sentences = []
    for number, sent in enumerate(doc.sents):
        sentences.append((sent.start, sent.end))
        for index in range(sent.start, sent.end):
            sentence[index] = number
    # One pass over the tokens: building spaCy Token objects is the cost, so each is made once.
    paragraph, lower, lemma, pos, dep, quote_mark = [], [], [], [], [], []
    current = 0
    for token in doc:
        paragraph.append(current)
        # A line break inside or after a token ends the paragraph.
        if "\n" in token.text or "\n" in token.whitespace_:
            current += 1
        lower.append(token.lower_)
        lemma.append(token.lemma_.lower())
        pos.append(token.pos_)
        dep.append(token.dep_)
        quote_mark.append(token.is_quote)
    quote = [-1] * len(doc)
    for number, (first, last) in enumerate(quotes):
        for index in range(first, last + 1):
            quote[index] = number
    # Head offsets come relative and unsigned from the Doc array: read them as signed.
    heads = (np.arange(len(doc)) + doc.to_array("HEAD").view(np.int64)).tolist()
    ancestors = []
    for index in range(len(doc)):
        chain = [index]
        while heads[chain[-1]] != chain[-1]:
            chain.append(heads[chain[-1]])
        ancestors.append(tuple(chain))
    return DocContext(
        sentence=tuple(sentence),
        sentences=tuple(sentences),
        paragraph=tuple(paragraph),
        quote=tuple(quote),
        quotes=tuple(quotes),
        depth=tuple(len(chain) - 1 for chain in ancestors),
        ancestors=tuple(ancestors),
        lower=tuple(lower),
        lemma=tuple(lemma),
        pos=tuple(pos),
        dep=tuple(dep),
        quote_mark=tuple(quote_mark),
    )


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
    for token in doc[start:end]:
        lemma = context.lemma[token.i]
        verb_class = lexicon.verb_class(lemma)
        lex = f"{verb_class.class_}:{verb_class.subclass}" if verb_class else "-"
        phrase = (
            lexicon.phrase_at(list(doc[token.i : min(end, token.i + 4)]))
            if lexicon.may_start_phrase(context.lower[token.i], lemma)
            else None
        )
        child_deps = sorted({child.dep_ for child in token.children})
        particles = sorted(
            child.lower_ for child in token.children if child.dep_ in ("prt", "prep", "agent")
        )
        head = token.head
        quoted = context.quote[token.i] >= 0
        row = [
            "b",
            f"w={context.lower[token.i]}",
            f"l={lemma}",
            f"p={context.pos[token.i]}",
            f"t={token.tag_}",
            f"d={token.dep_}",
            f"s3={context.lower[token.i][-3:]}",
            f"lex={lex}",
            f"lex+d={lex}|{token.dep_}",
            f"ph={' '.join(phrase[0]) if phrase else '-'}",
            f"hl={context.lemma[head.i]}",
            f"hp={context.pos[head.i]}",
            f"d+hl={token.dep_}|{context.lemma[head.i]}",
            f"l+d={lemma}|{token.dep_}",
            f"l+p={lemma}|{context.pos[token.i]}",
            f"q={quoted}",
            f"l+q={lemma}|{quoted}",
            f"vf={token.morph.get('VerbForm', [])}",
            f"ent={token.ent_type_}",
            f"title={token.is_title}",
        ]
        rows.append(row)
        row.extend(_governor_features(token, lexicon, context))
        row.extend(_subject_features(token))
        row.extend(f"cd={dep}" for dep in child_deps)
        row.extend(f"l+cd={lemma}|{dep}" for dep in child_deps)
        row.extend(f"l+prt={lemma}|{word}" for word in particles)
        if token.dep_ in ("prep", "prt", "agent"):
            row.append(f"w+hl={context.lower[token.i]}|{context.lemma[head.i]}")
        for offset in (-2, -1, 1, 2):
            index = token.i + offset
            if start <= index < end:
                row.append(f"w{offset}={context.lower[index]}")
                row.append(f"p{offset}={context.pos[index]}")
                if offset in (-1, 1):
                    row.append(f"l{offset}+l={context.lemma[index]}|{lemma}")
                    row.append(f"q{offset}={context.quote_mark[index]}")
            else:
                row.append(f"w{offset}=<edge>")
    return rows


def _governor_features(token: Token, lexicon: ReportingVerbs, context: DocContext) -> list[str]:
    """Whether the token lies inside what a reporting verb above it reports: PolNeAR marks each
    word with one role only, so a cue inside another attribution's content is rarely marked."""
    chain = context.ancestors[token.i]
    for below, node in itertools.pairwise(chain):
        verb_class = lexicon.verb_class(context.lemma[node])
        if verb_class is not None and context.pos[node] == "VERB":
            return [f"gov={verb_class.class_}|{context.dep[below]}", f"gov+l={context.lemma[node]}"]
    return ["gov=-"]


def _subject_features(token: Token) -> list[str]:
    """What the token's subject is: people and organisations say things, records show them."""
    rows = []
    for child in token.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            kind = child.ent_type_ or ("PRON" if child.pos_ == "PRON" else child.pos_)
            rows.append(f"subj={kind}")
            rows.append(f"subj+l={child.lemma_.lower()}|{token.lemma_.lower()}")
        elif child.dep_ == "agent":
            rows.append("agent")
    quoted = [
        child
        for child in token.children
        if child.is_quote or (child.dep_ == "ccomp" and any(t.is_quote for t in child.subtree))
    ]
    if quoted:
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
    for token in doc[window.start : window.end]:
        if token.i in cue_tokens:
            where, relation = "cue", "cue"
        else:
            where = "before" if token.i < cue_start else "after"
            relation = relation_to_cue(token, head, context)
        distance = _bucket(cue_start - token.i if token.i < cue_start else token.i - cue_end + 1)
        sentence_offset = max(-3, min(3, context.sentence[token.i] - cue_sentence))
        quote = context.quote[token.i]
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
            f"rel+d={relation}|{token.dep_}",
            f"where+dist={where}|{distance}",
            f"sent={sentence_offset}",
            f"q={quoted}",
            f"q+where={quoted}|{where}",
            f"q+rel={quoted}|{relation}",
            f"p={context.pos[token.i]}",
            f"d={token.dep_}",
            f"w={context.lower[token.i]}",
            f"ent={token.ent_type_}",
            f"w+where={context.lower[token.i]}|{where}",
            f"p+where+dist={context.pos[token.i]}|{where}|{distance}",
            f"cue={cue_lemma}",
            f"kind={cue_kind}",
            f"punct={token.is_punct}|{where}|{quoted}",
        ]
        previous, following = token.i - 1, token.i + 1
        row.append(f"w-1={context.lower[previous] if previous >= window.start else '<edge>'}")
        if previous >= window.start and previous in cue_tokens:
            row.append("after-cue")
        row.append(f"w+1={context.lower[following] if following < window.end else '<edge>'}")
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
    ids = []
    for row in features:
        for feature in row:
            index = known.get(feature)
            if index is None:
                index = known[feature] = zlib.crc32(feature.encode("utf-8")) % buckets
            ids.append(index)
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
    blocked = np.where(allowed, 0.0, -np.inf)
    step = transitions[:size] + blocked[:size]
    score = emissions[0] + transitions[size] + blocked[size]
    back = np.zeros((length, size), dtype=np.int64)
    for position in range(1, length):
        candidates = score[:, None] + step
        back[position] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + emissions[position]
    best = [int(score.argmax())]
    for position in range(length - 1, 0, -1):
        best.append(int(back[position, best[-1]]))
    return best[::-1]


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


def relation_to_cue(token: Token, cue_head: Token, context: DocContext) -> str:
    """How ``token`` hangs on the cue in the parse: the relations from the cue down to it
    (``v:ccomp``), from it up to the cue (``^:nsubj``), or through a common ancestor."""
    if context.sentence[token.i] != context.sentence[cue_head.i]:
        return "other-sentence"
    doc = token.doc
    up = context.ancestors[token.i]
    if cue_head.i in up:
        below = up[: up.index(cue_head.i)]
        # The child of the cue on the path, and how deep below it the token lies.
        return f"v:{doc[below[-1]].dep_}|{min(len(below), _MAX_PATH)}"
    cue_up = context.ancestors[cue_head.i]
    if token.i in cue_up:
        rise = cue_up[: cue_up.index(token.i)][:_MAX_PATH]
        return f"^:{'>'.join(doc[node].dep_ for node in rise)}"
    common = next((node for node in up if node in cue_up), None)
    if common is None:
        return "unrelated"
    rise = cue_up[: cue_up.index(common)]
    branch = up[: up.index(common)]
    return (
        f"x:{'>'.join(doc[node].dep_ for node in rise[:_MAX_PATH])}"
        f"/{doc[branch[-1]].dep_}|{min(len(branch), _MAX_PATH)}"
    )


def _bucket(distance: int) -> int:
    return max(bucket for bucket in _DISTANCE_BUCKETS if bucket <= max(0, distance))

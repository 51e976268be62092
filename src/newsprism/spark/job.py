"""The Spark job: read, extract, find copies, analyse and write Parquet; stories on the driver.

See :mod:`newsprism.spark` for the flow and the output layout. Every function that runs on an
executor is a module-level function (picklable); the heavy objects it needs (the outlet
directory, the spaCy pipeline) are loaded once per Python worker and reused by every partition
it runs (:func:`_analyzer`, :func:`_outlets`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import heapq
import io
import json
import logging
import math
import os
import shutil
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from newsprism.config import Settings
from newsprism.errors import InputError, UnreadableInputError
from newsprism.model import (
    AnalyzedArticle,
    Article,
    CopyOf,
    Publication,
    RawDocument,
    Skipped,
    from_dict,
    to_dict,
)
from newsprism.store.tables import TABLES, Column, Row, Table

if TYPE_CHECKING:
    from concurrent.futures import Future

    from pyspark import Accumulator, Broadcast, SparkContext

    from newsprism.ingest.outlets import OutletDirectory
    from newsprism.pipeline import Analyzer

__all__ = [
    "ARTICLE_TABLES",
    "JobReport",
    "PartitionCost",
    "expand_job_inputs",
    "run_job",
    "spark_context",
]

logger = logging.getLogger(__name__)

# The export tables the job writes per month and input (stories are written whole, after).
ARTICLE_TABLES = (
    "articles", "publications", "entities", "mentions", "descriptors", "attributions", "times",
)
# The job's own tables beside them: what `newsprism load` stores, and the skipped records.
RECORDS, ARRIVALS, SKIPPED = "records", "arrivals", "skipped"
# The staging table of extracted texts the copy plan and the analysis read.
EXTRACTED = "extracted"
STORY_TABLES = ("stories", "story_articles")
INPUTS_FILE = "_inputs.json"
STORIES_DIR = "_stories"
STAGING_DIR = "_staging"
# Month partition of rows without a publication date.
NO_MONTH = "none"
# Record numbers within an input occupy the low bits of the order key (seq column).
_ORDINAL_BITS = 32
# Files whose names end so are manifests (Common Crawl's warc.paths.gz among them).
_MANIFEST_SUFFIXES = (".paths", ".paths.gz", ".manifest", ".txt")
_SCHEMES_READ_LOCALLY = ("", "file")


@dataclass(frozen=True, slots=True)
class JobReport:
    """What one run of the job did.

    Attributes:
        out: The output folder.
        inputs: The input files of this run, in corpus order.
        tasks: How many read tasks they were spread over.
        partitions: How many partitions analysed the articles.
        read: Documents read (accumulator).
        stored: Articles stored (accumulator): analysed, or too long to analyse.
        skipped: Records that could not be used (accumulator), each a row of ``skipped``.
        same_text: Documents whose text an earlier document had: publications, not articles.
        copies: Stored articles that copy an earlier one (exact or near).
        articles: Articles in the whole output folder (this run's and earlier inputs').
        stories: Stories over the whole output folder.
        seconds: Wall time of each phase (extract, copies, analyze, write, stories).
        partition_costs: Per analysis partition: articles, seconds, and the peak resident
            memory of the Python worker that ran it (MiB; the spaCy model included).
    """

    out: Path
    inputs: tuple[str, ...]
    tasks: int
    partitions: int
    read: int
    stored: int
    skipped: int
    same_text: int
    copies: int
    articles: int
    stories: int
    seconds: dict[str, float]
    partition_costs: tuple[PartitionCost, ...] = ()


@dataclass(frozen=True, slots=True)
class PartitionCost:
    """What analysing one partition cost."""

    partition: int
    articles: int
    seconds: float
    peak_mib: float


@dataclass(frozen=True, slots=True)
class _Task:
    """One read task: records ``n`` of an input with ``n % shards == shard``."""

    input: str
    pos: int
    uri: str
    shard: int
    shards: int


_LOCAL_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1"


def spark_context(
    master: str | None = None, *, app_name: str = "newsprism", conf: dict[str, str] | None = None
) -> SparkContext:
    """A Spark context for the job (``master`` as ``--master``; ``None`` leaves it to
    ``spark-submit``). For ``local`` masters the UI is off and the JVM lean (it only schedules).

    The job uses RDDs only and reads its own Parquet with pyarrow: no SQL session is started,
    which on a small machine is seconds of every run before any work.
    """
    from pyspark import SparkConf, SparkContext

    settings = SparkConf().setAppName(app_name)
    if master is not None:
        settings.setMaster(master)
    if master is not None and master.startswith("local"):
        settings.set("spark.ui.enabled", "false")
        settings.set("spark.ui.showConsoleProgress", "false")
        # The JVM only schedules here (every record is read, analysed and written by Python
        # workers): a quick compiler and one garbage-collector thread halve the CPU it takes
        # from the workers on a small machine (7.6 -> 3.7 s a run of 481 articles on two cores,
        # and a second less to start).
        settings.set("spark.driver.extraJavaOptions", _LOCAL_JVM_OPTIONS)
        # Local workers run this interpreter (the one newsprism is installed in), not the
        # first python3 on the PATH: PySpark reads the variable when the context starts.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in (conf or {}).items():
        settings.set(key, value)
    return SparkContext.getOrCreate(settings)


def expand_job_inputs(inputs: Sequence[str]) -> list[str]:
    """The input files named by paths, folders (their files, in path order) and manifests.

    A manifest is a file (``*.paths``, ``*.paths.gz``, ``*.manifest``, ``*.txt``) listing one
    input a line (``#`` comments); relative paths are taken from the manifest's folder. Local
    paths are made absolute (an input keeps its id whatever the working folder); any other URI
    (``s3://``, ``hdfs://``, ...) is kept as it is.

    Raises:
        InputError: A path that does not exist, or a folder holding no file.
    """
    from newsprism.ingest import expand_inputs

    found: list[str] = []
    for item in inputs:
        scheme = _scheme(item)
        if scheme not in _SCHEMES_READ_LOCALLY:
            found.append(item)
            continue
        path = Path(item.removeprefix("file://"))
        if not path.exists():
            raise UnreadableInputError("no such file or directory; check the path", where=item)
        if path.is_dir():
            for child in expand_inputs([str(path)]):
                if isinstance(child, Skipped):
                    raise InputError(child.reason, where=child.where)
                found.append(str(Path(child).absolute()))
        elif path.name.endswith(_MANIFEST_SUFFIXES):
            found.extend(
                entry if _scheme(entry) not in _SCHEMES_READ_LOCALLY
                else str(Path(entry).absolute())
                for entry in _manifest(path)
            )
        else:
            found.append(str(path.absolute()))
    return found


def _manifest(path: Path) -> list[str]:
    import gzip

    data = path.read_bytes()
    text = gzip.decompress(data).decode("utf-8") if data[:2] == b"\x1f\x8b" else data.decode()
    listed = []
    for line in text.splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if _scheme(entry) in _SCHEMES_READ_LOCALLY and not Path(entry).is_absolute():
            entry = str(path.parent / entry)
        listed.append(entry)
    if not listed:
        raise InputError("the manifest lists no input file (one path or URI a line)",
                         where=str(path))
    return listed


def _scheme(uri: str) -> str:
    head, sep, _ = uri.partition("://")
    return head.lower() if sep and head.isalnum() else ""


def input_id(uri: str) -> str:
    """The id of an input in the output's partitions: ``i`` and a hash of its path or URI (the
    letter keeps readers that infer partition types from taking an all-digit hash for a
    number)."""
    return "i" + hashlib.sha256(uri.encode("utf-8")).hexdigest()[:15]


def run_job(
    inputs: Sequence[str],
    *,
    out: Path,
    settings: Settings,
    context: SparkContext,
    partitions: int | None = None,
    outlet: str | None = None,
) -> JobReport:
    """Analyse input files on a Spark cluster and write the tables into ``out``.

    Args:
        inputs: Input files, folders or manifests (:func:`expand_job_inputs`).
        out: The output folder (a local or shared file system path); created when missing.
            Inputs written there by earlier runs stay and join this run's copies and stories;
            an input run again has its partitions replaced.
        settings: newsprism settings (sent to the executors).
        context: The Spark context (:func:`spark_context`, or a session's ``sparkContext``).
        partitions: Partitions to analyse in (default: twice the default parallelism). An
            input is read by several tasks when there are fewer inputs than partitions.
        outlet: An outlet name for every document (``--outlet``).

    Returns:
        Counts and timings.

    Raises:
        InputError: An input that does not exist.
    """
    files = expand_job_inputs(inputs)
    out.mkdir(parents=True, exist_ok=True)
    positions = _register(out, files)
    wanted = partitions or 2 * context.defaultParallelism
    shards = max(1, math.ceil(wanted / max(len(files), 1)))
    tasks = [
        _Task(input_id(uri), positions[uri], uri, shard, shards)
        for uri in files
        for shard in range(shards)
    ]
    run_ids = sorted({task.input for task in tasks})
    staging = out / STAGING_DIR / uuid.uuid4().hex
    tables = staging / "tables"
    read = context.accumulator(0)
    stored = context.accumulator(0)
    skipped = context.accumulator(0)
    seconds: dict[str, float] = {}
    shipped = context.broadcast(settings)
    try:
        started = time.perf_counter()
        extract = functools.partial(
            _extract_partition, settings=shipped, outlet=outlet, tables=str(tables),
            read=read, skipped=skipped,
        )
        # Each read task writes its extracted texts as one Parquet file itself (as the
        # analysis tasks write their tables): no rows travel through the JVM to be written.
        context.parallelize(tasks, len(tasks)).mapPartitionsWithIndex(extract).count()
        seconds["extract"] = time.perf_counter() - started

        started = time.perf_counter()
        plan = _plan(context, out, staging, run_ids, settings, str(tables),
                     texts=int(read.value), wanted=wanted)
        seconds["copies"] = time.perf_counter() - started

        started = time.perf_counter()
        analyse = functools.partial(
            _analyse_partition, settings=shipped, copies=context.broadcast(plan.copies),
            later=context.broadcast(plan.later), tables=str(tables), stored=stored,
            skipped=skipped,
        )
        parts = _parts(staging / EXTRACTED)
        rows = context.parallelize(parts, max(1, len(parts))).flatMap(
            functools.partial(_read_rows, columns=None)
        )
        if plan.partition_of:
            assigned = functools.partial(
                _assigned_partition, assignment=context.broadcast(plan.partition_of)
            )
            rows = (
                rows.keyBy(lambda row: (row.pos, row.ordinal))
                .partitionBy(wanted, assigned)
                .values()
            )
        else:
            rows = rows.repartition(wanted)
        costs = sorted(rows.mapPartitionsWithIndex(analyse).collect(), key=_by_partition)
        seconds["analyze"] = time.perf_counter() - started

        started = time.perf_counter()
        _swap_in(out, tables, run_ids)
        seconds["write"] = time.perf_counter() - started
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if (out / STAGING_DIR).is_dir() and not any((out / STAGING_DIR).iterdir()):
            (out / STAGING_DIR).rmdir()

    started = time.perf_counter()
    articles, stories = _write_stories(out, settings)
    seconds["stories"] = time.perf_counter() - started
    return JobReport(
        out=out,
        inputs=tuple(files),
        tasks=len(tasks),
        partitions=wanted,
        read=int(read.value),
        stored=int(stored.value),
        skipped=int(skipped.value),
        same_text=len(plan.later),
        copies=len(plan.copies),
        articles=articles,
        stories=stories,
        seconds={name: round(value, 3) for name, value in seconds.items()},
        partition_costs=tuple(costs),
    )


def _register(out: Path, files: Sequence[str]) -> dict[str, int]:
    """The corpus position of each input: inputs keep the place they first had; new ones
    follow, in the order given."""
    path = out / INPUTS_FILE
    known: list[str] = json.loads(path.read_text("utf-8"))["inputs"] if path.exists() else []
    for uri in files:
        if uri not in known:
            known.append(uri)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"inputs": known}, indent=1), "utf-8")
    temporary.replace(path)
    return {uri: known.index(uri) for uri in files}


def corpus_inputs(out: Path) -> list[str]:
    """The inputs of an output folder, in corpus order."""
    path = out / INPUTS_FILE
    return list(json.loads(path.read_text("utf-8"))["inputs"]) if path.exists() else []


# --- stage 1: read and extract (executors) ---------------------------------------------------

_WORKER: dict[str, Any] = {}


def _outlets() -> OutletDirectory:
    # Loaded once per Python worker process, reused by every partition it runs.
    if "outlets" not in _WORKER:
        from newsprism.ingest.outlets import load_outlets

        _WORKER["outlets"] = load_outlets()
    return _WORKER["outlets"]  # type: ignore[no-any-return]


def _analyzer(settings: Settings) -> Analyzer:
    """The worker's analyzer (spaCy and the rules), loaded once per Python worker process."""
    return _load_analyzer_soon(settings).result()


def _load_analyzer_soon(settings: Settings) -> Future[Analyzer]:
    # The read tasks start loading the analyzer in the background (seconds of spaCy start-up),
    # so that it overlaps the read and the copy plan, when workers mostly wait, rather than
    # delaying the first analysis task of every worker. Workers are reused across stages.
    key = f"analyzer:{settings.analyze!r}"
    if key not in _WORKER:
        from concurrent.futures import ThreadPoolExecutor

        # spaCy's thinc imports torch whenever it is installed (about a second per worker);
        # nothing a worker runs uses it (the taggers run on numpy and onnxruntime), so a worker
        # that has not imported it marks it missing.
        sys.modules.setdefault("torch", None)  # type: ignore[arg-type]

        from newsprism.pipeline import load_analyzer

        loader = ThreadPoolExecutor(1, thread_name_prefix="newsprism-load")
        _WORKER[key] = loader.submit(load_analyzer, settings)
        loader.shutdown(wait=False)
    return _WORKER[key]  # type: ignore[no-any-return]


def _open(uri: str) -> BinaryIO:
    """An input opened for reading: a local path directly, another URI through pyarrow's file
    systems (s3://, gs://, hdfs://)."""
    if _scheme(uri) in _SCHEMES_READ_LOCALLY:
        return Path(uri.removeprefix("file://")).open("rb")
    from pyarrow import fs  # type: ignore[import-untyped]

    system, path = fs.FileSystem.from_uri(uri)
    with system.open_input_stream(path) as stream:
        return io.BytesIO(stream.read())


def _task_items(
    task: _Task, settings: Settings, outlet: str | None
) -> Iterator[tuple[int, RawDocument | Skipped]]:
    from newsprism.ingest import read_stream

    try:
        stream = _open(task.uri)
    except (OSError, ValueError) as exc:
        if task.shard == 0:
            yield 0, Skipped(task.uri, f"cannot be opened ({exc}); check the path or URI",
                             UnreadableInputError.code)
        return
    with stream:
        items = read_stream(
            stream, location=task.uri, settings=settings, outlet=outlet, outlets=_outlets(),
            report_other=True,
        )
        for ordinal, item in enumerate(items):
            if ordinal % task.shards == task.shard:
                yield ordinal, item


def _month(article: Article) -> str:
    return article.published.strftime("%Y-%m") if article.published else NO_MONTH


def _dumps(record: object) -> str:
    return json.dumps(to_dict(record), ensure_ascii=False, separators=(",", ":"))


# --- tables the job writes beside the export tables --------------------------------------------


def _t(name: str, columns: Sequence[tuple[str, str]], doc: str) -> Table:
    return Table(name, tuple(Column(c, kind, "") for c, kind in columns), (), doc)


_ORDER = (("pos", "integer"), ("ordinal", "integer"))
_JOB_TABLES = {
    RECORDS: _t(
        RECORDS,
        (("article_id", "text"), *_ORDER, ("document", "text"), ("article", "text"),
         ("analysis", "text"), ("publication", "text"), ("published", "date"),
         ("credited", "text"), ("digest", "text"), ("signature", "text"), ("scheme", "text"),
         ("story", "text")),
        "one row per stored article: the whole records (JSON) that `newsprism load` stores",
    ),
    ARRIVALS: _t(
        ARRIVALS,
        (("article_id", "text"), *_ORDER, ("publication", "text")),
        "one row per publication added by a text read again (JSON)",
    ),
    EXTRACTED: _t(
        EXTRACTED,
        (("input", "text"), *_ORDER, ("article_id", "text"), ("month", "text"),
         ("document", "text"), ("article", "text"), ("publication", "text"),
         ("arrival", "text"), ("published", "date"), ("credited", "text"), ("digest", "text"),
         ("signature", "text"), ("scheme", "text"), ("chars", "integer")),
        "staging only: one row per extracted text, before copies are known",
    ),
    SKIPPED: _t(
        SKIPPED,
        (*_ORDER, ("where", "text"), ("reason", "text"), ("code", "text")),
        "one row per record that could not be used",
    ),
}


def _table(name: str) -> Table:
    return _JOB_TABLES.get(name) or TABLES[name]


class _PartWriter:
    """Rows of one partition, by table, month and input, written as Parquet part files."""

    def __init__(self, folder: str, prefix: str) -> None:
        self.folder = Path(folder)
        self.prefix = prefix
        self.rows: dict[tuple[str, str, str], list[Row]] = {}
        self.count = 0
        self.flushed = 0

    def add(self, name: str, month: str, input_name: str, rows: Iterable[Row]) -> None:
        self.rows.setdefault((name, month, input_name), []).extend(rows)
        self.count += 1

    def flush(self) -> None:
        from newsprism.store.export import write_table

        for (name, month, input_name), rows in self.rows.items():
            folder = self.folder / name / f"month={month}" / f"input={input_name}"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"part-{self.prefix}-{self.flushed:04d}.parquet"
            write_table(_table(name), rows, path)
        self.rows = {}
        self.count = 0
        self.flushed += 1


# Entries per partition of the copy plan's shuffles (a text, or one of its bands: about 50 MB
# of keys; Spark's tuning guide suggests partitions of 100-200 MB). Texts read by earlier runs
# into the same folder count too.
_ENTRIES_PER_SHUFFLE = 100_000
# A plan of at most this many entries (texts x bands) runs on the driver: each of its shuffles
# would be one partition.
_ENTRIES_ON_DRIVER = _ENTRIES_PER_SHUFFLE
# Rows decoded at a time when a task reads a Parquet part file back.
_READ_BATCH = 1_000
# The columns the copy plan reads of the extracted texts, and of earlier runs' records.
_PLAN_COLUMNS = (
    "input", "pos", "ordinal", "article_id", "month", "publication", "arrival", "published",
    "credited", "digest", "signature",
)
_EARLIER_COLUMNS = (
    "article_id", "pos", "ordinal", "publication", "published", "credited", "digest", "signature",
)
# Articles held per partition before their rows are written out (bounds executor memory).
_FLUSH_ARTICLES = 2000


# --- stage 1: read and extract (executors) ---------------------------------------------------


def _extract_partition(
    index: int,
    tasks: Iterable[_Task],
    *,
    settings: Broadcast[Settings],
    outlet: str | None,
    tables: str,
    read: Accumulator[int],
    skipped: Accumulator[int],
) -> Iterator[int]:
    """Read and extract one task's records; write the extracted texts (table ``extracted``,
    one Parquet file per task, beside ``tables``) and the skipped records."""
    from newsprism.pipeline import Extracted, extract_records, own_publication, publication_of
    from newsprism.store.export import write_table

    loaded = settings.value
    _load_analyzer_soon(loaded)
    writer = _PartWriter(tables, f"a{index:05d}")

    def rows() -> Iterator[Row]:
        for task in tasks:
            for ordinal, item in _task_items(task, loaded, outlet):
                if isinstance(item, RawDocument):
                    read.add(1)
                found = next(extract_records(
                    [item], settings=loaded, outlets=_outlets(), contain_failures=True
                ))
                if not isinstance(found, Extracted):
                    skipped.add(1)
                    writer.add(SKIPPED, NO_MONTH, task.input,
                               [(task.pos, ordinal, found.where, found.reason, found.code)])
                    continue
                article, key = found.article, found.key
                yield (
                    task.input, task.pos, ordinal, article.id, _month(article),
                    _dumps(found.document), _dumps(article), _dumps(own_publication(article)),
                    _dumps(publication_of(found.document)),
                    article.published.isoformat() if article.published else None,
                    article.original_outlet.name if article.original_outlet else None,
                    key.digest, key.signature.hex() if key.signature else None, key.scheme,
                    len(article.body) + len(article.headline or ""),
                )

    folder = Path(tables).parent / EXTRACTED
    folder.mkdir(parents=True, exist_ok=True)
    # The task's index names its file, so a retried task replaces what it wrote before.
    write_table(_JOB_TABLES[EXTRACTED], rows(), folder / f"part-a{index:05d}.parquet")
    writer.flush()
    yield 0


# --- stage 2: same texts and copies across all records (Spark shuffles) ----------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    later: frozenset[tuple[int, int]]
    copies: dict[str, CopyOf]
    # The analysis partition of each text (by corpus order), balanced by length; empty when
    # the plan ran on the cluster (the texts are then spread round-robin).
    partition_of: dict[tuple[int, int], int]


@dataclass(frozen=True, slots=True)
class _Seen:
    """One extracted text as the plan sees it: where it is in the corpus and its key."""

    pos: int
    ordinal: int
    new: bool
    input: str
    month: str
    digest: str
    signature: bytes | None
    publication: str
    arrival: str | None
    published: dt.date | None
    credited: str | None

    @property
    def order(self) -> tuple[int, int]:
        return self.pos, self.ordinal


def _plan(
    context: SparkContext,
    out: Path,
    staging: Path,
    run_ids: Sequence[str],
    settings: Settings,
    tables: str,
    *,
    texts: int,
    wanted: int,
) -> _Plan:
    """Which extracted documents become articles, which add publications, which are copies.

    A text read more than once is stored once, the first time in corpus order (input position,
    record number), earlier inputs of the folder included; later arrivals add publications
    (:func:`newsprism.pipeline.added_publications`), written here. Copies: a text whose digest
    an earlier one has is an exact copy of the first; another is a near copy of the most similar
    earlier text sharing an LSH band with it (:func:`newsprism.ingest.dedup.best_copy`).
    """
    parts = _parts(staging / EXTRACTED)
    earlier = _earlier_parts(out, run_ids)
    texts += sum(_row_count(part) for part in earlier)
    dedup = settings.dedup
    # Each indexed text goes to every one of its bands: that shuffle is as many times wider.
    band_entries = texts * _band_count(dedup)
    if band_entries <= _ENTRIES_ON_DRIVER:
        # Every shuffle of the plan would be one partition: Spark would add only its stages'
        # scheduling (seconds) to the same work, so the driver runs the same steps itself.
        found, lengths = _plan_on_driver(parts, earlier, dedup, tables)
    else:
        lengths = {}
        found = _plan_on_cluster(
            context, parts, earlier, dedup, tables,
            width=_shuffle_width(texts, wanted), band_width=_shuffle_width(band_entries, wanted),
        )
    later = frozenset(value for kind, value in found if kind == "later")
    copies = dict(value for kind, value in found if kind == "exact")
    for kind, value in found:
        if kind == "near":
            later_id, (similarity, _, earlier_id) = value
            copy = _best_copy(earlier_id, similarity, dedup)
            if copy is not None:
                copies.setdefault(later_id, copy)
    costs = {order: 0 if order in later else chars for order, chars in lengths.items()}
    return _Plan(later, copies, _balanced(costs, wanted) if costs else {})


def _balanced(costs: dict[tuple[int, int], int], partitions: int) -> dict[tuple[int, int], int]:
    """A partition for each text, longest first to the least loaded partition (analysis time
    grows with length; texts spread round-robin leave some partitions, and so the stage, longer
    than others)."""
    loads = [(0, number) for number in range(partitions)]
    assigned = {}
    for order, cost in sorted(costs.items(), key=lambda item: (-item[1], item[0])):
        load, number = heapq.heappop(loads)
        assigned[order] = number
        heapq.heappush(loads, (load + cost, number))
    return assigned


def _assigned_partition(order: tuple[int, int], *, assignment: Broadcast[dict[Any, int]]) -> int:
    return assignment.value.get(order, 0)


def _plan_on_cluster(
    context: SparkContext,
    parts: Sequence[str],
    earlier: Sequence[str],
    dedup: Any,
    tables: str,
    *,
    width: int,
    band_width: int,
) -> list[tuple[str, Any]]:
    """The plan's findings ("later", "exact", "near"), computed by Spark shuffles."""
    seen = context.parallelize(parts, max(1, len(parts))).flatMap(
        functools.partial(_read_rows, columns=_PLAN_COLUMNS)
    ).map(_seen_new)
    if earlier:
        seen = seen.union(
            context.parallelize(earlier, len(earlier))
            .flatMap(functools.partial(_read_rows, columns=_EARLIER_COLUMNS))
            .map(_seen_earlier)
        )
    by_text = seen.groupByKey(width).flatMap(_same_text)
    arrivals = by_text.filter(lambda kv: kv[0] == "arrival").map(lambda kv: kv[1])
    firsts = by_text.filter(lambda kv: kv[0] == "first").map(lambda kv: kv[1])
    by_digest = firsts.groupByKey(width).flatMap(_same_digest)
    near = (
        by_digest.filter(lambda kv: kv[0] == "indexed")
        .map(lambda kv: kv[1])
        .flatMap(functools.partial(_band_entries, dedup=dedup))
        .groupByKey(band_width)
        .flatMap(_band_scores)
        .reduceByKey(_better, band_width)
        .map(lambda kv: ("near", kv))
    )
    # One Spark job for the whole plan: each action costs a job's scheduling and task start-up.
    # The shuffles the branches share run once.
    found: list[tuple[str, Any]] = context.union([
        by_text.filter(lambda kv: kv[0] == "later"),
        by_digest.filter(lambda kv: kv[0] == "exact"),
        near,
        arrivals.mapPartitionsWithIndex(functools.partial(_write_arrivals, tables=tables)),
    ]).collect()
    return found


def _plan_on_driver(
    parts: Sequence[str], earlier: Sequence[str], dedup: Any, tables: str
) -> tuple[list[tuple[str, Any]], dict[tuple[int, int], int]]:
    """The same findings as :func:`_plan_on_cluster`, by the same steps run in this process
    (for a plan whose every shuffle would be one partition), and each new text's length."""
    rows = [row for part in parts for row in _read_rows(part, columns=(*_PLAN_COLUMNS, "chars"))]
    lengths = {(row.pos, row.ordinal): row.chars for row in rows}
    seen = [_seen_new(row) for row in rows]
    seen += [
        _seen_earlier(row)
        for part in earlier
        for row in _read_rows(part, columns=_EARLIER_COLUMNS)
    ]
    by_text = [found for group in _grouped(seen) for found in _same_text(group)]
    firsts = [value for kind, value in by_text if kind == "first"]
    by_digest = [found for group in _grouped(firsts) for found in _same_digest(group)]
    entries = [
        entry
        for kind, value in by_digest
        if kind == "indexed"
        for entry in _band_entries(value, dedup=dedup)
    ]
    best: dict[str, tuple[float, tuple[int, int], str]] = {}
    for group in _grouped(entries):
        for later_id, score in _band_scores(group):
            best[later_id] = _better(best[later_id], score) if later_id in best else score
    arrivals = [value for kind, value in by_text if kind == "arrival"]
    list(_write_arrivals(0, arrivals, tables=tables))
    found = [
        *((kind, value) for kind, value in by_text if kind == "later"),
        *((kind, value) for kind, value in by_digest if kind == "exact"),
        *(("near", pair) for pair in best.items()),
    ]
    return found, lengths


_K = TypeVar("_K")
_V = TypeVar("_V")


def _grouped(pairs: Iterable[tuple[_K, _V]]) -> Iterator[tuple[_K, list[_V]]]:
    """``(key, values)`` per key, as a ``groupByKey`` gives them (the steps sort what they need)."""
    groups: dict[_K, list[_V]] = {}
    for key, value in pairs:
        groups.setdefault(key, []).append(value)
    yield from groups.items()


def _shuffle_width(entries: int, wanted: int) -> int:
    """Partitions for a shuffle of the copy plan: one per ``_ENTRIES_PER_SHUFFLE`` entries, at
    most ``wanted``. The plan moves only keys (a digest and a signature, a few hundred bytes an
    entry), so a shuffle partition per analysis partition would mostly start empty tasks."""
    return max(1, min(wanted, math.ceil(entries / _ENTRIES_PER_SHUFFLE)))


def _band_count(dedup: Any) -> int:
    from newsprism.ingest.dedup import band_count

    return band_count(settings=dedup)


def _best_copy(earlier_id: str, similarity: float, dedup: Any) -> CopyOf | None:
    from newsprism.ingest.dedup import best_copy

    return best_copy([(earlier_id, similarity)], settings=dedup)


def _seen_new(row: Any) -> tuple[str, _Seen]:
    signature = bytes.fromhex(row.signature) if row.signature else None
    return row.article_id, _Seen(
        row.pos, row.ordinal, True, row.input, row.month, row.digest, signature,
        row.publication, row.arrival, row.published, row.credited,
    )


def _seen_earlier(row: Any) -> tuple[str, _Seen]:
    signature = bytes.fromhex(row.signature) if row.signature else None
    return row.article_id, _Seen(
        row.pos, row.ordinal, False, row.input, row.month, row.digest, signature,
        row.publication, None, row.published, row.credited,
    )


def _earlier_parts(out: Path, run_ids: Sequence[str]) -> list[str]:
    """The ``records`` part files of the folder's other inputs (earlier runs)."""
    folder = out / RECORDS
    if not folder.is_dir():
        return []
    return [
        str(part)
        for part in sorted(folder.glob("month=*/input=*/*.parquet"))
        if part.parent.name.removeprefix("input=") not in run_ids
    ]


def _parts(folder: Path) -> list[str]:
    return [str(part) for part in sorted(folder.glob("*.parquet"))]


def _row_count(part: str) -> int:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    return int(pq.ParquetFile(part).metadata.num_rows)


def _read_rows(part: str, *, columns: Sequence[str] | None) -> Iterator[Any]:
    """The rows of one Parquet part file, as records with a field per column; a part of a
    ``month=M/input=I`` folder gets ``month`` and ``input`` from its path, as Spark's
    partition discovery would."""
    import pyarrow.parquet as pq

    path = Path(part)
    extra = {
        key: value
        for key, value in (name.split("=", 1) for name in (path.parent.parent.name,
                                                           path.parent.name) if "=" in name)
    }
    for batch in pq.ParquetFile(path).iter_batches(batch_size=_READ_BATCH, columns=columns):
        for row in batch.to_pylist():
            yield _Row(**row, **extra)


class _Row(dict[str, Any]):
    """A row read back from Parquet: its columns as attributes (``row.pos``)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _same_text(group: tuple[str, Iterable[_Seen]]) -> Iterator[tuple[str, Any]]:
    """The first reading of a text, and the later ones (publications, when they add one)."""
    from newsprism.pipeline import added_publications

    article_id, found = group
    ordered = sorted(found, key=lambda seen: seen.order)
    first = ordered[0]
    yield "first", (first.digest, (article_id, first))
    again = [seen for seen in ordered[1:] if seen.new]
    if not again:
        return
    places = [from_dict(Publication, json.loads(seen.arrival or "")) for seen in again]
    own = from_dict(Publication, json.loads(first.publication))
    added = {id(place) for place in added_publications(own, places)}
    for seen, place in zip(again, places, strict=True):
        yield "later", seen.order
        if id(place) in added:
            yield "arrival", (seen, first, place)


def _write_arrivals(
    index: int, rows: Iterable[tuple[_Seen, _Seen, Publication]], *, tables: str
) -> Iterator[tuple[str, Any]]:
    from newsprism.store.tables import publication_row

    writer = _PartWriter(tables, f"p{index:05d}")
    for seen, first, place in rows:
        row = publication_row(place, published=first.published, original_outlet=first.credited)
        writer.add("publications", first.month, seen.input, [row])
        writer.add(ARRIVALS, first.month, seen.input,
                   [(place.article, seen.pos, seen.ordinal, _dumps(place))])
    writer.flush()
    yield from ()


def _same_digest(group: tuple[str, Iterable[tuple[str, _Seen]]]) -> Iterator[tuple[str, Any]]:
    """Exact copies (a digest an earlier text has) and the texts near copies are looked for
    among (the first of each digest, with a signature)."""
    ordered = sorted(group[1], key=lambda item: item[1].order)
    original, first = ordered[0]
    if first.signature is not None:
        yield "indexed", (original, first.order, first.new, first.signature)
    for article_id, seen in ordered[1:]:
        if seen.new:
            yield "exact", (article_id, CopyOf(original, "exact", 1.0))


def _band_entries(
    item: tuple[str, tuple[int, int], bool, bytes], *, dedup: Any
) -> list[tuple[bytes, tuple[str, tuple[int, int], bool, bytes]]]:
    from newsprism.ingest.dedup import band_keys

    return [(key, item) for key in band_keys(item[3], settings=dedup)]


def _band_scores(
    group: tuple[bytes, Iterable[tuple[str, tuple[int, int], bool, bytes]]],
) -> Iterator[tuple[str, tuple[float, tuple[int, int], str]]]:
    """For each new text of a band, its similarity with every earlier text in the band."""
    from newsprism.ingest.dedup import key_similarity

    members = sorted(group[1], key=lambda member: member[1])
    for index, (later, _, new, signature) in enumerate(members):
        if new:
            for earlier, order, _, other in members[:index]:
                yield later, (key_similarity(signature, other), order, earlier)


def _better(
    left: tuple[float, tuple[int, int], str], right: tuple[float, tuple[int, int], str]
) -> tuple[float, tuple[int, int], str]:
    # The most similar earlier text; of equals, the first in corpus order.
    if left[0] != right[0]:
        return left if left[0] > right[0] else right
    return left if left[1] <= right[1] else right


# --- stage 3: analyse (executors) -------------------------------------------------------------


def _analyse_partition(
    index: int,
    rows: Iterable[Any],
    *,
    settings: Broadcast[Settings],
    copies: Broadcast[dict[str, CopyOf]],
    later: Broadcast[frozenset[tuple[int, int]]],
    tables: str,
    stored: Accumulator[int],
    skipped: Accumulator[int],
) -> Iterator[PartitionCost]:
    import resource

    from newsprism.pipeline import Analysed, analyze_records

    started = time.perf_counter()
    count = 0
    loaded = settings.value
    found_copies, again = copies.value, later.value
    writer = _PartWriter(tables, f"b{index:05d}")
    chosen = (row for row in rows if (row.pos, row.ordinal) not in again)
    for chunk in _chunks(chosen, loaded.ingest.batch_size):
        articles = []
        for row in chunk:
            article = from_dict(Article, json.loads(row.article))
            copy = found_copies.get(article.id)
            articles.append(dataclasses.replace(article, copy_of=copy) if copy else article)
        results = analyze_records(
            articles, analyzer=_analyzer(loaded), settings=loaded, contain_failures=True
        )
        for row, result in zip(chunk, results, strict=True):
            count += 1
            if isinstance(result, Analysed):
                stored.add(1)
                _add_stored(writer, row, result)
            else:
                skipped.add(1)
                writer.add(SKIPPED, NO_MONTH, row.input,
                           [(row.pos, row.ordinal, result.where, result.reason, result.code)])
        if writer.count >= _FLUSH_ARTICLES:
            writer.flush()
    writer.flush()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    yield PartitionCost(index, count, round(time.perf_counter() - started, 3), round(peak, 1))


def _add_stored(writer: _PartWriter, row: Any, result: Any) -> None:
    from newsprism.store.tables import analysis_rows, article_row, publication_rows
    from newsprism.stories.features import item_record

    article, analysis = result.article, result.analysis
    month, name = _month(article), row.input
    seq = (row.pos << _ORDINAL_BITS) | row.ordinal
    writer.add("articles", month, name, [article_row(article, seq)])
    writer.add("publications", month, name, publication_rows(article, []))
    if analysis is not None:
        for table, table_rows in analysis_rows(analysis).items():
            writer.add(table, month, name, table_rows)
    signature = row.signature or None
    if article.copy_of is not None and article.copy_of.kind == "exact":
        signature = None  # as the detector keeps it: an exact copy is never indexed
    writer.add(RECORDS, month, name, [(
        article.id, row.pos, row.ordinal, row.document, _dumps(article), _analysis_json(analysis),
        row.publication, article.published.isoformat() if article.published else None,
        row.credited, row.digest, signature, row.scheme,
        json.dumps(item_record(result.story), ensure_ascii=False, separators=(",", ":")),
    )])


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _analysis_json(analysis: AnalyzedArticle | None) -> str | None:
    from newsprism.store.tables import analysis_record

    if analysis is None:
        return None
    return json.dumps(analysis_record(analysis), ensure_ascii=False, separators=(",", ":"))


# --- the output folder (driver) ---------------------------------------------------------------


def _swap_in(out: Path, written: Path, run_ids: Sequence[str]) -> None:
    """Replace the run's inputs' partitions in ``out`` by those just written."""
    names = [*ARTICLE_TABLES, RECORDS, ARRIVALS, SKIPPED]
    for name in names:
        for run_id in run_ids:
            for old in (out / name).glob(f"month=*/input={run_id}"):
                shutil.rmtree(old)
    for name in names:
        for new in sorted((written / name).glob("month=*/input=*")):
            place = out / name / new.parent.name / new.name
            place.parent.mkdir(parents=True, exist_ok=True)
            new.replace(place)
    for name in names:
        for month in (out / name).glob("month=*"):
            if not any(month.iterdir()):
                month.rmdir()


def read_job_rows(out: Path, name: str, input_name: str, columns: Sequence[str] | None = None
                  ) -> list[dict[str, Any]]:
    """One input's rows of a job table (all its months), in record order."""
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = []
    for part in sorted((out / name).glob(f"month=*/input={input_name}/*.parquet")):
        rows.extend(pq.read_table(part, columns=columns).to_pylist())
    rows.sort(key=lambda row: row["ordinal"])
    return rows


def _write_stories(out: Path, settings: Settings) -> tuple[int, int]:
    """Cluster every stored article of the folder in corpus order on the driver; write the
    ``stories`` and ``story_articles`` tables and what ``load`` needs to restore them."""
    from newsprism.pipeline import cluster_stories
    from newsprism.store.export import write_table
    from newsprism.store.tables import story_article_rows, story_row
    from newsprism.stories.features import item_from_record

    def items() -> Iterator[Any]:
        for uri in corpus_inputs(out):
            for row in read_job_rows(out, RECORDS, input_id(uri), ["ordinal", "story"]):
                yield item_from_record(json.loads(row["story"]))

    clusterer = cluster_stories(items(), settings=settings)
    update = clusterer.drain()
    stories = sorted(update.stories, key=lambda story: story.articles[0].seq)
    for name in STORY_TABLES:
        (out / name).mkdir(exist_ok=True)
    write_table(TABLES["stories"], (story_row(s) for s in stories),
                out / "stories" / "part-00000.parquet")
    write_table(TABLES["story_articles"], (r for s in stories for r in story_article_rows(s)),
                out / "story_articles" / "part-00000.parquet")
    folder = out / STORIES_DIR
    folder.mkdir(exist_ok=True)
    _atomic(folder / "update.json", json.dumps(to_dict(update), ensure_ascii=False).encode())
    _atomic(folder / "state.bin", clusterer.snapshot())
    _atomic(folder / "state.json", json.dumps({"articles": len(clusterer)}).encode())
    return len(clusterer), len(stories)


def _atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def _by_partition(cost: PartitionCost) -> int:
    return cost.partition

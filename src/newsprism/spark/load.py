"""``newsprism load``: the Spark job's output stored in an SQLite or PostgreSQL database.

The job writes, beside the export tables, the whole records (``records``: document, article
with its copy link, analysis, copy key; ``arrivals``: publications of texts read again;
``skipped``) and the stories it found (``_stories/``). Loading stores them through the
:class:`~newsprism.store.base.Store` protocol, in the corpus order, a batch per transaction, so
``serve``, ``search``, ``stories`` and ``compare --db`` work on the result as after
``newsprism ingest``; the clusterer state is saved too, so a later ``ingest`` into the database
goes on clustering from it. Reading needs pyarrow only: neither module imports pyspark.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsprism.config import Settings
from newsprism.errors import InputError
from newsprism.model import (
    Article,
    CopyKey,
    Publication,
    RawDocument,
    Skipped,
    StoryUpdate,
    from_dict,
)
from newsprism.spark.job import input_id, read_job_rows
from newsprism.store.base import Store
from newsprism.store.tables import analysis_from_record

if TYPE_CHECKING:
    from newsprism.pipeline import ProgressCallback

__all__ = ["LoadReport", "load_output"]

from newsprism.spark.job import ARRIVALS as _ARRIVALS
from newsprism.spark.job import INPUTS_FILE as _INPUTS_FILE
from newsprism.spark.job import RECORDS as _RECORDS
from newsprism.spark.job import SKIPPED as _SKIPPED
from newsprism.spark.job import STORIES_DIR as _STORIES_DIR


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What :func:`load_output` stored.

    Attributes:
        added: Articles newly stored (those already in the database are passed over).
        analysed: Analyses stored with them.
        publications: Publications added to texts read more than once.
        skipped: Skipped records stored.
        stories: Stories written.
        state_saved: Whether the story clusterer's state was saved (it is when the database
            holds exactly the folder's articles).
    """

    added: int
    analysed: int
    publications: int
    skipped: int
    stories: int
    state_saved: bool


def load_output(
    folder: Path,
    *,
    store: Store,
    settings: Settings,
    on_progress: ProgressCallback | None = None,
) -> LoadReport:
    """Store the output of ``newsprism spark`` (a folder) in a store.

    Loading the same folder again adds nothing. Load into a new database, or one that holds
    only this folder: the folder's stories replace the database's.

    Args:
        folder: The job's ``--out`` folder.
        store: The store (its writer lock is held for the whole load).
        settings: newsprism settings (``ingest.batch_size`` articles per transaction).
        on_progress: Called per article stored (stage ``ingest``).

    Raises:
        InputError: The folder holds no output of the job.
    """
    from newsprism.pipeline import ProgressEvent

    inputs_file = folder / _INPUTS_FILE
    if not inputs_file.is_file():
        raise InputError(
            f"no {_INPUTS_FILE} here: not the output of 'newsprism spark ... --out DIR'",
            where=str(folder),
        )
    inputs: list[str] = json.loads(inputs_file.read_text("utf-8"))["inputs"]

    added = analysed = publications = skipped = 0
    done = 0
    with store.writer():
        for uri in inputs:
            name = input_id(uri)
            records = read_job_rows(folder, _RECORDS, name)
            for start in range(0, len(records), settings.ingest.batch_size):
                batch = records[start : start + settings.ingest.batch_size]
                documents = [from_dict(RawDocument, json.loads(r["document"])) for r in batch]
                articles = [from_dict(Article, json.loads(r["article"])) for r in batch]
                analyses = [
                    analysis_from_record(article, json.loads(r["analysis"]))
                    for article, r in zip(articles, batch, strict=True)
                    if r["analysis"] is not None
                ]
                keys = [
                    CopyKey(r["article_id"], r["digest"], bytes.fromhex(r["signature"] or ""),
                            r["scheme"])
                    for r in batch
                ]
                result = store.add_batch(
                    documents, articles, [], copy_keys=keys, analyses=analyses
                )
                added += result.added
                analysed += len(analyses)
                for article in articles:
                    done += 1
                    if on_progress is not None:
                        on_progress(ProgressEvent("ingest", done, None, article.source.where()))
            arrivals = [
                from_dict(Publication, json.loads(r["publication"]))
                for r in read_job_rows(folder, _ARRIVALS, name)
            ]
            lost = [
                Skipped(r["where"], r["reason"], r["code"])
                for r in read_job_rows(folder, _SKIPPED, name)
            ]
            if arrivals or lost:
                result = store.add_batch([], [], lost, publications=arrivals)
                publications += result.publications
                skipped += len(lost)
        stories, saved = _load_stories(folder, store)
    return LoadReport(added, analysed, publications, skipped, stories, saved)


def _load_stories(folder: Path, store: Store) -> tuple[int, bool]:
    stories = folder / _STORIES_DIR
    if not (stories / "update.json").is_file():
        return 0, False
    update = from_dict(StoryUpdate, json.loads((stories / "update.json").read_text("utf-8")))
    store.save_stories(update)
    covered = json.loads((stories / "state.json").read_text("utf-8"))["articles"]
    saved = covered == store.count().articles
    if saved:
        store.save_story_state(covered, (stories / "state.bin").read_bytes())
    return len(update.stories), saved

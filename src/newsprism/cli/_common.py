"""What every subcommand shares: consoles, settings, error rendering and exit codes.

stdout carries results (JSON a script can read, or tables); stderr carries progress and messages.
Exit codes: 0 everything worked, 1 newsprism failed (database, internal), 2 bad input.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from newsprism.cli._safe import install, one_line
from newsprism.config import Settings, load_settings, replace_section
from newsprism.errors import InputError, NewsprismError, StoreError
from newsprism.model import Skipped
from newsprism.store import DB_ENV, is_postgres_url
from newsprism.store.base import redact

# Loaded by the commands that draw a bar or report skipped inputs: every command starts faster
# without them (a stored `compare --db` is mostly start-up).
if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from newsprism.ingest.outlets import OutletDirectory
    from newsprism.pipeline import ProgressEvent

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

out = Console()
err = Console(stderr=True, soft_wrap=True)
# Scraped text reaches both: no terminal escape or bidi override in it is passed through.
install((out, err))


class TextOrJson(StrEnum):
    """Output format of a command that renders records."""

    TEXT = "text"
    JSON = "json"


class TableOrJson(StrEnum):
    """Output format of a command that lists records."""

    TABLE = "table"
    JSON = "json"


DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        help="SQLite database file (created when missing) or a postgresql:// URL.",
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Settings file (TOML) overriding data/defaults.toml.", exists=True
    ),
]
OutletsOption = Annotated[
    Path | None,
    typer.Option(
        "--outlets", help="Extra outlets.toml mapping domains and patterns to outlets.", exists=True
    ),
]
OutletOption = Annotated[
    str | None, typer.Option("--outlet", help="Outlet name for every input (e.g. 'RT').")
]
PublishedOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--published",
        formats=["%Y-%m-%d"],
        help="Publication date (YYYY-MM-DD) for every input; overrides dates found in them.",
    ),
]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Log diagnostics to stderr.")]
FastOption = Annotated[
    bool,
    typer.Option(
        "--fast",
        help="Find attributions with the perceptron tagger: faster, less accurate than the"
        ' encoder (the setting analyze.attribution_tagger = "perceptron").',
    ),
]


def fast_settings(settings: Settings, *, fast: bool) -> Settings:
    """``settings`` with the perceptron attribution tagger where ``--fast`` was given."""
    if not fast:
        return settings
    return replace_section(settings, "analyze", attribution_tagger="perceptron")


def setup(
    *, config: Path | None, outlets: Path | None, verbose: bool
) -> tuple[Settings, OutletDirectory]:
    """Configure logging and load settings and the outlet directory."""
    # Loaded here, not at import: the ingest package brings the HTTP and archive readers.
    from newsprism.ingest.outlets import load_outlets

    return setup_settings(config=config, verbose=verbose), load_outlets(outlets)


def setup_settings(*, config: Path | None, verbose: bool) -> Settings:
    """Configure logging and load the settings (for commands that read no input)."""
    handler = logging.StreamHandler()
    handler.setFormatter(_OneLineFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
    # trafilatura logs its own parse failures at ERROR; newsprism reports the input as a
    # Skipped line (or keeps a record's text) instead, so they are shown with --verbose only.
    logging.getLogger("trafilatura").setLevel(logging.INFO if verbose else logging.CRITICAL)
    return load_settings(config)


class _OneLineFormatter(logging.Formatter):
    """Log lines with the input's text made safe for a terminal, one line per message."""

    def format(self, record: logging.LogRecord) -> str:
        return one_line(super().format(record))


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn newsprism errors into one red line on stderr and the right exit code."""
    try:
        yield
    except InputError as exc:
        err.print(f"error: {one_line(str(exc))}", style="red", highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    except (StoreError, NewsprismError) as exc:
        err.print(f"error: {one_line(str(exc))}", style="red", highlight=False, markup=False)
        raise typer.Exit(EXIT_FAILED) from exc


def require_db(db: str) -> None:
    """Exit with a clear message when a command that only reads names a missing SQLite file."""
    if not is_postgres_url(db) and not Path(db).exists():
        err.print(
            f"error: no database at {db}; create one with 'newsprism ingest PATH --db {db}'",
            highlight=False,
            markup=False,
        )
        raise typer.Exit(EXIT_BAD_INPUT)


def shown_db(db: str) -> str:
    """A ``--db`` value as messages show it: a URL's password is masked."""
    return redact(db) if is_postgres_url(db) else db


def report_skipped(skipped: Sequence[Skipped]) -> int:
    """Print one line per skipped input to stderr; return the exit code they imply."""
    from newsprism.present.text import skipped_lines

    for line in skipped_lines(skipped):
        err.print(f"skipped {one_line(line)}", style="yellow", highlight=False, markup=False)
    return EXIT_BAD_INPUT if skipped else EXIT_OK


def progress_bar() -> Progress:
    """A progress display on stderr that disappears when the work is done."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[dim]{task.fields[current]}"),
        console=err,
        transient=True,
    )


# What a progress bar says for each pipeline stage.
_STAGE_LABELS = {
    "ingest": "reading",
    "analyze": "analysing",
    "entities": "resolving entities",
    "compare": "comparing stories",
}


def progress_to(bar: Progress) -> Callable[[ProgressEvent], None]:
    """A pipeline progress callback drawing one bar line per stage on ``bar``."""
    tasks: dict[str, TaskID] = {}

    def show(event: ProgressEvent) -> None:
        task = tasks.get(event.stage)
        if task is None:
            label = _STAGE_LABELS.get(event.stage, event.stage)
            task = tasks[event.stage] = bar.add_task(label, total=event.total, current="")
        bar.update(task, completed=event.done, total=event.total, current=event.where)

    return show


def as_date(value: dt.datetime | None) -> dt.date | None:
    """The date part of a parsed ``--published`` value."""
    return value.date() if value else None

"""The ``newsprism`` command: a thin layer over the library that renders its results."""

from __future__ import annotations

import typer

from newsprism import __version__
from newsprism.cli.analyze import analyze_cli
from newsprism.cli.browse import list_cli, show_cli
from newsprism.cli.compare import compare_cli
from newsprism.cli.demo import demo_cli
from newsprism.cli.export import export_cli
from newsprism.cli.extract import extract_cli
from newsprism.cli.ingest import ingest_cli
from newsprism.cli.search import search_cli
from newsprism.cli.serve import serve_cli
from newsprism.cli.spark import load_cli, spark_cli
from newsprism.cli.stories import entities_cli, stories_cli, story_cli

app = typer.Typer(
    name="newsprism",
    help=(
        "Show how different news outlets cover the same story.\n\n"
        "Start with 'newsprism demo', then 'newsprism ingest PATH' and 'newsprism list'. "
        "Results go to stdout (JSON with --format json), messages and progress to stderr. "
        "Exit codes: 0 ok, 1 newsprism failed, 2 bad input."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
app.command("ingest")(ingest_cli)
app.command("extract")(extract_cli)
app.command("analyze")(analyze_cli)
app.command("list")(list_cli)
app.command("show")(show_cli)
app.command("demo")(demo_cli)
app.command("compare")(compare_cli)
app.command("stories")(stories_cli)
app.command("story")(story_cli)
app.command("entities")(entities_cli)
app.command("search")(search_cli)
app.command("export")(export_cli)
app.command("serve")(serve_cli)
app.command("spark")(spark_cli)
app.command("load")(load_cli)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsprism {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Show how different news outlets cover the same story."""


def main() -> None:
    """Entry point of the ``newsprism`` console script."""
    app()

"""The command tree. Global options live on the root; `main` lets them appear anywhere."""

import functools
from typing import Annotated

import typer

from llamacloud_cli import __version__, errors
from llamacloud_cli.commands import batch, emulator, job_items
from llamacloud_cli.settings import OutputFormat, resolve

app = typer.Typer(
    name="llamacloud-prod",
    help="Command-line client for the LlamaCloud batch-processing API.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["--help", "-h"]},
)
batch_app = typer.Typer(
    help="Create, list, watch and cancel batch processing jobs.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
job_items_app = typer.Typer(
    help="Inspect the items of a batch job and their processing results.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(batch_app, name="beta:batch")
app.add_typer(job_items_app, name="beta:batch:job-items")

batch_app.command("create")(batch.create)
batch_app.command("list")(batch.list_jobs)
batch_app.command("get-status")(batch.get_status)
batch_app.command("cancel")(batch.cancel)
job_items_app.command("list")(job_items.list_items)
job_items_app.command("get-processing-results")(job_items.get_processing_results)
app.command("emulator")(emulator.emulator)

GLOBAL = "Global options"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"llamacloud-prod version {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    api_key: Annotated[
        str | None,
        typer.Option(
            help="API key, sent as a bearer token. "
            "[env: LLAMA_CLOUD_API_KEY, then LLAMA_PARSE_API_KEY]",
            rich_help_panel=GLOBAL,
            show_default=False,
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="API base URL. [env: LLAMA_CLOUD_BASE_URL; default: https://api.cloud.llamaindex.ai]",
            rich_help_panel=GLOBAL,
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format", help="Output format.", case_sensitive=False, rich_help_panel=GLOBAL
        ),
    ] = OutputFormat.AUTO,
    format_error: Annotated[
        OutputFormat,
        typer.Option(
            help="Format of API error bodies (on stderr).",
            case_sensitive=False,
            rich_help_panel=GLOBAL,
        ),
    ] = OutputFormat.AUTO,
    transform: Annotated[
        str | None,
        typer.Option(help="GJSON path applied to each output value.", rich_help_panel=GLOBAL),
    ] = None,
    transform_error: Annotated[
        str | None,
        typer.Option(help="GJSON path applied to API error bodies.", rich_help_panel=GLOBAL),
    ] = None,
    raw_output: Annotated[
        bool,
        typer.Option(
            "--raw-output",
            "-r",
            help="Print a string result without quotes.",
            rich_help_panel=GLOBAL,
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Log each HTTP attempt on stderr (secrets redacted).",
            rich_help_panel=GLOBAL,
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Print the request that would be sent, as JSON, and send nothing.",
            rich_help_panel=GLOBAL,
        ),
    ] = False,
    max_retries: Annotated[
        int | None,
        typer.Option(
            help="Retries after the first attempt. [env: LLAMA_CLOUD_MAX_RETRIES; default: 2]",
            rich_help_panel=GLOBAL,
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            help="Seconds to wait for a response (connect: 5). [env: LLAMA_CLOUD_TIMEOUT; default: 60]",
            rich_help_panel=GLOBAL,
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Command-line client for the LlamaCloud batch-processing API."""
    errors.debug_enabled = debug
    # Resolved when a command runs, not here: `--help` must work even with a bad environment.
    ctx.obj = functools.partial(
        resolve,
        api_key=api_key,
        base_url=base_url,
        output_format=output_format,
        format_error=format_error,
        transform=transform,
        transform_error=transform_error,
        raw_output=raw_output,
        debug=debug,
        dry_run=dry_run,
        max_retries=max_retries,
        timeout=timeout,
        format_explicit=output_format is not OutputFormat.AUTO,
    )

"""`llamacloud-prod emulator`: serve the batch API locally (the server is imported on use)."""

from typing import Annotated

import typer

from llamacloud_cli.errors import UsageError, boundary


@boundary
def emulator(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Interface to listen on: 127.0.0.1 keeps it local, 0.0.0.0 opens it to others.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option("--port", min=0, max=65535, help="TCP port to listen on (0: any free port)."),
    ] = 4010,
    item_seconds: Annotated[
        float,
        typer.Option(
            "--item-seconds",
            min=0.0,
            help="Seconds each item takes. Items run one at a time; a job waits one item period "
            "in `pending` first. 0 finishes jobs at once.",
        ),
    ] = 0.5,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            help="Seed for job ids, directory contents and fault injection [default: 0].",
            show_default=False,
        ),
    ] = None,
    latency: Annotated[
        float,
        typer.Option("--latency", min=0.0, help="Extra seconds before every answer."),
    ] = 0.0,
    fail_rate: Annotated[
        float,
        typer.Option(
            "--fail-rate",
            min=0.0,
            max=1.0,
            help="Share of answers that are HTTP 500 or 503 (fault injection).",
        ),
    ] = 0.0,
    rate_limit_rate: Annotated[
        float,
        typer.Option(
            "--rate-limit-rate",
            min=0.0,
            max=1.0,
            help="Share of answers that are HTTP 429 with Retry-After: 1 (fault injection).",
        ),
    ] = 0.0,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Do not log each request on stderr."),
    ] = False,
) -> None:
    """Run a local emulator of the batch-processing API: no API key or network needed.

    It serves the six batch endpoints with in-memory state until Ctrl-C. Any non-empty API key
    is accepted. Item ids containing "fail" fail and ids containing "skip" are skipped; a
    directory id stands for 3-12 synthetic files. Point the CLI (or the official SDK) at it with
    LLAMA_CLOUD_BASE_URL=http://127.0.0.1:4010 LLAMA_CLOUD_API_KEY=any.
    """
    if fail_rate + rate_limit_rate > 1.0:
        raise UsageError("--fail-rate and --rate-limit-rate must add up to at most 1")

    from llamacloud_cli.emulator.server import serve
    from llamacloud_cli.emulator.state import EmulatorConfig

    config = EmulatorConfig(
        item_seconds=item_seconds,
        seed=0 if seed is None else seed,
        latency=latency,
        fail_rate=fail_rate,
        rate_limit_rate=rate_limit_rate,
        access_log=not quiet,
    )
    try:
        serve(host, port, config)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="choose another --port (0 picks any free port) or stop the other server",
        ) from None

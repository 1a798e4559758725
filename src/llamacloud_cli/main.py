"""Process entry point: a fast `--version`, global options anywhere, then the Typer app."""

from __future__ import annotations

import os
import sys

# Global options may come before or after the command words (CONTRACT §2). They are moved
# to the front, where the root callback reads them. To move them safely, the scan must know
# which command options take a value, so that `--reason --debug` keeps "--debug" as a reason.
GLOBAL_OPTIONS_WITH_VALUE = frozenset(
    {
        "--api-key",
        "--base-url",
        "--format",
        "--format-error",
        "--transform",
        "--transform-error",
        "--max-retries",
        "--timeout",
    }
)
GLOBAL_FLAGS = frozenset({"--raw-output", "-r", "--debug", "--dry-run", "--version"})
# Every value-taking option of every command (a test checks this against the app).
COMMAND_OPTIONS_WITH_VALUE = frozenset(
    {
        "--job-config",
        "--organization-id",
        "--project-id",
        "--directory-id",
        "--item-id",
        "--page-size",
        "--continue-as-new-threshold",
        "--temporal-namespace",
        "--validate",
        "--poll-interval",
        "--wait-timeout",
        "--job-type",
        "--status",
        "--limit",
        "--offset",
        "--max-items",
        "--job-id",
        "--reason",
        "--host",
        "--port",
        "--item-seconds",
        "--seed",
        "--latency",
        "--fail-rate",
        "--rate-limit-rate",
    }
)


def hoist_global_options(argv: list[str]) -> list[str]:
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(argv):
        token = argv[index]
        if token == "--":
            rest.extend(argv[index:])
            break
        name, has_inline_value = token.split("=", 1)[0], "=" in token
        if name in GLOBAL_OPTIONS_WITH_VALUE:
            take = 1 if has_inline_value else 2
            front.extend(argv[index : index + take])
            index += take
            continue
        if token in GLOBAL_FLAGS:
            front.append(token)
            index += 1
            continue
        rest.append(token)
        if name in COMMAND_OPTIONS_WITH_VALUE and not has_inline_value and index + 1 < len(argv):
            rest.append(argv[index + 1])
            index += 2
            continue
        index += 1
    return front + rest


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-v"]):
        # Answer before importing Typer, httpx or pydantic.
        from llamacloud_cli import __version__

        sys.stdout.write(f"llamacloud-prod version {__version__}\n")
        return 0
    # pydantic scans every installed package's entry points for plugins the first time a
    # model is built (about 10 ms per run); this program uses none. A user's own setting wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from llamacloud_cli.app import app

    try:
        app(args=hoist_global_options(args), prog_name="llamacloud-prod")
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0

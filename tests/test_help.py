"""`--help` and `-h` everywhere: the command tree, the global options, every command's flags."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner, Result

from llamacloud_cli.app import app

PROG = "llamacloud-prod"

GLOBAL_OPTIONS = [
    "--api-key",
    "--base-url",
    "--format",
    "--format-error",
    "--transform",
    "--transform-error",
    "--raw-output",
    "-r",
    "--debug",
    "--dry-run",
    "--max-retries",
    "--timeout",
    "--version",
    "--help",
    "-h",
]

# The flags CONTRACT §3 and §10 promise, checked against `--help` independently of the app.
PROMISED_FLAGS = {
    "beta:batch create": [
        "--job-config",
        "--organization-id",
        "--project-id",
        "--directory-id",
        "--item-id",
        "--page-size",
        "--continue-as-new-threshold",
        "--temporal-namespace",
        "--validate",
        "--wait",
        "--poll-interval",
        "--wait-timeout",
    ],
    "beta:batch list": ["--organization-id", "--project-id", "--max-items"],
    "beta:batch get-status": ["--job-id", "--wait", "--poll-interval", "--wait-timeout"],
    "beta:batch cancel": ["--job-id"],
    "beta:batch:job-items list": ["--job-id", "--max-items"],
    "beta:batch:job-items get-processing-results": ["--item-id"],
    "emulator": ["--host", "--port", "--item-seconds", "--seed"],
}
GROUPS = {
    "beta:batch": ["create", "list", "get-status", "cancel"],
    "beta:batch:job-items": ["list", "get-processing-results"],
}


def _commands(command: Any, words: str = "") -> list[tuple[str, Any]]:
    """(words, command) for every visible command below the root."""
    found: list[tuple[str, Any]] = []
    for name, sub in getattr(command, "commands", {}).items():
        if getattr(sub, "hidden", False):
            continue
        path = f"{words} {name}".strip()
        found.append((path, sub))
        found += _commands(sub, path)
    return found


ALL_COMMANDS = _commands(typer.main.get_command(app))
LEAF_COMMANDS = [(path, cmd) for path, cmd in ALL_COMMANDS if not hasattr(cmd, "commands")]


def _help(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name=PROG)


def _options_of(command: Any) -> list[str]:
    return [
        opt
        for param in command.params
        if param.param_type_name == "option" and not getattr(param, "hidden", False)
        for opt in [*param.opts, *param.secondary_opts]
    ]


def test_all_contract_commands_exist() -> None:
    assert sorted(path for path, _ in LEAF_COMMANDS) == sorted(PROMISED_FLAGS)


def test_root_help_from_the_console_script_shows_the_tree_and_global_options() -> None:
    exe = Path(sys.executable).with_name(PROG + (".exe" if os.name == "nt" else ""))
    argv = [str(exe)] if exe.exists() else [sys.executable, "-m", "llamacloud_cli"]
    result = subprocess.run([*argv, "--help"], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"Usage: {PROG} [OPTIONS] COMMAND [ARGS]...")
    commands = result.stdout.split("Commands:", 1)[1]
    for name in ("beta:batch", "beta:batch:job-items", "emulator"):
        assert f"\n  {name} " in commands
    options = result.stdout.split("Commands:", 1)[0]
    for option in GLOBAL_OPTIONS:
        assert option in options, option


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_root_help_in_process(flag: str) -> None:
    result = _help(flag)

    assert result.exit_code == 0
    assert "Command-line client for the LlamaCloud batch-processing API." in result.stdout
    for option in GLOBAL_OPTIONS:
        assert option in result.stdout


@pytest.mark.parametrize(("path", "command"), ALL_COMMANDS, ids=[p for p, _ in ALL_COMMANDS])
def test_every_command_help_exits_0_and_lists_its_flags(path: str, command: Any) -> None:
    result = _help(*path.split(), "--help")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    usage = " ".join(result.stdout.split())  # the usage line wraps at the terminal width
    assert usage.startswith(f"Usage: {PROG} {path} [OPTIONS]")
    for option in _options_of(command):
        assert option in result.stdout, (path, option)
    assert "-h, --help" in result.stdout


@pytest.mark.parametrize("path", sorted(PROMISED_FLAGS))
def test_help_lists_the_flags_the_contract_promises(path: str) -> None:
    result = _help(*path.split(), "--help")

    assert result.exit_code == 0
    for flag in PROMISED_FLAGS[path]:
        assert f"{flag} " in result.stdout or f"{flag}\n" in result.stdout, (path, flag)


@pytest.mark.parametrize(("path", "command"), ALL_COMMANDS, ids=[p for p, _ in ALL_COMMANDS])
def test_short_h_is_the_same_as_help(path: str, command: Any) -> None:
    assert _help(*path.split(), "-h").stdout == _help(*path.split(), "--help").stdout


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_a_bare_group_prints_its_help_on_stderr_and_exits_2(group: str) -> None:
    """Like Click: a group without a command is a usage error (exit 2) that shows the help;
    stdout stays empty because it carries only results."""
    result = _help(group)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Usage: {PROG} {group} [OPTIONS] COMMAND [ARGS]...")
    for name in GROUPS[group]:
        assert f"\n  {name} " in result.stderr


def test_bare_program_prints_the_root_help() -> None:
    result = _help()

    assert result.exit_code == 2
    assert "beta:batch:job-items" in result.stderr
    assert "--api-key" in result.stderr


@pytest.mark.parametrize("path", ["beta:batch create", "emulator"])
def test_help_needs_no_api_key(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLAMA_CLOUD_API_KEY", raising=False)
    result = _help(*path.split(), "--help")
    assert result.exit_code == 0


def test_help_ignores_a_broken_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", "not-a-url")
    result = _help("beta:batch", "create", "--help")
    assert result.exit_code == 0


def test_global_options_may_follow_the_command_words_in_help() -> None:
    from llamacloud_cli.main import hoist_global_options

    args = hoist_global_options(["beta:batch", "create", "--help", "--debug", "--format", "json"])
    result = _help(*args)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: {PROG} beta:batch create [OPTIONS]")


def test_argument_help_is_shown() -> None:
    """Typer < 0.26 with Click >= 8.5 loses the help of arguments (Click resets it)."""
    result = _help("beta:batch", "get-status", "--help")
    assert "[JOB_ID]" in result.stdout
    assert "The batch job id (or use --job-id)." in result.stdout

"""The entry point: global options anywhere, the fast --version path, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer

from llamacloud_cli.main import (
    COMMAND_OPTIONS_WITH_VALUE,
    GLOBAL_FLAGS,
    GLOBAL_OPTIONS_WITH_VALUE,
    hoist_global_options,
    main,
)


def _all_options() -> tuple[set[str], set[str], set[str], set[str]]:
    """(root value options, root flags, command value options, command flags) of the real app."""
    from llamacloud_cli.app import app

    root = typer.main.get_command(app)
    root_values: set[str] = set()
    root_flags: set[str] = set()
    for param in root.params:
        target = root_flags if getattr(param, "is_flag", False) else root_values
        target.update(o for o in param.opts if o.startswith("-"))
    command_values: set[str] = set()
    command_flags: set[str] = set()

    def walk(command: object) -> None:
        for sub in getattr(command, "commands", {}).values():
            for param in sub.params:
                if param.param_type_name != "option":
                    continue
                target = command_flags if getattr(param, "is_flag", False) else command_values
                target.update(param.opts)
            walk(sub)

    walk(root)
    return root_values, root_flags, command_values, command_flags


def test_the_hoisting_tables_match_the_options_the_app_really_has() -> None:
    root_values, root_flags, command_values, _ = _all_options()
    assert root_values == set(GLOBAL_OPTIONS_WITH_VALUE)
    assert root_flags - {"--help", "-h", "--install-completion", "--show-completion"} == set(
        GLOBAL_FLAGS
    )
    assert command_values == set(COMMAND_OPTIONS_WITH_VALUE)


def test_no_command_option_shadows_a_global_option() -> None:
    _, _, command_values, command_flags = _all_options()
    globals_ = set(GLOBAL_OPTIONS_WITH_VALUE) | set(GLOBAL_FLAGS)
    assert not (command_values | command_flags) & globals_


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["beta:batch", "create", "--debug", "--job-config", "{}"],
            ["--debug", "beta:batch", "create", "--job-config", "{}"],
        ),
        (
            ["beta:batch", "list", "--format", "jsonl", "--api-key=k"],
            ["--format", "jsonl", "--api-key=k", "beta:batch", "list"],
        ),
        # A command option's value that looks like a global option stays where it is.
        (
            ["beta:batch", "cancel", "J", "--reason", "--debug"],
            ["beta:batch", "cancel", "J", "--reason", "--debug"],
        ),
        (
            ["beta:batch", "cancel", "J", "--reason=--dry-run", "-r"],
            ["-r", "beta:batch", "cancel", "J", "--reason=--dry-run"],
        ),
        # After `--` nothing is an option.
        (
            ["beta:batch", "get-status", "--", "--debug"],
            ["beta:batch", "get-status", "--", "--debug"],
        ),
        (["--timeout", "5", "beta:batch", "list"], ["--timeout", "5", "beta:batch", "list"]),
    ],
)
def test_global_options_move_to_the_front_and_nothing_else_moves(
    argv: list[str], expected: list[str]
) -> None:
    assert hoist_global_options(argv) == expected


def test_version_is_answered_without_importing_the_framework() -> None:
    code = (
        "import sys; from llamacloud_cli.main import main; rc = main(['--version']); "
        "heavy = [m for m in ('typer', 'httpx', 'pydantic', 'rich') if m in sys.modules]; "
        "print(rc, heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[0].startswith("llamacloud-prod version ")
    assert out.splitlines()[1] == "0 []"


def test_version_after_a_command_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["beta:batch", "list", "--version"]) == 0
    assert capsys.readouterr().out.startswith("llamacloud-prod version ")


def test_main_returns_the_usage_exit_code_for_an_unknown_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["beta:batch", "frobnicate"]) == 2
    assert "No such command" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "llamacloud_cli", "--help"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0
    assert "beta:batch" in done.stdout

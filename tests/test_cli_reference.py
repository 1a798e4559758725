"""docs/reference/cli.md is generated from the app, and the check notices when it is stale."""

from __future__ import annotations

import functools
import importlib.util
import inspect
import subprocess
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import pytest
import typer

from llamacloud_cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "gen_cli_reference.py"
REFERENCE = ROOT / "docs" / "reference" / "cli.md"

COMMAND_PATHS = [
    "llamacloud-prod",
    "llamacloud-prod beta:batch",
    "llamacloud-prod beta:batch create",
    "llamacloud-prod beta:batch list",
    "llamacloud-prod beta:batch get-status",
    "llamacloud-prod beta:batch cancel",
    "llamacloud-prod beta:batch:job-items",
    "llamacloud-prod beta:batch:job-items list",
    "llamacloud-prod beta:batch:job-items get-processing-results",
    "llamacloud-prod emulator",
]


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_reference", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _sub_typer(parent: typer.Typer, name: str) -> typer.Typer:
    for group in parent.registered_groups:
        if group.name == name and group.typer_instance is not None:
            return group.typer_instance
    raise LookupError(name)


def _with_extra_flag(func: Callable[..., Any], flag: str) -> Callable[..., Any]:
    """`func` with one more boolean option, as a developer adding a flag would leave it."""
    name = flag.lstrip("-").replace("-", "_")
    annotation = Annotated[bool, typer.Option(flag, help="A flag added without docs.")]
    signature = inspect.signature(func, eval_str=True)
    extra = inspect.Parameter(
        name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=False, annotation=annotation
    )

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs.pop(name, None)
        return func(*args, **kwargs)

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), extra]
    )
    wrapper.__annotations__ = {
        **typing.get_type_hints(func, include_extras=True),
        name: annotation,
    }
    return wrapper


def test_the_committed_reference_is_current(gen: ModuleType) -> None:
    status, diff = gen.check(gen.render(), REFERENCE)
    assert status == 0, f"run `python scripts/gen_cli_reference.py`:\n{diff}"


def test_check_mode_exits_0_when_the_file_is_current(
    gen: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "cli.md"
    assert gen.main(["--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == gen.render()
    assert gen.main(["--check", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""


def test_check_fails_with_a_diff_naming_a_flag_added_without_regenerating(
    gen: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = gen.render()
    batch_app = _sub_typer(app, "beta:batch")
    [create] = [c for c in batch_app.registered_commands if c.name == "create"]
    assert create.callback is not None
    monkeypatch.setattr(create, "callback", _with_extra_flag(create.callback, "--shiny-new-flag"))

    after = gen.render()
    status, diff = gen.check(after, REFERENCE)

    assert after != before
    assert status == 1
    added = [line for line in diff.splitlines() if line.startswith("+") and "shiny" in line]
    assert added == ["+- `--shiny-new-flag`: A flag added without docs."], diff
    removed = [line for line in diff.splitlines() if line.startswith("-") and "shiny" in line]
    assert removed == []


def test_check_mode_prints_the_diff_and_how_to_fix_it(
    gen: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "cli.md"
    stale.write_text(gen.render().replace("--wait-timeout", "--old-wait-timeout"), "utf-8")

    assert gen.main(["--check", "--output", str(stale)]) == 1

    captured = capsys.readouterr()
    assert "-- `--old-wait-timeout <float>`" in captured.out
    assert "+- `--wait-timeout <float>`" in captured.out
    assert "python scripts/gen_cli_reference.py" in captured.err


def test_check_mode_fails_when_the_file_is_missing(gen: ModuleType, tmp_path: Path) -> None:
    assert gen.main(["--check", "--output", str(tmp_path / "missing.md")]) == 1


def test_the_script_runs_from_a_shell(tmp_path: Path) -> None:
    target = tmp_path / "cli.md"
    written = subprocess.run(
        [sys.executable, str(SCRIPT), "--output", str(target)], capture_output=True, text=True
    )
    assert written.returncode == 0, written.stderr
    checked = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--output", str(target)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_command_has_a_section_with_its_usage(gen: ModuleType) -> None:
    page = gen.render()
    for path in COMMAND_PATHS:
        assert f"\n## {path}\n" in page
        assert f"\n{path} [OPTIONS]" in page
        assert f"(#{gen.slug(path)})" in page  # listed in the contents


def test_every_option_of_every_command_is_listed(gen: ModuleType) -> None:
    page = gen.render()
    sections = {
        block.split("\n", 1)[0]: block for block in page.split("\n## ")[1:] if "\n" in block
    }
    root = typer.main.get_command(app)
    for entry in gen.walk(root):
        section = sections[entry.path]
        for param in entry.command.params:
            if param.param_type_name == "option" and not param.hidden:
                for opt in param.opts:
                    assert f"`{opt}" in section, (entry.path, opt)


def test_the_reference_shows_types_defaults_and_help(gen: ModuleType) -> None:
    page = gen.render()
    assert "- `--validate <warn|strict|ignore>`: " in page
    assert "Default: `warn`." in page
    assert "- `--format <auto|json|jsonl|pretty|raw|yaml|explore>`: Output format." in page
    assert "- `--job-config JSON|YAML|@FILE`: " in page
    assert "- `-r`, `--raw-output`: Print a string result without quotes." in page
    assert "- `--port <int>`: " in page and "Range: `0<=x<=65535`." in page
    assert "llamacloud-prod beta:batch get-status [OPTIONS] [JOB_ID]" in page
    assert "- `JOB_ID`: The batch job id" in page
    assert "**Global options**" in page


def test_the_page_does_not_depend_on_the_terminal_width(
    gen: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    narrow = gen.render()
    monkeypatch.setenv("COLUMNS", "250")
    assert gen.render() == narrow


def test_anchors_match_github_and_mkdocs(gen: ModuleType) -> None:
    assert gen.slug("llamacloud-prod beta:batch:job-items get-processing-results") == (
        "llamacloud-prod-betabatchjob-items-get-processing-results"
    )


def test_help_text_is_escaped_for_markdown(gen: ModuleType) -> None:
    assert gen._escape("a <b> & *c* `<d>`") == r"a &lt;b&gt; &amp; \*c\* `<d>`"
    assert gen._paragraphs("One\nline.\n\n\b\n  keep\n  lines") == [
        "One line.",
        "```text\n  keep\n  lines\n```",
    ]

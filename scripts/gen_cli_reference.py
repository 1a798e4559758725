#!/usr/bin/env python3
"""Write docs/reference/cli.md from the Typer app, or check that it is current.

    python scripts/gen_cli_reference.py          # (re)write docs/reference/cli.md
    python scripts/gen_cli_reference.py --check  # exit 1 with a unified diff when it is stale

Run it after changing any command, argument, option or help text, and commit the result;
CI runs `--check`. The page is rendered from the parameters themselves (names, types, defaults,
help), never from captured `--help` output, so it does not depend on the terminal width, and it
reads the same under every Typer release the project allows.
"""

from __future__ import annotations

import argparse
import difflib
import enum
import inspect
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import typer
import typer.main

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference" / "cli.md"
PROG_NAME = "llamacloud-prod"
REGENERATE = "python scripts/gen_cli_reference.py"

# Names for the value types, the same under a vendored or an external Click.
_PY_TYPES = {str: "str", int: "int", float: "float", bool: "bool"}
_CLICK_TYPES = {
    "text": "str",
    "integer": "int",
    "integer range": "int",
    "int range": "int",
    "float": "float",
    "float range": "float",
    "boolean": "bool",
    "path": "path",
    "file": "file",
    "uuid": "uuid",
}


@dataclass(frozen=True)
class Entry:
    """One command of the tree: its words after the program name, and the command object."""

    words: tuple[str, ...]
    command: Any

    @property
    def path(self) -> str:
        return " ".join((PROG_NAME, *self.words))

    @property
    def is_group(self) -> bool:
        return hasattr(self.command, "commands")


def load_app() -> typer.Typer:
    from llamacloud_cli.app import app

    return app


def walk(command: Any, words: tuple[str, ...] = ()) -> Iterator[Entry]:
    """Every visible command, depth first, in the order the app registered them."""
    yield Entry(words, command)
    for name, sub in getattr(command, "commands", {}).items():
        if not getattr(sub, "hidden", False):
            yield from walk(sub, (*words, name))


# --- text -----------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """Markdown-safe prose: leave `code spans` alone, neutralise HTML and emphasis markers."""
    parts = text.split("`")
    for index in range(0, len(parts), 2):  # outside code spans
        parts[index] = parts[index].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        parts[index] = parts[index].replace("*", r"\*")
    if len(parts) % 2 == 0:  # an unpaired backtick: keep it literal
        return "`".join(parts[:-1]) + r"\`" + parts[-1]
    return "`".join(parts)


def _paragraphs(text: str | None) -> list[str]:
    """Help text as Markdown blocks: prose paragraphs are unwrapped; `\\b` or indented
    paragraphs (examples) become code blocks, as Click keeps them unwrapped in `--help`."""
    if not text:
        return []
    text = inspect.cleandoc(text.split("\f", 1)[0])
    blocks: list[str] = []
    for raw in re.split(r"\n\s*\n", text):
        lines = raw.splitlines()
        if lines and lines[0].strip() == "\b":
            lines = lines[1:]
            blocks.append("```text\n" + "\n".join(line.rstrip() for line in lines) + "\n```")
        elif lines and all(line.startswith((" ", "\t")) for line in lines):
            body = inspect.cleandoc("\n".join(lines))
            blocks.append("```text\n" + body + "\n```")
        elif lines:
            blocks.append(_escape(" ".join(line.strip() for line in lines)))
    return blocks


def _short_help(command: Any) -> str:
    if getattr(command, "short_help", None):
        return _escape(" ".join(str(command.short_help).split()))
    blocks = _paragraphs(getattr(command, "help", None))
    first = blocks[0] if blocks and not blocks[0].startswith("```") else ""
    return first


def slug(heading: str) -> str:
    """The anchor GitHub and MkDocs (Python-Markdown `toc`) both give a plain heading."""
    value = re.sub(r"[^\w\s-]", "", heading).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


# --- parameters -----------------------------------------------------------------------------


def _value(value: Any) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _choices(param: Any) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:  # Typer with its own Click
        found = descriptor.choices if getattr(descriptor, "is_choice", False) else None
    else:
        found = getattr(getattr(param, "type", None), "choices", None)
    return [_value(choice) for choice in found or ()]


def _type_name(param: Any) -> str:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:
        annotation = descriptor.annotation
        while get_origin(annotation) in (list, tuple) and get_args(annotation):
            annotation = get_args(annotation)[0]
        if annotation in _PY_TYPES:
            return _PY_TYPES[annotation]
        return getattr(annotation, "__name__", str(annotation)).lower()
    name = str(getattr(getattr(param, "type", None), "name", "text"))
    return _CLICK_TYPES.get(name, name)


def _range(param: Any) -> str:
    """Bounds as `--help` shows them, e.g. `0<=x<=65535`."""
    holder = param if getattr(param, "type_descriptor", None) is not None else param.type
    low, high = getattr(holder, "min", None), getattr(holder, "max", None)
    if low is None and high is None:
        return ""
    if getattr(param, "count", False) and low == 0 and high is None:
        return ""
    if low is None:
        return f"x<={_value(high)}"
    if high is None:
        return f"x>={_value(low)}"
    return f"{_value(low)}<=x<={_value(high)}"


def _metavar(param: Any) -> str:
    """What follows the option name: its metavar, `<choice|...>` or `<type>`."""
    if param.metavar:
        return str(param.metavar)
    choices = _choices(param)
    return "<" + ("|".join(choices) if choices else _type_name(param)) + ">"


def _is_flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False) or getattr(param, "count", False))


def _default(param: Any) -> str:
    show = getattr(param, "show_default", None)
    if isinstance(show, str):
        return _escape(show)
    if show is False:
        return ""
    default = param.default
    if callable(default) and not isinstance(default, enum.Enum):
        return "(dynamic)"
    if default is None or default == () or default == []:
        return ""
    if isinstance(default, (list, tuple)):
        return ", ".join(f"`{_value(item)}`" for item in default)
    if _is_flag(param) and isinstance(default, bool):
        secondary = list(getattr(param, "secondary_opts", []) or [])
        if not default:
            return ""
        return f"`{_long_first(param.opts)[0]}`" if secondary else "on"
    return f"`{_value(default)}`"


def _long_first(opts: Sequence[str]) -> list[str]:
    return sorted(opts, key=lambda opt: not opt.startswith("--"))


def _option_names(param: Any) -> str:
    names = sorted(param.opts, key=lambda opt: opt.startswith("--"))  # short ones first
    if not _is_flag(param):
        names[-1] = f"{names[-1]} {_metavar(param)}"
    text = ", ".join(f"`{name}`" for name in names)
    secondary = list(getattr(param, "secondary_opts", []) or [])
    if secondary:
        text += " / " + ", ".join(f"`{name}`" for name in secondary)
    return text


def _details(param: Any) -> list[str]:
    notes: list[str] = []
    if param.required:
        notes.append("Required.")
    if getattr(param, "multiple", False) and "repeatable" not in str(param.help or "").lower():
        notes.append("Repeatable.")
    default = _default(param)
    if default:
        notes.append(f"Default: {default}.")
    bounds = _range(param)
    if bounds:
        notes.append(f"Range: `{bounds}`.")
    envvar = param.envvar
    if envvar:
        names = [envvar] if isinstance(envvar, str) else list(envvar)
        notes.append("Env: " + ", ".join(f"`{name}`" for name in names) + ".")
    if getattr(param, "deprecated", False):
        notes.append("Deprecated.")
    return notes


def _describe(param: Any, label: str) -> str:
    help_text = " ".join(str(getattr(param, "help", None) or "").split())
    parts = [_escape(help_text)] if help_text else []
    parts += _details(param)
    return f"- {label}" + (": " + " ".join(parts) if parts else "")


def _argument_label(param: Any) -> str:
    if param.metavar:
        return str(param.metavar)
    name = str(param.name).upper()
    return name + ("..." if param.nargs != 1 else "")


def _usage(entry: Entry) -> str:
    command = entry.command
    pieces = [entry.path]
    params = [p for p in command.params if not getattr(p, "hidden", False)]
    pieces.append("[OPTIONS]")  # -h/--help at least
    for param in params:
        if param.param_type_name == "argument":
            label = _argument_label(param)
            if not param.required and not label.startswith("["):
                label = f"[{label}]"
            pieces.append(label)
    if entry.is_group:
        pieces.append("COMMAND [ARGS]...")
    return " ".join(pieces)


# --- the page -------------------------------------------------------------------------------


def _command_section(entry: Entry, entries: list[Entry]) -> list[str]:
    command = entry.command
    title = entry.path
    if getattr(command, "deprecated", False):
        title += " (deprecated)"
    out = [f"## {title}", ""]
    for block in _paragraphs(getattr(command, "help", None)):
        out += [block, ""]
    out += ["```text", _usage(entry), "```", ""]

    params = [p for p in command.params if not getattr(p, "hidden", False)]
    arguments = [p for p in params if p.param_type_name == "argument"]
    if arguments:
        out += ["**Arguments**", ""]
        out += [_describe(p, f"`{_argument_label(p)}`") for p in arguments]
        out.append("")

    panels: dict[str, list[Any]] = {}
    for param in params:
        if param.param_type_name == "option":
            panel = getattr(param, "rich_help_panel", None) or "Options"
            panels.setdefault(panel, []).append(param)
    for panel in panels:  # in the order of their first option, as `--help` groups them
        out += [f"**{_escape(panel)}**", ""]
        out += [_describe(p, _option_names(p)) for p in panels[panel]]
        out.append("")

    if entry.is_group:
        children = [e for e in entries if e.words[:-1] == entry.words and e.words]
        if children:
            out += ["**Commands**", ""]
            for child in children:
                summary = _short_help(child.command)
                link = f"[`{child.words[-1]}`](#{slug(child.path)})"
                out.append(f"- {link}" + (f": {summary}" if summary else ""))
            out.append("")
    return out


def render(app: typer.Typer | None = None) -> str:
    """The whole reference page for `app` (default: the project's app)."""
    root = typer.main.get_command(app if app is not None else load_app())
    entries = list(walk(root))
    out = [
        "# Command-line reference",
        "",
        "<!-- Generated by scripts/gen_cli_reference.py from the Typer app. Do not edit: run",
        f"     `{REGENERATE}` after changing a command. -->",
        "",
        f"Every command accepts `-h` / `--help`. The options of `{PROG_NAME}` itself (the global",
        "options) may also be given after the command words. For task-oriented guides see",
        "[the documentation index](../index.md).",
        "",
    ]
    for entry in entries:
        indent = "    " * len(entry.words)  # four spaces: Python-Markdown needs them to nest
        out.append(f"{indent}- [`{entry.path}`](#{slug(entry.path)})")
    out.append("")
    for entry in entries:
        out += _command_section(entry, entries)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def check(expected: str, path: Path = REFERENCE) -> tuple[int, str]:
    """(0, "") when `path` holds `expected`; else (1, a unified diff from the file to it)."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if current == expected:
        return 0, ""
    name = _display(path)
    diff = "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=f"{name} (committed)",
            tofile=f"{name} (generated from the app)",
        )
    )
    return 1, diff


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 with a diff when the file is stale"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REFERENCE,
        help="file to write or check (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    expected = render()
    if args.check:
        status, diff = check(expected, args.output)
        if status:
            sys.stdout.write(diff)
            sys.stderr.write(
                f"{_display(args.output)} is stale: the app changed. Run `{REGENERATE}` "
                "and commit the result.\n"
            )
        return status
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(expected)
    sys.stderr.write(f"wrote {_display(args.output)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

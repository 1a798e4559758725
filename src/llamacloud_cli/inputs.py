"""Turning command-line text into values: JSON or YAML, `@file`, `@-`, piped stdin, item ids."""

from __future__ import annotations

import datetime
import io
import json
import os
import select
import stat
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from llamacloud_cli.errors import UsageError

# How long a pipe may stay silent before we decide nothing is being piped in.
STDIN_WAIT_SECONDS = 0.05


class Stdin:
    """Standard input, readable once: by `@-` in a flag value, or as a piped request mapping."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self.consumed_by: str | None = None

    def read_for(self, option: str) -> str:
        if self.consumed_by is not None:
            raise UsageError(
                f"{option} @-: standard input was already read by {self.consumed_by}; "
                "it can only be read once"
            )
        self.consumed_by = option
        stream = self._stream or sys.stdin
        return _decode(stream)

    def piped_text(self) -> str | None:
        """The piped text, or None when stdin is a terminal, empty, silent or already used."""
        if self.consumed_by is not None:
            return None
        stream = self._stream or sys.stdin
        if stream is None or stream.closed:
            return None
        try:
            fd = stream.fileno()
        except (OSError, ValueError, io.UnsupportedOperation):
            fd = None  # an in-memory stream (tests): just read it
        if fd is not None:
            if os.isatty(fd):
                return None
            mode = os.fstat(fd).st_mode
            is_pipe = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
            if is_pipe and not select.select([fd], [], [], STDIN_WAIT_SECONDS)[0]:
                return None
        self.consumed_by = "piped input"
        text = _decode(stream)
        return text if text.strip() else None


def _decode(stream: TextIO) -> str:
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        data: bytes = buffer.read()
        return data.decode("utf-8-sig", errors="strict")
    return stream.read()


def parse_document(text: str, what: str) -> Any:
    """Parse JSON, or YAML 1.2 when the text is not JSON (JSON first: it is much faster)."""
    try:
        return json.loads(text, parse_constant=_not_a_json_number)
    except ValueError as json_error:
        if text.lstrip().startswith(("{", "[")) and not _looks_like_yaml_flow(text):
            raise UsageError(f"{what}: invalid JSON: {json_error}") from None
    return load_yaml(text, what)


def _not_a_json_number(token: str) -> Any:
    raise ValueError(f"{token} is not a JSON number")


def _looks_like_yaml_flow(text: str) -> bool:
    """`{a: 1}` is YAML flow style, `{"a": 1,}` is broken JSON: only quoted keys mean JSON."""
    body = text.lstrip()[1:].lstrip()
    return not body.startswith('"')


def load_yaml(text: str, what: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        value = YAML(typ="safe", pure=True).load(text)
    except YAMLError as error:
        detail = " ".join(str(error).split())
        raise UsageError(f"{what}: invalid JSON or YAML: {detail}") from None
    except Exception as error:  # ruamel raises assorted errors on odd input
        raise UsageError(f"{what}: invalid JSON or YAML: {error}") from None
    try:
        return _plain(value)
    except ValueError as error:  # .inf / .nan: JSON cannot carry them
        raise UsageError(f"{what}: {error}") from None


def _plain(value: Any) -> Any:
    """YAML timestamps become the strings the user wrote (JSON has no dates)."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        raise ValueError(f"{value} is not a JSON number (quote it to send a string)")
    return value


def read_source(value: str, option: str, stdin: Stdin) -> tuple[str, str]:
    """Resolve `@path` / `@-` / `\\@literal`; returns (text, description for messages)."""
    if value.startswith("\\@"):
        return value[1:], option
    if value == "@-":
        return stdin.read_for(option), f"{option} (stdin)"
    if value.startswith("@"):
        path = value[1:]
        if not path:
            raise UsageError(f"{option}: '@' must be followed by a file path (or '-' for stdin)")
        try:
            with open(os.path.expanduser(path), encoding="utf-8-sig") as handle:
                return handle.read(), f"{option} file {path!r}"
        except OSError as error:
            raise UsageError(f"{option}: cannot read {path!r}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{option}: {path!r} is not UTF-8 text") from None
    return value, option


def parse_object_option(value: str, option: str, stdin: Stdin) -> Any:
    text, what = read_source(value, option, stdin)
    if not text.strip():
        raise UsageError(f"{what} is empty")
    return parse_document(text, what)


def parse_item_ids(values: list[str], stdin: Stdin, option: str = "--item-id") -> list[str]:
    """Each value is one id, a JSON/YAML list literal, or `@file` (lines or a list)."""
    ids: list[str] = []
    for value in values:
        if value.startswith("@") and value != "@":
            text, what = read_source(value, option, stdin)
            ids.extend(_ids_from_document(text, what))
        elif value.lstrip().startswith("["):
            ids.extend(ids_from_list(parse_document(value, option), option))
        else:
            text, _ = read_source(value, option, stdin)
            ids.append(_checked_id(text, option))
    return ids


def _ids_from_document(text: str, what: str) -> list[str]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        return ids_from_list(parse_document(text, what), what)
    # One pass in C (map/str.strip); the lines kept are stripped and non-empty already,
    # so they need no per-id check (100,000 ids: ~31 -> ~16 ms).
    lines = [line for line in map(str.strip, text.splitlines()) if line and line[0] != "#"]
    if lines and lines[0].startswith("-"):
        # A YAML block list. Simple `- id` lines are read directly: YAML parsing of
        # 100,000 entries takes seconds.
        if all(line.startswith("- ") for line in lines):
            return [_checked_id(_unquote(line[2:].strip()), what) for line in lines]
        return ids_from_list(load_yaml(text, what), what)
    return lines if lines else _no_ids(what)


def _no_ids(what: str) -> list[str]:
    raise UsageError(f"{what} holds no item ids")


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def ids_from_list(value: Any, what: str) -> list[str]:
    if not isinstance(value, list):
        raise UsageError(f"{what}: expected a list of item ids, got {describe_type(value)}")
    ids = []
    for index, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            raise UsageError(
                f"{what}[{index}]: an item id must be a string, got {describe_type(item)}"
            )
        ids.append(_checked_id(str(item), f"{what}[{index}]"))
    return ids


def _checked_id(text: str, what: str) -> str:
    if not text.strip():
        raise UsageError(f"{what}: empty item id")
    return text


def describe_type(value: Any) -> str:
    """A value's JSON/YAML type, with an article: "a list", "null"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return f"a {type(value).__name__}"


def parse_piped_request(stdin: Stdin) -> dict[str, Any] | None:
    """A piped JSON/YAML mapping of the request, or None when nothing was piped."""
    text = stdin.piped_text()
    if text is None:
        return None
    value = parse_document(text, "piped input")
    if not isinstance(value, dict):
        raise UsageError(
            f"piped input must be a mapping of request fields, got {describe_type(value)}"
        )
    return value

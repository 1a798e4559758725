"""Everything written to stdout: one value or a stream of list items, in `--format`.

stdout carries only results. Warnings go to stderr. rich, YAML and the GJSON evaluator are
imported only when a format or option needs them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from llamacloud_cli.settings import OutputFormat, Settings

# One encoder for every JSON line: json.dumps(value, **options) builds a new JSONEncoder
# per call.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def color_enabled(stream: TextIO) -> bool:
    force = os.environ.get("FORCE_COLOR")
    if force is not None and force != "":
        return force not in ("0", "false", "no")
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def warn(message: str) -> None:
    from llamacloud_cli.output.text import sanitize

    sys.stderr.write(f"Warning: {sanitize(message)}\n")


class Renderer:
    def __init__(
        self,
        settings: Settings,
        *,
        title: str = "",
        stream: TextIO | None = None,
        for_errors: bool = False,
    ) -> None:
        self.stream = stream or (sys.stderr if for_errors else sys.stdout)
        self.format = settings.format_error if for_errors else settings.format
        self.transform = settings.transform_error if for_errors else settings.transform
        self.raw_output = settings.raw_output and not for_errors
        self.title = title
        self._warned_transform = False
        self._count = 0
        self._pending: list[str] = []
        self._option = "--transform-error" if for_errors else "--transform"
        if self.transform:  # a malformed path is bad input: report it before anything is sent
            from llamacloud_cli.output import gjson

            try:
                gjson.get(None, self.transform)
            except gjson.GJSONPathError as error:
                from llamacloud_cli.errors import UsageError

                raise UsageError(f"{self._option} {self.transform!r}: {error}") from None
        if self.format is OutputFormat.EXPLORE and not _is_tty(self.stream):
            if settings.format_explicit and not for_errors:
                warn(
                    "Output format 'explore' not supported for non-terminal output; "
                    "falling back to 'json'"
                )
            self.format = OutputFormat.JSON
        if self.format is OutputFormat.AUTO:
            self.format = OutputFormat.JSON
        self.color = self.format in (OutputFormat.JSON, OutputFormat.JSONL) and color_enabled(
            self.stream
        )

    # -- public -----------------------------------------------------------------------------

    def single(self, data: Any, raw: bytes | None = None) -> None:
        if self.format is OutputFormat.EXPLORE:
            from llamacloud_cli.output.explore import explore

            explore(data, title=self.title)
            return
        if self.format is OutputFormat.RAW and raw is not None and not self.transform:
            self._write_bytes(raw)
            return
        self._emit(data)

    def stream_items(self, items: Iterable[Any]) -> int:
        """Print each item as it arrives; returns how many were printed."""
        if self.format is OutputFormat.EXPLORE:
            from llamacloud_cli.output.explore import explore

            collected = list(items)
            explore(collected, title=self.title)
            return len(collected)
        if (
            self.format in (OutputFormat.JSONL, OutputFormat.RAW)
            and not self.transform
            and not self.color
            and not self.raw_output
        ):
            return self._stream_lines(items)
        count = 0
        for item in items:
            self._emit(item)
            count += 1
        return count

    def _stream_lines(self, items: Iterable[Any]) -> int:
        """JSON lines, written a page at a time (see `flush`): one write per page instead
        of one per item, which matters when stdout is unbuffered (PYTHONUNBUFFERED=1)."""
        encode = _COMPACT.encode
        pending = self._pending
        count = 0
        for item in items:
            pending.append(encode(item))
            count += 1
        self.flush()
        return count

    def flush(self) -> None:
        """Write what is pending and flush the stream (called after each page)."""
        if self._pending:
            self.stream.write("\n".join(self._pending) + "\n")
            self._pending.clear()
        self.stream.flush()

    def raw_pages(self, pages: Iterable[bytes]) -> None:
        for raw in pages:
            self._write_bytes(raw)

    # -- internals --------------------------------------------------------------------------

    def _emit(self, value: Any) -> None:
        value = self._apply_transform(value)
        if self.raw_output and isinstance(value, str):
            self._write(value + "\n")
            return
        fmt = self.format
        if fmt is OutputFormat.JSONL or fmt is OutputFormat.RAW:
            self._write_json(_COMPACT.encode(value), compact=True)
        elif fmt is OutputFormat.YAML:
            from llamacloud_cli.output.yaml_out import dump_yaml

            if self._count:
                self._write("---\n")
            self._write(dump_yaml(value))
        elif fmt is OutputFormat.PRETTY:
            from llamacloud_cli.output.pretty import render_pretty

            render_pretty(value, title=self.title, stream=self.stream)
        else:
            self._write_json(json.dumps(value, ensure_ascii=False, indent=2), compact=False)
        self._count += 1

    def _apply_transform(self, value: Any) -> Any:
        if not self.transform:
            return value
        from llamacloud_cli.output import gjson

        try:
            result = gjson.get(value, self.transform)
        except gjson.GJSONPathError as error:
            from llamacloud_cli.errors import UsageError

            raise UsageError(f"{self._option} {self.transform!r}: {error}") from None
        if result is gjson.MISSING:
            if not self._warned_transform:
                warn(f"{self._option} {self.transform!r} matched nothing; printing the value as is")
                self._warned_transform = True
            return value
        return result

    def _write_json(self, text: str, *, compact: bool) -> None:
        if self.color:
            from llamacloud_cli.output.pretty import highlight_json

            self._write(highlight_json(text) + "\n")
        else:
            self._write(text + "\n")

    def _write(self, text: str) -> None:
        self.stream.write(text)

    def _write_bytes(self, raw: bytes) -> None:
        self.stream.flush()
        buffer = getattr(self.stream, "buffer", None)
        if buffer is not None:
            buffer.write(raw.rstrip(b"\n") + b"\n")
            buffer.flush()
        else:
            self.stream.write(raw.decode("utf-8", "replace").rstrip("\n") + "\n")


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

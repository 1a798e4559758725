"""Human views (`--format pretty`) and JSON colouring, both drawn with rich.

Every server string passes through `sanitize` and is placed in a `Text` object, never
interpolated into markup, so neither escape sequences nor `[brackets]` can act on the terminal.
"""

from __future__ import annotations

import io
from typing import Any, TextIO

from llamacloud_cli.output.render import color_enabled
from llamacloud_cli.output.text import sanitize

STATUS_STYLES = {
    "completed": "bold green",
    "failed": "bold red",
    "cancelled": "bold yellow",
    "running": "bold blue",
    "processing": "bold blue",
    "dispatched": "bold cyan",
    "pending": "dim",
    "skipped": "magenta",
}


def highlight_json(text: str) -> str:
    from rich.console import Console
    from rich.highlighter import JSONHighlighter
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=10_000)
    console.print(JSONHighlighter()(Text(text)), end="", soft_wrap=True)
    return buffer.getvalue()


def render_pretty(value: Any, *, title: str, stream: TextIO) -> None:
    import shutil

    from rich import box
    from rich.console import Console
    from rich.panel import Panel
    from rich.text import Text

    # Rendered into a buffer and written here: rich writing (and flushing) the stream itself
    # turns a pipe closed by `| head` into exit 1 instead of a quiet end.
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color_enabled(stream),
        no_color=not color_enabled(stream),
        width=shutil.get_terminal_size().columns if _is_tty(stream) else 100,
        highlight=False,
    )
    body = Text()
    _append(body, value, indent=0)
    body.rstrip()
    heading = Text(sanitize(title) or "result", style="bold")
    console.print(Panel(body, title=heading, title_align="left", box=box.ROUNDED, expand=False))
    stream.write(buffer.getvalue())


def _append(text: Any, value: Any, *, indent: int, key: str | None = None) -> None:
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            text.append(f"{pad}(empty)\n", style="dim")
        for name, item in value.items():
            label = sanitize(str(name))
            if isinstance(item, (dict, list)) and item:
                text.append(f"{pad}{label}:\n", style="bold")
                _append(text, item, indent=indent + 1, key=str(name))
            else:
                text.append(f"{pad}{label}: ", style="bold")
                _append_scalar(text, item, key=str(name))
                text.append("\n")
    elif isinstance(value, list):
        if not value:
            text.append(f"{pad}(none)\n", style="dim")
        for number, item in enumerate(value, start=1):
            if isinstance(item, (dict, list)) and item:
                text.append(f"{pad}{number}.\n", style="dim")
                _append(text, item, indent=indent + 1, key=key)
            else:
                text.append(f"{pad}{number}. ", style="dim")
                _append_scalar(text, item, key=key)
                text.append("\n")
    else:
        text.append(pad)
        _append_scalar(text, value, key=key)
        text.append("\n")


def _append_scalar(text: Any, value: Any, *, key: str | None) -> None:
    if value is None:
        text.append("null", style="dim")
    elif isinstance(value, (list, dict)):  # only empty ones reach here
        text.append("(none)" if isinstance(value, list) else "(empty)", style="dim")
    elif isinstance(value, bool):
        text.append("yes" if value else "no", style="cyan")
    elif isinstance(value, (int, float)):
        shown = f"{value:.1f}%" if key == "progress_percentage" else str(value)
        text.append(shown, style="cyan")
    elif value == "":
        text.append("(empty)", style="dim")
    else:
        shown = sanitize(str(value))
        style = STATUS_STYLES.get(shown) if key == "status" else None
        if key and key.endswith("_at") and "T" in shown:
            shown = _utc_time(shown)
        text.append(shown, style=style)


def _utc_time(text: str) -> str:
    """An ISO 8601 time shown in UTC to the second (a time without offset is taken as UTC).

    Anything that does not parse is shown as sent.
    """
    import datetime
    import re

    cleaned = re.sub(r"[Zz]$", "+00:00", re.sub(r"(T\d\d:\d\d:\d\d)\.\d+", r"\1", text))
    try:
        moment = datetime.datetime.fromisoformat(cleaned)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

"""`--format explore`: a scrollable view of a result on a terminal."""

from __future__ import annotations

import sys
from typing import Any


def explore(value: Any, *, title: str) -> None:
    from rich.console import Console

    from llamacloud_cli.output.pretty import render_pretty

    console = Console(file=sys.stdout)
    with console.pager(styles=True):
        render_pretty(value, title=title, stream=console.file)

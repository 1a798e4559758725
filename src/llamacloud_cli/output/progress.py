"""Progress of `--wait` on stderr: a rich bar on a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from llamacloud_cli.output.text import sanitize

PLAIN_HEARTBEAT_SECONDS = 30.0


def summary(status: dict[str, Any]) -> str:
    job = status["job"]
    total = job.get("total_items") or 0
    done = job.get("processed_items") or 0
    return (
        f"job {sanitize(str(job.get('id')))} {sanitize(str(job.get('status')))}: "
        f"{done}/{total} processed, {job.get('failed_items') or 0} failed, "
        f"{job.get('skipped_items') or 0} skipped "
        f"({float(status.get('progress_percentage') or 0):.0f}%)"
    )


class PlainProgress:
    """One line whenever something changed, and a heartbeat every 30 s otherwise."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self._last_line: str | None = None
        self._last_time = 0.0

    def update(self, status: dict[str, Any]) -> None:
        line = summary(status)
        now = self.clock()
        if line != self._last_line or now - self._last_time >= PLAIN_HEARTBEAT_SECONDS:
            self.stream.write(line + "\n")
            self.stream.flush()
            self._last_line = line
            self._last_time = now

    def close(self) -> None:
        pass


class BarProgress:
    """A rich progress bar: processed, failed and skipped of total, percentage, elapsed."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self._task = self._progress.add_task("waiting", total=None, counts="")
        self._progress.start()

    def update(self, status: dict[str, Any]) -> None:
        job = status["job"]
        total = job.get("total_items") or None
        processed = job.get("processed_items") or 0
        counts = (
            f"{processed}/{total or '?'} processed · {job.get('failed_items') or 0} failed · "
            f"{job.get('skipped_items') or 0} skipped"
        )
        self._progress.update(
            self._task,
            total=total,
            completed=processed,
            description=sanitize(f"{job.get('id')} {job.get('status')}"),
            counts=counts,
        )

    def close(self) -> None:
        self._progress.stop()


def make_progress(stream: TextIO | None = None) -> PlainProgress | BarProgress:
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return BarProgress(stream) if tty else PlainProgress(stream)

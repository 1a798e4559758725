"""Waiting for a batch job to end: a poll loop with a deadline and an injectable clock."""

from __future__ import annotations

import random
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from llamacloud_cli.errors import CliError, InterruptedByUser, JobEndedError, WaitTimeoutError
from llamacloud_cli.models.responses import TERMINAL_JOB_STATUSES

MAX_POLL_INTERVAL = 15.0
GROWTH = 1.2


def monotonic() -> float:
    return time.monotonic()


def pause(seconds: float) -> None:
    """The pause between polls (tests replace it, and `monotonic`, with a fake clock)."""
    time.sleep(seconds)


class ProgressReporter(Protocol):
    def update(self, status: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class WaitOptions:
    poll_interval: float = 2.0
    wait_timeout: float | None = None


def next_interval(current: float, base: float, fraction: float) -> float:
    """Grow gently towards 15 s (or the user's own interval, if larger), ±10 % jitter."""
    ceiling = max(MAX_POLL_INTERVAL, base)
    grown = min(current * GROWTH, ceiling)
    return min(grown * (0.9 + 0.2 * fraction), ceiling)


def wait_for_job(
    job_id: str,
    fetch_status: Callable[[], dict[str, Any]],
    *,
    options: WaitOptions,
    progress: ProgressReporter,
    first_status: dict[str, Any] | None = None,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] | None = None,
    random_fraction: Callable[[], float] | None = None,
) -> dict[str, Any]:
    """Poll get-status until the job is completed, failed or cancelled; return the last answer.

    Raises WaitTimeoutError after `wait_timeout` and InterruptedByUser on Ctrl-C, both naming
    the job and how to resume.
    """
    clock = clock or monotonic
    sleep = sleep or pause
    random_fraction = random_fraction or random.random
    # Quoted: a suggested command must be safe to paste whatever the server called the job.
    resume = f"llamacloud-prod beta:batch get-status {shlex.quote(job_id)} --wait"
    deadline = None if options.wait_timeout is None else clock() + options.wait_timeout
    interval = options.poll_interval
    status = first_status
    try:
        while True:
            if status is None:
                try:
                    status = fetch_status()
                except CliError as error:
                    # The job is unaffected by a failed poll: say which one, and how to go on.
                    error.hint = (
                        error.hint or f"job {job_id} may still be running; resume with: {resume}"
                    )
                    raise
            progress.update(status)
            if status["job"]["status"] in TERMINAL_JOB_STATUSES:
                return status
            if deadline is not None:
                remaining = deadline - clock()
                if remaining <= 0:
                    raise WaitTimeoutError(
                        f"job {job_id} is still {status['job']['status']} after waiting "
                        f"{options.wait_timeout:g} s (--wait-timeout); it keeps running",
                        hint=f"wait again with: {resume}",
                    )
                sleep(min(interval, remaining))
            else:
                sleep(interval)
            interval = next_interval(interval, options.poll_interval, random_fraction())
            status = None
    except KeyboardInterrupt:
        raise InterruptedByUser(
            f"stopped waiting; job {job_id} keeps running on the server",
            hint=f"resume with: {resume}",
        ) from None
    finally:
        progress.close()


def raise_if_unsuccessful(job: dict[str, Any]) -> None:
    status = job.get("status")
    if status in ("failed", "cancelled"):
        detail = f": {job['error_message']}" if job.get("error_message") else ""
        raise JobEndedError(
            f"job {job.get('id')} ended {status} "
            f"({job.get('failed_items') or 0} of {job.get('total_items')} items failed){detail}",
            hint=(
                f"see the failed items with: llamacloud-prod beta:batch:job-items list "
                f"{shlex.quote(str(job.get('id')))} --status failed"
                if status == "failed"
                else f"see the items left undone with: llamacloud-prod beta:batch:job-items "
                f"list {shlex.quote(str(job.get('id')))} --status cancelled"
            ),
        )

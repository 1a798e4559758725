"""When to try a request again, and how long to wait first (CONTRACT §7)."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping

MAX_SERVER_DELAY = 60.0
# Answers that mean the server did not act on the request, so even a create may be re-sent.
NOT_ACTED_STATUSES = frozenset({408, 429, 503})


def should_retry_status(status: int, headers: Mapping[str, str], *, idempotent: bool) -> bool:
    override = headers.get("x-should-retry", "").strip().lower()
    if override == "true":
        return True
    if override == "false":
        return False
    if not idempotent:
        return status in NOT_ACTED_STATUSES
    return status in (408, 409, 429) or status >= 500


def server_delay(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float | None:
    """The wait the server asked for, when it is a sane one (0 < delay <= 60 s)."""
    delay: float | None = None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            delay = float(millis) / 1000
        except ValueError:
            delay = None
    if delay is None:
        after = headers.get("retry-after")
        if after:
            try:
                delay = float(after)
            except ValueError:
                parsed = email.utils.parsedate_to_datetime(after) if _is_http_date(after) else None
                delay = float(parsed.timestamp()) - now() if parsed is not None else None
    if delay is not None and 0 < delay <= MAX_SERVER_DELAY:
        return delay
    return None


def _is_http_date(text: str) -> bool:
    try:
        return email.utils.parsedate_to_datetime(text) is not None
    except (TypeError, ValueError, IndexError):
        return False


def backoff_delay(retry_number: int, random: Callable[[], float]) -> float:
    """0.5 s × 2^n, at most 8 s, shortened by up to 25 % jitter. `retry_number` counts from 0."""
    base: float = min(0.5 * 2.0 ** min(retry_number, 16), 8.0)
    return base * (1 - 0.25 * random())

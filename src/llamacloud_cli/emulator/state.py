"""The emulator's in-memory model of the batch-processing API: jobs, items, progress, paging.

Nothing here touches the network; `server.py` is the HTTP layer on top. Every state change is
computed *lazily* from the injectable clock (`Emulator.clock`, epoch seconds), so tests move time
forward by hand instead of sleeping.

Rules (they are the emulator's documented behaviour):

* Timeline. A job is `pending` for one item period (`item_seconds`) after it is created, then
  `running`. Items are processed **one at a time, in order**, each taking `item_seconds`: item
  `i` is `processing` during `[started_at + i*d, started_at + (i+1)*d)` and finished after it.
  With `item_seconds=0` a job is finished the moment it is created.
* Outcomes. An item whose id contains `fail` (any case) ends `failed` with an `error_message`;
  one whose id contains `skip` ends `skipped` (`skip_reason: already_processed`); every other
  item ends `completed`.
* Counters. `processed_items` = completed + failed items (items that went through processing),
  `failed_items` is the failed part of it, `skipped_items` counts skipped items, and
  `progress_percentage` = (processed + skipped) / total x 100.
* Job status. `pending` -> `running` -> `completed`, or `failed` when no item completed and at
  least one failed (every processed item failed). A job with some failed items is `completed`
  with `failed_items > 0`.
* Cancel. Items not finished at that moment (including the one processing) become `cancelled`
  and the job reports `cancelled` at once. Cancelling a job that already ended (completed,
  failed or cancelled) changes nothing and answers 200 with its unchanged status and a message
  saying so (no 409: the SDK would retry a 409 five times).
* Listing. Jobs are listed **newest first**; items in the order they were given (directory
  files in file order). Both page by `limit`/`offset` with `total_size`. When the list request
  carries a `project_id` the jobs are filtered by it; without one every job is listed.
* Directory mode. A directory id stands for 3-12 synthetic files derived from a hash of the
  seed and the id (`dfl-<dir>-<n>`, names like `report-003.pdf`); the same seed and id always
  give the same files. Item mode: the name is the id (`/` -> `_`) plus `.pdf` unless it already
  has an extension.
* Create validation (422, FastAPI-style `detail` list): `job_config` required and a mapping,
  checked by `models.job_config.check_job_config` (errors refuse, unknown keys or enum values
  are accepted); `item_ids` a list of non-empty strings; exactly one of `directory_id` and a
  non-empty `item_ids`; `page_size`/`continue_as_new_threshold` integers >= 1. `job_type` is
  `classify` for a config with a `rules` key, else `parse`.
* Processing results exist for items that *completed* (one per job that completed the item,
  in job creation order); an item id never seen in any job is 404.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

JOB_STATUSES = ("pending", "running", "dispatched", "completed", "failed", "cancelled")
ITEM_STATUSES = ("pending", "processing", "completed", "failed", "skipped", "cancelled")
JOB_TYPES = ("parse", "extract", "classify")
TERMINAL_JOB_STATUSES = frozenset({"completed", "failed", "cancelled"})

DEFAULT_PROJECT_ID = "00000000-0000-4000-8000-00000000e1a0"
FAILED_ITEM_MESSAGE = "emulated failure: the item id contains 'fail'"

_OK, _FAIL, _SKIP = 0, 1, 2
_EPSILON = 1e-9

JsonObject = dict[str, Any]
Detail = list[JsonObject]


def wall_clock() -> Callable[[], float]:
    """A clock in epoch seconds that never goes backwards (wall time anchored to monotonic)."""
    anchor_wall = time.time()
    anchor_mono = time.monotonic()

    def clock() -> float:
        return anchor_wall + (time.monotonic() - anchor_mono)

    return clock


@dataclass
class EmulatorConfig:
    """How the emulator behaves. Rates are shares of answers in [0, 1]."""

    item_seconds: float = 0.5
    seed: int = 0
    latency: float = 0.0
    fail_rate: float = 0.0
    rate_limit_rate: float = 0.0
    clock: Callable[[], float] = field(default_factory=wall_clock)
    access_log: bool = False
    max_body_bytes: int = 64 * 1024 * 1024

    def __post_init__(self) -> None:
        for name in ("item_seconds", "latency"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        for name in ("fail_rate", "rate_limit_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
        if self.fail_rate + self.rate_limit_rate > 1.0:
            raise ValueError("fail_rate + rate_limit_rate must not exceed 1")
        if self.max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive")


class ApiError(Exception):
    """An answer other than 200: `detail` is a message or a FastAPI-style list of errors."""

    def __init__(self, status: int, detail: str | Detail) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail

    def body(self) -> JsonObject:
        return {"detail": self.detail}


def error(loc: Sequence[str | int], msg: str, type_: str) -> JsonObject:
    """One FastAPI-style validation entry."""
    return {"loc": list(loc), "msg": msg, "type": type_}


def timestamp(seconds: float) -> str:
    """ISO-8601 UTC with milliseconds and `Z`, e.g. `2019-12-27T18:11:19.117Z`."""
    whole = math.floor(seconds)
    millis = min(int((seconds - whole) * 1000), 999)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()


def _uuid_from(data: bytes) -> str:
    """A version-4-shaped UUID string built from 16 bytes."""
    b = bytearray(data[:16])
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_STEMS = ("report", "invoice", "contract", "statement", "memo", "slides", "receipt", "form")
_EXTENSIONS = ("pdf", "pdf", "pdf", "docx", "xlsx", "pptx", "png", "pdf")


def directory_files(directory_id: str, seed: int) -> list[tuple[str, str]]:
    """The synthetic files `(item_id, item_name)` a directory id stands for (3-12 of them)."""
    digest = _digest("directory", seed, directory_id)
    count = 3 + digest[0] % 10
    token = directory_id[4:] if directory_id.startswith("dir-") else directory_id
    files = []
    for n in range(1, count + 1):
        stem = _STEMS[digest[n] % len(_STEMS)]
        ext = _EXTENSIONS[digest[n + 12] % len(_EXTENSIONS)]
        files.append((f"dfl-{token}-{n}", f"{stem}-{n:03d}.{ext}"))
    return files


def item_name_from_id(item_id: str) -> str:
    """Item mode: the file name an item id stands for."""
    base = item_id.replace("/", "_")
    return base if "." in base.rsplit("_", 1)[-1] else f"{base}.pdf"


def _outcome(item_id: str) -> int:
    lowered = item_id.lower()
    if "fail" in lowered:
        return _FAIL
    if "skip" in lowered:
        return _SKIP
    return _OK


def _outcomes(
    item_ids: list[str],
) -> tuple[bytearray, Sequence[int], Sequence[int], Sequence[int]]:
    """Each item's outcome, and the indices of the completed, failed and skipped items."""
    text = "\n".join(item_ids).lower()
    if "fail" not in text and "skip" not in text:  # the common case, at C speed
        return bytearray(len(item_ids)), range(len(item_ids)), [], []
    outcomes = bytearray(_outcome(item_id) for item_id in item_ids)
    buckets: tuple[list[int], list[int], list[int]] = ([], [], [])
    for index, outcome in enumerate(outcomes):
        buckets[outcome].append(index)
    return outcomes, buckets[0], buckets[1], buckets[2]


# ---------------------------------------------------------------------------------------------
# Request validation (pure; the HTTP layer turns ApiError into a response)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _all_non_empty_strings(values: list[Any]) -> bool:
    try:
        "".join(values)  # raises TypeError on a non-string, at C speed
    except TypeError:
        return False
    return "" not in values


@dataclass(frozen=True)
class CreateRequest:
    job_config: JsonObject
    job_type: str
    directory_id: str | None
    item_ids: list[str] | None
    page_size: int | None
    continue_as_new_threshold: int | None


def _check_job_config(config: JsonObject) -> tuple[str, Detail]:
    """(variant, fatal errors as detail entries) from the shared job_config checker.

    Drift (unknown keys or enum values) is accepted, as the real API grows faster than clients.
    """
    try:
        from llamacloud_cli.models.job_config import check_job_config
    except ImportError:  # pragma: no cover - only if the checker is missing
        return ("classify" if "rules" in config else "parse"), []
    report = check_job_config(config, root="job_config")
    return report.variant, [
        error(_loc_of(message), message, "value_error") for message in report.errors
    ]


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _loc_of(message: str) -> list[str | int]:
    """`job_config.rules[0].type: ...` -> `["body", "job_config", "rules", 0, "type"]`."""
    head, sep, _ = message.partition(": ")
    if not sep or not head.startswith("job_config") or " " in head:
        return ["body", "job_config"]
    loc: list[str | int] = ["body"]
    for name, number in _PATH_PART.findall(head):
        loc.append(int(number) if number else name)
    return loc


def validate_create_body(body: object) -> CreateRequest:
    """Check a create body the way the API does; raise ApiError(422) listing every problem."""
    if not isinstance(body, dict):
        raise ApiError(
            422,
            [
                error(
                    ["body"],
                    "Input should be a valid dictionary or object to extract fields from",
                    "model_attributes_type",
                )
            ],
        )
    errors: Detail = []
    job_config = body.get("job_config")
    if "job_config" not in body:
        errors.append(error(["body", "job_config"], "Field required", "missing"))
    elif not isinstance(job_config, dict):
        errors.append(
            error(["body", "job_config"], "Input should be a valid dictionary", "dict_type")
        )

    directory_id = body.get("directory_id")
    if directory_id is not None and not isinstance(directory_id, str):
        errors.append(
            error(["body", "directory_id"], "Input should be a valid string", "string_type")
        )
    elif directory_id == "":
        errors.append(
            error(
                ["body", "directory_id"],
                "String should have at least 1 character",
                "string_too_short",
            )
        )

    item_ids = body.get("item_ids")
    if item_ids is not None:
        if not isinstance(item_ids, list):
            errors.append(error(["body", "item_ids"], "Input should be a valid list", "list_type"))
        elif not _all_non_empty_strings(item_ids):
            for index, item_id in enumerate(item_ids):
                if not isinstance(item_id, str):
                    errors.append(
                        error(
                            ["body", "item_ids", index],
                            "Input should be a valid string",
                            "string_type",
                        )
                    )
                elif not item_id:
                    errors.append(
                        error(
                            ["body", "item_ids", index],
                            "String should have at least 1 character",
                            "string_too_short",
                        )
                    )
                if len(errors) >= 20:
                    break

    for name, nullable in (("page_size", False), ("continue_as_new_threshold", True)):
        if name not in body or (nullable and body[name] is None):
            continue
        value = body[name]
        if not _is_int(value):
            errors.append(error(["body", name], "Input should be a valid integer", "int_type"))
        elif value < 1:
            errors.append(
                error(
                    ["body", name],
                    "Input should be greater than or equal to 1",
                    "greater_than_equal",
                )
            )

    if not errors:
        if directory_id is None and not item_ids:
            errors.append(
                error(
                    ["body"],
                    "Value error, either directory_id or a non-empty item_ids must be given",
                    "value_error",
                )
            )
        elif directory_id is not None and item_ids:
            errors.append(
                error(
                    ["body"],
                    "Value error, give either directory_id or item_ids, not both",
                    "value_error",
                )
            )

    job_type = "parse"
    if isinstance(job_config, dict):
        job_type, config_errors = _check_job_config(job_config)
        errors.extend(config_errors)
    if errors:
        raise ApiError(422, errors)

    assert isinstance(job_config, dict)
    page_size = body.get("page_size")
    threshold = body.get("continue_as_new_threshold")
    return CreateRequest(
        job_config=job_config,
        job_type=job_type if job_type in JOB_TYPES else "parse",
        directory_id=directory_id,
        item_ids=list(item_ids) if item_ids else None,
        page_size=page_size if _is_int(page_size) else None,
        continue_as_new_threshold=threshold if _is_int(threshold) else None,
    )


def parse_int_query(
    name: str, raw: str | None, default: int, *, minimum: int, maximum: int | None = None
) -> int:
    """A query integer (`limit`, `offset`) with FastAPI-style 422 errors."""
    if raw is None or raw == "":
        return default
    loc = ["query", name]
    try:
        value = int(raw.strip())
    except ValueError:
        raise ApiError(
            422,
            [
                error(
                    loc,
                    "Input should be a valid integer, unable to parse string as an integer",
                    "int_parsing",
                )
            ],
        ) from None
    if value < minimum:
        msg = f"Input should be greater than or equal to {minimum}"
        raise ApiError(422, [error(loc, msg, "greater_than_equal")])
    if maximum is not None and value > maximum:
        msg = f"Input should be less than or equal to {maximum}"
        raise ApiError(422, [error(loc, msg, "less_than_equal")])
    return value


def parse_enum_query(name: str, raw: str | None, allowed: Sequence[str]) -> str | None:
    """A query enum (`status`, `job_type`): lower-case wire values only, else 422."""
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        choices = ", ".join(f"'{value}'" for value in allowed[:-1]) + f" or '{allowed[-1]}'"
        raise ApiError(422, [error(["query", name], f"Input should be {choices}", "enum")])
    return raw


# ---------------------------------------------------------------------------------------------
# Jobs


@dataclass(frozen=True)
class _Progress:
    finished: int  # items 0..finished-1 are completed/failed/skipped
    processing: bool  # item `finished` is being processed
    started: bool
    cancelled: bool


@dataclass(eq=False)
class _Job:
    id: str
    seq: int
    job_type: str
    project_id: str
    directory_id: str | None
    job_config: JsonObject
    parameters_hash: str
    created_at: float
    item_seconds: float
    item_ids: list[str]
    item_names: list[str] | None
    ok_idx: Sequence[int]
    fail_idx: Sequence[int]
    skip_idx: Sequence[int]
    outcomes: bytearray
    page_size: int | None = None
    continue_as_new_threshold: int | None = None
    cancelled_at: float | None = None
    cancel_finished: int = 0
    cancel_reason: str | None = None
    _positions: dict[str, int] | None = None

    @property
    def total(self) -> int:
        return len(self.item_ids)

    @property
    def started_at(self) -> float:
        return self.created_at + self.item_seconds

    def item_name(self, index: int) -> str:
        if self.item_names is not None:
            return self.item_names[index]
        return item_name_from_id(self.item_ids[index])

    def item_start(self, index: int) -> float:
        return self.started_at + index * self.item_seconds

    def progress(self, now: float) -> _Progress:
        if self.cancelled_at is not None:
            started = self.cancelled_at >= self.started_at
            return _Progress(self.cancel_finished, False, started, True)
        if now < self.started_at:
            return _Progress(0, False, False, False)
        if self.item_seconds <= 0:
            return _Progress(self.total, False, True, False)
        done = math.floor((now - self.started_at) / self.item_seconds + _EPSILON)
        finished = min(self.total, max(0, done))
        return _Progress(finished, finished < self.total, True, False)

    def counts(self, finished: int) -> tuple[int, int, int]:
        """(completed, failed, skipped) among the first `finished` items."""
        failed = bisect.bisect_left(self.fail_idx, finished)
        skipped = bisect.bisect_left(self.skip_idx, finished)
        return finished - failed - skipped, failed, skipped

    def status(self, progress: _Progress) -> str:
        if progress.cancelled:
            return "cancelled"
        if not progress.started:
            return "pending"
        if progress.finished < self.total:
            return "running"
        completed, failed, _ = self.counts(progress.finished)
        return "failed" if completed == 0 and failed > 0 else "completed"

    def to_json(self, now: float) -> tuple[JsonObject, float]:
        """The BatchJob object at time `now`, and its progress percentage."""
        p = self.progress(now)
        completed, failed, skipped = self.counts(p.finished)
        status = self.status(p)
        completed_at: float | None = None
        if p.cancelled:
            assert self.cancelled_at is not None
            completed_at = updated_at = self.cancelled_at
        elif not p.started:
            updated_at = self.created_at
        else:
            updated_at = self.started_at + p.finished * self.item_seconds
            if p.finished == self.total:
                completed_at = updated_at
        error_message = None
        if status == "failed":
            error_message = f"all {failed} processed items failed"
        job = {
            "id": self.id,
            "job_type": self.job_type,
            "project_id": self.project_id,
            "status": status,
            "total_items": self.total,
            "processed_items": completed + failed,
            "failed_items": failed,
            "skipped_items": skipped,
            "directory_id": self.directory_id,
            "error_message": error_message,
            "job_record_id": None,
            "workflow_id": f"batch-{self.id}",
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(updated_at),
            "started_at": timestamp(self.started_at) if p.started else None,
            "completed_at": timestamp(completed_at) if completed_at is not None else None,
        }
        percentage = round(100.0 * p.finished / self.total, 2) if self.total else 100.0
        return job, percentage

    def item_status(self, index: int, p: _Progress) -> str:
        if index < p.finished:
            return ("completed", "failed", "skipped")[self.outcomes[index]]
        if p.cancelled:
            return "cancelled"
        if p.processing and index == p.finished:
            return "processing"
        return "pending"

    def item_to_json(self, index: int, p: _Progress) -> JsonObject:
        status = self.item_status(index, p)
        start = self.item_start(index)
        started = index < p.finished or status == "processing"
        if status == "cancelled" and self.cancelled_at is not None:
            started = start <= self.cancelled_at and p.started
        item_id = self.item_ids[index]
        return {
            "item_id": item_id,
            "item_name": self.item_name(index),
            "status": status,
            "job_id": self.underlying_job_id(index) if started else None,
            "skip_reason": "already_processed" if status == "skipped" else None,
            "error_message": FAILED_ITEM_MESSAGE if status == "failed" else None,
            "job_record_id": None,
            "started_at": timestamp(start) if started else None,
            "completed_at": (timestamp(start + self.item_seconds) if index < p.finished else None),
        }

    def underlying_job_id(self, index: int) -> str:
        prefix = {"classify": "cjb", "extract": "ejb"}.get(self.job_type, "pjb")
        return f"{prefix}-{_uuid_from(_digest('item-job', self.id, index))}"

    def item_indices(self, status: str | None, p: _Progress) -> Sequence[int]:
        """Indices of the items with `status` (all items when None), in item order."""
        if status is None:
            return range(self.total)
        if status in ("completed", "failed", "skipped"):
            idx = {"completed": self.ok_idx, "failed": self.fail_idx, "skipped": self.skip_idx}
            chosen = idx[status]
            return _Prefix(chosen, bisect.bisect_left(chosen, p.finished))
        if status == "processing":
            return [p.finished] if p.processing else []
        if status == "pending":
            if p.cancelled:
                return []
            return range(p.finished + (1 if p.processing else 0), self.total)
        if status == "cancelled":
            return range(p.finished, self.total) if p.cancelled else []
        return []

    def position(self, item_id: str) -> int | None:
        """Index of the first item with this id (the lookup table is built on first use)."""
        if self._positions is None:
            count = len(self.item_ids)
            self._positions = dict(
                zip(reversed(self.item_ids), range(count - 1, -1, -1), strict=True)
            )
        return self._positions.get(item_id)


class _Prefix(Sequence[int]):
    """The first `length` entries of a sequence, without copying it."""

    def __init__(self, data: Sequence[int], length: int) -> None:
        self._data = data
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            return self._data[start:stop:step]
        if not -self._length <= index < self._length:
            raise IndexError(index)
        return self._data[index % self._length]


def _page(envelope_items: list[JsonObject], total: int) -> JsonObject:
    return {"items": envelope_items, "next_page_token": None, "total_size": total}


class Emulator:
    """Thread-safe in-memory state of the batch API; time comes from `self.clock`."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config if config is not None else EmulatorConfig()
        self.clock: Callable[[], float] = self.config.clock
        self._lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}
        self._order: list[_Job] = []
        self._ids = random.Random(self.config.seed)

    # -- operations -----------------------------------------------------------------------

    def create_job(self, body: object, *, project_id: str | None = None) -> JsonObject:
        """POST /api/v1/beta/batch-processing: validate the body and start a job."""
        request = validate_create_body(body)
        if request.directory_id is not None:
            files = directory_files(request.directory_id, self.config.seed)
            item_ids = [item_id for item_id, _ in files]
            item_names: list[str] | None = [name for _, name in files]
        else:
            assert request.item_ids is not None
            item_ids = request.item_ids
            item_names = None
        outcomes, ok_idx, fail_idx, skip_idx = _outcomes(item_ids)
        config_text = json.dumps(request.job_config, sort_keys=True, separators=(",", ":"))
        with self._lock:
            job_id = "bjb-" + _uuid_from(self._ids.getrandbits(128).to_bytes(16, "big"))
            job = _Job(
                id=job_id,
                seq=len(self._order),
                job_type=request.job_type,
                project_id=project_id or DEFAULT_PROJECT_ID,
                directory_id=request.directory_id,
                job_config=request.job_config,
                parameters_hash=hashlib.sha256(config_text.encode()).hexdigest(),
                created_at=self.clock(),
                item_seconds=self.config.item_seconds,
                item_ids=item_ids,
                item_names=item_names,
                ok_idx=ok_idx,
                fail_idx=fail_idx,
                skip_idx=skip_idx,
                outcomes=outcomes,
                page_size=request.page_size,
                continue_as_new_threshold=request.continue_as_new_threshold,
            )
            self._jobs[job_id] = job
            self._order.append(job)
            return job.to_json(self.clock())[0]

    def get_status(self, job_id: str) -> JsonObject:
        """GET …/{job_id}: `{job, progress_percentage}`."""
        with self._lock:
            job = self._job(job_id)
            body, percentage = job.to_json(self.clock())
        return {"job": body, "progress_percentage": percentage}

    def cancel_job(self, job_id: str, reason: str | None = None) -> JsonObject:
        """POST …/{job_id}/cancel. A job that already ended is left as it is (still 200)."""
        with self._lock:
            job = self._job(job_id)
            now = self.clock()
            p = job.progress(now)
            status = job.status(p)
            completed, failed, _ = job.counts(p.finished)
            if status in TERMINAL_JOB_STATUSES:
                return {
                    "job_id": job.id,
                    "message": f"Batch job {job.id} already ended with status {status}; "
                    "nothing to cancel",
                    "processed_items": completed + failed,
                    "status": status,
                }
            job.cancelled_at = max(now, job.created_at)
            job.cancel_finished = p.finished
            job.cancel_reason = reason
        message = f"Batch job {job.id} cancelled"
        if reason:
            message += f": {reason}"
        return {
            "job_id": job.id,
            "message": message,
            "processed_items": completed + failed,
            "status": "cancelled",
        }

    def list_jobs(
        self,
        *,
        directory_id: str | None = None,
        job_type: str | None = None,
        status: str | None = None,
        project_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> JsonObject:
        """GET /api/v1/beta/batch-processing: newest job first, paged by limit/offset."""
        with self._lock:
            now = self.clock()
            matches: list[JsonObject] = []
            total = 0
            for job in reversed(self._order):
                if directory_id is not None and job.directory_id != directory_id:
                    continue
                if job_type is not None and job.job_type != job_type:
                    continue
                if project_id is not None and job.project_id != project_id:
                    continue
                if status is not None and job.status(job.progress(now)) != status:
                    continue
                if offset <= total < offset + limit:
                    matches.append(job.to_json(now)[0])
                total += 1
        return _page(matches, total)

    def list_items(
        self, job_id: str, *, status: str | None = None, limit: int = 100, offset: int = 0
    ) -> JsonObject:
        """GET …/{job_id}/items: the job's items in order, optionally by item status."""
        with self._lock:
            job = self._job(job_id)
            p = job.progress(self.clock())
            indices = job.item_indices(status, p)
            total = len(indices)
            page = indices[min(offset, total) : min(offset + limit, total)]
            items = [job.item_to_json(index, p) for index in page]
        return _page(items, total)

    def processing_results(self, item_id: str, *, job_type: str | None = None) -> JsonObject:
        """GET …/items/{item_id}/processing-results: one result per job that completed it."""
        with self._lock:
            now = self.clock()
            item_name: str | None = None
            results: list[JsonObject] = []
            for job in self._order:
                index = job.position(item_id)
                if index is None:
                    continue
                if item_name is None:
                    item_name = job.item_name(index)
                p = job.progress(now)
                if job.item_status(index, p) != "completed":
                    continue
                if job_type is not None and job.job_type != job_type:
                    continue
                results.append(self._result(job, index))
        if item_name is None:
            raise ApiError(404, f"Item not found: {item_id}")
        return {"item_id": item_id, "item_name": item_name, "processing_results": results}

    # -- helpers --------------------------------------------------------------------------

    def _job(self, job_id: str) -> _Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise ApiError(404, f"Batch job not found: {job_id}")
        return job

    @staticmethod
    def _result(job: _Job, index: int) -> JsonObject:
        item_id = job.item_ids[index]
        extension = "json" if job.job_type == "classify" else "md"
        safe_item = item_id.replace("/", "%2F")
        return {
            "result_id": "res-" + _uuid_from(_digest("result", job.id, index)),
            "item_id": item_id,
            "job_type": job.job_type,
            "job_config": job.job_config,
            "output_s3_path": (
                f"s3://llamacloud-emulator/{job.project_id}/{job.id}/{safe_item}.{extension}"
            ),
            "parameters_hash": job.parameters_hash,
            "processed_at": timestamp(job.item_start(index) + job.item_seconds),
            "output_metadata": {},
        }

    def job_count(self) -> int:
        with self._lock:
            return len(self._order)

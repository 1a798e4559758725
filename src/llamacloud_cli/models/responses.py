"""What the API answers (api.md §3). Required fields and types are checked, the rest is kept.

Enums are open: a status the client does not know yet (the API grows) is accepted as a string.
The CLI prints the server's JSON, not these models; they only guard against malformed answers.
"""

from typing import Any, Literal

from pydantic import Field

from llamacloud_cli.models.base import ResponseModel

BatchJobStatus = Literal["pending", "running", "dispatched", "completed", "failed", "cancelled"]
BatchItemStatus = Literal["pending", "processing", "completed", "failed", "skipped", "cancelled"]
BatchJobType = Literal["parse", "extract", "classify"]

JOB_STATUSES: tuple[str, ...] = BatchJobStatus.__args__  # type: ignore[attr-defined]
ITEM_STATUSES: tuple[str, ...] = BatchItemStatus.__args__  # type: ignore[attr-defined]
JOB_TYPES: tuple[str, ...] = BatchJobType.__args__  # type: ignore[attr-defined]
TERMINAL_JOB_STATUSES = frozenset({"completed", "failed", "cancelled"})


class BatchJob(ResponseModel):
    """`BetaBatchNewResponse`: the create answer, each list item, and get-status's `job`."""

    id: str
    job_type: str
    project_id: str
    status: str
    total_items: int
    processed_items: int | None = None
    failed_items: int | None = None
    skipped_items: int | None = None
    directory_id: str | None = None
    error_message: str | None = None
    job_record_id: str | None = None
    workflow_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    effective_at: str | None = None


class BatchGetStatusResponse(ResponseModel):
    job: BatchJob
    progress_percentage: float


class BatchJobPage(ResponseModel):
    items: list[BatchJob]
    next_page_token: str | None = None
    total_size: int | None = None


class BatchCancelResponse(ResponseModel):
    job_id: str
    message: str
    processed_items: int
    status: str


class JobItem(ResponseModel):
    item_id: str
    item_name: str
    status: str
    job_id: str | None = None
    skip_reason: str | None = None
    error_message: str | None = None
    job_record_id: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    effective_at: str | None = None


class JobItemPage(ResponseModel):
    items: list[JobItem] = Field(default_factory=list)
    next_page_token: str | None = None
    total_size: int | None = None


class ProcessingResult(ResponseModel):
    result_id: str
    item_id: str
    job_type: str
    job_config: dict[str, Any]
    output_s3_path: str
    parameters_hash: str
    processed_at: str
    output_metadata: Any = None


class ProcessingResultsResponse(ResponseModel):
    item_id: str
    item_name: str
    processing_results: list[ProcessingResult] = Field(default_factory=list)

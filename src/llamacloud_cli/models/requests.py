"""The six requests (api.md §1). Each field says where it goes and under which wire name."""

from typing import Annotated, Any, ClassVar, Literal

from pydantic import ConfigDict, Field, StringConstraints

from llamacloud_cli.models.base import Body, Header, Path, Query, RequestModel

NonEmpty = Annotated[str, StringConstraints(min_length=1)]
PageSize = Annotated[int, Field(ge=1)]
Offset = Annotated[int, Field(ge=0)]
JobStatus = Literal["pending", "running", "dispatched", "completed", "failed", "cancelled"]
ItemStatus = Literal["pending", "processing", "completed", "failed", "skipped", "cancelled"]
JobType = Literal["parse", "extract", "classify"]

BASE = "/api/v1/beta/batch-processing"


class ScopedRequest(RequestModel):
    organization_id: Annotated[str | None, Query()] = None
    project_id: Annotated[str | None, Query()] = None


class CreateBatchRequest(ScopedRequest):
    method: ClassVar[str] = "POST"
    path: ClassVar[str] = BASE
    idempotent: ClassVar[bool] = False
    # Unknown body keys are checked by the command (warn/strict/ignore) and then sent as given.
    model_config = ConfigDict(extra="allow")

    job_config: Annotated[dict[str, Any], Body()]
    directory_id: Annotated[str | None, Body()] = None
    item_ids: Annotated[list[NonEmpty] | None, Body()] = None
    page_size: Annotated[PageSize, Body()] = 100
    continue_as_new_threshold: Annotated[PageSize | None, Body()] = None
    temporal_namespace: Annotated[str | None, Header("temporal-namespace")] = None


class ListBatchesRequest(ScopedRequest):
    method: ClassVar[str] = "GET"
    path: ClassVar[str] = BASE

    directory_id: Annotated[str | None, Query()] = None
    job_type: Annotated[JobType | None, Query()] = None
    status: Annotated[JobStatus | None, Query()] = None
    limit: Annotated[PageSize | None, Query()] = None
    offset: Annotated[Offset | None, Query()] = None


class GetBatchStatusRequest(ScopedRequest):
    method: ClassVar[str] = "GET"
    path: ClassVar[str] = BASE + "/{job_id}"

    job_id: Annotated[NonEmpty, Path()]


class CancelBatchRequest(ScopedRequest):
    method: ClassVar[str] = "POST"
    path: ClassVar[str] = BASE + "/{job_id}/cancel"

    job_id: Annotated[NonEmpty, Path()]
    reason: Annotated[str | None, Body()] = None
    temporal_namespace: Annotated[str | None, Header("temporal-namespace")] = None


class ListJobItemsRequest(ScopedRequest):
    method: ClassVar[str] = "GET"
    path: ClassVar[str] = BASE + "/{job_id}/items"

    job_id: Annotated[NonEmpty, Path()]
    status: Annotated[ItemStatus | None, Query()] = None
    limit: Annotated[PageSize | None, Query()] = None
    offset: Annotated[Offset | None, Query()] = None


class GetProcessingResultsRequest(ScopedRequest):
    method: ClassVar[str] = "GET"
    path: ClassVar[str] = BASE + "/items/{item_id}/processing-results"

    item_id: Annotated[NonEmpty, Path()]
    job_type: Annotated[JobType | None, Query()] = None

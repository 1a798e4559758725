"""`beta:batch` commands: parse the flags, call the API, render the answer."""

import enum
from itertools import islice
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llamacloud_cli.commands._options import (
    Limit,
    MaxItems,
    Offset,
    OrganizationId,
    ProjectId,
    TemporalNamespace,
)
from llamacloud_cli.errors import UsageError, boundary

if TYPE_CHECKING:
    from llamacloud_cli.commands._common import Session
    from llamacloud_cli.models.base import RequestModel, ResponseModel

# Command bodies import the client, models and renderers when they run, so that `--help`
# and completion only pay for Typer.


class ValidateMode(str, enum.Enum):
    WARN = "warn"
    STRICT = "strict"
    IGNORE = "ignore"


JobIdArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="JOB_ID", help="The batch job id (or use --job-id).", show_default=False
    ),
]
JobIdOption = Annotated[
    str | None, typer.Option("--job-id", help="The batch job id.", show_default=False)
]
Wait = Annotated[
    bool, typer.Option("--wait", help="Poll until the job is completed, failed or cancelled.")
]
PollInterval = Annotated[
    float, typer.Option(help="Seconds between polls at first; grows gently to 15.", min=0.05)
]
WaitTimeout = Annotated[
    float | None,
    typer.Option(
        help="Give up waiting after this many seconds (exit 9). Default: no limit.",
        min=0,
        show_default=False,
    ),
]


@boundary
def create(
    ctx: typer.Context,
    job_config: Annotated[
        str | None,
        typer.Option(
            help="Job configuration, a parse or classify config: JSON or YAML text, @file, or @- for stdin.",
            metavar="JSON|YAML|@FILE",
            show_default=False,
        ),
    ] = None,
    organization_id: OrganizationId = None,
    project_id: ProjectId = None,
    directory_id: Annotated[
        str | None,
        typer.Option(help="Process every file of this directory.", show_default=False),
    ] = None,
    item_id: Annotated[
        list[str] | None,
        typer.Option(
            help="Item to process; repeatable. Also a JSON/YAML list, or @file with one id per line.",
            metavar="ID|LIST|@FILE",
            show_default=False,
        ),
    ] = None,
    page_size: Annotated[
        int | None,
        typer.Option(
            help="Files per batch in directory mode (server default: 100).", show_default=False
        ),
    ] = None,
    continue_as_new_threshold: Annotated[
        int | None,
        typer.Option(
            help="Most files per execution cycle in directory mode (server default: page size).",
            show_default=False,
        ),
    ] = None,
    temporal_namespace: TemporalNamespace = None,
    validate: Annotated[
        ValidateMode,
        typer.Option(
            help="Unknown fields and enum values: warn and send, strict: refuse, ignore: only check syntax.",
            case_sensitive=False,
        ),
    ] = ValidateMode.WARN,
    wait: Wait = False,
    poll_interval: PollInterval = 2.0,
    wait_timeout: WaitTimeout = None,
) -> None:
    """Create a batch processing job over a directory or a list of items."""
    from llamacloud_cli.commands import _common as common
    from llamacloud_cli.inputs import ids_from_list, parse_item_ids, parse_object_option
    from llamacloud_cli.models import requests, responses
    from llamacloud_cli.wait import raise_if_unsuccessful

    with common.session(ctx, "beta:batch create") as session:
        flags: dict[str, Any] = {
            "organization_id": organization_id,
            "project_id": project_id,
            "directory_id": directory_id,
            "page_size": page_size,
            "continue_as_new_threshold": continue_as_new_threshold,
            "temporal_namespace": temporal_namespace,
        }
        if job_config is not None:
            flags["job_config"] = parse_object_option(job_config, "--job-config", session.stdin)
            if flags["job_config"] is None:  # `null`, `~` or only comments: not "missing"
                raise UsageError("--job-config must be a mapping (a JSON or YAML object), got null")
        if item_id:
            flags["item_ids"] = parse_item_ids(item_id, session.stdin)
        fields = common.merge(session.piped(), flags)
        if "item_ids" in fields and not item_id and isinstance(fields["item_ids"], list):
            fields["item_ids"] = ids_from_list(fields["item_ids"], "item_ids")
        check_create(fields, validate)
        request = common.build_request(requests.CreateBatchRequest, fields)
        response = session.send(request, responses.BatchJob)
        if response is None:
            return
        if not wait:
            session.out.single(response.data, response.raw)
            return
        final = _wait(session, response.data["id"], poll_interval, wait_timeout, request)
        session.out.single(final["job"])
        raise_if_unsuccessful(final["job"])


def check_create(fields: dict[str, Any], mode: ValidateMode) -> None:
    """CONTRACT §5: everything that can be known wrong before sending."""
    from llamacloud_cli.commands._common import one_or_listed
    from llamacloud_cli.inputs import describe_type
    from llamacloud_cli.models import requests
    from llamacloud_cli.output.render import warn

    if "job_config" not in fields:
        raise UsageError("missing --job-config (or job_config in piped input)")
    config = fields["job_config"]
    if not isinstance(config, dict):
        raise UsageError(
            f"job_config must be a mapping (a JSON or YAML object), got {describe_type(config)}"
        )
    if mode is ValidateMode.IGNORE:
        return
    problems: list[str] = []
    drift: list[str] = []
    variant = "parse"
    if config:  # `{}` is a complete parse config: nothing to check, no checker to load
        from llamacloud_cli.models.job_config import check_job_config

        report = check_job_config(config)
        problems += report.errors
        drift += report.drift
        variant = report.variant
    known = set(requests.CreateBatchRequest.model_fields)
    drift += [f"{key}: unknown request field" for key in fields if key not in known]
    if fields.get("directory_id") in (None, "") and not fields.get("item_ids"):
        problems.append("give --directory-id or at least one --item-id (or either in piped input)")
    elif fields.get("directory_id") and fields.get("item_ids"):
        problems.append(
            "give either --directory-id or --item-id, not both: they are two modes of a job"
        )
    if mode is ValidateMode.STRICT:
        problems += [f"{line} (--validate strict)" for line in drift]
    elif drift:
        for line in drift:
            warn(f"{line}; sent anyway (--validate strict refuses it)")
    if problems:
        raise UsageError(f"invalid {variant} job, nothing was sent: {one_or_listed(problems)}")


def _wait(
    session: "Session",
    job_id: str,
    poll_interval: float,
    wait_timeout: float | None,
    scope: Any,
    first: dict[str, Any] | None = None,
) -> dict[str, Any]:
    from llamacloud_cli.models import requests, responses
    from llamacloud_cli.output.progress import make_progress
    from llamacloud_cli.wait import WaitOptions, wait_for_job

    status_request = requests.GetBatchStatusRequest(
        job_id=job_id,
        **{k: getattr(scope, k) for k in ("organization_id", "project_id") if getattr(scope, k)},
    )

    def fetch() -> dict[str, Any]:
        data: dict[str, Any] = session.client.send(
            status_request, responses.BatchGetStatusResponse
        ).data
        return data

    return wait_for_job(
        job_id,
        fetch,
        options=WaitOptions(poll_interval, wait_timeout),
        progress=make_progress(),
        first_status=first,
    )


@boundary
def list_jobs(
    ctx: typer.Context,
    directory_id: Annotated[
        str | None, typer.Option(help="Only jobs of this directory.", show_default=False)
    ] = None,
    job_type: Annotated[
        str | None,
        typer.Option(help="Only jobs of this type: parse, extract, classify.", show_default=False),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only jobs in this status: pending, running, dispatched, completed, failed, cancelled.",
            show_default=False,
        ),
    ] = None,
    limit: Limit = None,
    offset: Offset = None,
    organization_id: OrganizationId = None,
    project_id: ProjectId = None,
    max_items: MaxItems = None,
) -> None:
    """List batch jobs, newest pages fetched lazily as they are printed."""
    from llamacloud_cli.commands import _common as common
    from llamacloud_cli.models import requests, responses

    with common.session(ctx, "beta:batch list") as session:
        fields = common.merge(
            session.piped(),
            {
                "directory_id": directory_id,
                "job_type": job_type,
                "status": status,
                "limit": limit,
                "offset": offset,
                "organization_id": organization_id,
                "project_id": project_id,
            },
        )
        request = common.build_request(requests.ListBatchesRequest, fields)
        stream_list(session, request, responses.BatchJobPage, max_items)


def stream_list(
    session: "Session",
    request: "RequestModel",
    page_model: "type[ResponseModel]",
    max_items: int | None,
) -> None:
    from llamacloud_cli.commands import _common as common
    from llamacloud_cli.settings import OutputFormat

    if session.settings.dry_run:
        session.send(request, page_model)
        return
    limit = common.check_max_items(max_items)
    pages = session.client.pages(request, page_model)
    if session.out.format is OutputFormat.RAW and not session.settings.transform:
        session.out.raw_pages(page.raw for page in _pages_until(pages, limit))
        return
    pages = _flushed(pages, session.out)
    items = (item for page in pages for item in (page.data.get("items") or []))
    session.out.stream_items(items if limit is None else islice(items, limit))


def _flushed(pages: Any, out: Any) -> Any:
    """Show a page's items before waiting for the next page (a pipe buffers stdout)."""
    for page in pages:
        yield page
        out.flush()


def _pages_until(pages: Any, limit: int | None) -> Any:
    # Checked after each page, not before the next: reaching the limit fetches nothing more.
    if limit == 0:
        return
    seen = 0
    for page in pages:
        yield page
        seen += len(page.data.get("items") or [])
        if limit is not None and seen >= limit:
            return


@boundary
def get_status(
    ctx: typer.Context,
    job_id_arg: JobIdArgument = None,
    job_id: JobIdOption = None,
    organization_id: OrganizationId = None,
    project_id: ProjectId = None,
    wait: Wait = False,
    poll_interval: PollInterval = 2.0,
    wait_timeout: WaitTimeout = None,
) -> None:
    """Show a job's status and progress; with --wait, follow it to the end."""
    from llamacloud_cli.commands import _common as common
    from llamacloud_cli.models import requests, responses
    from llamacloud_cli.wait import raise_if_unsuccessful

    with common.session(ctx, "beta:batch get-status") as session:
        fields = common.merge(
            session.piped(),
            {
                "job_id": common.path_param(job_id, job_id_arg, "job_id"),
                "organization_id": organization_id,
                "project_id": project_id,
            },
        )
        common.require(fields, "job_id", "job id: give it as JOB_ID or --job-id")
        request = common.build_request(requests.GetBatchStatusRequest, fields)
        response = session.send(request, responses.BatchGetStatusResponse)
        if response is None:
            return
        if not wait:
            session.out.single(response.data, response.raw)
            return
        final = _wait(session, request.job_id, poll_interval, wait_timeout, request, response.data)
        session.out.single(final)
        raise_if_unsuccessful(final["job"])


@boundary
def cancel(
    ctx: typer.Context,
    job_id_arg: JobIdArgument = None,
    job_id: JobIdOption = None,
    organization_id: OrganizationId = None,
    project_id: ProjectId = None,
    reason: Annotated[
        str | None, typer.Option(help="Why the job is cancelled.", show_default=False)
    ] = None,
    temporal_namespace: TemporalNamespace = None,
) -> None:
    """Cancel a job: pending items are cancelled, running ones may still finish."""
    from llamacloud_cli.commands import _common as common
    from llamacloud_cli.models import requests, responses

    common.send_and_print(
        ctx,
        "beta:batch cancel",
        requests.CancelBatchRequest,
        responses.BatchCancelResponse,
        {
            "job_id": common.path_param(job_id, job_id_arg, "job_id"),
            "organization_id": organization_id,
            "project_id": project_id,
            "reason": reason,
            "temporal_namespace": temporal_namespace,
        },
        required=("job_id", "job id: give it as JOB_ID or --job-id"),
    )

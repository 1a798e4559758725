"""`beta:batch:job-items` commands."""

from typing import Annotated

import typer

from llamacloud_cli.commands._options import Limit, MaxItems, Offset, OrganizationId, ProjectId
from llamacloud_cli.commands.batch import JobIdArgument, JobIdOption, stream_list
from llamacloud_cli.errors import boundary


@boundary
def list_items(
    ctx: typer.Context,
    job_id_arg: JobIdArgument = None,
    job_id: JobIdOption = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only items in this status: pending, processing, completed, failed, skipped, cancelled.",
            show_default=False,
        ),
    ] = None,
    limit: Limit = None,
    offset: Offset = None,
    organization_id: OrganizationId = None,
    project_id: ProjectId = None,
    max_items: MaxItems = None,
) -> None:
    """List the items of a job, e.g. the failed ones."""
    from llamacloud_cli.commands import _common as common
    from llamacloud_cli.models import requests, responses

    with common.session(ctx, "beta:batch:job-items list") as session:
        fields = common.merge(
            session.piped(),
            {
                "job_id": common.path_param(job_id, job_id_arg, "job_id"),
                "status": status,
                "limit": limit,
                "offset": offset,
                "organization_id": organization_id,
                "project_id": project_id,
            },
        )
        common.require(fields, "job_id", "job id: give it as JOB_ID or --job-id")
        request = common.build_request(requests.ListJobItemsRequest, fields)
        stream_list(session, request, responses.JobItemPage, max_items)


@boundary
def get_processing_results(
    ctx: typer.Context,
    item_id_arg: Annotated[
        str | None,
        typer.Argument(
            metavar="ITEM_ID", help="The item id (or use --item-id).", show_default=False
        ),
    ] = None,
    item_id: Annotated[
        str | None, typer.Option("--item-id", help="The item id.", show_default=False)
    ] = None,
    job_type: Annotated[
        str | None,
        typer.Option(
            help="Only results of this type: parse, extract, classify.", show_default=False
        ),
    ] = None,
    organization_id: OrganizationId = None,
    project_id: ProjectId = None,
) -> None:
    """Show every processing result (lineage) of one item."""
    from llamacloud_cli.commands import _common as common
    from llamacloud_cli.models import requests, responses

    common.send_and_print(
        ctx,
        "beta:batch:job-items get-processing-results",
        requests.GetProcessingResultsRequest,
        responses.ProcessingResultsResponse,
        {
            "item_id": common.path_param(item_id, item_id_arg, "item_id"),
            "job_type": job_type,
            "organization_id": organization_id,
            "project_id": project_id,
        },
        required=("item_id", "item id: give it as ITEM_ID or --item-id"),
    )

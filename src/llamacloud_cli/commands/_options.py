"""Option types shared by commands. Kept light: importing this must not import the client."""

from typing import Annotated

import typer

OrganizationId = Annotated[
    str | None, typer.Option(help="Organization to act in (query).", show_default=False)
]
ProjectId = Annotated[
    str | None, typer.Option(help="Project to act in (query).", show_default=False)
]
TemporalNamespace = Annotated[
    str | None,
    typer.Option(
        help="Internal routing header `temporal-namespace` (advanced).", show_default=False
    ),
]
MaxItems = Annotated[
    int | None,
    typer.Option(help="Stop after this many items (negative: no limit).", show_default=False),
]
Limit = Annotated[
    int | None, typer.Option(help="Page size asked of the server.", show_default=False)
]
Offset = Annotated[
    int | None, typer.Option(help="Items to skip before the first.", show_default=False)
]

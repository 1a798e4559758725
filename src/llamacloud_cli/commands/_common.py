"""What every API command shares when it runs: the session, request checks, sending."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer

from llamacloud_cli import errors
from llamacloud_cli.api.client import ApiClient, ApiResponse
from llamacloud_cli.errors import UsageError
from llamacloud_cli.inputs import Stdin, parse_piped_request
from llamacloud_cli.models.base import RequestModel, ResponseModel
from llamacloud_cli.output.render import Renderer
from llamacloud_cli.settings import Settings

R = TypeVar("R", bound=RequestModel)


class Session:
    """One command run: settings, stdin, the API client and the renderers."""

    def __init__(self, ctx: typer.Context, title: str) -> None:
        settings = ctx.find_root().obj()
        if not isinstance(settings, Settings):  # pragma: no cover - the root callback sets it
            raise RuntimeError("settings were not resolved")
        self.settings = settings
        self.title = title
        self.stdin = Stdin()
        self.client = ApiClient(settings)
        self.out = Renderer(settings, title=title)
        Renderer(settings, for_errors=True)  # checks --transform-error before anything is sent
        errors.error_body_renderer = self._render_error_body

    def piped(self) -> dict[str, Any]:
        return parse_piped_request(self.stdin) or {}

    def _render_error_body(self, error: errors.ApiStatusError) -> None:
        from llamacloud_cli.redact import redact_json, scrub
        from llamacloud_cli.settings import OutputFormat

        settings = self.settings
        body = error.body
        if settings.format_error is OutputFormat.RAW and not settings.transform_error:
            sys.stderr.write(scrub(error.raw.decode("utf-8", "replace")).rstrip("\n") + "\n")
            return
        explicit = settings.format_error is not OutputFormat.AUTO or settings.transform_error
        simple = (
            body is None
            or body == ""
            or (
                isinstance(body, dict)
                and set(body) == {"detail"}
                and isinstance(body["detail"], str)
            )
        )
        if simple and not explicit:
            return
        if isinstance(body, str):
            if explicit:
                sys.stderr.write(scrub(body) + "\n")
            return
        Renderer(settings, title="Error", for_errors=True).single(redact_json(body))

    def send(
        self, request: RequestModel, response_model: type[ResponseModel]
    ) -> ApiResponse | None:
        """Send, or with `--dry-run` print the request and return None."""
        if self.settings.dry_run:
            described = self.client.prepare(request).describe()
            sys.stdout.write(json.dumps(described, indent=2, ensure_ascii=False) + "\n")
            return None
        return self.client.send(request, response_model)

    def close(self) -> None:
        self.client.close()


@contextmanager
def session(ctx: typer.Context, title: str) -> Iterator[Session]:
    current = Session(ctx, title)
    try:
        yield current
    finally:
        current.close()


def send_and_print(
    ctx: typer.Context,
    title: str,
    request_model: type[RequestModel],
    response_model: type[ResponseModel],
    flags: dict[str, Any],
    required: tuple[str, str],
) -> None:
    """The whole of a command that sends one request and prints one answer."""
    with session(ctx, title) as current:
        fields = merge(current.piped(), flags)
        require(fields, *required)
        request = build_request(request_model, fields)
        response = current.send(request, response_model)
        if response is not None:
            current.out.single(response.data, response.raw)


def build_request(model: type[R], fields: dict[str, Any]) -> R:
    """Validate request fields before anything is sent; problems exit 2 naming the field."""
    from pydantic import ValidationError

    try:
        return model.model_validate(fields)
    except ValidationError as error:
        lines = [_describe(e) for e in error.errors()]
        raise UsageError("invalid request: " + one_or_listed(lines)) from None


def one_or_listed(problems: list[str]) -> str:
    """One problem stays on the error line; several are listed below it."""
    if len(problems) == 1:
        return problems[0]
    return "\n  " + "\n  ".join(problems)


def _describe(error: Any) -> str:
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
    flag = "--" + str(error["loc"][0]).replace("_", "-") if error["loc"] else ""
    where = f"{loc} ({flag})" if flag and "." not in loc and "[" not in loc else loc
    if error["type"] == "missing":
        return f"{where}: required"
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown field"
    value = error.get("input")
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{where}: {error['msg'][0].lower()}{error['msg'][1:]} (got {shown})"


def merge(piped: dict[str, Any], flags: dict[str, Any]) -> dict[str, Any]:
    """Piped keys first; each flag the user gave replaces a whole top-level key."""
    merged = dict(piped)
    if "temporal-namespace" in merged:
        merged["temporal_namespace"] = merged.pop("temporal-namespace")
    merged.update({name: value for name, value in flags.items() if value is not None})
    # The API's filter enums are lower case; its docs write them upper case, so accept both.
    for name in ("status", "job_type"):
        if isinstance(merged.get(name), str):
            merged[name] = merged[name].lower()
    return merged


def path_param(option: str | None, positional: str | None, name: str) -> str | None:
    if option is not None and positional is not None and option != positional:
        raise UsageError(
            f"--{name.replace('_', '-')} {option!r} and the positional {positional!r} disagree; "
            "give the id once"
        )
    return option if option is not None else positional


def require(fields: dict[str, Any], name: str, how: str) -> None:
    if fields.get(name) in (None, ""):
        raise UsageError(f"missing {how}")


def check_max_items(max_items: int | None) -> int | None:
    if max_items is None or max_items < 0:
        return None
    return max_items

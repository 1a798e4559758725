"""Global options, resolved once: flag, then environment, then default."""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from llamacloud_cli.errors import AuthError, UsageError

N = TypeVar("N", int, float)

DEFAULT_BASE_URL = "https://api.cloud.llamaindex.ai"
DEFAULT_MAX_RETRIES = 2
DEFAULT_TIMEOUT = 60.0
CONNECT_TIMEOUT = 5.0


class OutputFormat(str, enum.Enum):
    AUTO = "auto"
    JSON = "json"
    JSONL = "jsonl"
    PRETTY = "pretty"
    RAW = "raw"
    YAML = "yaml"
    EXPLORE = "explore"


@dataclass(frozen=True)
class Settings:
    api_key: str | None
    base_url: str
    format: OutputFormat
    format_error: OutputFormat
    transform: str | None
    transform_error: str | None
    raw_output: bool
    debug: bool
    dry_run: bool
    max_retries: int
    timeout: float
    format_explicit: bool = False

    def require_api_key(self) -> str:
        if not self.api_key:
            raise AuthError(
                "no API key: pass --api-key or set LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY)",
                hint="for the local emulator any key works, e.g. LLAMA_CLOUD_API_KEY=local",
            )
        return self.api_key


def resolve(
    *,
    api_key: str | None,
    base_url: str | None,
    output_format: OutputFormat,
    format_error: OutputFormat,
    transform: str | None,
    transform_error: str | None,
    raw_output: bool,
    debug: bool,
    dry_run: bool,
    max_retries: int | None,
    timeout: float | None,
    format_explicit: bool = False,
    env: Mapping[str, str] | None = None,
) -> Settings:
    env = os.environ if env is None else env
    key = api_key or env.get("LLAMA_CLOUD_API_KEY") or env.get("LLAMA_PARSE_API_KEY") or None
    url = base_url or env.get("LLAMA_CLOUD_BASE_URL") or DEFAULT_BASE_URL
    if not url.startswith(("http://", "https://")):
        source = "--base-url" if base_url else "LLAMA_CLOUD_BASE_URL"
        raise UsageError(f"{source} {url!r} is missing a scheme (expected http:// or https://)")
    _check_base_url(url)
    seconds = _env_number(timeout, env, "LLAMA_CLOUD_TIMEOUT", float, DEFAULT_TIMEOUT)
    if not 0 < seconds < float("inf"):
        raise UsageError(
            f"--timeout (or LLAMA_CLOUD_TIMEOUT) must be a positive number of seconds, got {seconds:g}"
        )
    return Settings(
        api_key=key,
        base_url=url.rstrip("/"),
        format=output_format,
        format_error=format_error,
        transform=transform,
        transform_error=transform_error,
        raw_output=raw_output,
        debug=debug,
        dry_run=dry_run,
        max_retries=_env_number(
            max_retries, env, "LLAMA_CLOUD_MAX_RETRIES", int, DEFAULT_MAX_RETRIES
        ),
        timeout=seconds,
        format_explicit=format_explicit,
    )


def _env_number(
    given: N | None, env: Mapping[str, str], name: str, kind: Callable[[str], N], default: N
) -> N:
    flag = "--" + name.removeprefix("LLAMA_CLOUD_").lower().replace("_", "-")
    if given is not None:
        value, source = given, flag
    elif env.get(name):
        source = name
        try:
            value = kind(env[name])
        except ValueError:
            raise UsageError(f"{name}={env[name]!r} is not a valid number") from None
    else:
        return default
    if value < 0:
        raise UsageError(f"{source} must not be negative, got {value}")
    return value


def _check_base_url(base_url: str) -> None:
    """A base URL httpx cannot use is bad input (exit 2), found once, before anything is sent."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
        problem = "no host" if not parts.hostname else None
    except ValueError as error:
        problem = str(error)
    if problem is None and any(c.isspace() or ord(c) < 32 for c in parts.netloc):
        problem = "whitespace or control characters in the host"
    if problem:
        raise UsageError(
            f"base URL {base_url!r} is not valid ({problem}); "
            "check --base-url or LLAMA_CLOUD_BASE_URL"
        )

"""Shared fixtures: an isolated environment and a runner for the real Typer app."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from llamacloud_cli import errors, redact
from llamacloud_cli.main import hoist_global_options

TEST_KEY = "llx-test-key-8f3a2c"
BASE_URL = "https://api.test.invalid"
EMULATOR_T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z

ENV_VARS = (
    "LLAMA_CLOUD_API_KEY",
    "LLAMA_PARSE_API_KEY",
    "LLAMA_CLOUD_BASE_URL",
    "LLAMA_CLOUD_MAX_RETRIES",
    "LLAMA_CLOUD_TIMEOUT",
    "NO_COLOR",
    "FORCE_COLOR",
)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LLAMA_CLOUD_API_KEY", TEST_KEY)
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", BASE_URL)
    yield
    errors.debug_enabled = False
    errors.error_body_renderer = None
    redact.forget_secrets()


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries and polls record their pauses instead of waiting."""
    from llamacloud_cli import wait
    from llamacloud_cli.api import client

    slept: list[float] = []
    monkeypatch.setattr(client, "sleep_between_attempts", slept.append)
    monkeypatch.setattr(wait, "pause", slept.append)
    return slept


class FakeClock:
    """A clock for the emulator that moves only when a test says so."""

    def __init__(self, now: float = EMULATOR_T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def json(self) -> Any:
        import json

        return json.loads(self.stdout)


def run(
    args: list[str], input: str | bytes | None = None, env: dict[str, str] | None = None
) -> Result:
    """Run the CLI in-process through the real Typer app, as `main` would."""
    from llamacloud_cli.app import app

    result = CliRunner().invoke(app, hoist_global_options(args), input=input, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr, result.exception)


@pytest.fixture
def cli() -> Any:
    return run


def pytest_configure(config: pytest.Config) -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))

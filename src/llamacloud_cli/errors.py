"""Every failure the CLI can meet, and the one place that turns them into exit codes."""

from __future__ import annotations

import enum
import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar


class ExitCode(enum.IntEnum):
    OK = 0
    BUG = 1
    USAGE = 2
    AUTH = 3
    API_REJECTED = 4
    API_FAILED = 5
    NETWORK = 6
    BAD_RESPONSE = 7
    JOB_FAILED = 8
    WAIT_TIMEOUT = 9
    INTERRUPTED = 130


class CliError(Exception):
    """An expected failure: printed as one clear message, never with a traceback."""

    exit_code: ExitCode = ExitCode.BUG

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(CliError):
    """Bad input: nothing was sent."""

    exit_code = ExitCode.USAGE


class AuthError(CliError):
    exit_code = ExitCode.AUTH


class NetworkError(CliError):
    exit_code = ExitCode.NETWORK


class BadResponseError(CliError):
    exit_code = ExitCode.BAD_RESPONSE


class JobEndedError(CliError):
    """`--wait` saw the job end `failed` or `cancelled`."""

    exit_code = ExitCode.JOB_FAILED


class WaitTimeoutError(CliError):
    exit_code = ExitCode.WAIT_TIMEOUT


class InterruptedByUser(CliError):
    exit_code = ExitCode.INTERRUPTED


class ApiStatusError(CliError):
    """The API answered with a 4xx or 5xx status."""

    def __init__(
        self,
        *,
        method: str,
        url: str,
        status: int,
        reason: str,
        server_message: str,
        body: Any,
        raw: bytes = b"",
        hint: str | None = None,
    ) -> None:
        text = f"{method} {url} failed: HTTP {status} {reason}".rstrip()
        if server_message:
            text += f": {server_message}"
        super().__init__(text, hint=hint)
        self.method = method
        self.url = url
        self.status = status
        self.body = body
        self.raw = raw
        if status in (401, 403):
            self.exit_code = ExitCode.AUTH
        elif status >= 500:
            self.exit_code = ExitCode.API_FAILED
        else:
            self.exit_code = ExitCode.API_REJECTED


F = TypeVar("F", bound=Callable[..., Any])

# Set by the root callback so the boundary knows whether to show tracebacks.
debug_enabled = False
# Renders an API error body on stderr (installed by the output layer once settings are known).
error_body_renderer: Callable[[ApiStatusError], None] | None = None


def report(error: CliError) -> None:
    """Print an expected error on stderr: one line, a hint, and for API errors the body."""
    from llamacloud_cli.output.text import sanitize
    from llamacloud_cli.redact import scrub

    sys.stderr.write(f"Error: {sanitize(scrub(error.message))}\n")
    if isinstance(error, ApiStatusError) and error_body_renderer is not None:
        error_body_renderer(error)
    if error.hint:
        sys.stderr.write(f"Hint: {sanitize(error.hint)}\n")
    sys.stderr.flush()


def fail(error: CliError) -> NoReturn:
    report(error)
    raise SystemExit(int(error.exit_code))


def boundary(func: F) -> F:
    """Wrap a command so every failure becomes a message and an exit code (CONTRACT §7)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CliError as error:
            fail(error)
        except KeyboardInterrupt:
            sys.stderr.write("Interrupted.\n")
            raise SystemExit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:
            _silence_closed_stdout()
            raise SystemExit(int(ExitCode.OK)) from None
        except (SystemExit, GeneratorExit):
            raise
        except Exception as error:  # noqa: BLE001 - the last line of defence
            if debug_enabled:
                import traceback

                traceback.print_exc()
            sys.stderr.write(
                f"Error: unexpected {type(error).__name__}: {error}\n"
                "This is a bug in llamacloud-prod; rerun with --debug for a traceback.\n"
            )
            raise SystemExit(int(ExitCode.BUG)) from None

    return wrapper  # type: ignore[return-value]


def _silence_closed_stdout() -> None:
    """After `| head` closed the pipe, stop Python from complaining at exit."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass

"""Start-up must not regress structurally: each path imports only what it needs.

These tests time nothing (timings belong to `benchmarks/run.py`); they check *which modules*
a fresh process has loaded after a command, which is what decides start-up cost:

* `--version` answers before Typer, httpx, pydantic or rich are imported;
* `--help`, the root's or a command's, imports neither httpx nor pydantic;
* API commands never import rich, YAML, the emulator, the GJSON evaluator, the httpx CLI
  (click/pygments) or the official SDK unless an option asks for them.

Each case runs in a subprocess: the test process itself has imported everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# Runs the real entry point in a fresh interpreter and records what was imported.
DRIVER = """
import json, sys
report, args = sys.argv[1], sys.argv[2:]
from llamacloud_cli.main import main
try:
    code = main(args)
except SystemExit as exit_:
    code = exit_.code
with open(report, "w", encoding="utf-8") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
"""

HEAVY = ("typer", "click", "httpx", "httpcore", "pydantic", "pydantic_core", "rich", "ruamel")
# Never needed by an API command printing JSON (the default off a terminal) or JSON lines.
NEVER_FOR_API = (
    "rich",
    "pygments",
    "markdown_it",
    "ruamel",
    "click",  # typer vendors its own; only httpx's CLI (httpx._main) would bring click in
    "httpx._main",
    "llama_cloud",
    "llamacloud_cli.emulator",
    "llamacloud_cli.output.gjson",
    "llamacloud_cli.output.pretty",
    "llamacloud_cli.output.explore",
    "llamacloud_cli.output.progress",
    "llamacloud_cli.output.yaml_out",
)

KEY = "llx-startup-test-key"
JOB = {
    "id": "bjb-startup-1",
    "job_type": "parse",
    "project_id": "proj-1",
    "status": "pending",
    "total_items": 1,
}


def loaded(modules: list[str] | set[str], name: str) -> bool:
    """True when `name` or any of its submodules was imported.

    A submodule cannot be imported without its package, so for a top-level name the
    package itself decides (a stand-in put in sys.modules under its namespace, such as an
    empty `pydantic.plugin._loader`, does not count as importing pydantic).
    """
    if "." not in name:
        return name in modules
    prefix = name + "."
    return any(m == name or m.startswith(prefix) for m in modules)


def child_env(base_url: str = "http://127.0.0.1:9") -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LLAMA_CLOUD_", "LLAMA_PARSE_"))
        and k not in ("PYTHONPROFILEIMPORTTIME", "FORCE_COLOR", "PYDANTIC_DISABLE_PLUGINS")
    }
    env["LLAMA_CLOUD_API_KEY"] = KEY
    env["LLAMA_CLOUD_BASE_URL"] = base_url
    env["NO_COLOR"] = "1"
    return env


def run_cli(tmp_path: Path, *args: str, base_url: str = "http://127.0.0.1:9") -> set[str]:
    """Run `llamacloud-prod ARGS` through `main()` in a fresh interpreter; its modules."""
    report = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(report), *args],
        stdin=subprocess.DEVNULL,  # a silent pipe would be waited on as piped input
        capture_output=True,
        text=True,
        env=child_env(base_url),
        timeout=120,
    )
    assert report.exists(), f"the CLI did not finish: {proc.stderr[-2000:]}"
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["code"] == 0, f"exit {result['code']}: {proc.stderr[-2000:]}"
    return set(result["modules"])


def assert_not_loaded(modules: set[str], names: tuple[str, ...], what: str) -> None:
    found = sorted(n for n in names if loaded(modules, n))
    assert not found, f"{what} imported {found}"


# -- --version: the fast path --------------------------------------------------------------


def test_version_with_importtime_imports_nothing_heavy() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "llamacloud_cli", "--version"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("llamacloud-prod version ")
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    assert "llamacloud_cli.main" in modules  # the parse found the import lines
    assert_not_loaded(modules, HEAVY + ("llama_cloud", "llamacloud_cli.app"), "--version")


@pytest.mark.parametrize("flag", ["--version", "-v"])
def test_version_through_main(tmp_path: Path, flag: str) -> None:
    modules = run_cli(tmp_path, flag)
    assert_not_loaded(modules, HEAVY + ("llama_cloud", "llamacloud_cli.app"), flag)


# -- --help ---------------------------------------------------------------------------------


def test_root_help_needs_only_typer(tmp_path: Path) -> None:
    modules = run_cli(tmp_path, "--help")
    assert_not_loaded(
        modules,
        ("httpx", "httpcore", "pydantic", "llamacloud_cli.api", "llamacloud_cli.models")
        + NEVER_FOR_API,
        "--help",
    )


def test_command_help_does_not_import_httpx(tmp_path: Path) -> None:
    modules = run_cli(tmp_path, "beta:batch", "create", "--help")
    assert_not_loaded(
        modules,
        ("httpx", "httpcore", "llamacloud_cli.api") + NEVER_FOR_API,
        "beta:batch create --help",
    )


def test_command_help_does_not_import_pydantic(tmp_path: Path) -> None:
    """typer 0.29 would fail this: it coerces every parameter through a pydantic TypeAdapter,
    defaults included, so the root options' defaults alone import pydantic (+~150 ms on every
    subcommand `--help` and usage error). See docs/performance.md before allowing it."""
    modules = run_cli(tmp_path, "beta:batch", "create", "--help")
    assert_not_loaded(modules, ("pydantic", "pydantic_core"), "beta:batch create --help")


# -- API commands ---------------------------------------------------------------------------


def test_create_dry_run_imports_no_extras(tmp_path: Path) -> None:
    modules = run_cli(
        tmp_path, "beta:batch", "create", "--dry-run", "--job-config", "{}", "--item-id", "a"
    )
    assert "llamacloud_cli.models.requests" in modules  # the request really was built
    # Nothing is sent, so not even the HTTP stack is needed.
    assert_not_loaded(modules, NEVER_FOR_API + ("httpx", "httpcore"), "create --dry-run")


class _FixedApi(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _send(self, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        self._send({"items": [JOB, {**JOB, "id": "bjb-startup-2"}], "total_size": 2})

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(JOB)


@pytest.fixture
def api_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FixedApi)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_create_round_trip_imports_no_extras(tmp_path: Path, api_url: str) -> None:
    modules = run_cli(
        tmp_path,
        "beta:batch",
        "create",
        "--job-config",
        "{}",
        "--item-id",
        "a",
        base_url=api_url,
    )
    assert "httpx" in modules  # it did talk to the server
    assert_not_loaded(modules, NEVER_FOR_API, "create")


@pytest.mark.parametrize("fmt", ["jsonl", "json", "raw"])
def test_list_imports_no_extras(tmp_path: Path, api_url: str, fmt: str) -> None:
    modules = run_cli(
        tmp_path, "beta:batch", "list", "--format", fmt, "--limit", "2", base_url=api_url
    )
    assert "httpx" in modules
    assert_not_loaded(modules, NEVER_FOR_API, f"list --format {fmt}")

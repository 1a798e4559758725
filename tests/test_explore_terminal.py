"""`--format explore` on a real terminal: the CLI runs in tmux and is driven by keystrokes."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator

import pytest

from llamacloud_cli.emulator import EmulatorConfig, start_background

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


@pytest.fixture
def tmux() -> Iterator[Callable[..., str]]:
    socket = f"lcp-test-{uuid.uuid4().hex[:8]}"

    def call(*args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=10
        )
        return done.stdout

    yield call
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10)


def _screen_after(tmux: Callable[..., str], wanted: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", "explore")
        if wanted in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{wanted!r} never appeared on the screen:\n{screen}")


def test_explore_browses_a_job_and_prints_the_selected_value(tmux: Callable[..., str]) -> None:
    with start_background(config=EmulatorConfig(item_seconds=0)) as emulator:
        env = {**os.environ, "LLAMA_CLOUD_BASE_URL": emulator.base_url, "LLAMA_CLOUD_API_KEY": "k"}
        created = subprocess.run(
            [sys.executable, "-m", "llamacloud_cli", "beta:batch", "create", "--job-config", "{}",
             "--item-id", "[a, fail-b]", "--transform", "id", "-r"],
            capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, check=True,
        )  # fmt: skip
        job_id = created.stdout.strip()
        command = shlex.join(
            ["env", f"LLAMA_CLOUD_BASE_URL={emulator.base_url}", "LLAMA_CLOUD_API_KEY=k",
             sys.executable, "-m", "llamacloud_cli", "beta:batch", "get-status", job_id,
             "--format", "explore"]
        )  # fmt: skip
        tmux("new-session", "-d", "-s", "explore", "-x", "100", "-y", "24", f"{command}; sleep 30")
        first = _screen_after(tmux, "beta:batch get-status — ")
        assert "▸ job: {…}" in first
        assert "progress_percentage: 100.0" in first

        tmux("send-keys", "-t", "explore", "j", "l")  # down to `job`, expand it
        expanded = _screen_after(tmux, "failed_items: 1")
        assert 'status: "completed"' in expanded

        tmux("send-keys", "-t", "explore", "j", "p")  # select `id`, print it and quit
        printed = _screen_after(tmux, f'"{job_id}"\n')
        assert "↑↓ move" not in printed  # the viewer has closed

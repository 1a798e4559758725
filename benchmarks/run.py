"""Time whole processes of llamacloud-prod against the official SDK, side by side.

    python benchmarks/run.py                  # all benchmarks, 11 runs each
    python benchmarks/run.py --runs 21 --only list-5000,create

Run it with the project's venv Python (it finds `llamacloud-prod` next to `sys.executable`).
It starts `benchmarks/server.py` on 127.0.0.1 (a fixed-answer server; only loopback
traffic), then for each benchmark runs one untimed warm-up of each side and N timed rounds,
alternating ours and the SDK's script (`benchmarks/sdk_client.py`) so that background load
hits both alike. Each child gets stdin from /dev/null and stdout on a pipe that the harness
drains (counting lines), stderr to a file. Time is wall time from spawn to reaping; peak memory
is the child's own max RSS from `os.wait4`.

Every timed run is checked (exit status, lines printed, requests and bytes the server saw),
so a fast failure can never pass for a fast success.

Prints a markdown table and writes `benchmarks/results.json`.

Environment of the children: PYTHONUNBUFFERED and PYTHONDONTWRITEBYTECODE are removed and
PYTHONPYCACHEPREFIX points at a cache dir in the temp dir, so both sides run from compiled
bytecode as after a normal `pip install` (an editable install with PYTHONDONTWRITEBYTECODE=1
would otherwise recompile the CLI's sources on every run). `--keep-env` turns this off.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ID_COUNT = 100_000
LIST_TOTAL = 5000
LIST_LIMIT = 100


@dataclass
class Sample:
    ms: float
    cpu_ms: float  # user + system CPU time of the child
    rss_mib: float
    lines: int
    stats: dict[str, int]


@dataclass
class Bench:
    name: str
    what: str
    ours: list[str]
    sdk: list[str]
    sdk_label: str
    check: Callable[[Sample, str], str | None]  # returns a problem, or None
    target_ratio: float | None = None
    target_rss: bool = False
    sdk_check: Callable[[Sample, str], str | None] | None = (
        None  # default: `check`  # peak RSS must not exceed the SDK's
    )
    ours_samples: list[Sample] = field(default_factory=list)
    sdk_samples: list[Sample] = field(default_factory=list)


# -- checks -----------------------------------------------------------------------------------


def _check_created(min_body: int) -> Callable[[Sample, str], str | None]:
    def check(sample: Sample, out: str) -> str | None:
        if sample.stats.get("POST") != 1:
            return f"server saw {sample.stats.get('POST')} POSTs, expected 1"
        if sample.stats.get("max_body", 0) < min_body:
            return f"body of {sample.stats.get('max_body')} bytes, expected >= {min_body}"
        if '"bjb-' not in out:
            return "the created job was not printed"
        return None

    return check


def _check_list(sample: Sample, out: str) -> str | None:
    if sample.lines != LIST_TOTAL:
        return f"printed {sample.lines} lines, expected {LIST_TOTAL}"
    pages = LIST_TOTAL // LIST_LIMIT
    if sample.stats.get("GET", 0) < pages:
        return f"server saw {sample.stats.get('GET')} GETs, expected >= {pages}"
    return None


def _check_nonempty(sample: Sample, out: str) -> str | None:
    if sample.stats.get("GET") or sample.stats.get("POST"):
        return "unexpected HTTP traffic"
    return None


def _check_help(sample: Sample, out: str) -> str | None:
    if "beta:batch" not in out:
        return "help text does not list beta:batch"
    return _check_nonempty(sample, out)


# -- running ----------------------------------------------------------------------------------


class ServerProcess:
    def __init__(self, python: str) -> None:
        self.proc = subprocess.Popen(
            [python, str(HERE / "server.py"), "--port", "0", "--total", str(LIST_TOTAL)],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise SystemExit(f"benchmark server did not start: {line!r}")
        self.url = line.removeprefix("listening on ")
        self.port = int(self.url.rsplit(":", 1)[1])

    def _call(self, method: str, path: str) -> dict[str, int]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=b"" if method == "POST" else None)
            data: dict[str, int] = json.loads(conn.getresponse().read())
            return data
        finally:
            conn.close()

    def reset(self) -> None:
        self._call("POST", "/__reset")

    def stats(self) -> dict[str, int]:
        return self._call("GET", "/__stats")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def find_gnu_time() -> str | None:
    """GNU time measures the child's peak RSS without the harness's (see `rss_method`)."""
    path = "/usr/bin/time"
    if not os.access(path, os.X_OK):
        return None
    try:
        probe = subprocess.run(
            [path, "-f", "%M", "-o", os.devnull, "true"], capture_output=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if probe.returncode == 0 else None


def run_once(
    argv: list[str], env: dict[str, str], server: ServerProcess, workdir: Path, gnu_time: str | None
) -> tuple[Sample, str]:
    """One timed child: wall time from spawn to reaping, stdout drained and counted.

    Peak RSS: a child's ru_maxrss (wait4) starts at its parent's high-water mark, because
    Linux keeps the larger of the old and new RSS peaks across fork and exec. Forked from
    this Python harness, even `--version` would show the harness's 30-60 MiB. So when GNU
    time exists the child runs under it (a ~2 MiB C process; ~1 ms, the same for both
    sides) and `%M` is read; otherwise wait4's figure is an upper bound.
    """
    server.reset()
    err_path = workdir / "stderr.txt"
    rss_path = workdir / "rss.txt"
    command = [gnu_time, "-f", "%M", "-o", str(rss_path), "--", *argv] if gnu_time else argv
    head = bytearray()
    lines = 0
    with open(err_path, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env
        )
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            lines += chunk.count(b"\n")
            if len(head) < 4096:
                head += chunk[: 4096 - len(head)]
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = (time.perf_counter() - started) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
    code = proc.returncode
    if code != 0:
        message = err_path.read_text(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(argv[:4])} ... exited {code}:\n{message}")
    rss_kib = float(usage.ru_maxrss)
    if gnu_time:
        rss_kib = float(rss_path.read_text().split()[-1])
    cpu_ms = (usage.ru_utime + usage.ru_stime) * 1000
    sample = Sample(elapsed, cpu_ms, rss_kib / 1024, lines, server.stats())
    return sample, head.decode("utf-8", "replace")


def child_env(base_url: str, keep_env: bool) -> dict[str, str]:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("LLAMA_CLOUD_", "LLAMA_PARSE_")) or name in ("FORCE_COLOR", "NO_COLOR"):
            del env[name]
    if not keep_env:
        for name in (
            "PYTHONUNBUFFERED",
            "PYTHONDONTWRITEBYTECODE",
            "PYTHONPROFILEIMPORTTIME",
            "PYTHONDEVMODE",
            "PYTHONTRACEMALLOC",
            "PYTHONASYNCIODEBUG",
        ):
            env.pop(name, None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "llamacloud-prod-bench-pyc")
    env["LLAMA_CLOUD_API_KEY"] = "bench-key"
    env["LLAMA_CLOUD_BASE_URL"] = base_url
    return env


def make_benches(python: str, cli: list[str], ids_file: Path) -> list[Bench]:
    sdk = [python, str(HERE / "sdk_client.py")]
    return [
        Bench(
            "create",
            "create one small job (POST round trip, print the job)",
            cli + ["beta:batch", "create", "--job-config", "{}", "--item-id", "a"],
            sdk + ["create", "a"],
            "client.beta.batch.create(job_config={}, item_ids=['a'])",
            _check_created(10),
            target_ratio=0.5,
        ),
        Bench(
            "help",
            "`llamacloud-prod --help` vs the SDK's bare import",
            cli + ["--help"],
            [python, "-c", "import llama_cloud"],
            "python -c 'import llama_cloud'",
            _check_help,
            target_ratio=0.4,
            sdk_check=_check_nonempty,
        ),
        Bench(
            "create-100k",
            f"create with {ID_COUNT:,} item ids from a file (~3.9 MB body)",
            cli + ["beta:batch", "create", "--job-config", "{}", "--item-id", f"@{ids_file}"],
            sdk + ["create", f"@{ids_file}"],
            "reads the same file, create(item_ids=ids)",
            _check_created(ID_COUNT * 36),
            target_ratio=0.6,
            target_rss=True,
        ),
        Bench(
            "list-5000",
            f"list {LIST_TOTAL:,} jobs over {LIST_TOTAL // LIST_LIMIT} pages as JSON lines",
            cli + ["beta:batch", "list", "--format", "jsonl", "--limit", str(LIST_LIMIT)],
            sdk + ["list", str(LIST_LIMIT)],
            "for item in client.beta.batch.list(limit=100): print(item.to_json(indent=None))",
            _check_list,
            target_ratio=0.8,
        ),
        Bench(
            "version",
            "`--version` vs `import llama_cloud; print(__version__)` (informational)",
            cli + ["--version"],
            [python, "-c", "import llama_cloud; print(llama_cloud.__version__)"],
            "python -c 'import llama_cloud; print(llama_cloud.__version__)'",
            _check_nonempty,
        ),
    ]


def summarize(samples: list[Sample]) -> dict[str, float]:
    ms = [s.ms for s in samples]
    rss = [s.rss_mib for s in samples]
    return {
        "median_ms": round(statistics.median(ms), 1),
        "min_ms": round(min(ms), 1),
        "max_ms": round(max(ms), 1),
        "cpu_median_ms": round(statistics.median(s.cpu_ms for s in samples), 1),
        "rss_mib": round(max(rss), 1),
        "rss_median_mib": round(statistics.median(rss), 1),
    }


def machine() -> dict[str, object]:
    from importlib import metadata

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for dist in (
        "llamacloud-prod",
        "llama-cloud",
        "typer",
        "httpx",
        "httpcore",
        "pydantic",
        "pydantic-core",
        "rich",
        "ruamel.yaml",
    ):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "versions": versions,
    }


def pair_ratio(ours: list[Sample], sdk: list[Sample]) -> float:
    """The median of ours/SDK over alternating pairs: the issue's "median of ratios".

    Each pair ran back to back, so load that slows both sides cancels out within a pair.
    """
    return statistics.median(o.ms / s.ms for o, s in zip(ours, sdk, strict=True))


def verdict(bench: Bench, ratio: float, ours: dict[str, float], sdk: dict[str, float]) -> str:
    if bench.target_ratio is None:
        return "info"
    ok = ratio <= bench.target_ratio
    if bench.target_rss:
        ok = ok and ours["rss_mib"] <= sdk["rss_mib"]
    return "PASS" if ok else "FAIL"


def table(results: list[dict[str, object]]) -> str:
    rows = [
        "| benchmark | ours median ms (min–max) | SDK median ms (min–max) "
        "| ratio (median of pairs) | target "
        "| ours peak RSS MiB | SDK peak RSS MiB | CPU ms ours / SDK | verdict |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        o, s = r["ours"], r["sdk"]
        assert isinstance(o, dict) and isinstance(s, dict)
        target = "–" if r["target_ratio"] is None else f"≤ {r['target_ratio']}"
        if r["target_rss"]:
            target += ", RSS ≤ SDK"
        rows.append(
            f"| {r['name']} | {o['median_ms']:.1f} ({o['min_ms']:.1f}–{o['max_ms']:.1f}) "
            f"| {s['median_ms']:.1f} ({s['min_ms']:.1f}–{s['max_ms']:.1f}) "
            f"| {r['ratio']:.2f} | {target} | {o['rss_mib']:.1f} | {s['rss_mib']:.1f} "
            f"| {o['cpu_median_ms']:.0f} / {s['cpu_median_ms']:.0f} | {r['verdict']} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="llamacloud-prod vs the official SDK")
    parser.add_argument("--runs", type=int, default=11, help="timed runs per side (default 11)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per side first")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument(
        "--entry",
        choices=("script", "module"),
        default="script",
        help="run ours as <venv>/bin/llamacloud-prod or python -m llamacloud_cli",
    )
    parser.add_argument(
        "--keep-env",
        action="store_true",
        help="pass PYTHONUNBUFFERED/PYTHONDONTWRITEBYTECODE through unchanged",
    )
    parser.add_argument("--output", default=str(HERE / "results.json"), help="results JSON path")
    parser.add_argument("--list", action="store_true", help="list benchmark names and exit")
    args = parser.parse_args(argv)

    python = sys.executable
    bindir = Path(python).parent
    cli = (
        [str(bindir / "llamacloud-prod")]
        if args.entry == "script"
        else [python, "-m", "llamacloud_cli"]
    )
    if args.entry == "script" and not Path(cli[0]).exists():
        raise SystemExit(f"{cli[0]} not found: run this with the project's venv Python")

    with tempfile.TemporaryDirectory(prefix="llamacloud-bench-") as tmp:
        workdir = Path(tmp)
        ids_file = workdir / "ids.txt"
        ids_file.write_text(
            "".join(f"{i:08x}-0000-4000-8000-{i:012x}\n" for i in range(ID_COUNT)), encoding="utf-8"
        )
        benches = make_benches(python, cli, ids_file)
        if args.list:
            for b in benches:
                print(f"{b.name:12s} {b.what}")
            return 0
        wanted = [n for n in args.only.split(",") if n]
        unknown = set(wanted) - {b.name for b in benches}
        if unknown:
            raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        if wanted:
            benches = [b for b in benches if b.name in wanted]

        gnu_time = find_gnu_time()
        server = ServerProcess(python)
        env = child_env(server.url, args.keep_env)
        load_before = os.getloadavg()
        results: list[dict[str, object]] = []
        try:
            for bench in benches:
                print(f"· {bench.name}: {bench.what}", file=sys.stderr, flush=True)
                for _ in range(args.warmup):
                    for side in (bench.ours, bench.sdk):
                        run_once(side, env, server, workdir, gnu_time)
                for _ in range(args.runs):
                    sides = (
                        (bench.ours, bench.ours_samples, bench.check),
                        (bench.sdk, bench.sdk_samples, bench.sdk_check or bench.check),
                    )
                    for side, samples, check in sides:
                        sample, out = run_once(side, env, server, workdir, gnu_time)
                        problem = check(sample, out)
                        if problem:
                            raise SystemExit(f"{bench.name}: {' '.join(side[:3])} ...: {problem}")
                        samples.append(sample)
                ours, sdk = summarize(bench.ours_samples), summarize(bench.sdk_samples)
                ratio = pair_ratio(bench.ours_samples, bench.sdk_samples)
                results.append(
                    {
                        "name": bench.name,
                        "what": bench.what,
                        "ours_command": " ".join(
                            Path(a).name if a == cli[0] else a for a in bench.ours
                        ),
                        "sdk_command": bench.sdk_label,
                        "ours": ours,
                        "sdk": sdk,
                        "ratio": round(ratio, 3),
                        "ratio_of_medians": round(ours["median_ms"] / sdk["median_ms"], 3),
                        "rss_ratio": round(ours["rss_mib"] / sdk["rss_mib"], 3),
                        "target_ratio": bench.target_ratio,
                        "target_rss": bench.target_rss,
                        "verdict": verdict(bench, ratio, ours, sdk),
                        "cpu_ratio": round(ours["cpu_median_ms"] / sdk["cpu_median_ms"], 3),
                        "ours_ms": [round(s.ms, 2) for s in bench.ours_samples],
                        "sdk_ms": [round(s.ms, 2) for s in bench.sdk_samples],
                        "ours_cpu_ms": [round(s.cpu_ms, 2) for s in bench.ours_samples],
                        "sdk_cpu_ms": [round(s.cpu_ms, 2) for s in bench.sdk_samples],
                    }
                )
        finally:
            server.stop()

    report = {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "runs": args.runs,
        "warmup": args.warmup,
        "entry": args.entry,
        "clean_env": not args.keep_env,
        "rss_method": "GNU time %M (the child alone)"
        if gnu_time
        else "os.wait4 ru_maxrss (upper bound: includes the harness's RSS at spawn)",
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
        "results": results,
    }
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    m = report["machine"]
    assert isinstance(m, dict)
    print(table(results))
    print(
        f"\n{args.runs} alternating runs per side after {args.warmup} warm-up; "
        f"{m['cpu']}, {m['cpus']} CPUs, Python {m['python']}; "
        f"load average {load_before[0]:.2f} → {os.getloadavg()[0]:.2f}. "
        f"Written to {args.output}"
    )
    return 0 if all(r["verdict"] != "FAIL" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

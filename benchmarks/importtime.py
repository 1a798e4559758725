"""Where start-up time goes: `python -X importtime` per command, summed by package.

    python benchmarks/importtime.py                 # all cases, 5 runs each
    python benchmarks/importtime.py --only create --runs 9 --top 15

For each case it runs `python -X importtime -m llamacloud_cli ...` N times (API commands
against `benchmarks/server.py`), and prints the median of: modules imported, the sum of
self times, and the self time of each top-level package. `-X importtime` adds its own
overhead (roughly +20-30%), so read the figures as shares, not as wall time; wall time is
what `benchmarks/run.py` measures. Which heavy packages each path loads is the structural
part, and `tests/test_startup_imports.py` guards it.
"""

from __future__ import annotations

import argparse
import collections
import re
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ServerProcess, child_env  # noqa: E402 - benchmarks/ is not a package

LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
HEAVY = ("typer", "pydantic", "httpx", "rich", "ruamel", "llama_cloud")
CASES: dict[str, list[str]] = {
    "version": ["--version"],
    "help": ["--help"],
    "create-help": ["beta:batch", "create", "--help"],
    "create-dry-run": ["--dry-run", "beta:batch", "create", "--job-config", "{}", "--item-id", "a"],
    "create": ["beta:batch", "create", "--job-config", "{}", "--item-id", "a"],
    "list": ["beta:batch", "list", "--format", "jsonl", "--limit", "100", "--max-items", "100"],
}


def parse(stderr: str) -> dict[str, int]:
    """Module name -> self time in microseconds."""
    selfs: dict[str, int] = {}
    for line in stderr.splitlines():
        match = LINE.match(line)
        if match:
            selfs[match[4]] = int(match[1])
    return selfs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="import-time breakdown per command")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--top", type=int, default=8, help="packages listed per case")
    args = parser.parse_args(argv)
    wanted = [n for n in args.only.split(",") if n] or list(CASES)

    server = ServerProcess(sys.executable)
    env = child_env(server.url, keep_env=False)
    rows = []
    try:
        for name in wanted:
            counts, totals = [], []
            by_package: dict[str, list[int]] = collections.defaultdict(list)
            heavy: set[str] = set()
            for run in range(args.runs + 1):  # the first run warms the bytecode cache
                proc = subprocess.run(
                    [sys.executable, "-X", "importtime", "-m", "llamacloud_cli", *CASES[name]],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=env,
                    check=False,
                )
                if proc.returncode != 0:
                    raise SystemExit(f"{name}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
                if run == 0:
                    continue
                selfs = parse(proc.stderr)
                counts.append(len(selfs))
                totals.append(sum(selfs.values()))
                packages: collections.Counter[str] = collections.Counter()
                for module, micros in selfs.items():
                    packages[module.split(".")[0]] += micros
                for package in set(by_package) | set(packages):
                    by_package[package].append(packages.get(package, 0))
                heavy |= {h for h in HEAVY if h in packages}
            top = sorted(by_package.items(), key=lambda kv: -statistics.median(kv[1]))
            shown = ", ".join(
                f"{pkg} {statistics.median(v) / 1000:.0f}" for pkg, v in top[: args.top]
            )
            rows.append(
                f"| {name} | {statistics.median(counts):.0f} "
                f"| {statistics.median(totals) / 1000:.0f} "
                f"| {', '.join(h for h in HEAVY if h in heavy) or '–'} | {shown} |"
            )
            print(f"· {name} done", file=sys.stderr, flush=True)
    finally:
        server.stop()
    print("| case | modules | Σ self ms | heavy packages loaded | top packages by self ms |")
    print("| --- | ---: | ---: | --- | --- |")
    print("\n".join(rows))
    print(f"\nMedians of {args.runs} runs of `python -X importtime -m llamacloud_cli ...`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
